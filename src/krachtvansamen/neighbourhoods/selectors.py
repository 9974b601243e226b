"""Reads of a neighbourhood's own figures: the CBS key figures (tellen), as shares for bars."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from krachtvansamen.neighbourhoods.models import CbsRecord, Neighbourhood


@dataclass(frozen=True)
class Share:
    label: str
    count: int
    percent: float


@dataclass(frozen=True)
class CbsFigures:
    record: CbsRecord
    age_groups: list[Share]
    origins: list[Share]
    suppressed: list[str]


def _shares(items: list[tuple[str, int | None]]) -> list[Share]:
    total = sum(count or 0 for _label, count in items)
    return [
        Share(label=label, count=count or 0, percent=round(100 * (count or 0) / total, 1) if total else 0.0)
        for label, count in items
    ]


def cbs_figures_latest(*, region_code: str) -> CbsFigures | None:
    record = CbsRecord.objects.filter(region_code=region_code).order_by("-year").first()
    if record is None:
        return None
    return cbs_figures_from_record(record=record)


def cbs_figures_from_record(*, record: CbsRecord) -> CbsFigures:
    age_groups = _shares(
        [
            (_("under 15"), record.age_0_15),
            (_("15 to 25"), record.age_15_25),
            (_("25 to 45"), record.age_25_45),
            (_("45 to 65"), record.age_45_65),
            (_("65 and older"), record.age_65_plus),
        ]
    )
    origin_values = [record.origin_netherlands, record.origin_europe, record.origin_outside_europe]
    origins = (
        _shares(
            [
                (_("Netherlands"), record.origin_netherlands),
                (_("Europe (outside the Netherlands)"), record.origin_europe),
                (_("outside Europe"), record.origin_outside_europe),
            ]
        )
        if any(value is not None for value in origin_values)
        else []
    )
    return CbsFigures(
        record=record, age_groups=age_groups, origins=origins, suppressed=list(record.suppressed)
    )


def municipality_population(*, neighbourhood: Neighbourhood) -> int | None:
    """The newest CBS population of the neighbourhood's municipality, for comparison."""
    if not neighbourhood.municipality_code:
        return None
    return (
        CbsRecord.objects.filter(region_code=neighbourhood.municipality_code)
        .order_by("-year")
        .values_list("population", flat=True)
        .first()
    )
