"""Writes for coding: the one entry through which every instrument records fragments and their codings.

Instruments (a submitted form), the Effectenplein (a closed meeting) and documents (a saved transcript) hand
plain data to ``fragments_record``; none of them creates ``Fragment`` or ``Coding`` rows itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet

from krachtvansamen.coding.models import Coding, Fragment, SpeakerRole
from krachtvansamen.core.types import User
from krachtvansamen.framework.models import Code
from krachtvansamen.framework.selectors import codes_current_by_key
from krachtvansamen.people.models import Consent, Person
from krachtvansamen.people.services import recorder


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
) -> list[Fragment]:
    """Record fragments of one neighbourhood, year and instrument with their codings: all, or on any error none.

    ``user`` is who recorded them and, for the codes given, who coded them (by hand). Returns the fragments in
    the order given, saved (with their primary keys), so callers can link them to their own records.
    """
    if not fragments:
        return []
    by_key = _codes_of(fragments)
    who = recorder(user)
    with transaction.atomic():
        saved = Fragment.objects.bulk_create(
            [
                Fragment(
                    neighbourhood_id=neighbourhood_id, year=year, text=new.text, instrument=instrument,
                    speaker_role=new.speaker_role, speaker=new.speaker, consent_level=new.consent_level,
                    recorded_by=who,
                )
                for new in fragments
            ]
        )  # fmt: skip
        Coding.objects.bulk_create(
            [
                Coding(fragment=fragment, code=code, coder=who, origin=Coding.Origin.HUMAN)
                for fragment, new in zip(saved, fragments, strict=True)
                for code in _distinct_codes(new.codes, by_key)
            ]
        )
    return saved


def fragments_delete(*, fragments: QuerySet[Fragment]) -> int:
    """Delete these fragments with their codings and links. Returns how many fragments were deleted."""
    with transaction.atomic():
        _count, per_model = fragments.delete()
    return per_model.get(Fragment._meta.label, 0)
