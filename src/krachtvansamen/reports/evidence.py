"""The evidence behind every number in a report.

A number in a report links to ``/rapporten/bewijs/<cbs_code>/<year>/?n=<key>`` (or the programme's
``/rapporten/bewijs/programma/<slug>/<year>/?n=<key>``). The key names the figure (``effect:effect.social.contact:2025``,
``factor:factor.governance:hinders``, ``risk:funding_ends`` …), never the ids: the ids are recomputed here from
the same analysis that produced the number, so URLs stay short however many records a number rests on,
and nobody can ask for records by guessing ids.

``neighbourhood_evidence`` and ``programme_evidence`` turn a key into an ``Evidence`` (a title and sets of
record ids per kind); ``evidence_page`` turns that into the records a user may see, a page at a time.
A funder sees counts per kind and only the fragments residents allowed to be quoted (speaker as a role,
never a pseudonym); the number of the other records is said, not shown.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from krachtvansamen.analysis.synthesis import NeighbourhoodAnalysis, ProgrammeAnalysis
from krachtvansamen.coding.models import Coding, Fragment, Instrument
from krachtvansamen.privacy.selectors import quotable

PAGE_SIZE = 200
# Kinds of records, in the order the evidence page lists them.
KINDS = ("fragment", "submission", "activity", "relation", "observation", "assessment", "asset", "person",
         "funding", "cbs", "neighbourhood")  # fmt: skip
RISK_KINDS = {"funding": "funding", "sustainability_assessment": "assessment", "factor_observation": "observation",
              "person": "person", "activity": "activity"}  # fmt: skip
# The figures of the funder report: the only evidence a funder may open (and then only as counts and
# quotable fragments).
FUNDER_KEYS = frozenset({"participants", "activities", "new_ties", "effect", "value", "funding", "structures", "risk",
                         "meeting_places"})  # fmt: skip


class UnknownEvidence(LookupError):
    """The key names no figure of this report."""


@dataclass(frozen=True)
class EvidenceSet:
    kind: str
    ids: tuple[int, ...]


@dataclass(frozen=True)
class Evidence:
    key: str
    title: str
    sets: tuple[EvidenceSet, ...]

    @property
    def total(self) -> int:
        return sum(len(s.ids) for s in self.sets)

    def ids(self, kind: str) -> tuple[int, ...]:
        return tuple(i for s in self.sets if s.kind == kind for i in s.ids)


def _sets(*pairs: tuple[str, Sequence[int]]) -> tuple[EvidenceSet, ...]:
    merged: dict[str, set[int]] = {}
    for kind, ids in pairs:
        merged.setdefault(kind, set()).update(i for i in ids if i is not None)
    return tuple(EvidenceSet(kind, tuple(sorted(merged[kind]))) for kind in KINDS if kind in merged)


def _find(items: Sequence, key: str, attr: str = "key"):
    for item in items:
        if getattr(item, attr) == key:
            return item
    raise UnknownEvidence(key)


def _year(text: str, years: Sequence[int]) -> int:
    if not text.isdigit() or int(text) not in years:
        raise UnknownEvidence(text)
    return int(text)


def _code_label(key: str) -> str:
    from krachtvansamen.framework.models import Code

    code = Code.objects.filter(codebook__is_current=True, key=key).first()
    return code.label if code else key


# --- Fragments and records read straight from the database --------------------------------------------------


def fragment_ids(
    *, neighbourhood_ids: Sequence[int], year: int, instrument: str | None = None
) -> tuple[int, ...]:
    rows = Fragment.objects.filter(neighbourhood_id__in=neighbourhood_ids, year=year)
    if instrument:
        rows = rows.filter(instrument=instrument)
    return tuple(rows.order_by("pk").values_list("pk", flat=True))


def value_fragment_ids(*, neighbourhood_ids: Sequence[int], key: str, year: int) -> tuple[int, ...]:
    """Fragments coded (by a person) with a value.* code, or a user's own code under it."""
    from django.db.models import Q

    return tuple(
        Coding.objects.filter(
            Q(code__key=key) | Q(code__key__startswith=key + "."), fragment__neighbourhood_id__in=neighbourhood_ids,
            fragment__year=year, origin=Coding.Origin.HUMAN,
        ).order_by("fragment_id").values_list("fragment_id", flat=True).distinct()
    )  # fmt: skip


def _activity_ids(neighbourhood_ids: Sequence[int], year: int) -> tuple[int, ...]:
    from krachtvansamen.assets.models import Activity

    return tuple(
        Activity.objects.filter(neighbourhood_id__in=neighbourhood_ids, year=year).values_list(
            "pk", flat=True
        )
    )


def _new_tie_ids(neighbourhood_ids: Sequence[int], year: int) -> tuple[int, ...]:
    from krachtvansamen.network.models import Relation

    return tuple(Relation.objects.filter(neighbourhood_id__in=neighbourhood_ids, year=year, is_new=True)
                 .values_list("pk", flat=True))  # fmt: skip


# --- Figures shared by the neighbourhood and the programme ---------------------------------------------------

Resolver = Callable[..., tuple[str, tuple[EvidenceSet, ...]]]


def _group(inclusion, dimension: str, key: str, year: int, cbs_ids: Sequence[int | None]):
    found = _find(_find(inclusion.dimensions, dimension).groups, key)
    return (
        _("Residents who took part in %(year)s: %(group)s") % {"year": year, "group": found.label},
        _sets(("person", found.person_ids), ("cbs", cbs_ids)),
    )


def _principle(principles, key: str, year: int):
    found = _find(principles, key)
    return (
        _("ABCD principle '%(principle)s' in %(year)s: coded fragments and questionnaire answers")
        % {"principle": found.label, "year": year},
        _sets(("fragment", found.fragment_ids), ("submission", found.submission_ids)),
    )


def _effect(effects, key: str, in_year: str, years: Sequence[int]):
    y = _year(in_year, years)
    row = _find((*effects.levels, *effects.rows), key)
    cell = _find(row.cells, y, "year")
    return (
        _("Fragments about '%(effect)s' in %(year)s") % {"effect": row.label, "year": y},
        _sets(("fragment", cell.fragment_ids)),
    )


def _pair(palet, key_a: str, key_b: str, year: int):
    found = next((p for p in palet.pairs if {p.key_a, p.key_b} == {key_a, key_b}), None)
    if found is None:
        raise UnknownEvidence(f"{key_a}+{key_b}")
    return (
        _("Fragments with both '%(a)s' and '%(b)s' in %(year)s")
        % {"a": _code_label(found.key_a), "b": _code_label(found.key_b), "year": year},
        _sets(("fragment", found.fragment_ids)),
    )


def _value(neighbourhood_ids: Sequence[int], key: str, in_year: str, years: Sequence[int]):
    y = _year(in_year, years)
    if key != "value" and not key.startswith("value."):  # "value": any of the value codes
        raise UnknownEvidence(key)
    return (
        _("Fragments about '%(value)s' in %(year)s") % {"value": _code_label(key), "year": y},
        _sets(("fragment", value_fragment_ids(neighbourhood_ids=neighbourhood_ids, key=key, year=y))),
    )


# --- One neighbourhood ---------------------------------------------------------------------------------------


def _n_resolvers(a: NeighbourhoodAnalysis) -> dict[str, Resolver]:
    nid, year, years = a.neighbourhood.neighbourhood_id, a.year, a.years
    aanpak, verandering, duurzaamheid = a.aanpak, a.verandering, a.duurzaamheid
    inclusion = verandering.inclusion
    leadership = aanpak.leadership

    def fragments():
        return _("All fragments of %(year)s") % {"year": year}, _sets(
            ("fragment", fragment_ids(neighbourhood_ids=[nid], year=year))
        )

    def conversations():
        ids = fragment_ids(neighbourhood_ids=[nid], year=year, instrument=Instrument.WIJKWAARDENKAART)
        return _("Wijkwaardenkaart conversations in %(year)s") % {"year": year}, _sets(("fragment", ids))

    def participants():
        return _("Residents who took part in %(year)s") % {"year": year}, _sets(
            ("person", inclusion.person_ids)
        )

    def group(dimension, key):
        return _group(inclusion, dimension, key, year, [inclusion.cbs_record_id])

    def unknown(dimension):
        found = _find(inclusion.dimensions, dimension)
        return (
            _("Residents who took part without a known %(dimension)s") % {"dimension": found.label},
            _sets(("person", found.unknown_person_ids)),
        )

    def cbs():
        if inclusion.cbs_record_id is None:
            raise UnknownEvidence("cbs")
        return _("CBS Kerncijfers wijken en buurten"), _sets(("cbs", [inclusion.cbs_record_id]))

    def activities(who=""):
        by = {"residents": leadership.resident_activity_ids, "professionals": leadership.professional_activity_ids,
              "together": leadership.together_activity_ids}  # fmt: skip
        if who and who not in by:
            raise UnknownEvidence(who)
        ids = by[who] if who else [i for group_ids in by.values() for i in group_ids]
        titles = {
            "": _("Activities in %(year)s"),
            "residents": _("Activities started by residents in %(year)s"),
            "professionals": _("Activities started by professionals in %(year)s"),
            "together": _("Activities started by residents and professionals together in %(year)s"),
        }
        return titles[who] % {"year": year}, _sets(("activity", ids))

    def assets(category=""):
        if not category:
            return _("Assets recorded up to %(year)s") % {"year": year}, _sets(
                ("asset", aanpak.assets.asset_ids)
            )
        found = _find(aanpak.assets.categories, category, "category")
        return (
            _("Assets up to %(year)s: %(category)s") % {"year": year, "category": found.label},
            _sets(("asset", found.asset_ids)),
        )

    def meeting_places():
        return (
            _("Meeting places up to %(year)s") % {"year": year},
            _sets(("asset", aanpak.assets.meeting_place_ids)),
        )

    def principle(key):
        return _principle(aanpak.principles, key, year)

    def factors():
        return (
            _("Environment factors observed in %(year)s") % {"year": year},
            _sets(("observation", aanpak.factors.observation_ids)),
        )

    def factor(key, direction=""):
        found = _find(aanpak.factors.types, key)
        if direction not in ("", "helps", "hinders"):
            raise UnknownEvidence(direction)
        ids = {"helps": found.helps_observation_ids, "hinders": found.hinders_observation_ids}.get(
            direction, found.helps_observation_ids + found.hinders_observation_ids
        )
        words = {"helps": _("helping"), "hinders": _("hindering"), "": _("all")}[direction]
        return (
            _("Environment factor '%(factor)s' (%(direction)s) in %(year)s")
            % {"factor": found.label, "direction": words, "year": year},
            _sets(("observation", ids)),
        )

    def stacking():
        return (
            _("Hindering environment factors in %(year)s") % {"year": year},
            _sets(("observation", aanpak.factors.hindering_observation_ids)),
        )

    def effect(key, in_year):
        return _effect(verandering.effects, key, in_year, years)

    def palet(which=""):
        if which == "multi":  # a fragment in a pair has two or more effects
            ids = {i for pair in verandering.palet.pairs for i in pair.fragment_ids}
            return _("Fragments with two or more effects in %(year)s") % {"year": year}, _sets(
                ("fragment", ids)
            )
        if which:
            raise UnknownEvidence(which)
        return (
            _("Fragments with at least one effect in %(year)s") % {"year": year},
            _sets(("fragment", verandering.palet.fragment_ids)),
        )

    def pair(key_a, key_b):
        return _pair(verandering.palet, key_a, key_b, year)

    def network_year(in_year):
        return _find(verandering.network, _year(in_year, years), "year")

    def relations(in_year):
        found = network_year(in_year)
        return _("Relations recorded in %(year)s") % {"year": found.year}, _sets(
            ("relation", found.relation_ids)
        )

    def new_ties(in_year):
        found = network_year(in_year)
        return _("New ties in %(year)s") % {"year": found.year}, _sets(("relation", found.new_tie_ids))

    def capital(kind, in_year=str(year)):
        found = _find(network_year(in_year).capital, kind, "capital_type")
        return (
            _("Relations in %(year)s: %(kind)s") % {"year": in_year, "kind": found.label},
            _sets(("relation", found.relation_ids)),
        )

    def hook(kind):
        found = _find(verandering.network_current.hooks, kind, "kind")
        return _("Relations in %(year)s and what brought them about") % {"year": year}, _sets(
            ("relation", found.relation_ids)
        )

    def roles_top():
        c = verandering.network_current.concentration
        return (
            _("The residents who carry the most roles in %(year)s") % {"year": year},
            _sets(("person", c.top_person_ids)),
        )

    def vitality(key, scope="year", direction=""):
        profile = {"year": verandering.vitality, "all": verandering.vitality_all_years}.get(scope)
        if profile is None or direction not in ("", "helps", "hinders"):
            raise UnknownEvidence(scope)
        theme = _find(profile.themes, key)
        ids = {"helps": theme.helps_ids, "hinders": theme.hinders_ids}.get(direction, theme.fragment_ids)
        return _("What residents said about '%(theme)s'") % {"theme": theme.label}, _sets(("fragment", ids))

    def structures():
        return (
            _("Sustainability: structures assessed in %(year)s") % {"year": year},
            _sets(("assessment", duurzaamheid.structures.assessment_ids)),
        )

    def structure(key):
        found = _find((*duurzaamheid.structures.horizontal, *duurzaamheid.structures.vertical), key)
        return (
            _("Sustainability: '%(structure)s' in %(year)s") % {"structure": found.label, "year": year},
            _sets(("assessment", [found.assessment_id] if found.assessment_id else [])),
        )

    def funding():
        return (
            _("Funding that runs in %(year)s or later") % {"year": year},
            _sets(("funding", duurzaamheid.funding.funding_ids)),
        )

    def risk(key):
        found = _find(duurzaamheid.risks, key)
        return found.title, _sets((RISK_KINDS[found.evidence_kind], found.evidence_ids))

    def value(key, in_year):
        return _value([nid], key, in_year, years)

    return {
        "fragments": fragments, "conversations": conversations, "participants": participants, "group": group,
        "unknown": unknown, "cbs": cbs, "activities": activities, "assets": assets, "meeting_places": meeting_places,
        "principle": principle, "factors": factors, "factor": factor, "stacking": stacking, "effect": effect,
        "palet": palet, "pair": pair, "relations": relations, "new_ties": new_ties, "capital": capital, "hook": hook,
        "roles_top": roles_top, "vitality": vitality, "structures": structures, "structure": structure,
        "funding": funding, "risk": risk, "value": value,
    }  # fmt: skip


def _resolve(resolvers: dict[str, Resolver], key: str) -> Evidence:
    name, *args = key.split(":")
    resolver = resolvers.get(name)
    if resolver is None or len(key) > 200:
        raise UnknownEvidence(key)
    try:
        title, sets = resolver(*args)
    except TypeError as error:  # wrong number of parts in the key
        raise UnknownEvidence(key) from error
    return Evidence(key=key, title=title, sets=sets)


def neighbourhood_evidence(*, analysis: NeighbourhoodAnalysis, key: str) -> Evidence:
    return _resolve(_n_resolvers(analysis), key)


# --- A programme ---------------------------------------------------------------------------------------------


def _p_resolvers(p: ProgrammeAnalysis) -> dict[str, Resolver]:
    agg, year, years = p.aggregate, p.year, p.years
    summaries = p.summaries
    ids = [s.neighbourhood.neighbourhood_id for s in summaries]

    def neighbourhoods():
        return _("The neighbourhoods of this synthesis"), _sets(("neighbourhood", ids))

    def focus():
        return (
            _("Focus neighbourhoods"),
            _sets(
                (
                    "neighbourhood",
                    [s.neighbourhood.neighbourhood_id for s in summaries if s.neighbourhood.is_focus],
                )
            ),
        )

    def fragments(in_year=str(year)):
        y = _year(in_year, years)
        return _("All fragments of %(year)s") % {"year": y}, _sets(
            ("fragment", fragment_ids(neighbourhood_ids=ids, year=y))
        )

    def activities(in_year=str(year)):
        y = _year(in_year, years)
        return _("Activities in %(year)s") % {"year": y}, _sets(("activity", _activity_ids(ids, y)))

    def resident_led():
        return (
            _("Activities started by residents in %(year)s") % {"year": year},
            _sets(("activity", [i for s in summaries for i in s.leadership.resident_activity_ids])),
        )

    def participants():
        return (
            _("Residents who took part in %(year)s") % {"year": year},
            _sets(("person", agg.inclusion.person_ids)),
        )

    def group(dimension, key):
        return _group(agg.inclusion, dimension, key, year, agg.inclusion.cbs_record_ids)

    def principle(key):
        return _principle(agg.principles, key, year)

    def strength(key, level):
        found = _find(_find(agg.principles, key).strengths, level)
        return (
            _("Neighbourhoods where '%(principle)s' is %(strength)s")
            % {"principle": _code_label(key), "strength": _strength_label(level)},
            _sets(("neighbourhood", found.neighbourhood_ids)),
        )

    def factor(key, direction=""):
        _find(agg.factor_types, key)
        if direction not in ("", "helps", "hinders"):
            raise UnknownEvidence(direction)
        found = []
        for s in summaries:
            row = _find(s.factors.types, key)
            if direction in ("", "helps"):
                found.extend(row.helps_observation_ids)
            if direction in ("", "hinders"):
                found.extend(row.hinders_observation_ids)
        words = {"helps": _("helping"), "hinders": _("hindering"), "": _("all")}[direction]
        return (
            _("Environment factor '%(factor)s' (%(direction)s) in %(year)s")
            % {"factor": _code_label(key), "direction": words, "year": year},
            _sets(("observation", found)),
        )

    def hindering(key):
        found = _find(agg.factor_types, key)
        return (
            _("Neighbourhoods where '%(factor)s' hinders on balance") % {"factor": found.label},
            _sets(("neighbourhood", found.hindering.neighbourhood_ids)),
        )

    def stacking():
        return _("Neighbourhoods where hindering factors stack up"), _sets(
            ("neighbourhood", agg.stacking.neighbourhood_ids)
        )

    def concentrated():
        return (
            _("Neighbourhoods where a small group carries most roles"),
            _sets(("neighbourhood", agg.concentration.concentrated.neighbourhood_ids)),
        )

    def effect(key, in_year):
        return _effect(agg.effects, key, in_year, years)

    def pair(key_a, key_b):
        return _pair(agg.palet, key_a, key_b, year)

    def relations(in_year):
        found = _find(agg.network, _year(in_year, years), "year")
        return _("Relations recorded in %(year)s") % {"year": found.year}, _sets(
            ("relation", found.relation_ids)
        )

    def new_ties(in_year):
        y = _year(in_year, years)
        return _("New ties in %(year)s") % {"year": y}, _sets(("relation", _new_tie_ids(ids, y)))

    def vitality(key):
        theme = _find(agg.vitality.themes, key)
        return (
            _("What residents said about '%(theme)s'") % {"theme": theme.label},
            _sets(("fragment", theme.fragment_ids)),
        )

    def structure(key, status):
        found = _find(_find(agg.structures, key).statuses, status)
        return (
            _("Neighbourhoods where '%(structure)s' is: %(status)s")
            % {"structure": _code_label(key), "status": _status_label(status)},
            _sets(("neighbourhood", found.neighbourhood_ids)),
        )

    def risk(key):
        found = _find(agg.risks, key)
        return found.title, _sets(("neighbourhood", found.neighbourhood_ids))

    def value(key, in_year):
        return _value(ids, key, in_year, years)

    return {
        "neighbourhoods": neighbourhoods, "focus": focus, "fragments": fragments, "activities": activities,
        "resident_led": resident_led, "participants": participants, "group": group, "principle": principle,
        "strength": strength, "factor": factor, "hindering": hindering, "stacking": stacking,
        "concentrated": concentrated, "effect": effect, "pair": pair, "relations": relations, "new_ties": new_ties,
        "vitality": vitality, "structure": structure, "risk": risk, "value": value,
    }  # fmt: skip


def programme_evidence(*, analysis: ProgrammeAnalysis, key: str) -> Evidence:
    return _resolve(_p_resolvers(analysis), key)


def _strength_label(level: str) -> str:
    from krachtvansamen.analysis.aanpak import STRENGTH_LABELS

    return str(STRENGTH_LABELS.get(level, level))


def _status_label(status: str) -> str:
    from krachtvansamen.assessments.models import SustainabilityAssessment

    if status == "unknown":
        return _("not assessed")
    return str(SustainabilityAssessment.Status(status).label)


# --- What a user sees of the evidence ------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One record as the evidence page shows it."""

    title: str
    lines: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    quote: bool = False  # the title is a quote (a fragment's text)
    href: str = ""


@dataclass(frozen=True)
class KindSection:
    kind: str
    label: str
    total: int  # records of this kind behind the number
    items: tuple[Item, ...]  # those on this page the user may see
    hidden: int  # records of this kind the user may not see (funders)
    hidden_reason: str = ""


@dataclass(frozen=True)
class EvidencePage:
    evidence: Evidence
    sections: tuple[KindSection, ...]
    page: int
    pages: int
    funder_view: bool

    @property
    def total(self) -> int:
        return self.evidence.total


def kind_label(kind: str, count: int) -> str:
    from django.utils.translation import ngettext

    labels = {
        "fragment": ngettext("fragment", "fragments", count),
        "submission": ngettext("questionnaire answer", "questionnaire answers", count),
        "activity": ngettext("activity", "activities", count),
        "relation": ngettext("relation", "relations", count),
        "observation": ngettext("environment factor observation", "environment factor observations", count),
        "assessment": ngettext("sustainability assessment", "sustainability assessments", count),
        "asset": ngettext("asset", "assets", count),
        "person": ngettext("resident (pseudonymous)", "residents (pseudonymous)", count),
        "funding": ngettext("funding", "fundings", count),
        "cbs": ngettext("CBS record", "CBS records", count),
        "neighbourhood": ngettext("neighbourhood", "neighbourhoods", count),
    }
    return labels[kind]


def evidence_page(
    *, evidence: Evidence, page: int, funder_view: bool, year: int | None = None
) -> EvidencePage:
    """The records behind a number, ``PAGE_SIZE`` at a time over all kinds together.

    ``funder_view``: only fragments that may be quoted are listed (speaker as a role); other records are
    counted, not listed.
    """
    visible: list[tuple[str, int]] = []
    hidden: dict[str, int] = {}
    quotable_ids: set[int] = set()
    if funder_view:
        quotable_ids = set(quotable(Fragment.objects.filter(pk__in=evidence.ids("fragment")))
                       .values_list("pk", flat=True))  # fmt: skip
    for s in evidence.sets:
        for record_id in s.ids:
            if not funder_view or (s.kind == "fragment" and record_id in quotable_ids):
                visible.append((s.kind, record_id))
            else:
                hidden[s.kind] = hidden.get(s.kind, 0) + 1
    pages = max(1, -(-len(visible) // PAGE_SIZE))
    page = min(max(page, 1), pages)
    chunk = visible[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    by_kind: dict[str, list[int]] = {}
    for kind, record_id in chunk:
        by_kind.setdefault(kind, []).append(record_id)
    sections = []
    for s in evidence.sets:
        items = _items(s.kind, by_kind.get(s.kind, []), funder_view=funder_view, year=year)
        reason = ""
        if hidden.get(s.kind):
            reason = (
                _("Residents did not give permission to quote these, or quoting is for internal use only.")
                if s.kind == "fragment"
                else _("As a funder you see how many there are, not the records themselves.")
            )
        sections.append(
            KindSection(
                kind=s.kind,
                label=kind_label(s.kind, len(s.ids)),
                total=len(s.ids),
                items=tuple(items),
                hidden=hidden.get(s.kind, 0),
                hidden_reason=reason,
            )
        )
    return EvidencePage(
        evidence=evidence, sections=tuple(sections), page=page, pages=pages, funder_view=funder_view
    )


def _items(kind: str, ids: list[int], *, funder_view: bool, year: int | None) -> list[Item]:
    if not ids:
        return []
    if kind == "fragment":
        return _fragment_items(ids, funder_view=funder_view)
    if kind == "neighbourhood":
        return _neighbourhood_items(ids, year=year)
    builders: dict[str, Callable[[list[int]], list[Item]]] = {
        "submission": _submission_items, "activity": _activity_items, "relation": _relation_items,
        "observation": _observation_items, "assessment": _assessment_items, "asset": _asset_items,
        "person": _person_items, "funding": _funding_items, "cbs": _cbs_items,
    }  # fmt: skip
    return builders[kind](ids)


def _fragment_items(ids: list[int], *, funder_view: bool) -> list[Item]:
    codings = Prefetch("codings", queryset=Coding.objects.filter(origin=Coding.Origin.HUMAN).select_related("code")
                       .order_by("code__position"))  # fmt: skip
    rows = (
        Fragment.objects.filter(pk__in=ids)
        .select_related("speaker")
        .prefetch_related(codings)
        .order_by("-year", "pk")
    )
    items = []
    for f in rows:
        # A funder never sees who said it: the role, not the pseudonym.
        role = f.get_speaker_role_display()
        who = capfirst(role) if funder_view or f.speaker is None else f"{f.speaker.pseudonym} ({role})"
        lines = [f"{who} · {f.get_instrument_display()} · {f.year}"]
        if not funder_view:
            lines.append(_("Consent: %(level)s") % {"level": f.get_consent_level_display()})
        codes = tuple(dict.fromkeys(str(c.code.label) for c in f.codings.all()))
        items.append(Item(title=f.text, lines=tuple(lines), codes=codes, quote=True))
    return items


def _submission_items(ids: list[int]) -> list[Item]:
    from django.urls import reverse

    from krachtvansamen.instruments.models import CodedAnswer, Submission

    answers = Prefetch("coded_answers", queryset=CodedAnswer.objects.filter(value__isnull=False)
                       .select_related("code").order_by("code__position"))  # fmt: skip
    items = []
    for s in (Submission.objects.filter(pk__in=ids).select_related("form_version__form", "person")
              .prefetch_related(answers).order_by("-year", "pk")):  # fmt: skip
        title = _("%(form)s, %(year)s") % {
            "form": s.form_version.form.get_instrument_display(),
            "year": s.year,
        }
        lines = tuple(f"{a.code.label}: {a.value}" for a in s.coded_answers.all())
        items.append(Item(title=title, lines=lines, href=reverse("instruments:submission", args=[s.pk])))
    return items


def _activity_items(ids: list[int]) -> list[Item]:
    from krachtvansamen.assets.models import Activity

    items = []
    for a in Activity.objects.filter(pk__in=ids).select_related("meeting_place").order_by("-year", "title"):
        lines = [
            f"{a.get_initiated_by_display()} · {a.year}",
            _("%(count)s participants") % {"count": a.participant_count},
        ]
        if a.meeting_place:
            lines.append(_("At: %(place)s") % {"place": a.meeting_place.name})
        items.append(Item(title=a.title, lines=tuple(lines)))
    return items


def _relation_items(ids: list[int]) -> list[Item]:
    from krachtvansamen.network.models import Relation

    items = []
    rows = Relation.objects.filter(pk__in=ids).select_related(
        "source_person", "source_organisation", "target_person", "target_organisation", "hook_activity", "hook_place",
        "hook_person").order_by("-year", "pk")  # fmt: skip
    for r in rows:
        lines = [f"{r.get_capital_type_display()} · {r.year}" + (" · " + _("new tie") if r.is_new else "")]
        hook = r.hook_activity or r.hook_place or r.hook_person
        if hook is not None:
            lines.append(_("Brought together by: %(hook)s") % {"hook": hook})
        items.append(Item(title=f"{r.source} — {r.target}", lines=tuple(lines)))
    return items


def _observation_items(ids: list[int]) -> list[Item]:
    from krachtvansamen.assessments.models import FactorObservation

    return [
        Item(title=o.description, lines=(f"{o.code.label} · {o.get_direction_display()} · {o.year}",))
        for o in FactorObservation.objects.filter(pk__in=ids)
        .select_related("code")
        .order_by("-year", "code__position")
    ]


def _assessment_items(ids: list[int]) -> list[Item]:
    from krachtvansamen.assessments.models import SustainabilityAssessment

    return [
        Item(title=f"{s.code.label}: {s.get_status_display()}", lines=tuple(x for x in (str(s.year), s.note) if x))
        for s in SustainabilityAssessment.objects.filter(pk__in=ids).select_related("code")
        .order_by("-year", "code__position")
    ]  # fmt: skip


def _asset_items(ids: list[int]) -> list[Item]:
    from krachtvansamen.assets.models import Asset

    return [
        Item(title=a.name, lines=(f"{a.get_category_display()} · {a.year}"
                                  + (" · " + _("meeting place") if a.is_meeting_place else ""),))
        for a in Asset.objects.filter(pk__in=ids).order_by("category", "name")
    ]  # fmt: skip


def _person_items(ids: list[int]) -> list[Item]:
    from krachtvansamen.people.models import Person

    # The pseudonym and the role; demographics stay out (they were only used, with consent, for the count).
    return [Item(title=p.pseudonym, lines=(str(p.get_role_display()).capitalize(),))
            for p in Person.objects.filter(pk__in=ids).order_by("pseudonym")]  # fmt: skip


def _funding_items(ids: list[int]) -> list[Item]:
    from krachtvansamen.people.models import Funding

    return [
        Item(title=f.funder.name, lines=tuple(x for x in (f"{f.start_year}–{f.end_year}", f.purpose) if x))
        for f in Funding.objects.filter(pk__in=ids).select_related("funder").order_by("-end_year")
    ]


def _cbs_items(ids: list[int]) -> list[Item]:
    from krachtvansamen.neighbourhoods.models import CbsRecord

    items = []
    for r in CbsRecord.objects.filter(pk__in=ids).order_by("region_code"):
        lines = (
            _("CBS Kerncijfers wijken en buurten %(year)s, table %(table)s, row %(row)s")
            % {"year": r.year, "table": r.table_id, "row": r.source_row},
            _("%(count)s inhabitants") % {"count": r.population if r.population is not None else "—"},
        )
        items.append(Item(title=f"{r.name} ({r.region_code})", lines=lines))
    return items


def _neighbourhood_items(ids: list[int], *, year: int | None) -> list[Item]:
    from django.urls import reverse

    from krachtvansamen.neighbourhoods.models import Neighbourhood

    items = []
    for n in Neighbourhood.objects.filter(pk__in=ids).order_by("municipality_name", "name"):
        href = reverse("reports:buurtbeeld", args=[n.cbs_code, year]) if year else ""
        lines = (n.municipality_name + (" · " + _("focus neighbourhood") if n.is_focus else ""),)
        items.append(Item(title=n.name, lines=lines, href=href))
    return items
