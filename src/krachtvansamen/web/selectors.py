"""The composed pages: the start page (per role what one can do here, and one's neighbourhoods) and the
neighbourhood page (figures next to assets, network, instruments, meetings, documents and stories).

These pages read many apps, so they live here at the top; each app answers through its own selectors and
``people.access`` decides who sees what. The templates only display what these functions return.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from krachtvansamen.assets.models import Activity
from krachtvansamen.coding.models import Fragment
from krachtvansamen.coding.selectors import CodingTodo, coding_todo
from krachtvansamen.core.types import User
from krachtvansamen.neighbourhoods.models import Neighbourhood, Programme
from krachtvansamen.people.access import (
    municipalities_for_user,
    neighbourhoods_codable_for_user,
    neighbourhoods_for_user,
    neighbourhoods_funded_by_user,
    programmes_for_user,
    user_codes,
    user_roles,
)
from krachtvansamen.people.models import Funding, Role

# A researcher or administrator may see all 14,574 buurten of the country: the list is searched and paged,
# never sent whole (that page was 10 MB and 8 s on the national data set).
NEIGHBOURHOODS_PER_PAGE = 50

ROLE_ORDER = [
    Role.ADMIN,
    Role.PROGRAMME_MANAGER,
    Role.RESEARCHER,
    Role.COMMUNITY_BUILDER,
    Role.CONNECTOR,
    Role.FUNDER,
    Role.MUNICIPALITY,
]


def _count_per_neighbourhood(model: type[Fragment] | type[Activity]) -> Subquery:
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


def start_page_shows_neighbourhoods(*, user: User) -> bool:
    """Whether the start page lists neighbourhoods for this user: every role with data, not a funder, a
    resident or a municipality's officer (they have their own lists)."""
    return bool(user_roles(user=user) - {Role.FUNDER, Role.RESIDENT, Role.MUNICIPALITY})


def neighbourhoods_listed(*, user: User, search: str = "") -> QuerySet[Neighbourhood]:
    """The start page's table of neighbourhoods (all its pages, or its download): those whose data the user
    sees, found by name, municipality or CBS code, with their counts."""
    found = neighbourhoods_for_user(user=user)
    search = search.strip()[:100]
    if search:
        found = found.filter(
            Q(name__icontains=search) | Q(municipality_name__icontains=search) | Q(cbs_code__iexact=search)
        )
    return neighbourhoods_with_counts(queryset=found)


@dataclass
class StartPage:
    roles: list[str]
    neighbourhoods: list[Neighbourhood] = field(default_factory=list)
    neighbourhood_page: Page | None = None
    neighbourhood_total: int = 0
    search: str = ""
    programmes: list[Programme] = field(default_factory=list)
    fundings: list[Funding] = field(default_factory=list)
    sees_data: bool = False
    is_funder: bool = False
    is_admin: bool = False
    coding: CodingTodo | None = None  # for coders: what waits in the workbench
    # For a municipality's policy officer: (code, name) of each municipality whose policy signals they read.
    municipalities: list[tuple[str, str]] = field(default_factory=list)


def start_page_for_user(*, user: User, search: str = "", page_number: Any = 1) -> StartPage:
    roles = user_roles(user=user)
    ordered = [role.value for role in ROLE_ORDER if role in roles]
    page = StartPage(roles=ordered, is_admin=Role.ADMIN in roles, is_funder=Role.FUNDER in roles)
    page.sees_data = start_page_shows_neighbourhoods(user=user)
    if page.sees_data:
        page.search = search.strip()[:100]
        paginator = Paginator(neighbourhoods_listed(user=user, search=page.search), NEIGHBOURHOODS_PER_PAGE)
        page.neighbourhood_page = paginator.get_page(
            page_number
        )  # a wrong page number shows the nearest page
        page.neighbourhood_total = paginator.count
        page.neighbourhoods = list(page.neighbourhood_page.object_list)
        page.programmes = list(programmes_for_user(user=user))
    if user_codes(user=user):
        page.coding = coding_todo(neighbourhoods=neighbourhoods_codable_for_user(user=user))
    codes = municipalities_for_user(user=user)
    names = dict(
        Neighbourhood.objects.filter(municipality_code__in=codes, programme__isnull=False)
        .order_by("municipality_code", "pk").values_list("municipality_code", "municipality_name")
    )  # fmt: skip
    page.municipalities = [(code, names.get(code) or code) for code in codes if code in names]
    if page.is_funder:
        page.fundings = list(
            Funding.objects.filter(
                neighbourhood__in=neighbourhoods_funded_by_user(user=user), funder__memberships__user=user
            )
            .select_related("neighbourhood", "funder", "programme")
            .order_by("neighbourhood__municipality_name", "neighbourhood__name")
            .distinct()
        )
    return page
