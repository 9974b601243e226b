"""Reads of fragments and codings that the instruments, the Effectenplein and documents need.

Access to the neighbourhood is checked by the caller (people.access); which fragments may be quoted is
decided by ``privacy.selectors.quotable``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django.db.models import Case, Count, Exists, OuterRef, Q, QuerySet, Value, When

from krachtvansamen.coding.models import Coding, CodingPass, CodingState, Fragment, ProgrammeCode, QuoteReview
from krachtvansamen.core.types import User
from krachtvansamen.framework.models import Code
from krachtvansamen.framework.selectors import codes_current
from krachtvansamen.neighbourhoods.models import Neighbourhood
from krachtvansamen.privacy.selectors import quote_consented


def fragments_for(
    *, neighbourhood: Neighbourhood, instrument: str | None = None, year: int | None = None
) -> QuerySet[Fragment]:
    """The neighbourhood's fragments, of one instrument and one year if given."""
    fragments = Fragment.objects.filter(neighbourhood=neighbourhood)
    if instrument is not None:
        fragments = fragments.filter(instrument=instrument)
    return fragments.filter(year=year) if year else fragments


def codings_of(*, fragments: QuerySet[Fragment], code_prefix: str = "") -> QuerySet[Coding]:
    """The counted codings (``codings_counted``) of these fragments, of codes whose key starts with ``code_prefix`` (e.g. ``vitality.``)."""
    codings = codings_counted().filter(fragment__in=fragments)
    return codings.filter(code__key__startswith=code_prefix) if code_prefix else codings


def codings_in_codebook_order() -> QuerySet[Coding]:
    """Codings with their code, in the codebook's order: for prefetching a fragment's codes to show them."""
    return Coding.objects.select_related("code").order_by("code__position")


def codings_counted() -> QuerySet[Coding]:
    """The codings analyses and reports count: made or confirmed by a person, and once a fragment is settled,
    only its settled outcome (the coders' own codings are kept, but no longer count).

    Two coders giving the same code to an unsettled fragment is harmless: every count is of distinct fragments.
    """
    return Coding.objects.filter(Coding.by_a_person()).filter(
        Q(settled=True) | ~Q(fragment__coding_state=CodingState.SETTLED)
    )


def codes_usable(*, programme_id: int | None) -> QuerySet[Code]:
    """The codes a coder may give in a programme: the current codebook's codes below the groups, without
    other programmes' own codes. In codebook order."""
    others = ProgrammeCode.objects.all()
    if programme_id is not None:
        others = others.exclude(programme_id=programme_id)
    return codes_current().filter(depth__gt=0).exclude(is_user_defined=True, key__in=others.values("key"))


def own_code_keys(*, programme_id: int | None = None) -> dict[str, int]:
    """Key → programme id of the programmes' own codes (of one programme if given)."""
    rows = ProgrammeCode.objects.all()
    if programme_id is not None:
        rows = rows.filter(programme_id=programme_id)
    return dict(rows.values_list("key", "programme_id"))


@dataclass(frozen=True)
class QueueFilters:
    """What a coder narrows the queue to. ``state`` is a CodingState value, or ``mine`` / ``not_mine``
    (coded by me or not yet by me). ``code_key`` includes the code's sub-codes."""

    programme_id: int | None = None
    neighbourhood_id: int | None = None
    instrument: str = ""
    year: int | None = None
    speaker_role: str = ""
    code_key: str = ""
    coder_id: int | None = None
    state: str = ""


class FragmentFilters(Protocol):
    """Where fragments come from: the filters the queue, the agreement page and the lists share."""

    # Read-only (properties), so frozen dataclasses such as QueueFilters fit.
    @property
    def programme_id(self) -> int | None: ...
    @property
    def neighbourhood_id(self) -> int | None: ...
    @property
    def instrument(self) -> str: ...
    @property
    def year(self) -> int | None: ...
    @property
    def speaker_role(self) -> str: ...


def fragments_filtered(fragments: QuerySet[Fragment], filters: FragmentFilters) -> QuerySet[Fragment]:
    """These fragments, narrowed to a programme, neighbourhood, instrument, year and speaker role if given."""
    f = filters
    if f.programme_id:
        fragments = fragments.filter(neighbourhood__programme_id=f.programme_id)
    if f.neighbourhood_id:
        fragments = fragments.filter(neighbourhood_id=f.neighbourhood_id)
    if f.instrument:
        fragments = fragments.filter(instrument=f.instrument)
    if f.year:
        fragments = fragments.filter(year=f.year)
    if f.speaker_role:
        fragments = fragments.filter(speaker_role=f.speaker_role)
    return fragments


QUEUE_STATES = ("mine", "not_mine", *CodingState.values)


def fragments_queue(
    *, neighbourhoods: QuerySet[Neighbourhood], filters: QueueFilters, user: User, blind: bool = False
) -> QuerySet[Fragment]:
    """The fragments a coder works through: uncoded first (in blind mode: not yet coded by me first), then
    disputed, then the rest; newest year first, in the order they were said.

    In blind mode the code and coder filters look at the user's own codings only, and the state filter
    only at whether the user coded the fragment: nothing reveals what another coder did.
    """
    fragments = fragments_filtered(Fragment.objects.filter(neighbourhood__in=neighbourhoods), filters)
    f = filters
    codings = Coding.objects.filter(Coding.by_a_person(), fragment=OuterRef("pk"))
    if blind:
        codings = codings.filter(coder_id=user.pk)
    elif f.coder_id:
        codings = codings.filter(coder_id=f.coder_id)
    if f.code_key:
        codings = codings.filter(Q(code__key=f.code_key) | Q(code__key__startswith=f"{f.code_key}."))
    if f.code_key or (f.coder_id and not blind):
        fragments = fragments.filter(Exists(codings))
    mine = Exists(CodingPass.objects.filter(fragment=OuterRef("pk"), coder_id=user.pk))
    if f.state == "mine":
        fragments = fragments.filter(mine)
    elif f.state == "not_mine":
        fragments = fragments.exclude(mine)
    elif f.state in CodingState.values and not blind:
        fragments = fragments.filter(coding_state=f.state)
    if blind:
        first = Case(When(mine, then=Value(1)), default=Value(0))
    else:
        first = Case(
            When(coding_state=CodingState.UNCODED, then=Value(0)),
            When(coding_state=CodingState.DISPUTED, then=Value(1)),
            default=Value(2),
        )
    return fragments.annotate(queue_rank=first).order_by("queue_rank", "-year", "source", "position", "pk")


def fragment_context(*, fragment: Fragment, around: int = 2) -> tuple[list[Fragment], list[Fragment]]:
    """The fragments just before and after this one in the same conversation, document or meeting."""
    if not fragment.source:
        return [], []
    same = Fragment.objects.filter(source=fragment.source, neighbourhood_id=fragment.neighbourhood_id)
    before = same.filter(
        Q(position__lt=fragment.position) | Q(position=fragment.position, pk__lt=fragment.pk)
    ).order_by("-position", "-pk")[:around]
    after = same.filter(
        Q(position__gt=fragment.position) | Q(position=fragment.position, pk__gt=fragment.pk)
    ).order_by("position", "pk")[:around]
    return list(reversed(before)), list(after)


def codings_shown(*, fragment: Fragment, user: User, blind: bool) -> QuerySet[Coding]:
    """The codings a coder sees on a fragment: all (with their coder), or in blind mode only their own.

    Suggested codings that nobody confirmed are not shown here (the suggestions have their own place).
    """
    codings = (
        fragment.codings.filter(Coding.by_a_person())
        .select_related("code", "coder")
        .order_by("settled", "code__position", "start", "pk")
    )
    return codings.filter(coder_id=user.pk, settled=False) if blind else codings


@dataclass(frozen=True)
class CodingTodo:
    """What waits for a coder in their neighbourhoods (the start page's line)."""

    uncoded: int
    disputed: int
    quotes: int = 0  # quotes waiting for a person's review (``coding.quotes``)


def coding_todo(*, neighbourhoods: QuerySet[Neighbourhood]) -> CodingTodo:
    """Fragments nobody coded yet, disagreements not yet settled (one query), and quotes waiting for review (as
    the review page counts them: the speaker's newest consent decides; one more query)."""
    counts = Fragment.objects.filter(
        neighbourhood__in=neighbourhoods, coding_state__in=(CodingState.UNCODED, CodingState.DISPUTED)
    ).aggregate(
        uncoded=Count("pk", filter=Q(coding_state=CodingState.UNCODED)),
        disputed=Count("pk", filter=Q(coding_state=CodingState.DISPUTED)),
    )
    quotes = quote_consented(
        Fragment.objects.filter(neighbourhood__in=neighbourhoods, quote_review=QuoteReview.PENDING)
    ).count()
    return CodingTodo(uncoded=counts["uncoded"], disputed=counts["disputed"], quotes=quotes)
