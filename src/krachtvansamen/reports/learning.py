"""The learning log: what the team decided to do next at each Pas-op-de-plaats conversation ("Wat doen we
nu?"), per date, for the Buurtbeeld and the Programmasynthese.

The answers are the fragments the form made of its question ``next`` (``instruments.models.SubmissionFragment``),
so an erased person's or a corrected fragment's words follow here as everywhere. A text that reveals a special
category of personal data (AVG art. 9) is left out: it is still counted, never shown.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone

from krachtvansamen.coding.models import Instrument
from krachtvansamen.instruments.models import Submission, SubmissionFragment

# The question of the Pas-op-de-plaats form that asks "Wat doen we nu?" (``instruments/forms/pas_op_de_plaats.yaml``).
NEXT_QUESTION = "next"
DATE_QUESTION = "held_on"


@dataclass(frozen=True)
class LearningEntry:
    neighbourhood: str  # the buurt's name (the synthesis lists several)
    text: str
    fragment_id: int


@dataclass(frozen=True)
class LearningDate:
    date: datetime.date
    entries: list[LearningEntry]


@dataclass(frozen=True)
class LearningLog:
    dates: list[LearningDate]  # newest first
    conversations: int  # n: the Pas-op-de-plaats conversations with an answer to "Wat doen we nu?"
    not_shown: int  # answers left out because they reveal a special category of personal data

    @property
    def answers(self) -> int:
        return sum(len(d.entries) for d in self.dates) + self.not_shown


def _held_on(
    answers: object, submitted_at: datetime.datetime | None, created_at: datetime.datetime
) -> datetime.date:
    """The date the conversation was held, as the form asked it; else the day it was sent in."""
    if isinstance(answers, dict):
        value = answers.get(DATE_QUESTION)
        if isinstance(value, str):
            try:
                return datetime.date.fromisoformat(value[:10])
            except ValueError:
                pass
    moment = submitted_at or created_at
    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()


def learning_log(*, neighbourhood_ids: Sequence[int], years: Sequence[int]) -> LearningLog:
    """The "Wat doen we nu?" answers of the sent-in Pas-op-de-plaats conversations of these buurten and years."""
    rows = (
        SubmissionFragment.objects.filter(
            question=NEXT_QUESTION,
            submission__status=Submission.Status.SUBMITTED,
            submission__form_version__form__instrument=Instrument.PAS_OP_DE_PLAATS,
            submission__neighbourhood_id__in=neighbourhood_ids,
            submission__year__in=years,
        )
        .exclude(fragment__text="")
        .order_by("pk")
        .values_list(
            "submission_id", "submission__answers", "submission__submitted_at", "submission__created_at",
            "submission__neighbourhood__name", "fragment_id", "fragment__text", "fragment__special_category",
        )
    )  # fmt: skip
    by_date: dict[datetime.date, list[LearningEntry]] = {}
    conversations: set[int] = set()
    not_shown = 0
    for submission_id, answers, submitted_at, created_at, name, fragment_id, text, special in rows:
        conversations.add(submission_id)
        if special:
            not_shown += 1
            continue
        entry = LearningEntry(neighbourhood=name, text=text.strip(), fragment_id=fragment_id)
        by_date.setdefault(_held_on(answers, submitted_at, created_at), []).append(entry)
    dates = [
        LearningDate(date=day, entries=sorted(entries, key=lambda e: (e.neighbourhood, e.fragment_id)))
        for day, entries in sorted(by_date.items(), reverse=True)
    ]
    return LearningLog(dates=dates, conversations=len(conversations), not_shown=not_shown)
