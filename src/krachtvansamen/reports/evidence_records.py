"""The records behind a number, as the evidence page lists them: one ``Item`` per record, per kind.

``funder_view``: a fragment's speaker is shown as a role, never a pseudonym, and nothing of its consent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from krachtvansamen.assessments.models import FactorObservation, SustainabilityAssessment
from krachtvansamen.assets.models import Activity, Asset
from krachtvansamen.coding.models import Fragment
from krachtvansamen.coding.selectors import codings_counted
from krachtvansamen.instruments.models import CodedAnswer, Submission
from krachtvansamen.neighbourhoods.models import CbsRecord, Neighbourhood
from krachtvansamen.network.models import Relation
from krachtvansamen.people.models import Funding, Person


@dataclass(frozen=True)
class Item:
    """One record as the evidence page shows it."""

    title: str
    lines: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    quote: bool = False  # the title is a quote (a fragment's text)
    href: str = ""


def items_of(kind: str, ids: list[int], *, funder_view: bool, year: int | None) -> list[Item]:
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
    codings = Prefetch("codings", queryset=codings_counted().select_related("code")
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
        # Outside the team only the approved, pseudonymised words (the list holds only quotable fragments then).
        items.append(
            Item(title=f.quote_text if funder_view else f.text, lines=tuple(lines), codes=codes, quote=True)
        )
    return items


def _submission_items(ids: list[int]) -> list[Item]:
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
    return [
        Item(title=o.description, lines=(f"{o.code.label} · {o.get_direction_display()} · {o.year}",))
        for o in FactorObservation.objects.filter(pk__in=ids)
        .select_related("code")
        .order_by("-year", "code__position")
    ]


def _assessment_items(ids: list[int]) -> list[Item]:
    return [
        Item(title=f"{s.code.label}: {s.get_status_display()}", lines=tuple(x for x in (str(s.year), s.note) if x))
        for s in SustainabilityAssessment.objects.filter(pk__in=ids).select_related("code")
        .order_by("-year", "code__position")
    ]  # fmt: skip


def _asset_items(ids: list[int]) -> list[Item]:
    return [
        Item(title=a.name, lines=(f"{a.get_category_display()} · {a.year}"
                                  + (" · " + _("meeting place") if a.is_meeting_place else ""),))
        for a in Asset.objects.filter(pk__in=ids).order_by("category", "name")
    ]  # fmt: skip


def _person_items(ids: list[int]) -> list[Item]:
    # The pseudonym and the role; demographics stay out (they were only used, with consent, for the count).
    return [Item(title=p.pseudonym, lines=(str(p.get_role_display()).capitalize(),))
            for p in Person.objects.filter(pk__in=ids).order_by("pseudonym")]  # fmt: skip


def _funding_items(ids: list[int]) -> list[Item]:
    return [
        Item(title=f.funder.name, lines=tuple(x for x in (f"{f.start_year}–{f.end_year}", f.purpose) if x))
        for f in Funding.objects.filter(pk__in=ids).select_related("funder").order_by("-end_year")
    ]


def _cbs_items(ids: list[int]) -> list[Item]:
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

    items = []
    for n in Neighbourhood.objects.filter(pk__in=ids).order_by("municipality_name", "name"):
        href = reverse("reports:buurtbeeld", args=[n.cbs_code, year]) if year else ""
        lines = (n.municipality_name + (" · " + _("focus neighbourhood") if n.is_focus else ""),)
        items.append(Item(title=n.name, lines=lines, href=href))
    return items
