"""Reads for the asset map, activities, and the choices the forms offer (always scoped to one neighbourhood)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from krachtvansamen.assets.categories import CATEGORIES, RING, TALENTS, CategoryInfo
from krachtvansamen.assets.models import Activity, Asset
from krachtvansamen.neighbourhoods.models import MeasurementYear, Neighbourhood
from krachtvansamen.people.models import Organisation, Person


def entry_years() -> list[int]:
    """Years open for new data. Without any measurement year set up, the calendar year."""
    years = list(MeasurementYear.objects.values_list("year", "is_open"))
    if not years:
        return [timezone.localdate().year]
    return sorted((year for year, is_open in years if is_open), reverse=True)


def default_entry_year() -> int | None:
    years = entry_years()
    return years[0] if years else None


def persons_for_neighbourhood(*, neighbourhood: Neighbourhood) -> QuerySet[Person]:
    return Person.objects.filter(neighbourhood=neighbourhood).order_by("pseudonym")


def organisations_for_neighbourhood(*, neighbourhood: Neighbourhood) -> QuerySet[Organisation]:
    """Organisations that belong to this neighbourhood or already play a part in it.

    Not every organisation of the municipality: several neighbourhoods of one town each have their own
    row for "the welfare organisation", and a connector should only see the ones known here.
    """
    in_relations = Organisation.objects.filter(
        Q(relations_as_source__neighbourhood=neighbourhood)
        | Q(relations_as_target__neighbourhood=neighbourhood)
    )
    used = (
        Q(neighbourhood=neighbourhood)
        | Q(pk__in=in_relations.values("pk"))
        | Q(pk__in=Activity.objects.filter(neighbourhood=neighbourhood).values("initiator_organisation"))
        | Q(pk__in=Asset.objects.filter(neighbourhood=neighbourhood).values("organisation"))
        | Q(pk__in=Person.objects.filter(neighbourhood=neighbourhood).values("organisation"))
    )
    return Organisation.objects.filter(used).exclude(kind=Organisation.Kind.FUND).order_by("name")


def meeting_places_for_neighbourhood(*, neighbourhood: Neighbourhood) -> QuerySet[Asset]:
    return Asset.objects.filter(neighbourhood=neighbourhood, is_meeting_place=True).order_by("name")


def activities_for_neighbourhood(*, neighbourhood: Neighbourhood) -> QuerySet[Activity]:
    return Activity.objects.filter(neighbourhood=neighbourhood).order_by("-year", "title")


@dataclass
class CategoryGroup:
    info: CategoryInfo
    label: str
    assets: list[Asset]

    @property
    def key(self) -> str:
        return self.info.key

    @property
    def count(self) -> int:
        return len(self.assets)

    @property
    def meeting_place_count(self) -> int:
        return sum(1 for asset in self.assets if asset.is_meeting_place)


@dataclass
class AssetMap:
    year: int | None
    talents: list[CategoryGroup]
    ring: list[CategoryGroup]
    total: int = 0
    meeting_places: list[Asset] = field(default_factory=list)

    @property
    def groups(self) -> list[CategoryGroup]:
        return self.talents + self.ring

    @property
    def talent_count(self) -> int:
        return sum(group.count for group in self.talents)


def asset_map(*, neighbourhood: Neighbourhood, year: int | None) -> AssetMap:
    """All assets recorded up to and including the year (the inventory accumulates), by category."""
    assets = Asset.objects.filter(neighbourhood=neighbourhood).select_related("person", "organisation")
    if year is not None:
        assets = assets.filter(year__lte=year)
    by_category: dict[str, list[Asset]] = {key: [] for key in CATEGORIES}
    for asset in assets.order_by("name", "pk"):
        by_category.setdefault(asset.category, []).append(asset)
    labels = dict(Asset.Category.choices)

    def group(key: str) -> CategoryGroup:
        return CategoryGroup(info=CATEGORIES[key], label=str(labels[key]), assets=by_category[key])

    result = AssetMap(year=year, talents=[group(k) for k in TALENTS], ring=[group(k) for k in RING])
    result.total = sum(group.count for group in result.groups)
    result.meeting_places = [a for g in result.groups for a in g.assets if a.is_meeting_place]
    return result


def activities_for_year(*, neighbourhood: Neighbourhood, year: int | None) -> list[Activity]:
    if year is None:
        return []
    return list(
        Activity.objects.filter(neighbourhood=neighbourhood, year=year)
        .select_related("meeting_place", "initiator_person", "initiator_organisation")
        .annotate(registered=Count("participants"))
        .order_by("title", "pk")
    )


@dataclass(frozen=True)
class Dependants:
    """What points at a record that is about to be deleted: it stays, without the link."""

    activities: int = 0
    relations: int = 0


def asset_dependants(*, asset: Asset) -> Dependants:
    return Dependants(
        activities=asset.activities.count(),
        relations=asset.hooked_relations.count(),  # type: ignore[attr-defined]
    )


def activity_dependants(*, activity: Activity) -> Dependants:
    return Dependants(relations=activity.hooked_relations.count())  # type: ignore[attr-defined]
