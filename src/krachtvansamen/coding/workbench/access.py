"""The workbench's questions to ``people.access``, and the blind-mode switch kept in the session.

Reading: users for whom ``user_reads_coding`` holds, within ``neighbourhoods_for_user``. Writing: only
within ``neighbourhoods_codable_for_user``. A fragment that does not exist is a 404; one outside the user's
reach a 403, as for neighbourhoods (``neighbourhood_get_for_user``).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, QueryDict
from django.utils.translation import gettext as _

from krachtvansamen.coding.models import Fragment
from krachtvansamen.coding.workbench.forms import FILTER_NAMES
from krachtvansamen.neighbourhoods.models import Neighbourhood
from krachtvansamen.people.access import (
    neighbourhoods_codable_for_user,
    neighbourhoods_for_user,
    user_reads_coding,
)

BLIND_KEY = "coding_blind"
RANK = "r"


def blind(request: HttpRequest) -> bool:
    return bool(request.session.get(BLIND_KEY, False))


def blind_set(request: HttpRequest, *, on: bool) -> None:
    request.session[BLIND_KEY] = on


def readable(request: HttpRequest) -> QuerySet[Neighbourhood]:
    """The neighbourhoods whose coding work the user may read; 403 for users who do not read coding."""
    if not user_reads_coding(user=request.user):
        raise PermissionDenied(_("Coding is for researchers, community builders and programme managers."))
    return neighbourhoods_for_user(user=request.user)


def may_code(request: HttpRequest, fragment: Fragment) -> bool:
    return neighbourhoods_codable_for_user(user=request.user).filter(pk=fragment.neighbourhood_id).exists()


def fragment_get(request: HttpRequest, pk: int) -> Fragment:
    """The fragment, if the user may read it: 404 if it does not exist, 403 if it is outside their reach."""
    neighbourhoods = readable(request)
    fragment = Fragment.objects.select_related("neighbourhood__programme").filter(pk=pk).first()
    if fragment is None:
        raise Http404(_("This fragment does not exist."))
    if not neighbourhoods.filter(pk=fragment.neighbourhood_id).exists():
        raise PermissionDenied(_("You do not have access to this fragment."))
    return fragment


def fragment_get_to_code(request: HttpRequest, pk: int) -> Fragment:
    """The fragment, if the user may code it (and settle it): 403 if they may only read it."""
    fragment = fragment_get(request, pk)
    if not may_code(request, fragment):
        raise PermissionDenied(_("You may read the coding of this neighbourhood, but not code it."))
    return fragment


def queue_query(params: QueryDict, *, rank: int | None = None) -> str:
    """The queue's filters from a request's parameters (and the rank of the open fragment) as a query string."""
    pairs = [(name, params[name]) for name in FILTER_NAMES if params.get(name)]
    if rank is not None:
        pairs.append((RANK, str(rank)))
    return urlencode(pairs)


def rank_from(params: QueryDict) -> int | None:
    value = params.get(RANK, "")
    return int(value) if value.isdigit() and len(value) < 3 else None
