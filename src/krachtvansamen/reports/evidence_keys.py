"""What evidence keys have in common, for a neighbourhood (``evidence_neighbourhood``) and a programme
(``evidence_programme``): resolving a key, checking its parts, and the figures both kinds of report show.

A key is the figure's name and its parts, split on ``:`` (``effect:effect.social.contact:2025``); the first
part picks a resolver, the others are its arguments. A resolver returns the title of the evidence page and
the record ids per kind, recomputed from the same analysis that produced the number.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from krachtvansamen.analysis.aanpak import PrincipleStrength
from krachtvansamen.analysis.aggregate import NetworkTotal, PrincipleSummary
from krachtvansamen.analysis.inclusion import Inclusion
from krachtvansamen.analysis.network import NetworkYear
from krachtvansamen.analysis.value import VALUE_SOURCES, ValueBeyondCounts, is_value_key
from krachtvansamen.analysis.verandering import EffectsMatrix, Palet
from krachtvansamen.assets.models import Activity
from krachtvansamen.coding.models import Fragment
from krachtvansamen.framework.selectors import codes_current
from krachtvansamen.reports.evidence import KINDS, Evidence, EvidenceSet, UnknownEvidence

MAX_KEY_LENGTH = 200

# The title and the record ids per kind; and, when the number counts something else than those records, a
# note that says what it counts (``Evidence.note``).
Found = tuple[str, tuple[EvidenceSet, ...]] | tuple[str, tuple[EvidenceSet, ...], str]
Resolver = Callable[..., Found]
T = TypeVar("T")


def resolve(resolvers: Mapping[str, Resolver], key: str) -> Evidence:
    name, *args = key.split(":")
    resolver = resolvers.get(name)
    if resolver is None or len(key) > MAX_KEY_LENGTH:
        raise UnknownEvidence(key)
    try:
        result = resolver(*args)
    except TypeError as error:  # wrong number of parts in the key
        raise UnknownEvidence(key) from error
    note = result[2] if len(result) == 3 else ""
    return Evidence(key=key, title=result[0], sets=result[1], note=note)


def sets(*pairs: tuple[str, Sequence[int | None]]) -> tuple[EvidenceSet, ...]:
    merged: dict[str, set[int]] = {}
    for kind, ids in pairs:
        merged.setdefault(kind, set()).update(i for i in ids if i is not None)
    return tuple(EvidenceSet(kind, tuple(sorted(merged[kind]))) for kind in KINDS if kind in merged)


def find(items: Sequence[T], key: object, attr: str = "key") -> T:
    """The item whose ``attr`` is ``key``; else the key names no figure."""
    for item in items:
        if getattr(item, attr) == key:
            return item
    raise UnknownEvidence(key)


def year_in(text: str, years: Sequence[int]) -> int:
    """The year a key names, if it is one of the report's years."""
    if not text.isdigit() or int(text) not in years:
        raise UnknownEvidence(text)
    return int(text)


def code_label(key: str) -> str:
    code = codes_current().filter(key=key).first()
    return code.label if code else key


# --- Records read straight from the database -----------------------------------------------------------------


def fragment_ids(
    *, neighbourhood_ids: Sequence[int], year: int, instrument: str | None = None
) -> tuple[int, ...]:
    rows = Fragment.objects.filter(neighbourhood_id__in=neighbourhood_ids, year=year)
    if instrument:
        rows = rows.filter(instrument=instrument)
    return tuple(rows.order_by("pk").values_list("pk", flat=True))


def activity_ids(neighbourhood_ids: Sequence[int], year: int) -> tuple[int, ...]:
    return tuple(
        Activity.objects.filter(neighbourhood_id__in=neighbourhood_ids, year=year).values_list(
            "pk", flat=True
        )
    )


# --- Figures shared by the neighbourhood and the programme ---------------------------------------------------


def group(inclusion: Inclusion, dimension: str, key: str, year: int, cbs_ids: Sequence[int | None]) -> Found:
    """The participants of one group, and the CBS record(s) the share of all inhabitants comes from: the
    number counts only the participants, and the page says so."""
    found = find(find(inclusion.dimensions, dimension).groups, key)
    records = [i for i in cbs_ids if i is not None]
    note = ""
    if records:
        note = ngettext(
            "The number %(n)s counts the residents of this group who took part; they are listed below. "
            "The CBS record below is not counted: it gives the share of this group among all inhabitants, "
            "to compare with.",
            "The number %(n)s counts the residents of this group who took part; they are listed below. "
            "The CBS records below are not counted: they give the share of this group among all inhabitants, "
            "to compare with.",
            len(records),
        ) % {"n": number_format(found.participants, 0)}
    return (
        _("Residents who took part in %(year)s: %(group)s") % {"year": year, "group": found.label},
        sets(("person", found.person_ids), ("cbs", records)),
        note,
    )


def principle(
    principles: Sequence[PrincipleStrength | PrincipleSummary], key: str, year: int, part: str = ""
) -> Found:
    """``principle:<key>``: the coded fragments and the questionnaire answers; ``principle:<key>:fragments``:
    the fragments only (the number of fragments counts those); ``principle:<key>:answers``: the answers only,
    for their mean, which the page explains."""
    found = find(principles, key)
    label = {"principle": found.label, "year": year}
    if part == "fragments":
        return (
            _("ABCD principle '%(principle)s' in %(year)s: coded fragments") % label,
            sets(("fragment", found.fragment_ids)),
        )
    if part == "answers":
        note = ""
        if found.questionnaire_mean is not None:
            note = ngettext(
                "The number %(mean)s is the mean of %(n)s answer (from 1 to 5) in the questionnaire, "
                "listed below.",
                "The number %(mean)s is the mean of %(n)s answers (from 1 to 5) in the questionnaire, "
                "listed below.",
                found.questionnaire_count,
            ) % {"mean": number_format(found.questionnaire_mean, 1), "n": found.questionnaire_count}
        return (
            _("ABCD principle '%(principle)s' in %(year)s: questionnaire answers") % label,
            sets(("submission", found.submission_ids)),
            note,
        )
    if part:
        raise UnknownEvidence(part)
    return (
        _("ABCD principle '%(principle)s' in %(year)s: coded fragments and questionnaire answers") % label,
        sets(("fragment", found.fragment_ids), ("submission", found.submission_ids)),
    )


def effect(effects: EffectsMatrix, key: str, in_year: str, years: Sequence[int]) -> Found:
    y = year_in(in_year, years)
    row = find((*effects.levels, *effects.rows), key)
    cell = find(row.cells, y, "year")
    return (
        _("Fragments about '%(effect)s' in %(year)s") % {"effect": row.label, "year": y},
        sets(("fragment", cell.fragment_ids)),
    )


def pair(palet: Palet, key_a: str, key_b: str, year: int) -> Found:
    found = next((p for p in palet.pairs if {p.key_a, p.key_b} == {key_a, key_b}), None)
    if found is None:
        raise UnknownEvidence(f"{key_a}+{key_b}")
    return (
        _("Fragments with both '%(a)s' and '%(b)s' in %(year)s")
        % {"a": code_label(found.key_a), "b": code_label(found.key_b), "year": year},
        sets(("fragment", found.fragment_ids)),
    )


def new_ties(network: Sequence[NetworkYear | NetworkTotal], in_year: str, years: Sequence[int]) -> Found:
    """The relations counted as new ties in a year: the ids the count was taken from (``is_new_tie``: marked
    new, and the pair not recorded in an earlier year), never every relation marked new."""
    found = find(network, year_in(in_year, years), "year")
    return _("New ties in %(year)s") % {"year": found.year}, sets(("relation", found.new_tie_ids))


def value(found: ValueBeyondCounts, key: str, in_year: str, years: Sequence[int]) -> Found:
    """Fragments behind a value row: coded with one of the effect codes it sums up (``analysis.value``);
    ``value``: any value row."""
    y = year_in(in_year, years)
    if not is_value_key(key):
        raise UnknownEvidence(key)
    sources = VALUE_SOURCES.get(key, ())
    label = code_label(key)
    if sources:
        label = _("%(value)s (from: %(codes)s)") % {
            "value": label,
            "codes": ", ".join(code_label(source) for source in sources),
        }
    return (
        _("Fragments about '%(value)s' in %(year)s") % {"value": label, "year": y},
        sets(("fragment", found.fragment_ids(key=key, year=y))),
    )
