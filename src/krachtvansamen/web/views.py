"""The composed pages: the start page and the neighbourhood page."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from krachtvansamen.core.types import User
from krachtvansamen.instruments.models import Submission
from krachtvansamen.neighbourhoods.models import Neighbourhood
from krachtvansamen.people.access import neighbourhood_get_for_user, user_adds_stories, user_sees_data
from krachtvansamen.people.models import Membership
from krachtvansamen.web.neighbourhood import neighbourhood_page
from krachtvansamen.web.selectors import start_page_for_user

# How many submitted forms the neighbourhood page lists at a time; "meer" pages on.
SUBMISSIONS_PER_PAGE = 10


@login_required
def start(request: HttpRequest) -> HttpResponse:
    start_page = start_page_for_user(
        user=request.user, search=request.GET.get("zoek", ""), page_number=request.GET.get("pagina", 1)
    )
    return render(request, "web/start.html", {"start": start_page})


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
    if not user_sees_data(user=user, neighbourhood=neighbourhood):
        return SubmittedForms(page=None, rows=[])
    submissions = (
        Submission.objects.filter(neighbourhood=neighbourhood, status=Submission.Status.SUBMITTED)
        .select_related("form_version__form", "submitted_by")
        .order_by("-submitted_at", "-pk")
    )
    page = Paginator(submissions, SUBMISSIONS_PER_PAGE).get_page(page_number)
    submissions_here = list(page.object_list)
    user_ids = {s.submitted_by_id for s in submissions_here if s.submitted_by_id}
    roles: dict[int, str] = {}
    # The role someone has in this buurt first (connector, community builder), else any role they have.
    for membership in Membership.objects.filter(user_id__in=user_ids).order_by("pk"):
        here = membership.neighbourhood_id == neighbourhood.pk
        if here or membership.user_id not in roles:
            roles[membership.user_id] = str(membership.get_role_display())
    rows = [(s, roles.get(s.submitted_by_id or 0, "")) for s in submissions_here]
    return SubmittedForms(page=page, rows=rows)


@login_required
def neighbourhood_detail(request: HttpRequest, cbs_code: str) -> HttpResponse:
    neighbourhood = neighbourhood_get_for_user(user=request.user, cbs_code=cbs_code)
    year_text = request.GET.get("jaar", "")
    year = int(year_text) if year_text.isdigit() else None
    page = neighbourhood_page(user=request.user, neighbourhood=neighbourhood, year=year)
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
    }
    return render(request, "web/neighbourhood.html", context)
