"""Right of access in the instruments: the forms a person's answers were recorded in."""

from __future__ import annotations

from typing import Any

from krachtvansamen.instruments.models import Submission
from krachtvansamen.people.models import Person


def collect_person_submissions(person: Person) -> dict[str, list[dict[str, Any]]]:
    submissions = Submission.objects.filter(person=person).select_related("form_version__form").order_by("pk")
    return {
        "answers": [
            {
                "form": s.form_version.form.key,
                "year": s.year,
                "status": s.status,
                "answers": s.answers,
                "recorded_at": s.created_at.isoformat(),
            }
            for s in submissions
        ]  # fmt: skip
    }
