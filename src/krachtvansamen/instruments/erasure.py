"""Erasure of a person in instruments.

A submission with a ``person`` is one conversation with that resident (the Wijkwaardenkaart): every answer
in it is theirs (their words, their scores, the pseudonym they chose), so the whole submission goes, with
its coded answers, the fragments made from it (and their codings and memos) and the factor observations
drawn from the person's fragments. Blanking only some answers would keep their scores and choices, which
still describe them. Runs before coding's eraser, which would otherwise unlink the factor observations
from the fragments first.
"""

from __future__ import annotations

from django.db.models import Q

from krachtvansamen.assessments.models import FactorObservation
from krachtvansamen.coding.models import Fragment
from krachtvansamen.instruments.models import Submission
from krachtvansamen.people.models import Person
from krachtvansamen.privacy.erasure import deleted_counts


def _add(counts: dict[str, int], more: dict[str, int]) -> None:
    for kind, number in more.items():
        counts[kind] = counts.get(kind, 0) + number


def erase_person_submissions(person: Person) -> dict[str, int]:
    submissions = Submission.objects.filter(person=person)
    fragments = Fragment.objects.filter(Q(speaker=person) | Q(submission_link__submission__in=submissions))
    fragment_ids = list(fragments.values_list("pk", flat=True))
    counts: dict[str, int] = {}
    _add(counts, deleted_counts(FactorObservation.objects.filter(fragment_id__in=fragment_ids).delete()))
    _add(counts, deleted_counts(Fragment.objects.filter(pk__in=fragment_ids).delete()))
    _add(counts, deleted_counts(submissions.delete()))
    return counts
