from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from krachtvansamen.instruments import selectors
from krachtvansamen.instruments.answers_import import (
    MAX_ANSWER_FILE_BYTES,
)
from krachtvansamen.instruments.definition import DefinitionError, localised
from krachtvansamen.instruments.models import FormVersion, Submission
from krachtvansamen.instruments.rendering import build_fields, raw_from_post
from krachtvansamen.instruments.selectors import code_choices
from krachtvansamen.instruments.services import (
    DraftOfSomeoneElse,
    SubmissionYearClosed,
    form_version_add,
    submission_save_draft,
    submission_submit_or_keep_draft,
)
from krachtvansamen.instruments.xlsform import definition_to_xlsform, xlsform_to_definition
from krachtvansamen.jobs.services import start_job
from krachtvansamen.neighbourhoods.models import Neighbourhood
from krachtvansamen.neighbourhoods.selectors import cbs_figures_latest
from krachtvansamen.neighbourhoods.years import (
    YearClosed,
    year_check_open,
    year_from_text,
    years_measured,
    years_open,
)
from krachtvansamen.people.access import (
    neighbourhood_get_for_user,
    neighbourhoods_for_user,
    user_manages_forms,
    user_sees_data,
)
from krachtvansamen.privacy.personal_codes import personal_code_issue


def _year_from(request: HttpRequest) -> int:
    """The year asked for if it is a measurement year; else the newest open one (or the newest one).

    A closed year asked for stays that year: the services refuse it with a message naming it.
    """
    years = years_measured()
    year = year_from_text(request.POST.get("jaar") or request.GET.get("jaar"), allowed=years)
    return year if year is not None else (years_open() or years)[-1]


def _year_choices(year: int) -> list[int]:
    """The years to choose from: the open ones (and the one shown, so the page says what it is)."""
    return sorted({*years_open(), year})


def _draft_not_found() -> Http404:
    return Http404(_("This draft does not exist."))


@login_required
def instruments_home(request: HttpRequest) -> HttpResponse:
    # The default forms are loaded after `migrate` (instruments.apps), never by showing a page.
    neighbourhoods = list(neighbourhoods_for_user(user=request.user).order_by("name")[:200])
    if not neighbourhoods:
        raise PermissionDenied(_("You do not have access to any neighbourhood."))
    return render(request, "instruments/home.html", {
        "forms": selectors.forms_current(),
        "neighbourhoods": neighbourhoods,
        "drafts": selectors.drafts_for_user(user=request.user),
        "can_manage_forms": user_manages_forms(user=request.user),
    })  # fmt: skip


@dataclass
class _Filled:
    """What the fill page shows after a POST that did not send the form away."""

    draft: Submission | None
    values: dict = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    extra_rows: dict[str, int] = field(default_factory=dict)


@login_required
@require_http_methods(["GET", "POST"])
def form_fill(request: HttpRequest, key: str, cbs_code: str) -> HttpResponse:
    """Fill in a form. A POST is one of: autosave (JSON), send, save as a draft, or add a row to a group."""
    neighbourhood = neighbourhood_get_for_user(user=request.user, cbs_code=cbs_code)
    form_version = selectors.form_version_current(key=key)
    if form_version is None:
        raise Http404(_("This form does not exist."))
    client_id = _client_id(request)
    draft = selectors.draft_get(client_id=client_id, user=request.user) if client_id else None
    if (
        draft is None
        and client_id
        and selectors.client_id_taken_by_other(client_id=client_id, user=request.user)
    ):
        raise _draft_not_found()  # someone else's draft: as if it did not exist
    if draft is not None and draft.status == Submission.Status.SUBMITTED:
        return redirect("instruments:submission", pk=draft.pk)
    if draft is not None and draft.neighbourhood_id != neighbourhood.pk:
        raise _draft_not_found()
    year = draft.year if draft and request.method == "GET" else _year_from(request)
    if request.method != "POST":
        filled = _Filled(draft=draft, values=draft.answers if draft else {})
        return _fill_page(request, form_version, neighbourhood, year, filled, client_id)
    try:
        outcome = _fill_post(request, form_version, neighbourhood, year, client_id or uuid.uuid4())
    except DraftOfSomeoneElse:
        raise _draft_not_found() from None
    if isinstance(outcome, HttpResponse):
        return outcome
    return _fill_page(request, form_version, neighbourhood, year, outcome, client_id)


def _fill_post(
    request: HttpRequest,
    form_version: FormVersion,
    neighbourhood: Neighbourhood,
    year: int,
    client_id: uuid.UUID,
) -> HttpResponse | _Filled:
    """Dispatch a POST to its service: the response (autosaved, sent) or what the page shows next."""
    raw = raw_from_post(form_version.definition, request.POST)
    action = request.POST.get("actie", "opslaan")
    autosave = request.headers.get("X-Autosave") == "1"
    try:
        return _fill_write(request, form_version, neighbourhood, year, client_id, raw, action, autosave)
    except SubmissionYearClosed as closed:
        if autosave:
            return JsonResponse({"saved": False, "error": closed.message, "errors": 1}, status=400)
        draft = selectors.draft_get(client_id=client_id, user=request.user)
        return _Filled(draft=draft, values=_values_for_display(raw, {}), errors=closed.errors)


def _fill_write(
    request: HttpRequest,
    form_version: FormVersion,
    neighbourhood: Neighbourhood,
    year: int,
    client_id: uuid.UUID,
    raw: dict,
    action: str,
    autosave: bool,
) -> HttpResponse | _Filled:
    if action == "versturen" and not autosave:
        submission, errors = submission_submit_or_keep_draft(
            form_version=form_version, neighbourhood=neighbourhood, year=year, raw=raw, user=request.user,
            client_id=client_id,
        )  # fmt: skip
        if not errors:
            messages.success(request, _("Thank you. Your answers have been saved."))
            return redirect("instruments:submission", pk=submission.pk)
    else:  # an autosave, "save as a draft", or "add a row"
        submission, errors = submission_save_draft(
            form_version=form_version, neighbourhood=neighbourhood, year=year, raw=raw, user=request.user,
            client_id=client_id,
        )  # fmt: skip
    if autosave:
        return JsonResponse({"saved": True, "concept": str(submission.client_id), "errors": len(errors)})
    filled = _Filled(draft=submission, values=_values_for_display(raw, submission.answers), errors=errors)
    if action.startswith("regel-erbij:"):
        filled.extra_rows[action.split(":", 1)[1]] = 1
        filled.errors = {}
    elif action == "opslaan" and not errors:
        messages.info(request, _("Saved as a draft. You can go on later from the instruments page."))
    return filled


def _fill_page(
    request: HttpRequest,
    form_version: FormVersion,
    neighbourhood: Neighbourhood,
    year: int,
    filled: _Filled,
    client_id: uuid.UUID | None,
) -> HttpResponse:
    definition = form_version.definition
    fields = build_fields(
        definition, filled.values, filled.errors, code_choices=code_choices, extra_rows=filled.extra_rows
    )
    figures = (
        cbs_figures_latest(region_code=neighbourhood.cbs_code)
        if form_version.form.key == "buurtscan"
        else None
    )
    draft = filled.draft
    return render(request, "instruments/fill.html", {
        "n": neighbourhood, "form_version": form_version, "title": form_version.title,
        "description": localised(definition.get("description")),
        "guidance": [localised(item) for item in definition.get("guidance", [])],
        "fields": fields, "errors": filled.errors, "year": year, "years": _year_choices(year),
        "client_id": str(draft.client_id) if draft else str(client_id or uuid.uuid4()),
        "figures": figures,
    }, status=400 if filled.errors and request.method == "POST" else 200)  # fmt: skip


def _values_for_display(raw: dict, checked: dict) -> dict:
    """Show what the person typed (also what was wrong, so they can correct it), typed answers otherwise."""
    return {name: value for name, value in raw.items() if value not in ("", [], None)} | {
        name: value for name, value in checked.items() if name not in raw
    }


def _client_id(request: HttpRequest) -> uuid.UUID | None:
    """The draft's device id, if one is given. One that is no id at all (a number, a typo) is no draft: 404."""
    text = (request.POST.get("concept") or request.GET.get("concept") or "").strip()
    if not text:
        return None
    try:
        return uuid.UUID(text)
    except ValueError:
        raise _draft_not_found() from None


@login_required
def submission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A submission's answers as they may be shown now (``selectors.answers_now``): never what the resident
    took back since, nor a colleague's draft (404, as if it did not exist)."""
    submission = selectors.submission_for_page(pk=pk, user=request.user)
    if submission is None:
        raise Http404(_("These answers do not exist."))
    neighbourhood_get_for_user(user=request.user, cbs_code=submission.neighbourhood.cbs_code)
    now = selectors.answers_now(submission)
    return render(request, "instruments/submission.html", {
        "submission": submission, "n": submission.neighbourhood, "now": now,
        "answers": selectors.answers_for_display(submission=submission, now=now),
        "fragments": selectors.fragments_of_submission(submission=submission),
    })  # fmt: skip


@login_required
@require_POST
def personal_code_new(request: HttpRequest, pk: int) -> HttpResponse:
    """A personal code for the resident of this conversation, shown once, to write on their card. A new code
    replaces the old one (a lost card)."""
    submission = get_object_or_404(Submission.objects.select_related("neighbourhood", "person"), pk=pk)
    neighbourhood = neighbourhood_get_for_user(user=request.user, cbs_code=submission.neighbourhood.cbs_code)
    if not user_sees_data(user=request.user, neighbourhood=neighbourhood):
        raise PermissionDenied(_("Only the neighbourhood's team gives out personal codes."))
    if submission.person is None:
        raise Http404(_("No resident is linked to these answers."))
    code = personal_code_issue(person=submission.person, user=request.user)
    response = render(request, "instruments/personal_code.html", {
        "submission": submission, "n": submission.neighbourhood, "code": code,
        "where": request.build_absolute_uri(reverse("resident_code")),
    })  # fmt: skip
    response["Cache-Control"] = "private, no-store"  # the code is on this page only, once
    return response


@login_required
def praatplaat(request: HttpRequest, cbs_code: str) -> HttpResponse:
    neighbourhood = neighbourhood_get_for_user(user=request.user, cbs_code=cbs_code)
    year_text = request.GET.get("jaar", "")
    year = int(year_text) if year_text.isdigit() else None
    plate = selectors.praatplaat(neighbourhood=neighbourhood, year=year)
    theme = request.GET.get("thema", "")
    # The page is used with residents present: only quotable words by default. The team may ask for the
    # internal stories too (everyone who reaches this page may see the neighbourhood's raw data).
    internal = request.GET.get("intern") == "1"
    stories = (
        selectors.praatplaat_stories(
            neighbourhood=neighbourhood, year=year, theme_key=theme, internal=internal
        )
        if theme
        else None
    )
    return render(request, "instruments/praatplaat.html", {
        "n": neighbourhood, "plate": plate, "theme": plate.theme(theme) if theme else None, "stories": stories,
        "year": year, "internal": internal,
    })  # fmt: skip


@login_required
def xlsform_download(request: HttpRequest, key: str) -> HttpResponse:
    if not neighbourhoods_for_user(user=request.user).exists():
        raise PermissionDenied(_("You do not have access to any neighbourhood."))
    version = selectors.form_version_current(key=key)
    if version is None:
        raise Http404(_("This form does not exist."))
    content = definition_to_xlsform(
        key=key, instrument=version.form.instrument, version=version.version, definition=version.definition
    )
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{key}-v{version.version}.xlsx"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def form_import(request: HttpRequest) -> HttpResponse:
    if not user_manages_forms(user=request.user):
        raise PermissionDenied(_("Only researchers, programme managers and administrators can change forms."))
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("bestand")
        if upload is None:
            error = _("Choose an XLSForm file (.xlsx).")
        elif (upload.size or 0) > 5 * 1024 * 1024:
            error = _("This file is too big for a form (at most 5 MB).")
        else:
            try:
                imported = xlsform_to_definition(upload.read(), file_name=upload.name or "")
                existing = selectors.form_version_current(key=imported.key)
                instrument = existing.form.instrument if existing else (imported.instrument or "")
                if not instrument:
                    raise DefinitionError(
                        _("Say which instrument this form is for (kvs_instrument in the settings sheet).")
                    )
                version, created = form_version_add(
                    key=imported.key,
                    instrument=instrument,
                    definition=imported.definition,
                    source="xlsform",
                    user=request.user,
                )
            except DefinitionError as problem:
                error = str(problem)
            else:
                for warning in imported.warnings:
                    messages.warning(request, warning)
                if created:
                    messages.success(
                        request,
                        _("Form “%(title)s” is now at version %(version)s.")
                        % {"title": version.title, "version": version.version},
                    )
                else:
                    messages.info(request, _("This form was already there: nothing changed."))
                return redirect("instruments:home")
    return render(request, "instruments/import_form.html", {"error": error}, status=400 if error else 200)


@login_required
@require_http_methods(["GET", "POST"])
def answers_import_page(request: HttpRequest, key: str, cbs_code: str) -> HttpResponse:
    """Answers collected with KoboToolbox/ODK (their XLSX or CSV export) into this neighbourhood and year."""
    neighbourhood = neighbourhood_get_for_user(user=request.user, cbs_code=cbs_code)
    form_version = selectors.form_version_current(key=key)
    if form_version is None:
        raise Http404(_("This form does not exist."))
    error = ""
    year = _year_from(request)
    if request.method == "POST":
        upload = request.FILES.get("bestand")
        if upload is None:
            error = _("Choose the export file (.xlsx or .csv).")
        elif (upload.size or 0) > MAX_ANSWER_FILE_BYTES:
            error = _("This file is too big (at most 20 MB).")
        elif not (upload.name or "").lower().endswith((".xlsx", ".csv")):
            error = _("Choose the export file (.xlsx or .csv).")
        else:
            try:
                year_check_open(year)
            except YearClosed as closed:
                error = str(closed)
            else:
                # The checks above answer at once; checking and saving every row runs as a job (jobs.py).
                job = start_job(
                    "answers_import", request.user, scope=neighbourhood.cbs_code,
                    upload=(upload.name or "", upload.read()), form_version=form_version.pk, year=year,
                    scope_label=neighbourhood.name,
                )  # fmt: skip
                return redirect("jobs:detail", pk=job.pk)
    return render(request, "instruments/import_answers.html", {
        "n": neighbourhood, "form_version": form_version, "error": error, "year": year,
        "years": _year_choices(year),
    }, status=400 if error else 200)  # fmt: skip
