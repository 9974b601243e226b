"""The fieldwork pages: the overview, the progress of one plan, making the default plan, editing a plan."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from krachtvansamen.core.exports import export_filename, export_format, export_links, export_response
from krachtvansamen.fieldwork import selectors, services
from krachtvansamen.fieldwork.forms import plan_formset
from krachtvansamen.fieldwork.reminders import soon_days
from krachtvansamen.neighbourhoods.models import Programme

FIRST_YEAR, LAST_YEAR = 2000, 2100


def _check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404(_("This year is not in the plan."))


def _programme_to_edit(request: HttpRequest, slug: str) -> Programme:
    programme = selectors.programme_get_for_user(user=request.user, slug=slug)
    if not selectors.plan_may_edit(user=request.user, programme=programme):
        raise PermissionDenied(_("Only the programme manager can change this plan."))
    return programme


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    programmes = list(selectors.fieldwork_programmes_for_user(user=request.user))
    if not programmes:
        raise PermissionDenied(
            _("The fieldwork plan is for the people who do the fieldwork and their managers.")
        )
    today = timezone.localdate()
    summaries = selectors.fieldwork_overview_for_user(user=request.user, today=today)
    planned = {(s.programme.pk, s.year) for s in summaries}
    editable = [
        p
        for p in programmes
        if (p.pk, today.year) not in planned and selectors.plan_may_edit(user=request.user, programme=p)
    ]
    context = {
        "summaries": summaries,
        "programmes": programmes,
        "editable": editable,
        "this_year": today.year,
    }
    return render(request, "fieldwork/overview.html", context)


@login_required
def progress(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    _check_year(year)
    programme = selectors.programme_get_for_user(user=request.user, slug=slug)
    plan = selectors.plan_for(programme=programme, year=year)
    today = timezone.localdate()
    context = {
        "programme": programme,
        "year": year,
        "plan": plan,
        "may_edit": selectors.plan_may_edit(user=request.user, programme=programme),
        "years": selectors.plan_years(programme=programme),
        "soon_days": soon_days(),
    }
    progress = None
    if plan is not None:
        progress = context["progress"] = selectors.plan_progress(
            plan=plan,
            neighbourhoods=selectors.fieldwork_neighbourhoods_for_user(user=request.user),
            today=today,
            soon_days=soon_days(),
        )
    kind = export_format(request)
    if kind:
        return export_response(
            kind,
            name=export_filename(_("fieldwork"), programme.name, year),
            header=[
                _("Neighbourhood"),
                _("CBS code"),
                _("Focus neighbourhood"),
                _("Instrument"),
                _("Due by"),
                _("Status"),
                _("Who"),
            ],
            rows=_progress_rows(progress),
        )
    context["download"] = export_links(request)
    return render(request, "fieldwork/progress.html", context)


def _progress_rows(progress: selectors.PlanProgress | None) -> list[list[object]]:
    """What "Still open per neighbourhood" shows, one row per open task, then one row per neighbourhood that
    has done everything; no plan, no rows."""
    if progress is None:
        return []
    rows: list[list[object]] = []
    for entry in progress.neighbourhoods_open:
        n = entry.neighbourhood
        for task in entry.tasks:
            rows.append([
                n.name, n.cbs_code, _("yes") if n.is_focus else _("no"), task.item.get_instrument_display(),
                task.item.due_on, _("overdue") if task.overdue else _("open"),
                ", ".join(task.holders) if task.holders else _("nobody linked yet"),
            ])  # fmt: skip
    for n in progress.neighbourhoods_done:
        rows.append(
            [n.name, n.cbs_code, _("yes") if n.is_focus else _("no"), "", "", _("done everything"), ""]
        )
    return rows


@require_POST
@login_required
def plan_create(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    _check_year(year)
    programme = _programme_to_edit(request, slug)
    services.plan_create_default(programme=programme, year=year, user=request.user)
    messages.success(
        request, _("The plan follows the study's design. Change it where your programme differs.")
    )
    return redirect("fieldwork:progress", slug=programme.slug, year=year)


@login_required
def plan_edit(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    _check_year(year)
    programme = _programme_to_edit(request, slug)
    plan = selectors.plan_for(programme=programme, year=year)
    if plan is None:
        raise Http404(_("There is no plan for this year yet."))
    status = 200
    errors: list[str] = []
    if request.method == "POST":
        formset = plan_formset(plan, data=request.POST)
        if formset.is_valid():
            rows = [row for row in (form.as_input() for form in formset.forms) if row is not None]
            try:
                services.plan_items_save(plan=plan, rows=rows, user=request.user)
            except ValidationError as error:
                errors = error.messages
                status = 400
            else:
                messages.success(request, _("The plan is saved."))
                return redirect("fieldwork:progress", slug=programme.slug, year=year)
        else:
            status = 400
    else:
        formset = plan_formset(plan)
    context = {"programme": programme, "year": year, "plan": plan, "formset": formset, "errors": errors}
    return render(request, "fieldwork/edit.html", context, status=status)
