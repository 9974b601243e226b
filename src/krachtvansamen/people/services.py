"""Writes for people: the pseudonymous ``Person`` row itself, and who is stored as having recorded something.

A person is never recorded without their consent: create persons through
``privacy.services.person_create_pseudonymous``, which records the consents in the same transaction.
"""

from __future__ import annotations

from typing import cast

from django.contrib.auth.models import User as Account

from krachtvansamen.core.types import User
from krachtvansamen.neighbourhoods.models import Neighbourhood
from krachtvansamen.people.models import Person


def recorder(user: User | None) -> Account | None:
    """The user to store in a ``recorded_by``-like field: a logged-in user, else nobody (None)."""
    if user is None or not user.is_authenticated:
        return None
    return cast(Account, user)


def pseudonym_free(*, neighbourhood: Neighbourhood, wanted: str, fallback: str) -> str:
    """``wanted`` if nobody in the neighbourhood has it yet; otherwise the first free "<wanted> N" (or
    "<fallback> N" when nothing was wanted), counting on from the number of persons in the neighbourhood."""
    persons = Person.objects.filter(neighbourhood=neighbourhood)
    pseudonym = wanted.strip()
    if pseudonym and not persons.filter(pseudonym=pseudonym).exists():
        return pseudonym
    base = pseudonym or fallback
    number = persons.count() + 1
    while persons.filter(pseudonym=f"{base} {number}").exists():
        number += 1
    return f"{base} {number}"


def person_create(
    *,
    neighbourhood: Neighbourhood,
    pseudonym: str,
    role: str = Person.PersonRole.RESIDENT,
    age_band: str = "",
    origin: str = "",
) -> Person:
    """The person row. Raises IntegrityError when the pseudonym is taken in the neighbourhood."""
    return Person.objects.create(
        neighbourhood=neighbourhood, pseudonym=pseudonym, role=role, age_band=age_band, origin=origin
    )
