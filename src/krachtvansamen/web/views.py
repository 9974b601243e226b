"""The composed pages: the start page and the neighbourhood page."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from krachtvansamen.core.exports import export_filename, export_format, export_links, export_response
from krachtvansamen.core.types import User
from krachtvansamen.instruments.models import Submission
from krachtvansamen.neighbourhoods.models import Neighbourhood
from krachtvansamen.people.access import neighbourhood_get_for_user, user_adds_stories, user_sees_data
from krachtvansamen.people.models import Membership
from krachtvansamen.web import exports
from krachtvansamen.web.neighbourhood import neighbourhood_page, neighbourhood_years
from krachtvansamen.web.selectors import (
    neighbourhoods_listed,
    start_page_for_user,
    start_page_shows_neighbourhoods,
)

# How many submitted forms the neighbourhood page lists at a time; "meer" pages on.
SUBMISSIONS_PER_PAGE = 10


@login_required
def start(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("zoek", "")
    kind = export_format(request)
    if kind:
        if not start_page_shows_neighbourhoods(user=request.user):  # the page shows no such table to them
            raise PermissionDenied(_("Only those who see neighbourhoods' data get this list."))
        header, rows = exports.neighbourhoods_table(neighbourhoods_listed(user=request.user, search=search))
        return export_response(
            kind, name=export_filename(_("neighbourhoods"), search), header=header, rows=rows
        )
    start_page = start_page_for_user(
        user=request.user, search=search, page_number=request.GET.get("pagina", 1)
    )
    return render(request, "web/start.html", {"start": start_page, "download": export_links(request)})


@dataclass
class SubmittedForms:
    """The buurt's submitted forms, one page of them, and who entered each (username and role, no resident)."""

    page: Page | None
    rows: list[tuple[Submission, str]]  # each submission of the page with the role of who entered it


def submitted_forms(
    *, user: User, neighbourhood: Neighbourhood, page_number: int | str | None
) -> SubmittedForms:
    """What "Ingevulde formulieren" lists: submitted forms only (drafts are their writer's, on the instruments
    page). Shown to exactly those whom ``instruments.views.submission_detail`` lets open them: whoever may see
    the buurt's data; to anyone else nothing, so the list never links to a 403."""
    submissions = submissions_listed(user=user, neighbourhood=neighbourhood)
    if submissions is None:
        return SubmittedForms(page=None, rows=[])
    page = Paginator(submissions, SUBMISSIONS_PER_PAGE).get_page(page_number)
    submissions_here = list(page.object_list)
    roles = writer_roles(submissions=submissions_here, neighbourhood=neighbourhood)
    rows = [(s, roles.get(s.submitted_by_id or 0, "")) for s in submissions_here]
    return SubmittedForms(page=page, rows=rows)


def submissions_listed(*, user: User, neighbourhood: Neighbourhood) -> QuerySet[Submission] | None:
    """Every form "Ingevulde formulieren" lists, newest first (its pages, or its download); None for whom the
    list is not shown."""
    if not user_sees_data(user=user, neighbourhood=neighbourhood):
        return None
    return (
        Submission.objects.filter(neighbourhood=neighbourhood, status=Submission.Status.SUBMITTED)
        .select_related("form_version__form", "submitted_by")
        .order_by("-submitted_at", "-pk")
    )


def writer_roles(*, submissions: Iterable[Submission], neighbourhood: Neighbourhood) -> dict[int, str]:
    user_ids = {s.submitted_by_id for s in submissions if s.submitted_by_id}
    roles: dict[int, str] = {}
    # The role someone has in this buurt first (connector, community builder), else any role they have.
    for membership in Membership.objects.filter(user_id__in=user_ids).order_by("pk"):
        here = membership.neighbourhood_id == neighbourhood.pk
        if here or membership.user_id not in roles:
            roles[membership.user_id] = str(membership.get_role_display())
    return roles


def _neighbourhood_export(request: HttpRequest, kind: str, neighbourhood: Neighbourhood) -> HttpResponse:
    """One list of the page as a file, for the year the page shows (its default: the latest with data)."""
    which = request.GET.get("lijst", "")
    if which not in exports.LISTS:
        raise Http404(_("This list does not exist."))
    year_text = request.GET.get("jaar", "")
    years = neighbourhood_years(neighbourhood=neighbourhood)
    year = int(year_text) if year_text.isdigit() else (years[-1] if years else None)
    if which == exports.FORMS:
        submissions = submissions_listed(user=request.user, neighbourhood=neighbourhood)
        if submissions is None:  # the page does not show this list to this user
            raise PermissionDenied(_("Only those who see this neighbourhood's data see its forms."))
        rows_list = list(submissions)
        header, rows = exports.forms_table(
            submissions=rows_list, roles=writer_roles(submissions=rows_list, neighbourhood=neighbourhood)
        )
        name = export_filename(_("submitted forms"), neighbourhood.name)
    elif which == exports.ASSETS:
        header, rows = exports.assets_table(neighbourhood=neighbourhood, year=year)
        name = export_filename(_("assets"), neighbourhood.name, year)
    else:
        header, rows = exports.activities_table(neighbourhood=neighbourhood, year=year)
        name = export_filename(_("activities"), neighbourhood.name, year)
    return export_response(kind, name=name, header=header, rows=rows)


@login_required
def neighbourhood_detail(request: HttpRequest, cbs_code: str) -> HttpResponse:
    neighbourhood = neighbourhood_get_for_user(user=request.user, cbs_code=cbs_code)
    kind = export_format(request)
    if kind:
        return _neighbourhood_export(request, kind, neighbourhood)
    year_text = request.GET.get("jaar", "")
    year = int(year_text) if year_text.isdigit() else None
    page = neighbourhood_page(user=request.user, neighbourhood=neighbourhood, year=year)
    shown = {"jaar": page.overview.year} if page.overview.year else {}
    context = {
        "overview": page.overview,
        "sections": page.sections,
        "n": neighbourhood,
        "can_add_story": user_adds_stories(user=request.user, neighbourhood_id=neighbourhood.pk),
        # Who may start an Effectenplein: whoever effectenplein.views.meeting_new lets in (the buurt's data).
        "can_start_meeting": user_sees_data(user=request.user, neighbourhood=neighbourhood),
        "submitted": submitted_forms(
            user=request.user, neighbourhood=neighbourhood, page_number=request.GET.get("formulieren", 1)
        ),
        "downloads": {which: export_links(request, lijst=which, **shown) for which in exports.LISTS},
    }
    return render(request, "web/neighbourhood.html", context)
