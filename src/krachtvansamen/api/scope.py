"""Which rows a token's user reaches: only what ``people.access`` decides, composed per endpoint.

- Programmes and neighbourhoods (and their CBS figures): those whose reports the user may read — the raw-data
  neighbourhoods, a funder's funded ones (``neighbourhoods_reportable_for_user``) and, for a municipality's
  policy officer, that municipality's neighbourhoods in a programme (``municipalities_for_user``; as
  ``reports.access.reads_policy_signals_of``).
- Fragments, codings, persons, assets, activities, relations and instrument answers are raw data: those of
  ``neighbourhoods_for_user``, as the neighbourhood page shows them
  (every consent level: the team reads internal fragments too; quoting outside the team is for the reports,
  ``privacy.selectors.quotable``). Who has no raw data at all (a funder, a policy officer) gets a 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from krachtvansamen.core.types import User
from krachtvansamen.neighbourhoods.models import Neighbourhood, Programme
from krachtvansamen.people.access import (
    DATA_ROLES,
    municipalities_for_user,
    neighbourhoods_for_user,
    neighbourhoods_reportable_for_user,
    user_roles,
)


def neighbourhoods_reportable(*, user: User) -> QuerySet[Neighbourhood]:
    reportable = neighbourhoods_reportable_for_user(user=user).values("pk")
    policy = Q(municipality_code__in=municipalities_for_user(user=user), programme__isnull=False)
    return Neighbourhood.objects.filter(Q(pk__in=reportable) | policy)


def programmes_reportable(*, user: User) -> QuerySet[Programme]:
    return Programme.objects.filter(pk__in=neighbourhoods_reportable(user=user).values("programme_id"))


def neighbourhoods_with_data(*, user: User) -> QuerySet[Neighbourhood]:
    """The neighbourhoods whose raw data (persons, fragments, codings, assets, activities, relations, answers) the
    user reads; 403 for who reads no raw data at all."""
    if not user_roles(user=user) & DATA_ROLES:
        raise PermissionDenied(
            _(
                "This is raw data of the neighbourhoods: only their team reads it. Reports are at "
                "/api/reports/."
            )
        )
    return neighbourhoods_for_user(user=user)
