"""What the API shows of a submission's answers: the answers as given, less what the resident has since taken
back. The submission page (``instruments.selectors.answers_for_display``) reads ``Submission.answers`` as they
were sent; the API narrows them where the resident narrowed their consent or changed their words later:

- age group, origin and gender only while the person's newest demographics consent is given
  (``privacy.selectors.demographics_consented``: withdrawing it blanks the person, not the stored answers);
- a long answer that became a fragment: the fragment's words now (a resident may correct them with their
  personal code), and nothing once that fragment is gone.

A submission where the resident said no to keeping their words kept none (``instruments.services``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from krachtvansamen.instruments.models import Submission
from krachtvansamen.people.models import Person
from krachtvansamen.privacy.selectors import demographics_consented

# The reserved questions of the Wijkwaardenkaart that describe the resident (``instruments.services``).
DEMOGRAPHIC_ANSWERS = ("age_band", "origin", "gender")


def with_demographics_consent(submissions: QuerySet[Submission]) -> QuerySet[Submission]:
    """Annotates ``demographics_given``: whether the submission's person counts with their demographics now."""
    consented = Person.objects.filter(pk=OuterRef("person_id")).filter(demographics_consented())
    return submissions.annotate(demographics_given=Exists(consented))


def answers_shown(submission: Submission) -> dict[str, Any]:
    """The answers as the API shows them (see the module's text). Needs ``with_demographics_consent`` and the
    fragment links (with their fragments) prefetched."""
    answers = dict(submission.answers or {})
    if not getattr(submission, "demographics_given", False):
        for name in DEMOGRAPHIC_ANSWERS:
            answers.pop(name, None)
    now = {link.question: link.fragment.text for link in submission.fragment_links.all()}
    for question in submission.form_version.definition.get("questions", []):
        name = question.get("name")
        if question.get("type") == "long_text" and question.get("fragment") and name in answers:
            if name in now:
                answers[name] = now[name]
            else:
                del answers[name]
    return answers
