"""The raw data of a neighbourhood besides fragments and codings: persons (pseudonymous), assets, activities,
relations and the answers to the instruments. Each list holds the rows of the neighbourhoods whose data the
user sees (``scope.neighbourhoods_with_data``, as the neighbourhood page); funders and policy officers get a
403, as on the web."""

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from krachtvansamen.api import scope
from krachtvansamen.api.answers import with_demographics_consent
from krachtvansamen.api.common import MAX_YEAR, MIN_YEAR, READ_ERRORS, Paging, text_filter
from krachtvansamen.api.schemas import ActivityOut, AssetOut, InstrumentAnswersOut, PersonOut, RelationOut
from krachtvansamen.assets.models import Activity, Asset
from krachtvansamen.coding.models import Instrument
from krachtvansamen.instruments.models import CodedAnswer, FormVersion, Submission, SubmissionFragment
from krachtvansamen.network.models import Relation
from krachtvansamen.people.models import Person

router = Router(tags=["raw data"])


def _neighbourhood() -> Any:
    return text_filter(20, "A neighbourhood's CBS code.")


def _year() -> Any:
    return Field(None, ge=MIN_YEAR, le=MAX_YEAR, description="The year it was recorded.")


class PersonFilters(Schema):
    neighbourhood: str | None = _neighbourhood()
    role: Person.PersonRole | None = None


@router.get("/persons", response={200: list[PersonOut], **READ_ERRORS})
@paginate(Paging)
def persons(request: HttpRequest, filters: Query[PersonFilters]) -> QuerySet[Any]:
    """The participants of the neighbourhoods whose raw data you see, by pseudonym (never a name or contact
    details). Funders and policy officers: 403."""
    rows = Person.objects.filter(neighbourhood__in=scope.neighbourhoods_with_data(user=request.user))
    if filters.neighbourhood:
        rows = rows.filter(neighbourhood__cbs_code=filters.neighbourhood)
    if filters.role:
        rows = rows.filter(role=filters.role)
    return rows.select_related("neighbourhood").order_by("neighbourhood__cbs_code", "pseudonym", "pk")


class AssetFilters(Schema):
    neighbourhood: str | None = _neighbourhood()
    year: int | None = _year()
    category: Asset.Category | None = None
    meeting_place: bool | None = Field(None, description="Only meeting places (true) or only the others.")


@router.get("/assets", response={200: list[AssetOut], **READ_ERRORS})
@paginate(Paging)
def assets(request: HttpRequest, filters: Query[AssetFilters]) -> QuerySet[Any]:
    """The assets (ABCD: talents, associations, places …) of the neighbourhoods whose raw data you see.
    Funders and policy officers: 403."""
    rows = Asset.objects.filter(neighbourhood__in=scope.neighbourhoods_with_data(user=request.user))
    if filters.neighbourhood:
        rows = rows.filter(neighbourhood__cbs_code=filters.neighbourhood)
    if filters.year:
        rows = rows.filter(year=filters.year)
    if filters.category:
        rows = rows.filter(category=filters.category)
    if filters.meeting_place is not None:
        rows = rows.filter(is_meeting_place=filters.meeting_place)
    return rows.select_related("neighbourhood", "person", "organisation").order_by("-year", "pk")


class ActivityFilters(Schema):
    neighbourhood: str | None = _neighbourhood()
    year: int | None = _year()
    initiated_by: Activity.InitiatedBy | None = None


@router.get("/activities", response={200: list[ActivityOut], **READ_ERRORS})
@paginate(Paging)
def activities(request: HttpRequest, filters: Query[ActivityFilters]) -> QuerySet[Any]:
    """The activities of the neighbourhoods whose raw data you see. Funders and policy officers: 403."""
    rows = Activity.objects.filter(neighbourhood__in=scope.neighbourhoods_with_data(user=request.user))
    if filters.neighbourhood:
        rows = rows.filter(neighbourhood__cbs_code=filters.neighbourhood)
    if filters.year:
        rows = rows.filter(year=filters.year)
    if filters.initiated_by:
        rows = rows.filter(initiated_by=filters.initiated_by)
    return (
        rows.select_related("neighbourhood", "initiator_person", "initiator_organisation")
        .prefetch_related(Prefetch("participants", queryset=Person.objects.only("pk")))
        .order_by("-year", "pk")
    )


class RelationFilters(Schema):
    neighbourhood: str | None = _neighbourhood()
    year: int | None = _year()
    capital_type: Relation.CapitalType | None = None


@router.get("/relations", response={200: list[RelationOut], **READ_ERRORS})
@paginate(Paging)
def relations(request: HttpRequest, filters: Query[RelationFilters]) -> QuerySet[Any]:
    """The relations (the network: who knows whom, and what brought them together) of the neighbourhoods
    whose raw data you see. Funders and policy officers: 403."""
    rows = Relation.objects.filter(neighbourhood__in=scope.neighbourhoods_with_data(user=request.user))
    if filters.neighbourhood:
        rows = rows.filter(neighbourhood__cbs_code=filters.neighbourhood)
    if filters.year:
        rows = rows.filter(year=filters.year)
    if filters.capital_type:
        rows = rows.filter(capital_type=filters.capital_type)
    return rows.select_related(
        "neighbourhood", "source_person", "source_organisation", "target_person", "target_organisation",
        "hook_person",
    ).order_by("-year", "pk")  # fmt: skip


class AnswerFilters(Schema):
    neighbourhood: str | None = _neighbourhood()
    year: int | None = _year()
    form: str | None = text_filter(60, "A form's key, e.g. wijkwaardenkaart.")
    instrument: Instrument | None = None


@router.get("/instrument-answers", response={200: list[InstrumentAnswersOut], **READ_ERRORS})
@paginate(Paging)
def instrument_answers(request: HttpRequest, filters: Query[AnswerFilters]) -> QuerySet[Any]:
    """The submitted forms (drafts stay with whoever is filling them in) of the neighbourhoods whose raw data
    you see, with their answers as the resident allows them now. Funders and policy officers: 403."""
    visible = scope.neighbourhoods_with_data(user=request.user)
    rows = Submission.objects.filter(neighbourhood__in=visible, status=Submission.Status.SUBMITTED)
    if filters.neighbourhood:
        rows = rows.filter(neighbourhood__cbs_code=filters.neighbourhood)
    if filters.year:
        rows = rows.filter(year=filters.year)
    if filters.form:
        rows = rows.filter(form_version__form__key=filters.form)
    if filters.instrument:
        rows = rows.filter(form_version__form__instrument=filters.instrument)
    return (
        with_demographics_consent(rows)
        .select_related("neighbourhood", "person")
        .prefetch_related(
            # Prefetched, not joined: each form version (and its definition, a large JSON) is read once, not once
            # per submission (500 rows took 2.4 s, nearly all of it parsing the same definitions again).
            Prefetch("form_version", queryset=FormVersion.objects.select_related("form")),
            Prefetch(
                "coded_answers",
                queryset=CodedAnswer.objects.select_related("code").only(
                    "submission_id", "question", "value", "code__key"
                ),
            ),
            Prefetch(
                "fragment_links",
                queryset=SubmissionFragment.objects.select_related("fragment").only(
                    "submission_id", "question", "fragment__text"
                ),
            ),
        )
        .order_by("-year", "pk")
    )
