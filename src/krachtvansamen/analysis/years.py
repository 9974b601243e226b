"""Years with data: the years in which anything was recorded for a set of neighbourhoods, and the check a
report or an evidence page makes before it analyses a year.

The measurement years themselves (which years exist, which are open) belong to ``neighbourhoods.years``;
which of them hold data depends on every domain app, so it lives here, above them all.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.utils.translation import gettext as _

from krachtvansamen.assessments.models import FactorObservation, SustainabilityAssessment
from krachtvansamen.assets.models import Activity, Asset
from krachtvansamen.coding.models import Fragment
from krachtvansamen.instruments.models import Submission
from krachtvansamen.network.models import Relation


def data_years(*, neighbourhood_ids: Iterable[int]) -> list[int]:
    """Years in which anything was recorded for these neighbourhoods (fragments, activities, assets, relations,
    environment factors, sustainability assessments, submitted forms)."""
    ids = list(neighbourhood_ids)
    years: set[int] = set()
    for model in (Fragment, Activity, Asset, Relation, FactorObservation, SustainabilityAssessment):
        years.update(
            model.objects.filter(neighbourhood_id__in=ids)
            .order_by()
            .values_list("year", flat=True)
            .distinct()
        )
    years.update(Submission.objects.filter(neighbourhood_id__in=ids, status=Submission.Status.SUBMITTED)
                 .order_by().values_list("year", flat=True).distinct())  # fmt: skip
    return sorted(years)


class NoDataForYear(ValueError):
    def __init__(self, year: int, years: Sequence[int]) -> None:
        self.year, self.years = year, list(years)
        super().__init__(year)

    def __str__(self) -> str:
        if not self.years:
            return _("Nothing has been recorded here yet, in any year.")
        return _("Nothing was recorded in %(year)s. Years with data: %(years)s.") % {
            "year": self.year,
            "years": ", ".join(str(y) for y in self.years),
        }


def check_year(*, year: int, years: Sequence[int]) -> None:
    """Raise ``NoDataForYear`` unless ``year`` is one of ``years`` (the years with data)."""
    if year not in years:
        raise NoDataForYear(year, years)
