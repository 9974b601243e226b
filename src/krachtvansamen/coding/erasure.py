"""Erasure of a person in coding: the fragments they spoke go, with their codings, passes, memos and the
links from documents and submissions (all cascade)."""

from __future__ import annotations

from krachtvansamen.coding.models import Fragment
from krachtvansamen.people.models import Person
from krachtvansamen.privacy.erasure import deleted_counts


def erase_person_fragments(person: Person) -> dict[str, int]:
    return deleted_counts(Fragment.objects.filter(speaker=person).delete())
