"""Reads for the neighbourhood pages: figures (tellen) next to assets, activities and stories (vertellen)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from krachtvansamen.assets.models import Activity, Asset
from krachtvansamen.coding.models import Coding, Fragment
from krachtvansamen.neighbourhoods.models import CbsRecord, Neighbourhood
from krachtvansamen.network.models import Relation


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


@dataclass
class NeighbourhoodOverview:
    neighbourhood: Neighbourhood
    year: int | None
    years: list[int]
    figures: CbsFigures | None
    municipality_population: int | None
    assets_by_category: list[tuple[str, list[Asset]]]
    meeting_places: list[Asset]
    activities: list[Activity]
    activities_by_initiator: dict[str, int] = field(default_factory=dict)
    resident_led_percent: float | None = None
    fragments: list[Fragment] = field(default_factory=list)
    fragment_count: int = 0
    relation_count: int = 0
    person_count: int = 0


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


def neighbourhood_years(*, neighbourhood: Neighbourhood) -> list[int]:
    years: set[int] = set()
    for model in (Fragment, Activity, Asset):
        years.update(
            model.objects.filter(neighbourhood=neighbourhood).values_list("year", flat=True).distinct()
        )
    return sorted(years)


def neighbourhood_overview(*, neighbourhood: Neighbourhood, year: int | None = None) -> NeighbourhoodOverview:
    years = neighbourhood_years(neighbourhood=neighbourhood)
    if year is None and years:
        year = years[-1]
    figures = cbs_figures_latest(region_code=neighbourhood.cbs_code)
    municipality = (
        CbsRecord.objects.filter(region_code=neighbourhood.municipality_code)
        .order_by("-year")
        .values_list("population", flat=True)
        .first()
        if neighbourhood.municipality_code
        else None
    )
    # Assets are an inventory that accumulates: everything recorded up to and including the year.
    assets = list(
        Asset.objects.filter(neighbourhood=neighbourhood, **({"year__lte": year} if year else {})).order_by(
            "category", "name"
        )
    )
    categories = dict(Asset.Category.choices)
    grouped: dict[str, list[Asset]] = {}
    for asset in assets:
        grouped.setdefault(str(categories.get(asset.category, asset.category)), []).append(asset)
    activities = list(
        Activity.objects.filter(neighbourhood=neighbourhood, year=year)
        .select_related("meeting_place")
        .annotate(registered=Count("participants"))
        .order_by("title")
    )
    by_initiator = Counter(activity.initiated_by for activity in activities)
    fragments_qs = Fragment.objects.filter(neighbourhood=neighbourhood, year=year)
    fragments = list(
        fragments_qs.order_by("-created_at", "-pk").prefetch_related(
            Prefetch("codings", queryset=Coding.objects.select_related("code").order_by("code__position"))
        )[:12]
    )
    return NeighbourhoodOverview(
        neighbourhood=neighbourhood,
        year=year,
        years=years,
        figures=figures,
        municipality_population=municipality,
        assets_by_category=list(grouped.items()),
        meeting_places=[asset for asset in assets if asset.is_meeting_place],
        activities=activities,
        activities_by_initiator=dict(by_initiator),
        resident_led_percent=(
            round(100 * by_initiator.get(Activity.InitiatedBy.RESIDENTS, 0) / len(activities), 0)
            if activities
            else None
        ),
        fragments=fragments,
        fragment_count=fragments_qs.count(),
        relation_count=Relation.objects.filter(neighbourhood=neighbourhood, year=year).count(),
        person_count=neighbourhood.persons.count(),
    )


def _count_per_neighbourhood(model: type[models.Model]) -> Subquery:
    # A subquery per count, not a join: joining fragments and activities would multiply the rows.
    return Subquery(
        model.objects.filter(neighbourhood=OuterRef("pk"))
        .order_by()
        .values("neighbourhood")
        .annotate(total=Count("pk"))
        .values("total")[:1],
        output_field=models.IntegerField(),
    )


def neighbourhoods_with_counts(*, queryset: QuerySet[Neighbourhood]) -> QuerySet[Neighbourhood]:
    return (
        queryset.select_related("programme")
        .annotate(
            fragment_total=Coalesce(_count_per_neighbourhood(Fragment), 0),
            activity_total=Coalesce(_count_per_neighbourhood(Activity), 0),
        )
        .order_by("municipality_name", "name")
    )
