"""Personal codes: a resident's key to what was recorded about them, without an account (AVG art. 15-17).

A code is 12 characters from an alphabet without look-alikes (no 0/O, 1/I), shown in three groups of four
("K7QM-4TXA-PW9C"): 60 bits, so guessing one is hopeless, and guessing at all is throttled per address
(``CODE_GUESSING``). Only the sha256 of the code is stored: a copy of the database opens nothing. The code is
shown once, when it is made; a new code for the same person replaces the old one.
"""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction

from krachtvansamen.core.throttle import FailureThrottle
from krachtvansamen.core.types import User
from krachtvansamen.people.models import Person
from krachtvansamen.people.services import recorder
from krachtvansamen.privacy.models import PersonalCode

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
LENGTH = 12
# Wrong codes per client address: 10 per 15 minutes. A resident mistyping stays well below it.
CODE_GUESSING = FailureThrottle("personal-code", 10, 900, setting="PERSONAL_CODE_FAILURES")


def code_new() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, LENGTH, 4))


def code_normalised(typed: str) -> str | None:
    """The code as typed, without spaces and dashes, in capitals; None if it cannot be a code. An O typed for a
    0 or an I for a 1 cannot happen: those characters are not in codes."""
    cleaned = "".join(ch for ch in typed.upper() if ch.isalnum())
    if len(cleaned) != LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned


def code_digest(typed: str) -> str | None:
    normalised = code_normalised(typed)
    return None if normalised is None else _digest(normalised)


def _digest(normalised: str) -> str:
    return hashlib.sha256(normalised.encode()).hexdigest()


def personal_code_issue(*, person: Person, user: User | None) -> str:
    """A new code for ``person`` (replacing an older one); returns the code, the only time it is known."""
    code = code_new()
    digest = _digest(code.replace("-", ""))
    with transaction.atomic():
        PersonalCode.objects.update_or_create(
            person=person, defaults={"digest": digest, "created_by": recorder(user), "last_used_at": None}
        )
    return code
