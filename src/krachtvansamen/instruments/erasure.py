"""Erasure of a person in instruments.

A submission with a ``person`` is one conversation with that resident (the Wijkwaardenkaart): every answer
in it is theirs (their words, their scores, the pseudonym they chose), so the whole submission goes, with
its coded answers, the fragments made from it (and their codings and memos) and the factor observations
drawn from the person's fragments. Blanking only some answers would keep their scores and choices, which
still describe them. Runs before coding's eraser, which would otherwise unlink the factor observations
from the fragments first.

A fragment of the person can also come from someone else's submission (the team named the person as its
speaker later, e.g. a resident quoted in a buurtscan's notes). That submission stays, but the answer the
fragment was made from goes from its stored answers: those words are the person's, and deleting only the
fragment would leave them in ``Submission.answers`` (and on the submission's page as sent).
"""

from __future__ import annotations

from django.db.models import Q

from krachtvansamen.assessments.models import FactorObservation
from krachtvansamen.coding.models import Fragment
from krachtvansamen.instruments.models import Submission, SubmissionFragment
from krachtvansamen.people.models import Person
from krachtvansamen.privacy.erasure import deleted_counts

# The erasure record's count of other submissions whose answers lost the person's words.
WORDS_REMOVED = "instruments.Submission (answers of the person removed)"


def _add(counts: dict[str, int], more: dict[str, int]) -> None:
    for kind, number in more.items():
        counts[kind] = counts.get(kind, 0) + number


def _remove_words_from_other_submissions(fragment_ids: list[int], theirs: list[int]) -> int:
    """Drop the answers the person's fragments were made from out of submissions that are not theirs (which
    stay). Before the fragments go: their links say which answer each was. Returns how many submissions."""
    questions: dict[int, set[str]] = {}
    links = SubmissionFragment.objects.filter(fragment_id__in=fragment_ids).exclude(submission_id__in=theirs)
    for submission_id, question in links.values_list("submission_id", "question"):
        questions.setdefault(submission_id, set()).add(question)
    for submission in Submission.objects.select_for_update().filter(pk__in=questions).only("pk", "answers"):
        kept = {name: value for name, value in (submission.answers or {}).items()
                if name not in questions[submission.pk]}  # fmt: skip
        Submission.objects.filter(pk=submission.pk).update(answers=kept)
    return len(questions)


def erase_person_submissions(person: Person) -> dict[str, int]:
    submissions = Submission.objects.filter(person=person)
    theirs = list(submissions.values_list("pk", flat=True))
    fragments = Fragment.objects.filter(Q(speaker=person) | Q(submission_link__submission_id__in=theirs))
    fragment_ids = list(fragments.values_list("pk", flat=True))
    counts: dict[str, int] = {}
    if changed := _remove_words_from_other_submissions(fragment_ids, theirs):
        counts[WORDS_REMOVED] = changed
    _add(counts, deleted_counts(FactorObservation.objects.filter(fragment_id__in=fragment_ids).delete()))
    _add(counts, deleted_counts(Fragment.objects.filter(pk__in=fragment_ids).delete()))
    _add(counts, deleted_counts(Submission.objects.filter(pk__in=theirs).delete()))
    return counts
