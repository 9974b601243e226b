"""Writes for coding: every fragment and every coding is made, changed or settled here.

Instruments (a submitted form), the Effectenplein (a closed meeting) and documents (a saved transcript) hand
plain data to ``fragments_record``; none of them creates ``Fragment`` or ``Coding`` rows itself. The workbench
(coders) and the REFI-QDA import use ``coding_add``, ``coding_remove``, ``fragment_mark_coded``,
``fragment_settle`` and ``memo_save``. Each of them keeps ``Fragment.coding_state`` right
(``fragments_state_refresh``), in the same transaction as the write.

Several coders, honestly: a coder only ever adds or removes their own codings; settling a disagreement adds
*settled* codings beside everyone's own, and from then on only those count in analyses
(``coding.selectors.codings_counted``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from krachtvansamen.coding.models import (
    Coding,
    CodingPass,
    CodingState,
    Fragment,
    Memo,
    ProgrammeCode,
    SpeakerRole,
)
from krachtvansamen.core.types import User
from krachtvansamen.framework.models import Code
from krachtvansamen.framework.selectors import codebook_current, codes_current_by_key
from krachtvansamen.framework.services import code_add_user_defined
from krachtvansamen.neighbourhoods.data_versions import data_versions_bump
from krachtvansamen.neighbourhoods.models import Programme
from krachtvansamen.people.models import Consent, Person
from krachtvansamen.people.services import recorder


class CodingError(ValueError):
    """A coding, settlement or memo that cannot be saved; the message is meant for the user."""


@dataclass(frozen=True)
class NewFragment:
    """One piece of text to record: who said it, what may be done with it, and the codes it gets.

    ``codes`` are Code rows or stable keys of the current codebook; each is applied once, in the order given.
    """

    text: str
    speaker_role: str = SpeakerRole.UNKNOWN
    consent_level: str = Consent.Level.INTERNAL
    speaker: Person | None = None
    codes: Sequence[Code | str] = ()


def _one_line_break(text: str) -> str:
    # Browsers hand selections back with "\n" only: a "\r\n" would shift every offset after it by one.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _codes_of(fragments: Sequence[NewFragment]) -> dict[str, Code]:
    """The current codes for the keys the fragments name (one query, only when a key is named)."""
    keys = {code for fragment in fragments for code in fragment.codes if isinstance(code, str)}
    if not keys:
        return {}
    current = codes_current_by_key()
    unknown = keys - set(current)
    if unknown:
        raise ValueError(f"Not in the current codebook: {', '.join(sorted(unknown))}")
    return current


def _distinct_codes(codes: Sequence[Code | str], by_key: dict[str, Code]) -> list[Code]:
    rows = [by_key[code] if isinstance(code, str) else code for code in codes]
    return list({code.pk: code for code in rows}.values())


def fragments_record(
    *,
    neighbourhood_id: int,
    year: int,
    instrument: str,
    fragments: Sequence[NewFragment],
    user: User | None,
    source: str = "",
) -> list[Fragment]:
    """Record fragments of one neighbourhood, year and instrument with their codings: all, or on any error none.

    ``user`` is who recorded them and, for the codes given, who coded them (by hand). ``source`` names the
    conversation, document or meeting they came from ("document:12"); they get positions 1, 2, ... in the
    order given. Returns the fragments in that order, saved (with their primary keys), so callers can link
    them to their own records.
    """
    if not fragments:
        return []
    by_key = _codes_of(fragments)
    who = recorder(user)
    with transaction.atomic():
        data_versions_bump(neighbourhood_ids=[neighbourhood_id])  # bulk_create sends no signal
        saved = Fragment.objects.bulk_create(
            [
                Fragment(
                    neighbourhood_id=neighbourhood_id, year=year, text=_one_line_break(new.text), instrument=instrument,
                    speaker_role=new.speaker_role, speaker=new.speaker, consent_level=new.consent_level,
                    recorded_by=who, source=source, position=position,
                )
                for position, new in enumerate(fragments, start=1)
            ]
        )  # fmt: skip
        codings = Coding.objects.bulk_create(
            [
                Coding(fragment=fragment, code=code, coder=who, origin=Coding.Origin.HUMAN)
                for fragment, new in zip(saved, fragments, strict=True)
                for code in _distinct_codes(new.codes, by_key)
            ]
        )
        if codings:
            fragments_state_refresh(fragment_ids=[fragment.pk for fragment in saved])
    return saved


def fragments_delete(*, fragments: QuerySet[Fragment]) -> int:
    """Delete these fragments with their codings and links. Returns how many fragments were deleted."""
    with transaction.atomic():
        _count, per_model = fragments.delete()
    return per_model.get(Fragment._meta.label, 0)


# --- the state of a fragment in coding ------------------------------------------------------------------


def _state_of(
    *, settled: bool, codes_per_coder: dict[int | None, set[int]], passes: set[int | None]
) -> CodingState:
    """The rule: settled wins; else no coder → uncoded, one → coded, several → agreed or disputed."""
    if settled:
        return CodingState.SETTLED
    coders = passes | set(codes_per_coder)
    if not coders:
        return CodingState.UNCODED
    if len(coders) == 1:
        return CodingState.CODED
    code_sets = {frozenset(codes_per_coder.get(coder, ())) for coder in coders}
    return CodingState.AGREED if len(code_sets) == 1 else CodingState.DISPUTED


def fragments_state_refresh(*, fragment_ids: Iterable[int]) -> int:
    """Bring ``coding_state`` of these fragments up to date, and give every coder with codings a pass.

    For bulk writers too (the demo, imports): call it once with all the fragment ids written. Returns how
    many fragments changed state.
    """
    changed = 0
    ordered = sorted(set(fragment_ids))
    for chunk in (ordered[i : i + 500] for i in range(0, len(ordered), 500)):
        codes: dict[int, dict[int | None, set[int]]] = defaultdict(lambda: defaultdict(set))
        settled: set[int] = set()
        rows = Coding.objects.filter(Coding.by_a_person(), fragment_id__in=chunk).values_list(
            "fragment_id", "coder_id", "code_id", "settled"
        )
        for fragment_id, coder_id, code_id, is_settled in rows:
            if is_settled:
                settled.add(fragment_id)
            else:
                codes[fragment_id][coder_id].add(code_id)
        passes: dict[int, set[int | None]] = defaultdict(set)
        for fragment_id, coder_id in CodingPass.objects.filter(fragment_id__in=chunk).values_list(
            "fragment_id", "coder_id"
        ):
            passes[fragment_id].add(coder_id)
        missing = [
            CodingPass(fragment_id=fragment_id, coder_id=coder_id)
            for fragment_id, per_coder in codes.items()
            for coder_id in per_coder
            if coder_id is not None and coder_id not in passes[fragment_id]
        ]
        CodingPass.objects.bulk_create(missing, ignore_conflicts=True)
        stale = []
        for fragment in Fragment.objects.filter(pk__in=chunk).only(
            "pk", "coding_state", "settled_at", "neighbourhood_id"
        ):
            state = _state_of(
                settled=fragment.pk in settled or fragment.settled_at is not None,
                codes_per_coder=codes.get(fragment.pk, {}),
                passes=passes[fragment.pk],
            )
            if fragment.coding_state != state:
                fragment.coding_state = state
                stale.append(fragment)
        Fragment.objects.bulk_update(stale, ["coding_state"])
        # bulk_update sends no signal, and the state decides which codings a report counts.
        data_versions_bump(neighbourhood_ids={f.neighbourhood_id for f in stale})
        changed += len(stale)
    return changed


# --- one coder's work -------------------------------------------------------------------------------------


def code_may_be_used(*, code: Code, fragment: Fragment) -> bool:
    """A code of the current codebook, and if it is a programme's own code, of the fragment's programme."""
    if not code.codebook.is_current or code.depth == 0:
        return False
    if not code.is_user_defined:
        return True
    owner = ProgrammeCode.objects.filter(key=code.key).values_list("programme_id", flat=True).first()
    return owner is None or owner == fragment.neighbourhood.programme_id


def _check_span(*, fragment: Fragment, start: int | None, end: int | None) -> None:
    if start is None and end is None:
        return
    if start is None or end is None or not 0 <= start < end <= len(fragment.text):
        raise CodingError(
            _("The selection must lie within the fragment (0 to %(length)s characters) and not be empty.")
            % {"length": len(fragment.text)}
        )


def coding_add(
    *,
    fragment: Fragment,
    code: Code,
    user: User,
    start: int | None = None,
    end: int | None = None,
    suggested_score: float | None = None,
) -> Coding:
    """``user`` gives ``code`` to the fragment, or to the part ``start:end`` of its text (character offsets).

    ``suggested_score``: the user confirms the engine's suggestion with that score (origin "suggested", the
    score kept as its confidence). Giving the same code to the same part twice keeps one coding. The caller
    checks access to the fragment.
    """
    coder = recorder(user)
    if coder is None:
        raise CodingError(_("Log in to code."))
    if not code_may_be_used(code=code, fragment=fragment):
        raise CodingError(_("This code cannot be used here: choose a code of the current codebook."))
    _check_span(fragment=fragment, start=start, end=end)
    with transaction.atomic():
        coding, _created = Coding.objects.get_or_create(
            fragment=fragment, code=code, coder=coder, start=start, end=end, settled=False,
            defaults={
                "origin": Coding.Origin.HUMAN if suggested_score is None else Coding.Origin.SUGGESTED,
                "confidence": suggested_score,
            },
        )  # fmt: skip
        CodingPass.objects.update_or_create(fragment=fragment, coder=coder)
        fragments_state_refresh(fragment_ids=[fragment.pk])
    return coding


def coding_remove(*, coding: Coding, user: User) -> None:
    """Remove one of the user's own codings. Nobody removes another coder's work, nor a settled coding."""
    if coding.settled or coding.coder_id is None or coding.coder_id != getattr(user, "pk", None):
        raise CodingError(_("You can only remove your own codes."))
    with transaction.atomic():
        coding.delete()
        CodingPass.objects.update_or_create(fragment_id=coding.fragment_id, coder_id=coding.coder_id)
        fragments_state_refresh(fragment_ids=[coding.fragment_id])


def fragment_mark_coded(*, fragment: Fragment, user: User) -> None:
    """The user has been through the fragment; no (further) code applies. Counts as a pass in agreement."""
    coder = recorder(user)
    if coder is None:
        raise CodingError(_("Log in to code."))
    with transaction.atomic():
        CodingPass.objects.update_or_create(fragment=fragment, coder=coder)
        fragments_state_refresh(fragment_ids=[fragment.pk])


# --- settling a disagreement ------------------------------------------------------------------------------


def fragment_settle(*, fragment: Fragment, user: User, codes: Sequence[Code], memo: str = "") -> list[Coding]:
    """Settle the fragment on ``codes`` (possibly none): from now on these are what analyses count.

    Every coder's own codings stay. Settling again replaces the earlier outcome. Needs two coders at least.
    """
    settler = recorder(user)
    if settler is None:
        raise CodingError(_("Log in to code."))
    coders = set(CodingPass.objects.filter(fragment=fragment).values_list("coder_id", flat=True))
    coders |= set(
        fragment.codings.filter(Coding.by_a_person(), settled=False).values_list("coder_id", flat=True)
    )
    if len(coders) < 2:
        raise CodingError(_("Only a fragment that at least two coders have coded can be settled."))
    unusable = [code.key for code in codes if not code_may_be_used(code=code, fragment=fragment)]
    if unusable:
        raise CodingError(_("This code cannot be used here: choose a code of the current codebook."))
    with transaction.atomic():
        data_versions_bump(neighbourhood_ids=[fragment.neighbourhood_id])  # bulk_create below sends no signal
        fragment.codings.filter(settled=True).delete()
        outcome = Coding.objects.bulk_create(
            [
                Coding(fragment=fragment, code=code, coder=settler, origin=Coding.Origin.HUMAN, settled=True)
                for code in {code.pk: code for code in codes}.values()
            ]
        )
        fragment.settled_by = settler
        fragment.settled_at = timezone.now()
        fragment.save(update_fields=["settled_by", "settled_at"])
        if memo.strip():
            Memo.objects.create(fragment=fragment, author=settler, text=memo.strip())
        fragments_state_refresh(fragment_ids=[fragment.pk])
    return outcome


def fragment_unsettle(*, fragment: Fragment) -> None:
    """Open the discussion again: the settled codings go, every coder's own codings count as before."""
    with transaction.atomic():
        fragment.codings.filter(settled=True).delete()
        fragment.settled_by = None
        fragment.settled_at = None
        fragment.save(update_fields=["settled_by", "settled_at"])
        fragments_state_refresh(fragment_ids=[fragment.pk])


# --- memos and codes of one's own -------------------------------------------------------------------------


def memo_save(
    *,
    user: User,
    text: str,
    fragment: Fragment | None = None,
    code: Code | None = None,
    programme: Programme | None = None,
    memo: Memo | None = None,
) -> Memo | None:
    """Add a memo on a fragment, or on a code (within a programme), or change or empty one's own memo.

    An emptied memo is deleted (returns None). Only its author changes a memo.
    """
    author = recorder(user)
    if author is None:
        raise CodingError(_("Log in to code."))
    text = text.strip()
    if memo is not None:
        if memo.author_id != author.pk:
            raise CodingError(_("You can only change your own memos."))
        if not text:
            memo.delete()
            return None
        memo.text = text
        memo.save(update_fields=["text", "updated_at"])
        return memo
    if not text:
        raise CodingError(_("Write something in the memo."))
    if (fragment is None) == (code is None):
        raise CodingError(_("A memo belongs to one fragment or to one code."))
    return Memo.objects.create(fragment=fragment, code=code, programme=programme, author=author, text=text)


def own_code_add(
    *,
    programme: Programme,
    parent: Code,
    suffix: str,
    label_nl: str,
    label_en: str = "",
    definition_nl: str = "",
    user: User | None,
) -> Code:
    """A programme's own code under a code of the current codebook (the study let residents name values)."""
    codebook = codebook_current()
    if codebook is None or parent.codebook_id != codebook.pk:
        raise CodingError(_("Choose a code of the current codebook to add your own code under."))
    with transaction.atomic():
        code = code_add_user_defined(
            codebook=codebook, parent=parent, suffix=suffix, label_nl=label_nl, label_en=label_en,
            definition_nl=definition_nl, user=recorder(user),
        )  # fmt: skip
        ProgrammeCode.objects.create(programme=programme, key=code.key)
    return code


# --- special categories of personal data ------------------------------------------------------------------


def fragment_mark_special(*, fragment: Fragment, user: User, special: bool) -> None:
    """Mark (or unmark) that the fragment's text reveals a special category of personal data (AVG art. 9:
    health, sexual orientation, religion, ethnicity, political views, ...).

    A marked fragment is never quoted (``privacy.selectors.quotable``) and its text never appears on the
    praatplaat; it stays in the workbench and its codings still count in analyses.
    """
    if recorder(user) is None:
        raise CodingError(_("Log in to code."))
    if fragment.special_category == special:
        return
    fragment.special_category = special
    fragment.save(update_fields=["special_category"])
