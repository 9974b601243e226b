"""The endpoints. Every list is paged (``?limit=&offset=``, ``count`` is the total) and scoped by ``api.scope``;
every request carries a personal token (``Authorization: Bearer <token>``, ``kvs api-token``)."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import Field, NinjaAPI, Path, Query, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.openapi.docs import Swagger
from ninja.pagination import paginate
from ninja.security import HttpBearer

from krachtvansamen.api import scope
from krachtvansamen.api.common import (
    CBS_CODE,
    MAX_ID,
    MAX_YEAR,
    MIN_YEAR,
    READ_ERRORS,
    UNAUTHORISED,
    Paging,
    text_filter,
)
from krachtvansamen.api.raw_data import router as raw_data_router
from krachtvansamen.api.report_endpoints import router as reports_router
from krachtvansamen.api.schemas import (
    CbsFiguresOut,
    CodingOut,
    FragmentOut,
    NeighbourhoodOut,
    ProgrammeOut,
)
from krachtvansamen.api.tokens import TOKEN_GUESSING, token_check
from krachtvansamen.coding.models import Fragment, Instrument
from krachtvansamen.coding.selectors import codings_counted
from krachtvansamen.core.security import client_address
from krachtvansamen.neighbourhoods.models import CbsRecord, Neighbourhood


class Throttled(HttpError):
    def __init__(self, wait: int) -> None:
        self.wait = wait
        minutes = max(1, (wait + 59) // 60)
        message = ngettext(
            "Too many wrong API tokens from your address. Try again in %(minutes)d minute.",
            "Too many wrong API tokens from your address. Try again in %(minutes)d minutes.",
            minutes,
        )
        super().__init__(429, message % {"minutes": minutes})


class TokenAuth(HttpBearer):
    """A personal API token; wrong ones are counted per address (``tokens.TOKEN_GUESSING``)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if not token.strip():
            return None  # "Bearer" and nothing: as if no token was sent
        address = client_address(request)
        wait = TOKEN_GUESSING.wait(address)
        if wait:
            raise Throttled(wait)
        check = token_check(token.strip())
        if check.user is None:
            TOKEN_GUESSING.failed(address)
            if check.reason == "inactive":
                raise AuthenticationError(message=_("The account of this API token is no longer active."))
            raise AuthenticationError(message=_("This API token is unknown or has been revoked."))
        # The access log and the Cache-Control of core.security see who asked.
        request.user = check.user
        return check.user


class ApiDocs(Swagger):
    template = "api/docs.html"


api = NinjaAPI(
    title="Kracht van Samen API",
    version="1",
    description=(
        "Read-only access to the records of Kracht van Samen, scoped exactly as the web pages. "
        "Send your personal token as `Authorization: Bearer <token>` (`kvs api-token --user NAME`)."
    ),
    auth=TokenAuth(),
    docs=ApiDocs(),
    urls_namespace="api",
)


def _message(request: HttpRequest, status: int, detail: str, **headers: str) -> HttpResponse:
    response = api.create_response(request, {"detail": detail}, status=status)
    for name, value in headers.items():
        response[name] = value
    return response


@api.exception_handler(AuthenticationError)
def _unauthorised(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    detail = exc.message
    if detail == "Unauthorized":  # ninja's own: no Bearer token sent at all
        detail = _("Send your API token in the header Authorization: Bearer <token>.")
    return _message(request, 401, detail, **{"WWW-Authenticate": "Bearer"})


@api.exception_handler(Throttled)
def _throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    return _message(request, 429, exc.message, **{"Retry-After": str(exc.wait)})


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _message(request, 403, str(exc) or _("You do not have access to this."))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _message(request, 404, str(exc) or _("This does not exist."))


@api.get("/programmes", response={200: list[ProgrammeOut], **UNAUTHORISED}, tags=["programmes"])
@paginate(Paging)
def programmes(request: HttpRequest) -> QuerySet[Any]:
    """The programmes of the neighbourhoods whose reports you may read."""
    return scope.programmes_reportable(user=request.user).order_by("name", "pk")


class NeighbourhoodFilters(Schema):
    programme: str | None = text_filter(50, "A programme's slug.")
    municipality: str | None = text_filter(6, "A municipality code, e.g. GM0202.")


@api.get("/neighbourhoods", response={200: list[NeighbourhoodOut], **UNAUTHORISED}, tags=["neighbourhoods"])
@paginate(Paging)
def neighbourhoods(request: HttpRequest, filters: Query[NeighbourhoodFilters]) -> QuerySet[Any]:
    """The neighbourhoods whose reports you may read."""
    rows = scope.neighbourhoods_reportable(user=request.user).select_related("programme")
    if filters.programme:
        rows = rows.filter(programme__slug=filters.programme)
    if filters.municipality:
        rows = rows.filter(municipality_code=filters.municipality.upper())
    return rows.order_by("cbs_code")


@api.get(
    "/neighbourhoods/{cbs_code}/cbs",
    response={200: list[CbsFiguresOut], **READ_ERRORS},
    tags=["neighbourhoods"],
    summary="CBS figures",
)
@paginate(Paging)
def neighbourhood_cbs(
    request: HttpRequest, cbs_code: str = Path(..., pattern=CBS_CODE, description="E.g. BU02020101.")
) -> QuerySet[Any]:
    """The CBS figures (Kerncijfers wijken en buurten) of a neighbourhood, one row per year."""
    neighbourhood = Neighbourhood.objects.filter(cbs_code=cbs_code).first()
    if neighbourhood is None:
        raise Http404(_("This neighbourhood does not exist."))
    if not scope.neighbourhoods_reportable(user=request.user).filter(pk=neighbourhood.pk).exists():
        raise PermissionDenied(_("You do not have access to this neighbourhood."))
    return CbsRecord.objects.filter(region_code=neighbourhood.cbs_code).order_by("year", "pk")


class FragmentFilters(Schema):
    neighbourhood: str | None = text_filter(20, "A neighbourhood's CBS code.")
    year: int | None = Field(None, ge=MIN_YEAR, le=MAX_YEAR)
    instrument: Instrument | None = None


@api.get("/fragments", response={200: list[FragmentOut], **READ_ERRORS}, tags=["raw data"])
@paginate(Paging)
def fragments(request: HttpRequest, filters: Query[FragmentFilters]) -> QuerySet[Any]:
    """The fragments (stories, answers, quotes) of the neighbourhoods whose raw data you may see, newest year
    first. The speaker is a pseudonym. Funders and policy officers: 403."""
    rows = Fragment.objects.filter(neighbourhood__in=scope.neighbourhoods_with_data(user=request.user))
    if filters.neighbourhood:
        rows = rows.filter(neighbourhood__cbs_code=filters.neighbourhood)
    if filters.year:
        rows = rows.filter(year=filters.year)
    if filters.instrument:
        rows = rows.filter(instrument=filters.instrument)
    return rows.select_related("neighbourhood", "speaker").order_by("-year", "pk")


class CodingFilters(Schema):
    fragment: int | None = Field(None, ge=1, le=MAX_ID, description="A fragment's id.")
    neighbourhood: str | None = text_filter(20, "A neighbourhood's CBS code.")
    code: str | None = text_filter(150, "A code's key; includes its sub-codes.")


@api.get("/codings", response={200: list[CodingOut], **READ_ERRORS}, tags=["raw data"])
@paginate(Paging)
def codings(request: HttpRequest, filters: Query[CodingFilters]) -> QuerySet[Any]:
    """The codings that count (made or confirmed by a person; of a settled fragment only the settled outcome) of
    the fragments you may see. Funders and policy officers: 403."""
    visible = scope.neighbourhoods_with_data(user=request.user)
    rows = codings_counted().filter(fragment__neighbourhood__in=visible)
    if filters.fragment:
        rows = rows.filter(fragment_id=filters.fragment)
    if filters.neighbourhood:
        rows = rows.filter(fragment__neighbourhood__cbs_code=filters.neighbourhood)
    if filters.code:
        rows = rows.filter(code__key__startswith=filters.code)
    return rows.select_related("code").order_by("pk")


# After the endpoints above, so the schema lists them first.
api.add_router("", raw_data_router)
api.add_router("", reports_router)
