"""The neighbourhood page, composed: the CBS figures (tellen) next to assets, network, instruments,
meetings, documents and stories (vertellen). Each section is read through its own app's selectors; who may
change or see what is asked of ``people.access`` here, so the templates only display.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q

from krachtvansamen.analysis.participants import participants_in_year
from krachtvansamen.assets.models import Activity, Asset
from krachtvansamen.assets.selectors import activities_for_year, asset_map
from krachtvansamen.assets.svg import asset_map_svg
from krachtvansamen.coding.models import Fragment
from krachtvansamen.coding.selectors import codings_counted
from krachtvansamen.core.types import User
from krachtvansamen.documents.selectors import documents_for_neighbourhood
from krachtvansamen.effectenplein.selectors import (
    meeting_is_live,
    meeting_year_choices,
    meetings_for_neighbourhood,
)
from krachtvansamen.instruments.models import Submission
from krachtvansamen.instruments.selectors import forms_current, praatplaat
from krachtvansamen.neighbourhoods.models import Neighbourhood
from krachtvansamen.neighbourhoods.selectors import CbsFigures, cbs_figures_latest, municipality_population
from krachtvansamen.network.models import Relation
from krachtvansamen.network.selectors import KIND_PLAIN, network_for_year
from krachtvansamen.network.svg import EDGE_STYLE, network_svg
from krachtvansamen.people.access import record_may_change, record_may_delete, user_sees_data
from krachtvansamen.privacy.changes import changes_for_records

# How many documents the page lists; the documents page has them all.
LATEST_DOCUMENTS = 5


@dataclass
class NeighbourhoodOverview:
    neighbourhood: Neighbourhood
    year: int | None
    years: list[int]
    figures: CbsFigures | None
    municipality_population: int | None
    assets_by_category: list[tuple[str, list[Asset]]]
    meeting_places: list[Asset]
    activities: Sequence[Activity]
    activities_by_initiator: dict[str, int] = field(default_factory=dict)
    resident_led_percent: float | None = None
    fragments: list[Fragment] = field(default_factory=list)
    fragment_count: int = 0  # fragments of ``year`` (not all years)
    relation_count: int = 0
    # Residents who took part in ``year``: the one definition of ``analysis.participants``, the number the
    # Buurtbeeld and the Financiersrapport show.
    participant_count: int = 0
    attendance_count: int = 0  # bezoeken: the activities' participant counts added up; not people


def neighbourhood_overview(*, neighbourhood: Neighbourhood, year: int | None = None) -> NeighbourhoodOverview:
    years = neighbourhood_years(neighbourhood=neighbourhood)
    if year is None and years:
        year = years[-1]
    figures = cbs_figures_latest(region_code=neighbourhood.cbs_code)
    municipality = municipality_population(neighbourhood=neighbourhood)
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
    # No year (nothing recorded yet): nothing is "in" it. Spelled out instead of filtering on year=None.
    in_year = Q(year=year) if year is not None else Q(pk__in=[])
    activities = list(
        Activity.objects.filter(in_year, neighbourhood=neighbourhood)
        .select_related("meeting_place")
        .annotate(registered=Count("participants"))
        .order_by("title")
    )
    by_initiator = Counter(activity.initiated_by for activity in activities)
    fragments_qs = Fragment.objects.filter(in_year, neighbourhood=neighbourhood)
    fragments = list(
        fragments_qs.order_by("-created_at", "-pk").prefetch_related(
            Prefetch("codings", queryset=codings_counted().select_related("code").order_by("code__position"))
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
        relation_count=Relation.objects.filter(in_year, neighbourhood=neighbourhood).count(),
        participant_count=len(participants_in_year(neighbourhood_id=neighbourhood.pk, year=year))
        if year is not None
        else 0,
        attendance_count=sum(activity.participant_count for activity in activities),
    )


def neighbourhood_years(*, neighbourhood: Neighbourhood) -> list[int]:
    """The years the page offers: those with fragments, activities or assets recorded."""
    years: set[int] = set()
    for model in (Fragment, Activity, Asset):
        years.update(
            model.objects.filter(neighbourhood=neighbourhood).values_list("year", flat=True).distinct()
        )
    return sorted(years)


def assets_section(*, user: User, neighbourhood: Neighbourhood, year: int | None) -> dict[str, Any]:
    the_map = asset_map(neighbourhood=neighbourhood, year=year)
    activities = activities_for_year(neighbourhood=neighbourhood, year=year)
    records: list[Asset | Activity] = [*(a for g in the_map.groups for a in g.assets), *activities]
    changeable = {
        (type(record).__name__, record.pk)
        for record in records
        if record_may_change(user=user, record=record)
    }
    deletable = {
        (type(record).__name__, record.pk)
        for record in records
        if record_may_delete(user=user, record=record)
    }
    return {
        "map": the_map,
        "map_svg": asset_map_svg(
            the_map, title_id="krachtenkaart-titel", desc_id="krachtenkaart-beschrijving"
        ),
        "activities": activities,
        "changeable": changeable,
        "deletable": deletable,
        # Who changed what and when, per record (same keys as ``changeable``); the page asked for the buurt's
        # data already.
        "changes": changes_for_records(records),
    }


def network_section(*, neighbourhood: Neighbourhood, year: int | None) -> dict[str, Any]:
    network = network_for_year(neighbourhood=neighbourhood, year=year)
    legend = [
        {"key": key, "label": KIND_PLAIN[Relation.CapitalType(key)], "colour": colour, "dash": dash}
        for key, (colour, dash) in EDGE_STYLE.items()
    ]
    return {
        "network": network,
        "legend": legend,
        "network_svg": network_svg(network, title_id="netwerk-titel", desc_id="netwerk-beschrijving"),
    }


def instruments_section(*, neighbourhood: Neighbourhood, year: int | None) -> dict[str, Any]:
    done = (
        set(
            Submission.objects.filter(
                neighbourhood=neighbourhood, year=year, status=Submission.Status.SUBMITTED
            ).values_list("form_version__form__key", flat=True)
        )
        if year
        else set()
    )
    return {
        "forms": forms_current(),
        "done": done,
        "plate": praatplaat(neighbourhood=neighbourhood, year=None),
    }


def effectenplein_section(*, neighbourhood: Neighbourhood) -> dict[str, Any]:
    # Whoever may see the neighbourhood page may open a meeting here.
    meetings = meetings_for_neighbourhood(neighbourhood=neighbourhood)
    years = meeting_year_choices()
    return {
        "meetings": [(meeting, meeting_is_live(meeting=meeting)) for meeting in meetings],
        "years": years,
        "default_year": years[-1],
    }


def documents_section(*, user: User, neighbourhood: Neighbourhood) -> dict[str, Any]:
    # The page has checked access already; checked again so the section can never leak on another page.
    show = user_sees_data(user=user, neighbourhood=neighbourhood)
    documents = documents_for_neighbourhood(neighbourhood=neighbourhood) if show else None
    return {
        "show": show,
        "documents": list(documents[:LATEST_DOCUMENTS]) if documents is not None else [],
        "total": documents.count() if documents is not None else 0,
    }


@dataclass
class NeighbourhoodPage:
    overview: NeighbourhoodOverview
    sections: dict[str, dict[str, Any]]


def neighbourhood_page(*, user: User, neighbourhood: Neighbourhood, year: int | None) -> NeighbourhoodPage:
    """Everything the neighbourhood page shows; the caller has checked that ``user`` may see it."""
    overview = neighbourhood_overview(neighbourhood=neighbourhood, year=year)
    year = overview.year
    return NeighbourhoodPage(
        overview=overview,
        sections={
            "instruments": instruments_section(neighbourhood=neighbourhood, year=year),
            "assets": assets_section(user=user, neighbourhood=neighbourhood, year=year),
            "network": network_section(neighbourhood=neighbourhood, year=year),
            "effectenplein": effectenplein_section(neighbourhood=neighbourhood),
            "documents": documents_section(user=user, neighbourhood=neighbourhood),
        },
    )
