"""The report pages, their PDFs, and the evidence pages behind every number.

A PDF link (``.../pdf/``) stays a plain GET link that can be bookmarked and shared. Each GET checks access as the
page does; a PDF already in the cache (``pdf_cached``: by the hash of its HTML) is answered at once. Otherwise
drawing it takes seconds, so the reader is sent to a job page (``reports.jobs``) whose result is the PDF; a
second click while it runs goes to the same job. A script that wants the file in the answer itself asks with
``?direct=1`` or with ``Accept: application/pdf`` (and not text/html), and gets it drawn synchronously as
before; ``kvs report`` always draws it at once.
"""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from krachtvansamen.analysis.services import analyse_neighbourhoods
from krachtvansamen.analysis.years import NoDataForYear, check_year, data_years
from krachtvansamen.core.exports import export_filename, export_format, export_response
from krachtvansamen.neighbourhoods.models import Neighbourhood
from krachtvansamen.neighbourhoods.years import years_up_to
from krachtvansamen.people.access import user_funds
from krachtvansamen.reports import services
from krachtvansamen.reports.access import (
    EVIDENCE,
    FINANCIER,
    evidence_keys_for_user,
    other_programmes_for_user,
    report_neighbourhood_for_user,
    report_programme_for_user,
)
from krachtvansamen.reports.beleidssignalen import (
    beleidssignalen_html,
    beleidssignalen_scope,
)
from krachtvansamen.reports.buurtbeeld import Buurtbeeld
from krachtvansamen.reports.evidence import UnknownEvidence, evidence_page
from krachtvansamen.reports.evidence_neighbourhood import neighbourhood_evidence
from krachtvansamen.reports.evidence_programme import programme_evidence as programme_evidence_of
from krachtvansamen.reports.jobs import (
    BELEIDSSIGNALEN,
    BUURTBEELD,
    PORTFOLIO,
    SYNTHESE,
    PdfScope,
    report_pdf_job_start,
)
from krachtvansamen.reports.portfolio import (
    portfolio_html,
    portfolio_scope,
    portfolio_table,
)
from krachtvansamen.reports.publication_views import publication_extra
from krachtvansamen.reports.report_cache import (
    analysis_cached,
    beleidssignalen_cached,
    buurtbeeld_cached,
    buurtbeeld_page_cached,
    financier_cached,
    pdf_cached,
    pdf_from_cache,
    portfolio_cached,
    synthese_cached,
)
from krachtvansamen.reports.services import Report


def _site(request: HttpRequest) -> str:
    """Scheme and host, so the links in a PDF still lead to the evidence once the file is saved."""
    return request.build_absolute_uri("/")[:-1]


def pdf_wanted_now(request: HttpRequest) -> bool:
    """A script asking for the file itself: ``?direct=1``, or an Accept header that prefers a PDF to a page
    (a browser's prefers text/html; no header, or ``*/*``, counts as a page too)."""
    if request.GET.get("direct") == "1":
        return True
    return request.get_preferred_type(["text/html", "application/pdf"]) == "application/pdf"


def _pdf_respond(
    request: HttpRequest, *, html: str, file_name: str, scope: PdfScope, label: str
) -> HttpResponse:
    """The PDF of ``html`` at once when it is in the cache or a script wants it now; else its job page."""
    started = time.perf_counter()
    content = pdf_from_cache(html=html)
    if content is None and not pdf_wanted_now(request):
        job = report_pdf_job_start(
            user=request.user, url=request.path, html=html, file_name=file_name, scope=scope, label=label
        )
        return redirect("jobs:detail", job.pk)
    if content is None:
        content = pdf_cached(html=html)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{file_name}"'
    response["X-Render-Seconds"] = f"{time.perf_counter() - started:.3f}"
    return response


def _respond(
    request: HttpRequest, report: Report, *, pdf: bool, extra: dict[str, Any], scope: PdfScope
) -> HttpResponse:
    if not pdf:
        html = services.report_html(report, pdf=False, request=request, extra=extra)
        return HttpResponse(html)
    html = services.report_html(report, pdf=True, extra=extra)
    return _pdf_respond(request, html=html, file_name=services.pdf_file_name(report), scope=scope,
                        label=services.report_title(report))  # fmt: skip


def _no_data(error: NoDataForYear) -> Http404:
    return Http404(str(error))


# --- Neighbourhood reports -----------------------------------------------------------------------------------


def _neighbourhood(request: HttpRequest, kind: str, cbs_code: str) -> tuple[Neighbourhood, bool]:
    """The neighbourhood, if the user may open this kind of report of it, and whether the user sees its data."""
    return report_neighbourhood_for_user(
        user=request.user, cbs_code=cbs_code, report=FINANCIER if kind == FINANCIER else "data"
    )


def _neighbourhood_report(
    request: HttpRequest, kind: str, cbs_code: str, year: int, *, pdf: bool
) -> HttpResponse:
    neighbourhood, sees_data = _neighbourhood(request, kind, cbs_code)
    site = _site(request) if pdf else ""
    sections = None  # the Buurtbeeld page's sections, rendered once for every reader (reports.report_cache)
    try:
        report: Report
        if kind == FINANCIER:
            report = financier_cached(neighbourhood=neighbourhood, year=year, site=site)
        elif pdf:
            report = buurtbeeld_cached(neighbourhood=neighbourhood, year=year, site=site)
        else:
            report, sections = buurtbeeld_page_cached(neighbourhood=neighbourhood, year=year)
    except NoDataForYear as error:
        raise _no_data(error) from None
    extra = {"sees_data": sees_data, "buurtbeeld_url": reverse("reports:buurtbeeld", args=[cbs_code, year]),
             "financier_url": reverse("reports:financier", args=[cbs_code, year]), "sections": sections}  # fmt: skip
    if isinstance(report, Buurtbeeld):  # its way out: draft, checked with residents, published
        extra.update(publication_extra(request, report, pdf=pdf))
    scope = PdfScope(FINANCIER if kind == FINANCIER else BUURTBEELD, cbs_code, (neighbourhood.pk,), sees_data)
    return _respond(request, report, pdf=pdf, extra=extra, scope=scope)


def _latest(request: HttpRequest, kind: str, cbs_code: str) -> HttpResponse:
    neighbourhood, _sees = _neighbourhood(request, kind, cbs_code)
    years = data_years(neighbourhood_ids=[neighbourhood.pk])
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
    programme, neighbourhoods = report_programme_for_user(user=request.user, slug=slug)
    others = other_programmes_for_user(user=request.user, programme=programme)
    try:
        report = synthese_cached(
            programme=programme,
            neighbourhoods=neighbourhoods,
            year=year,
            other_programmes=others,
            site=_site(request) if pdf else "",
        )
    except NoDataForYear as error:
        raise _no_data(error) from None
    ids = {n.pk for n in neighbourhoods} | {n.pk for _p, group in others for n in group}
    scope = PdfScope(SYNTHESE, slug, tuple(sorted(ids)), True)
    return _respond(request, report, pdf=pdf, extra={"sees_data": True}, scope=scope)


@login_required
def synthese(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    return _synthese(request, slug, year, pdf=False)


@login_required
def synthese_pdf(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    return _synthese(request, slug, year, pdf=True)


@login_required
def synthese_latest(request: HttpRequest, slug: str) -> HttpResponse:
    _programme, neighbourhoods = report_programme_for_user(user=request.user, slug=slug)
    years = data_years(neighbourhood_ids=[n.pk for n in neighbourhoods])
    if not years:
        raise Http404(_("Nothing has been recorded here yet, in any year."))
    return redirect("reports:synthese", slug, years[-1])


# --- A funder's portfolio ----------------------------------------------------------------------------------


def _portfolio(request: HttpRequest, year: int, *, pdf: bool) -> HttpResponse:
    neighbourhoods, funders = portfolio_scope(user=request.user)
    try:
        report = portfolio_cached(
            neighbourhoods=neighbourhoods, year=year, funders=funders, site=_site(request) if pdf else ""
        )
    except NoDataForYear as error:
        raise _no_data(error) from None
    if (kind := export_format(request)) and not pdf:
        header, rows = portfolio_table(report)
        name = export_filename(_("portfolio"), report.year)
        return export_response(kind, name=name, header=header, rows=rows)
    if not pdf:
        return HttpResponse(portfolio_html(report, pdf=False, request=request))
    scope = PdfScope(PORTFOLIO, "", tuple(sorted(n.pk for n in neighbourhoods)), False)
    return _pdf_respond(request, html=portfolio_html(report, pdf=True), file_name=f"portfolio-{report.year}.pdf",
                        scope=scope, label=_("Portfolio %(year)s") % {"year": report.year})  # fmt: skip


@login_required
def portfolio(request: HttpRequest, year: int) -> HttpResponse:
    return _portfolio(request, year, pdf=False)


@login_required
def portfolio_pdf(request: HttpRequest, year: int) -> HttpResponse:
    return _portfolio(request, year, pdf=True)


@login_required
def portfolio_latest(request: HttpRequest) -> HttpResponse:
    neighbourhoods, _funders = portfolio_scope(user=request.user)
    years = data_years(neighbourhood_ids=[n.pk for n in neighbourhoods])
    if not years:
        raise Http404(_("Nothing has been recorded here yet, in any year."))
    return redirect("reports:portfolio", years[-1])


# --- A municipality's policy signals ------------------------------------------------------------------------


def _beleidssignalen(request: HttpRequest, code: str, year: int, *, pdf: bool) -> HttpResponse:
    municipality_code, neighbourhoods = beleidssignalen_scope(user=request.user, municipality_code=code)
    try:
        report = beleidssignalen_cached(municipality_code=municipality_code, neighbourhoods=neighbourhoods,
                                          year=year, site=_site(request) if pdf else "")  # fmt: skip
    except NoDataForYear as error:
        raise _no_data(error) from None
    if not pdf:
        return HttpResponse(beleidssignalen_html(report, pdf=False, request=request))
    scope = PdfScope(BELEIDSSIGNALEN, municipality_code, tuple(sorted(n.pk for n in neighbourhoods)), False)
    label = _("Policy signals %(municipality)s %(year)s") % {
        "municipality": report.municipality_name,
        "year": report.year,
    }
    return _pdf_respond(request, html=beleidssignalen_html(report, pdf=True), scope=scope, label=label,
                        file_name=f"beleidssignalen-{municipality_code}-{report.year}.pdf")  # fmt: skip


@login_required
def beleidssignalen(request: HttpRequest, code: str, year: int) -> HttpResponse:
    return _beleidssignalen(request, code, year, pdf=False)


@login_required
def beleidssignalen_pdf(request: HttpRequest, code: str, year: int) -> HttpResponse:
    return _beleidssignalen(request, code, year, pdf=True)


@login_required
def beleidssignalen_latest(request: HttpRequest, code: str) -> HttpResponse:
    municipality_code, neighbourhoods = beleidssignalen_scope(user=request.user, municipality_code=code)
    years = data_years(neighbourhood_ids=[n.pk for n in neighbourhoods])
    if not years:
        raise Http404(_("Nothing has been recorded here yet, in any year."))
    return redirect("reports:beleidssignalen", municipality_code, years[-1])


# --- Evidence ------------------------------------------------------------------------------------------------


def _page_number(request: HttpRequest) -> int:
    text = request.GET.get("pagina", "1")
    return int(text) if text.isdigit() else 1


@login_required
def evidence(request: HttpRequest, cbs_code: str, year: int) -> HttpResponse:
    neighbourhood, sees_data = report_neighbourhood_for_user(
        user=request.user, cbs_code=cbs_code, report=EVIDENCE
    )
    key = request.GET.get("n", "")
    funder = not sees_data and user_funds(user=request.user, neighbourhood=neighbourhood)
    if not sees_data and key.split(":")[0] not in evidence_keys_for_user(
        user=request.user, neighbourhood=neighbourhood
    ):
        raise PermissionDenied(
            _(
                "As a funder you only see what the figures of the funder report rest on, "
                "never the raw data of the neighbourhood."
            )
            if funder
            else _(
                "As a policy officer you only see what the figures of the policy signals rest on, "
                "never the raw data of the neighbourhood."
            )
        )
    try:
        check_year(year=year, years=data_years(neighbourhood_ids=[neighbourhood.pk]))
    except NoDataForYear as error:
        raise _no_data(error) from None
    analysis = analysis_cached(neighbourhood_id=neighbourhood.pk, year=year)
    try:
        found = neighbourhood_evidence(analysis=analysis, key=key)
    except UnknownEvidence:
        raise Http404(_("This report has no such figure.")) from None
    policy = not sees_data and not funder  # a policy officer of the municipality
    page = evidence_page(evidence=found, page=_page_number(request), funder_view=not sees_data, year=year,
                         policy_view=policy)  # fmt: skip
    back = reverse("reports:buurtbeeld" if sees_data else "reports:financier", args=[cbs_code, year])
    back_label = _("Back to the Buurtbeeld") if sees_data else _("Back to the funder report")
    if policy:
        back = reverse("reports:beleidssignalen", args=[neighbourhood.municipality_code, year])
        back_label = _("Back to the policy signals")
    return render(request, "reports/evidence.html", {
        "page": page, "place": neighbourhood.name, "year": year, "back_url": back, "key": key,
        "back_label": back_label, "policy_view": policy,
    })  # fmt: skip


@login_required
def programme_evidence(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    programme, neighbourhoods = report_programme_for_user(user=request.user, slug=slug)
    ids = [n.pk for n in neighbourhoods]
    try:
        check_year(year=year, years=data_years(neighbourhood_ids=ids))
    except NoDataForYear as error:
        raise _no_data(error) from None
    analysis = analyse_neighbourhoods(neighbourhood_ids=ids, years=years_up_to(up_to=year))
    key = request.GET.get("n", "")
    try:
        found = programme_evidence_of(analysis=analysis, key=key)
    except UnknownEvidence:
        raise Http404(_("This report has no such figure.")) from None
    page = evidence_page(evidence=found, page=_page_number(request), funder_view=False, year=year)
    return render(request, "reports/evidence.html", {
        "page": page, "place": programme.name, "year": year, "key": key,
        "back_url": reverse("reports:synthese", args=[slug, year]), "back_label": _("Back to the programme synthesis"),
    })  # fmt: skip
