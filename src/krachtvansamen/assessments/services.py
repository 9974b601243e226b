"""Writes for assessments: environment-factor observations and sustainability assessments.

The instruments record these from a submitted form (the yearly questionnaire), inside their own transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from krachtvansamen.assessments.models import FactorObservation, SustainabilityAssessment
from krachtvansamen.core.types import User
from krachtvansamen.framework.models import Code
from krachtvansamen.neighbourhoods.data_versions import data_versions_bump
from krachtvansamen.people.services import recorder


@dataclass(frozen=True)
class FactorSeen:
    """An environment factor someone saw: one of the factor.* codes, whether it helps or hinders, and how."""

    code: Code
    direction: str
    description: str = ""


def factor_observations_record(
    *, neighbourhood_id: int, year: int, observations: Iterable[FactorSeen], user: User | None
) -> list[FactorObservation]:
    """Record the observations in one go. One without a known direction (helps, hinders) is no observation
    and is left out."""
    rows = [
        FactorObservation(
            neighbourhood_id=neighbourhood_id, year=year, code=seen.code, direction=seen.direction,
            description=seen.description, recorded_by=recorder(user),
        )
        for seen in observations
        if seen.direction in FactorObservation.Direction.values
    ]  # fmt: skip
    with transaction.atomic():
        data_versions_bump(
            neighbourhood_ids={row.neighbourhood_id for row in rows}
        )  # bulk_create sends no signal
        return FactorObservation.objects.bulk_create(rows)


def sustainability_record(
    *, neighbourhood_id: int, year: int, code: Code, status: str, note: str, user: User | None
) -> SustainabilityAssessment | None:
    """The neighbourhood's assessment of one sustainability structure for the year (replacing an earlier one).

    An unknown ``status`` records nothing (None).
    """
    if status not in SustainabilityAssessment.Status.values:
        return None
    assessment, _created = SustainabilityAssessment.objects.update_or_create(
        neighbourhood_id=neighbourhood_id, year=year, code=code,
        defaults={"status": status, "note": note, "recorded_by": recorder(user)},
    )  # fmt: skip
    return assessment
