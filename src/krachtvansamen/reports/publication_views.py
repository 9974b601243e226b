"""The pages of a Buurtbeeld's way out (``reports.publication``): a version with its residents' comments, the
steps draft → checked → published, and a published version exactly as it was frozen (also as PDF)."""

from __future__ import annotations

import time
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from krachtvansamen.analysis.years import NoDataForYear
from krachtvansamen.neighbourhoods.models import Neighbourhood
from krachtvansamen.reports import publication, services
from krachtvansamen.reports.access import report_neighbourhood_for_user
from krachtvansamen.reports.buurtbeeld import Buurtbeeld
from krachtvansamen.reports.models import BuurtbeeldComment, BuurtbeeldVersion
from krachtvansamen.reports.publication import PublicationError


def publication_extra(request: HttpRequest, report: Buurtbeeld, *, pdf: bool) -> dict[str, Any]:
    """What the live Buurtbeeld shows of its way out: its versions, and whether the data changed since the last
    published one (then a new version can be started)."""
    neighbourhood, year = report.neighbourhood, report.year
    state = publication.publication_state(neighbourhood=neighbourhood, year=year, user=request.user)
    if state.latest_published is not None and state.open_version is None and not pdf:
        # Built in Dutch already (the usual case): compare that; else build it once more in Dutch.
        same_language = translation.get_language() == publication.PUBLICATION_LANGUAGE
        html = publication.current_content(
            neighbourhood=neighbourhood, year=year, report=report if same_language else None
        )
        state = publication.publication_state(
            neighbourhood=neighbourhood, year=year, user=request.user, current_html=html
        )
    return {"publication": state}


def _version(request: HttpRequest, cbs_code: str, year: int, number: int) -> BuurtbeeldVersion:
    """The version, if the user may see the buurt's raw data (the Buurtbeeld's own rule): 404 / 403 otherwise."""
    neighbourhood, _sees = report_neighbourhood_for_user(user=request.user, cbs_code=cbs_code, report="data")
    return get_object_or_404(
        BuurtbeeldVersion.objects.select_related("neighbourhood__programme", "created_by", "checked_by", "published_by"),
        neighbourhood=neighbourhood, year=year, number=number,
    )  # fmt: skip


def _version_url(version: BuurtbeeldVersion) -> str:
    return reverse(
        "reports:buurtbeeld_version", args=[version.neighbourhood.cbs_code, version.year, version.number]
    )


@login_required
@require_GET
def version_page(request: HttpRequest, cbs_code: str, year: int, number: int) -> HttpResponse:
    version = _version(request, cbs_code, year, number)
    neighbourhood = version.neighbourhood
    comments = list(version.comments.select_related("author").order_by("created_at", "pk"))
    return render(request, "reports/buurtbeeld_version.html", {
        "version": version, "n": neighbourhood, "comments": comments,
        "corrected": sum(1 for c in comments if c.correction_made),
        "may_check": publication.may_check(user=request.user, neighbourhood=neighbourhood),
        "may_publish": publication.may_publish(user=request.user, neighbourhood=neighbourhood),
        "live_url": reverse("reports:buurtbeeld", args=[cbs_code, year]),
        "live_pdf_url": reverse("reports:buurtbeeld_pdf", args=[cbs_code, year]),
        "pdf_url": reverse("reports:buurtbeeld_version_pdf", args=[cbs_code, year, number]),
        "other_versions": publication.versions_for(neighbourhood=neighbourhood, year=year),
        "comment_max": publication.COMMENT_MAX_LENGTH, "note_max": publication.NOTE_MAX_LENGTH,
    })  # fmt: skip


@login_required
@require_GET
def version_pdf(request: HttpRequest, cbs_code: str, year: int, number: int) -> HttpResponse:
    version = _version(request, cbs_code, year, number)
    if not version.content_html:
        raise Http404(_("This version is still a draft: it has no fixed content yet."))
    started = time.perf_counter()
    title = _("Buurtbeeld %(name)s %(year)s, version %(number)s") % {
        "name": version.neighbourhood.name, "year": version.year, "number": version.number,
    }  # fmt: skip
    html = render_to_string("reports/buurtbeeld_version_print.html", {
        "version": version, "title": title, "report_footer": title.replace('"', "'"),
        "print_css": services.print_css(),
    })  # fmt: skip
    response = HttpResponse(services.html_to_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="buurtbeeld-{cbs_code}-{year}-versie-{number}.pdf"'
    response["X-Render-Seconds"] = f"{time.perf_counter() - started:.3f}"
    return response


def _neighbourhood(request: HttpRequest, cbs_code: str) -> Neighbourhood:
    neighbourhood, _sees = report_neighbourhood_for_user(user=request.user, cbs_code=cbs_code, report="data")
    return neighbourhood


@login_required
@require_POST
def version_start(request: HttpRequest, cbs_code: str, year: int) -> HttpResponse:
    neighbourhood = _neighbourhood(request, cbs_code)
    try:
        version = publication.version_start(neighbourhood=neighbourhood, year=year, user=request.user)
    except NoDataForYear as error:
        raise Http404(str(error)) from None
    except PublicationError as error:
        messages.error(request, str(error))
        return redirect("reports:buurtbeeld", cbs_code, year)
    messages.success(
        request,
        _(
            "Version %(number)s has been started as a draft. Go over it with residents and write down what they say."
        )
        % {"number": version.number},
    )
    return redirect(_version_url(version))


@login_required
@require_POST
def comment_add(request: HttpRequest, cbs_code: str, year: int, number: int) -> HttpResponse:
    version = _version(request, cbs_code, year, number)
    try:
        publication.comment_add(
            version=version, user=request.user, text=request.POST.get("text", ""),
            correction_made=request.POST.get("correction_made") == "1",
        )  # fmt: skip
    except PublicationError as error:
        messages.error(request, str(error))
        return redirect(_version_url(version) + "#opmerkingen")
    messages.success(request, _("The comment has been written down."))
    return redirect(_version_url(version) + "#opmerkingen")


@login_required
@require_POST
def comment_corrected(request: HttpRequest, cbs_code: str, year: int, number: int, pk: int) -> HttpResponse:
    version = _version(request, cbs_code, year, number)
    comment = get_object_or_404(
        BuurtbeeldComment.objects.select_related("version__neighbourhood"), pk=pk, version=version
    )
    try:
        publication.comment_mark_corrected(comment=comment, user=request.user)
    except PublicationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Marked as corrected."))
    return redirect(_version_url(version) + "#opmerkingen")


@login_required
@require_POST
def version_check(request: HttpRequest, cbs_code: str, year: int, number: int) -> HttpResponse:
    version = _version(request, cbs_code, year, number)
    try:
        publication.version_check(version=version, user=request.user, note=request.POST.get("note", ""))
    except NoDataForYear as error:
        raise Http404(str(error)) from None
    except PublicationError as error:
        messages.error(request, str(error))
        return redirect(_version_url(version) + "#nakijken")
    messages.success(
        request, _("Checked with residents. This version is now fixed as it is; it can be published.")
    )
    return redirect(_version_url(version))


@login_required
@require_POST
def version_publish(request: HttpRequest, cbs_code: str, year: int, number: int) -> HttpResponse:
    version = _version(request, cbs_code, year, number)
    try:
        publication.version_publish(version=version, user=request.user)
    except PublicationError as error:
        messages.error(request, str(error))
        return redirect(_version_url(version))
    messages.success(request, _("Published. This version stays exactly as it is now."))
    return redirect(_version_url(version))
