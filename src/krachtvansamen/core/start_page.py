"""What a user's start page shows: per role what they can do here, and their neighbourhoods."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from krachtvansamen.neighbourhoods.models import Neighbourhood, Programme
from krachtvansamen.neighbourhoods.selectors import neighbourhoods_with_counts
from krachtvansamen.people.models import Funding, Role
from krachtvansamen.people.selectors import (
    neighbourhoods_for_user,
    neighbourhoods_funded_by_user,
    programmes_for_user,
    user_roles,
)

ROLE_ORDER = [Role.ADMIN, Role.PROGRAMME_MANAGER, Role.RESEARCHER, Role.COMMUNITY_BUILDER, Role.CONNECTOR, Role.FUNDER]


@dataclass
class StartPage:
    roles: list[str]
    neighbourhoods: list[Neighbourhood] = field(default_factory=list)
    programmes: list[Programme] = field(default_factory=list)
    fundings: list[Funding] = field(default_factory=list)
    sees_data: bool = False
    is_funder: bool = False
    is_admin: bool = False


def start_page_for_user(*, user: Any) -> StartPage:
    roles = user_roles(user=user)
    ordered = [role.value for role in ROLE_ORDER if role in roles]
    page = StartPage(roles=ordered, is_admin=Role.ADMIN in roles, is_funder=Role.FUNDER in roles)
    data_neighbourhoods = neighbourhoods_for_user(user=user)
    page.sees_data = bool(roles - {Role.FUNDER, Role.RESIDENT})
    if page.sees_data:
        page.neighbourhoods = list(neighbourhoods_with_counts(queryset=data_neighbourhoods))
        page.programmes = list(programmes_for_user(user=user))
    if page.is_funder:
        page.fundings = list(
            Funding.objects.filter(neighbourhood__in=neighbourhoods_funded_by_user(user=user),
                                   funder__memberships__user=user)
            .select_related("neighbourhood", "funder", "programme")
            .order_by("neighbourhood__municipality_name", "neighbourhood__name")
            .distinct()
        )
    return page
