"""Erasure of a person in documents: a transcript in which only this person speaks (every part is theirs)
goes as a whole, with its title and file name; in a transcript with others only their parts go (with their
fragments, by coding's eraser). Runs before coding's eraser, while the parts still point at the fragments."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from krachtvansamen.documents.models import Document, DocumentFragment
from krachtvansamen.people.models import Person
from krachtvansamen.privacy.erasure import deleted_counts


def erase_person_documents(person: Person) -> dict[str, int]:
    parts = DocumentFragment.objects.filter(document=OuterRef("pk"))
    only_theirs = Document.objects.filter(Exists(parts.filter(fragment__speaker=person))).exclude(
        Exists(parts.filter(Q(fragment__speaker__isnull=True) | ~Q(fragment__speaker=person)))
    )
    return deleted_counts(only_theirs.delete())
