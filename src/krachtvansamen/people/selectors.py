"""Who may reach what. Every neighbourhood-scoped page and API asks these functions, and only these.

- admin: everything.
- researcher: the neighbourhoods of their programme(s); a researcher membership without a
  programme reaches all neighbourhoods.
- programme manager: all neighbourhoods of their programme(s).
- connector, community builder: their own neighbourhood(s).
- funder: no raw data at all; only the reports of neighbourhoods their organisation funds.
- resident: nothing (residents take part without an account).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from krachtvansamen.neighbourhoods.models import Neighbourhood, Programme
from krachtvansamen.people.models import Funding, Membership, Role

# Roles that may see the raw, neighbourhood-level data (persons, fragments, relations).
DATA_ROLES = {Role.CONNECTOR, Role.COMMUNITY_BUILDER, Role.RESEARCHER, Role.PROGRAMME_MANAGER, Role.ADMIN}


def _memberships(user: Any) -> list[Membership]:
    # Cached on the user object: one query per request however many checks a page makes.
    cached = getattr(user, "_kvs_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user))
        user._kvs_memberships = cached
    return cached


def user_roles(*, user: Any) -> set[str]:
    if not user.is_authenticated or not user.is_active:
        return set()
    roles = {m.role for m in _memberships(user)}
    if user.is_superuser:
        roles.add(Role.ADMIN)
    return roles


def user_is_admin(*, user: Any) -> bool:
    return Role.ADMIN in user_roles(user=user)


def neighbourhoods_for_user(*, user: Any) -> QuerySet[Neighbourhood]:
    """Neighbourhoods whose raw data (persons, fragments, relations, assets) the user may see."""
    roles = user_roles(user=user)
    if not roles & DATA_ROLES:
        return Neighbourhood.objects.none()
    if Role.ADMIN in roles:
        return Neighbourhood.objects.all()
    condition = Q(pk__in=[])
    for membership in _memberships(user):
        if membership.role in (Role.CONNECTOR, Role.COMMUNITY_BUILDER):
            condition |= Q(pk=membership.neighbourhood_id)
        elif membership.role == Role.PROGRAMME_MANAGER:
            condition |= Q(programme_id=membership.programme_id)
        elif membership.role == Role.RESEARCHER:
            if membership.programme_id is None:
                return Neighbourhood.objects.all()
            condition |= Q(programme_id=membership.programme_id)
    return Neighbourhood.objects.filter(condition)


def neighbourhoods_funded_by_user(*, user: Any) -> QuerySet[Neighbourhood]:
    organisation_ids = [m.organisation_id for m in _memberships(user) if m.role == Role.FUNDER]
    if not organisation_ids or not user.is_active:
        return Neighbourhood.objects.none()
    funded = Funding.objects.filter(funder_id__in=organisation_ids).values("neighbourhood_id")
    return Neighbourhood.objects.filter(pk__in=funded)


def neighbourhoods_reportable_for_user(*, user: Any) -> QuerySet[Neighbourhood]:
    """Neighbourhoods whose reports (aggregates, consented quotes) the user may read."""
    return (neighbourhoods_for_user(user=user) | neighbourhoods_funded_by_user(user=user)).distinct()


def neighbourhood_get_for_user(*, user: Any, cbs_code: str) -> Neighbourhood:
    """The neighbourhood, if the user may see its data. 404 if it does not exist, 403 if not theirs."""
    try:
        neighbourhood = Neighbourhood.objects.select_related("programme").get(cbs_code=cbs_code)
    except Neighbourhood.DoesNotExist:
        raise Http404(_("This neighbourhood does not exist.")) from None
    if not neighbourhoods_for_user(user=user).filter(pk=neighbourhood.pk).exists():
        raise PermissionDenied(_("You do not have access to this neighbourhood."))
    return neighbourhood


def programmes_for_user(*, user: Any) -> QuerySet[Programme]:
    return Programme.objects.filter(
        pk__in=neighbourhoods_reportable_for_user(user=user).values("programme_id")
    ).order_by("name")
