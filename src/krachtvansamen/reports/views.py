"""The report pages, their PDFs, and the evidence pages behind every number."""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from krachtvansamen.analysis.services import analyse_neighbourhood, analyse_neighbourhoods, analysis_years
from krachtvansamen.reports import evidence as ev
from krachtvansamen.reports import selectors, services


def _site(request: HttpRequest) -> str:
    """Scheme and host, so the links in a PDF still lead to the evidence once the file is saved."""
    return request.build_absolute_uri("/")[:-1]


def _respond(
    request: HttpRequest, kind: str, report: Any, *, pdf: bool, extra: dict[str, Any]
) -> HttpResponse:
    if not pdf:
        html = services.report_html(kind, report, pdf=False, request=request, extra=extra)
        return HttpResponse(html)
    started = time.perf_counter()
    content = services.report_pdf(kind, report, extra=extra)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{services.pdf_file_name(kind, report)}"'
    response["X-Render-Seconds"] = f"{time.perf_counter() - started:.3f}"
    return response


def _no_data(error: selectors.NoDataForYear) -> Http404:
    return Http404(str(error))


# --- Neighbourhood reports -----------------------------------------------------------------------------------


def _neighbourhood_report(
    request: HttpRequest, kind: str, cbs_code: str, year: int, *, pdf: bool
) -> HttpResponse:
    neighbourhood, sees_data = selectors.report_neighbourhood_for_user(
        user=request.user, cbs_code=cbs_code, report="financier" if kind == "financier" else "data"
    )
    site = _site(request) if pdf else ""
    try:
        report = services.build_report(kind, neighbourhood=neighbourhood, year=year, site=site)
    except selectors.NoDataForYear as error:
        raise _no_data(error) from None
    extra = {"sees_data": sees_data, "buurtbeeld_url": reverse("reports:buurtbeeld", args=[cbs_code, year]),
             "financier_url": reverse("reports:financier", args=[cbs_code, year])}  # fmt: skip
    return _respond(request, kind, report, pdf=pdf, extra=extra)


def _latest(request: HttpRequest, kind: str, cbs_code: str) -> HttpResponse:
    neighbourhood, _sees = selectors.report_neighbourhood_for_user(
        user=request.user, cbs_code=cbs_code, report="financier" if kind == "financier" else "data"
    )
    years = selectors.data_years(neighbourhood_ids=[neighbourhood.pk])
    if not years:
        raise Http404(_("Nothing has been recorded here yet, in any year."))
    return redirect("reports:" + kind, cbs_code, years[-1])


@login_required
def buurtbeeld(request: HttpRequest, cbs_code: str, year: int) -> HttpResponse:
    return _neighbourhood_report(request, "buurtbeeld", cbs_code, year, pdf=False)


@login_required
def buurtbeeld_pdf(request: HttpRequest, cbs_code: str, year: int) -> HttpResponse:
    return _neighbourhood_report(request, "buurtbeeld", cbs_code, year, pdf=True)


@login_required
def buurtbeeld_latest(request: HttpRequest, cbs_code: str) -> HttpResponse:
    return _latest(request, "buurtbeeld", cbs_code)


@login_required
def financier(request: HttpRequest, cbs_code: str, year: int) -> HttpResponse:
    return _neighbourhood_report(request, "financier", cbs_code, year, pdf=False)


@login_required
def financier_pdf(request: HttpRequest, cbs_code: str, year: int) -> HttpResponse:
    return _neighbourhood_report(request, "financier", cbs_code, year, pdf=True)


@login_required
def financier_latest(request: HttpRequest, cbs_code: str) -> HttpResponse:
    return _latest(request, "financier", cbs_code)


# --- Programme synthesis -------------------------------------------------------------------------------------


def _synthese(request: HttpRequest, slug: str, year: int, *, pdf: bool) -> HttpResponse:
    programme, neighbourhoods = selectors.report_programme_for_user(user=request.user, slug=slug)
    others = selectors.other_programmes_for_user(user=request.user, programme=programme)
    try:
        report = services.build_report(
            "synthese",
            programme=programme,
            neighbourhoods=neighbourhoods,
            year=year,
            other_programmes=others,
            site=_site(request) if pdf else "",
        )
    except selectors.NoDataForYear as error:
        raise _no_data(error) from None
    return _respond(request, "synthese", report, pdf=pdf, extra={"sees_data": True})


@login_required
def synthese(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    return _synthese(request, slug, year, pdf=False)


@login_required
def synthese_pdf(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    return _synthese(request, slug, year, pdf=True)


@login_required
def synthese_latest(request: HttpRequest, slug: str) -> HttpResponse:
    _programme, neighbourhoods = selectors.report_programme_for_user(user=request.user, slug=slug)
    years = selectors.data_years(neighbourhood_ids=[n.pk for n in neighbourhoods])
    if not years:
        raise Http404(_("Nothing has been recorded here yet, in any year."))
    return redirect("reports:synthese", slug, years[-1])


# --- Evidence ------------------------------------------------------------------------------------------------


def _page_number(request: HttpRequest) -> int:
    text = request.GET.get("pagina", "1")
    return int(text) if text.isdigit() else 1


@login_required
def evidence(request: HttpRequest, cbs_code: str, year: int) -> HttpResponse:
    neighbourhood, sees_data = selectors.report_neighbourhood_for_user(
        user=request.user, cbs_code=cbs_code, report="financier"
    )
    key = request.GET.get("n", "")
    if not sees_data and key.split(":")[0] not in ev.FUNDER_KEYS:
        raise PermissionDenied(
            _(
                "As a funder you only see what the figures of the funder report rest on, "
                "never the raw data of the neighbourhood."
            )
        )
    try:
        selectors.check_year(year=year, years=selectors.data_years(neighbourhood_ids=[neighbourhood.pk]))
    except selectors.NoDataForYear as error:
        raise _no_data(error) from None
    analysis = analyse_neighbourhood(neighbourhood_id=neighbourhood.pk, year=year)
    try:
        found = ev.neighbourhood_evidence(analysis=analysis, key=key)
    except ev.UnknownEvidence:
        raise Http404(_("This report has no such figure.")) from None
    page = ev.evidence_page(evidence=found, page=_page_number(request), funder_view=not sees_data, year=year)
    back = reverse("reports:buurtbeeld" if sees_data else "reports:financier", args=[cbs_code, year])
    return render(request, "reports/evidence.html", {
        "page": page, "place": neighbourhood.name, "year": year, "back_url": back, "key": key,
        "back_label": _("Back to the Buurtbeeld") if sees_data else _("Back to the funder report"),
    })  # fmt: skip


@login_required
def programme_evidence(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    programme, neighbourhoods = selectors.report_programme_for_user(user=request.user, slug=slug)
    ids = [n.pk for n in neighbourhoods]
    try:
        selectors.check_year(year=year, years=selectors.data_years(neighbourhood_ids=ids))
    except selectors.NoDataForYear as error:
        raise _no_data(error) from None
    analysis = analyse_neighbourhoods(neighbourhood_ids=ids, years=analysis_years(up_to=year))
    key = request.GET.get("n", "")
    try:
        found = ev.programme_evidence(analysis=analysis, key=key)
    except ev.UnknownEvidence:
        raise Http404(_("This report has no such figure.")) from None
    page = ev.evidence_page(evidence=found, page=_page_number(request), funder_view=False, year=year)
    return render(request, "reports/evidence.html", {
        "page": page, "place": programme.name, "year": year, "key": key,
        "back_url": reverse("reports:synthese", args=[slug, year]), "back_label": _("Back to the programme synthesis"),
    })  # fmt: skip
