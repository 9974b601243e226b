"""The evidence behind every number in a report.

A number in a report links to ``/rapporten/bewijs/<cbs_code>/<year>/?n=<key>`` (or the programme's
``/rapporten/bewijs/programma/<slug>/<year>/?n=<key>``). The key names the figure (``effect:effect.social.contact:2025``,
``factor:factor.governance:hinders``, ``risk:funding_ends`` …), never the ids: the ids are recomputed from
the same analysis that produced the number, so URLs stay short however many records a number rests on,
and nobody can ask for records by guessing ids.

``evidence_neighbourhood.neighbourhood_evidence`` and ``evidence_programme.programme_evidence`` turn a key into
an ``Evidence`` (a title and sets of record ids per kind); ``evidence_page`` here turns that into the records a
user may see (``evidence_records``), a page at a time.
A funder sees counts per kind and only the fragments residents allowed to be quoted (speaker as a role,
never a pseudonym); the number of the other records is said, not shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from krachtvansamen.coding.models import Fragment
from krachtvansamen.privacy.selectors import quotable
from krachtvansamen.reports.evidence_records import Item, items_of

PAGE_SIZE = 200
# Kinds of records, in the order the evidence page lists them.
KINDS = ("fragment", "submission", "activity", "relation", "observation", "assessment", "asset", "person",
         "funding", "cbs", "neighbourhood")  # fmt: skip
# The figures of the funder report: the only evidence a funder may open (and then only as counts and
# quotable fragments).
FUNDER_KEYS = frozenset({"participants", "activities", "new_ties", "effect", "value", "funding", "structures", "risk",
                         "meeting_places"})  # fmt: skip
# The figures of the Beleidssignalen: the only evidence a municipality's policy officer may open (as a funder: counts
# and quotable fragments), in the neighbourhoods of their municipality.
POLICY_KEYS = frozenset({"factor", "stacking", "structures", "structure", "risk", "asks"})


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
    # Said on the page when the number counts something else than the records listed (inhabitants from a CBS
    # record, attendances on activities, a share): what the number is, and how it follows from the records.
    note: str = ""

    @property
    def total(self) -> int:
        return sum(len(s.ids) for s in self.sets)

    def ids(self, kind: str) -> tuple[int, ...]:
        return tuple(i for s in self.sets if s.kind == kind for i in s.ids)


# --- What a user sees of the evidence ------------------------------------------------------------------------


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
    *, evidence: Evidence, page: int, funder_view: bool, year: int | None = None, policy_view: bool = False
) -> EvidencePage:
    """The records behind a number, ``PAGE_SIZE`` at a time over all kinds together.

    ``funder_view``: only fragments that may be quoted are listed (speaker as a role); other records are
    counted, not listed. ``policy_view``: the same, said to a municipality's policy officer.
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
        items = items_of(s.kind, by_kind.get(s.kind, []), funder_view=funder_view, year=year)
        reason = ""
        if hidden.get(s.kind):
            reason = (
                _("Residents did not give permission to quote these, or quoting is for internal use only.")
                if s.kind == "fragment"
                else _("As a policy officer you see how many there are, not the records themselves.")
                if policy_view
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
