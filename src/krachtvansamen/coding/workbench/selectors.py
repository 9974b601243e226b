"""Reads the workbench pages need beyond ``coding.selectors``: filter options within the user's reach, the
queue's neighbours of a fragment, a fragment's text cut into highlighted parts, and the settling overview.

Access is decided before these are called (``people.access``); they only narrow what they are given.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet

from krachtvansamen.coding.models import Coding, CodingPass, Fragment, Memo, ProgrammeCode
from krachtvansamen.coding.selectors import QueueFilters, codes_usable, fragments_queue
from krachtvansamen.core.types import User
from krachtvansamen.framework.models import Code
from krachtvansamen.framework.selectors import codes_current
from krachtvansamen.neighbourhoods.models import Neighbourhood, Programme

# --- filter options ------------------------------------------------------------------------------------


def programmes_within(*, neighbourhoods: QuerySet[Neighbourhood]) -> QuerySet[Programme]:
    return Programme.objects.filter(pk__in=neighbourhoods.values("programme_id")).order_by("name")


def neighbourhoods_with_fragments(*, neighbourhoods: QuerySet[Neighbourhood]) -> QuerySet[Neighbourhood]:
    """The neighbourhoods within reach that have fragments to code, by name."""
    has = Exists(Fragment.objects.filter(neighbourhood=OuterRef("pk")))
    return neighbourhoods.filter(has).order_by("name", "cbs_code")


def years_with_fragments(*, neighbourhoods: QuerySet[Neighbourhood]) -> list[int]:
    years = Fragment.objects.filter(neighbourhood__in=neighbourhoods).values_list("year", flat=True)
    return sorted(set(years.distinct()), reverse=True)


def codes_for_filter(*, neighbourhoods: QuerySet[Neighbourhood]) -> QuerySet[Code]:
    """The current codes and their groups, with only the own codes of programmes within reach."""
    programmes = neighbourhoods.values("programme_id")
    others = ProgrammeCode.objects.exclude(programme_id__in=programmes).values("key")
    return codes_current().exclude(is_user_defined=True, key__in=others).order_by("position")


def coders_within(*, neighbourhoods: QuerySet[Neighbourhood]) -> QuerySet:
    """Users who coded (or passed) a fragment within reach."""
    passed = CodingPass.objects.filter(fragment__neighbourhood__in=neighbourhoods).values("coder_id")
    return get_user_model().objects.filter(pk__in=passed).order_by("first_name", "username")


# --- the queue -----------------------------------------------------------------------------------------


def queue_with_mine(
    *, neighbourhoods: QuerySet[Neighbourhood], filters: QueueFilters, user: User, blind: bool
) -> QuerySet[Fragment]:
    """``fragments_queue`` with each fragment's neighbourhood and whether the user has been through it."""
    mine = Exists(CodingPass.objects.filter(fragment=OuterRef("pk"), coder_id=user.pk))
    queue = fragments_queue(neighbourhoods=neighbourhoods, filters=filters, user=user, blind=blind)
    return queue.select_related("neighbourhood").annotate(is_mine=mine)


def _beyond(fragment: Fragment, rank: int, *, after: bool) -> Q:
    """Everything after (or before) (rank, fragment) in the queue's order: rank, year descending, source,
    position, pk."""
    up, down = ("gt", "lt") if after else ("lt", "gt")
    same_rank = Q(queue_rank=rank)
    same_year = same_rank & Q(year=fragment.year)
    same_source = same_year & Q(source=fragment.source)
    same_position = same_source & Q(position=fragment.position)
    return (
        Q(**{f"queue_rank__{up}": rank})
        | (same_rank & Q(**{f"year__{down}": fragment.year}))
        | (same_year & Q(**{f"source__{up}": fragment.source}))
        | (same_source & Q(**{f"position__{up}": fragment.position}))
        | (same_position & Q(**{f"pk__{up}": fragment.pk}))
    )


def queue_rank_of(
    *, fragment: Fragment, neighbourhoods: QuerySet[Neighbourhood], user: User, blind: bool
) -> int:
    """Where the fragment stands in the queue's order now (0 comes first)."""
    queue = fragments_queue(neighbourhoods=neighbourhoods, filters=QueueFilters(), user=user, blind=blind)
    found = queue.filter(pk=fragment.pk).first()
    return int(getattr(found, "queue_rank", 0))


def queue_neighbour(
    *,
    fragment: Fragment,
    rank: int,
    neighbourhoods: QuerySet[Neighbourhood],
    filters: QueueFilters,
    user: User,
    blind: bool,
    forward: bool = True,
) -> tuple[Fragment, int] | None:
    """The next (or previous) fragment of the queue after this one, with its rank; None at the end.

    ``rank`` is where the fragment stood when the coder opened it: after coding it moves down the queue,
    but "next" should go on from where the coder was.
    """
    queue = fragments_queue(neighbourhoods=neighbourhoods, filters=filters, user=user, blind=blind)
    queue = queue.exclude(pk=fragment.pk)
    if forward:
        found = queue.filter(_beyond(fragment, rank, after=True)).first()
    else:
        order = ("-queue_rank", "year", "-source", "-position", "-pk")
        found = queue.filter(_beyond(fragment, rank, after=False)).order_by(*order).first()
    if found is None:
        return None
    return found, int(getattr(found, "queue_rank", 0))


# --- one fragment --------------------------------------------------------------------------------------


@dataclass
class Segment:
    """A stretch of the fragment's text and the codings on a part of it that cover the whole stretch."""

    start: int
    text: str
    codings: list[Coding] = field(default_factory=list)


def text_segments(*, text: str, codings: list[Coding]) -> list[Segment]:
    """The text cut at every start and end of a coded part, so each piece can be highlighted with its codes.

    Offsets are Python string indices (code points), as stored. Codings of the whole fragment are not shown
    here; parts that lie outside the text (a text edited after coding) are left out.
    """
    spans = [
        (c.start, c.end, c)
        for c in codings
        if c.start is not None and c.end is not None and c.end <= len(text)
    ]
    cuts = sorted({0, len(text), *(start for start, _end, _c in spans), *(end for _s, end, _c in spans)})
    segments = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        covering = [c for first, last, c in spans if first <= start and end <= last]
        segments.append(Segment(start=start, text=text[start:end], codings=covering))
    return segments or [Segment(start=0, text=text)]


def memos_on_fragment(*, fragment: Fragment, user: User, blind: bool) -> QuerySet[Memo]:
    """The memos on the fragment; in blind mode only the user's own (another's memo may name codes)."""
    memos = fragment.memos.select_related("author").order_by("created_at", "pk")
    return memos.filter(author_id=user.pk) if blind else memos


@dataclass(frozen=True)
class CodeGroup:
    label: str
    codes: list[Code]


def codes_panel(*, programme_id: int | None) -> list[CodeGroup]:
    """The codes a coder may give in the programme, by group, in codebook order."""
    labels = {code.group: code.label for code in codes_current().filter(depth=0)}
    groups: dict[str, list[Code]] = defaultdict(list)
    for code in codes_usable(programme_id=programme_id).order_by("position"):
        groups[code.group].append(code)
    return [CodeGroup(label=labels.get(group, group), codes=codes) for group, codes in groups.items()]


# --- settling ------------------------------------------------------------------------------------------


@dataclass
class CoderColumn:
    coder: object
    codings: list[tuple[Coding, str]]  # each coding with the part of the text it is on ("" for the whole)


@dataclass
class SettleOverview:
    columns: list[CoderColumn]
    codes: list[Code]  # every code any coder gave, in codebook order
    agreed: set[int]  # codes every coder gave
    outcome: list[Coding]  # the settled codings, if settled


def settle_overview(*, fragment: Fragment) -> SettleOverview:
    """Each coder's own codings side by side, the codes they gave and which of them all coders gave."""
    codings = list(
        fragment.codings.filter(Coding.by_a_person())
        .select_related("code", "coder")
        .order_by("code__position", "start", "pk")
    )
    passes = CodingPass.objects.filter(fragment=fragment).select_related("coder").order_by("finished_at")
    coders: dict[int | None, Any] = {p.coder_id: p.coder for p in passes}
    per_coder: dict[int | None, list[Coding]] = {pk: [] for pk in coders}
    for coding in codings:
        if not coding.settled:
            per_coder.setdefault(coding.coder_id, []).append(coding)
            coders.setdefault(coding.coder_id, coding.coder)
    text = fragment.text
    columns = [
        CoderColumn(
            coder=coders[pk],
            codings=[(c, text[c.start : c.end] if c.start is not None else "") for c in rows],
        )
        for pk, rows in per_coder.items()
    ]
    code_sets = [{c.code_id for c in rows} for rows in per_coder.values()]
    agreed = set.intersection(*code_sets) if code_sets else set()
    given = {c.code_id: c.code for c in codings if not c.settled}
    codes = sorted(given.values(), key=lambda code: code.position)
    outcome = [c for c in codings if c.settled]
    return SettleOverview(columns=columns, codes=codes, agreed=agreed, outcome=outcome)


# --- memos on a code -----------------------------------------------------------------------------------


def memos_on_code(*, key: str, programmes: QuerySet[Programme]) -> QuerySet[Memo]:
    """Memos on the code with this stable key (in any codebook version), within these programmes."""
    return (
        Memo.objects.filter(code__key=key, programme__in=programmes)
        .select_related("author", "programme")
        .order_by("-created_at", "-pk")
    )
