"""The reports as JSON: the same builders and the same access decisions as the report pages
(``reports.access``, ``reports.beleidssignalen.beleidssignalen_scope``), each figure with its n
(``api.report_figures``).

- Buurtbeeld: whoever sees the neighbourhood's raw data.
- Financiersrapport: they, and the funders of the neighbourhood (a funder reaches no fragment: only the report's
  figures and its quotes, without pseudonyms).
- Beleidssignalen: the policy officers of the municipality, and administrators.
- Programmasynthese: over the neighbourhoods of the programme whose raw data you see.
"""

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Path, Router

from krachtvansamen.analysis.years import NoDataForYear
from krachtvansamen.api.common import CBS_CODE, MAX_YEAR, MIN_YEAR, READ_ERRORS
from krachtvansamen.api.report_figures import report_content
from krachtvansamen.api.schemas import ReportOut
from krachtvansamen.reports.access import (
    FINANCIER,
    other_programmes_for_user,
    report_neighbourhood_for_user,
    report_programme_for_user,
)
from krachtvansamen.reports.beleidssignalen import beleidssignalen_report, beleidssignalen_scope
from krachtvansamen.reports.buurtbeeld import buurtbeeld_report
from krachtvansamen.reports.financier import financier_report
from krachtvansamen.reports.synthese import synthese_report

router = Router(tags=["reports"])

CODE = Path(..., pattern=CBS_CODE, description="A neighbourhood's CBS code, e.g. BU02020101.")
YEAR = Path(..., ge=MIN_YEAR, le=MAX_YEAR, description="The report's year: a year with data.")


def _out(kind: str, subject: str, name: str, report: Any) -> dict[str, Any]:
    content = report_content(report)
    return {
        "kind": kind, "subject": subject, "name": name, "year": report.year, "years": list(report.years),
        "findings": content.findings, "not_known": content.not_known, "figures": content.figures,
        "quotes": content.quotes,
    }  # fmt: skip


@router.get(
    "/reports/buurtbeeld/{cbs_code}/{year}", response={200: ReportOut, **READ_ERRORS}, summary="Buurtbeeld"
)
def buurtbeeld(request: HttpRequest, cbs_code: str = CODE, year: int = YEAR) -> dict[str, Any]:
    """The figures and quotes of the Buurtbeeld of a neighbourhood and year, as on its page. For the team of the
    neighbourhood; funders and policy officers: 403."""
    neighbourhood, _sees_data = report_neighbourhood_for_user(
        user=request.user, cbs_code=cbs_code, report="data"
    )
    try:
        report = buurtbeeld_report(neighbourhood=neighbourhood, year=year)
    except NoDataForYear as error:
        raise Http404(str(error)) from None
    return _out("buurtbeeld", neighbourhood.cbs_code, neighbourhood.name, report)


@router.get(
    "/reports/financier/{cbs_code}/{year}",
    response={200: ReportOut, **READ_ERRORS},
    summary="Financiersrapport",
)
def financier(request: HttpRequest, cbs_code: str = CODE, year: int = YEAR) -> dict[str, Any]:
    """The funder report of a neighbourhood and year: for its funders and its team."""
    neighbourhood, _sees_data = report_neighbourhood_for_user(
        user=request.user, cbs_code=cbs_code, report=FINANCIER
    )
    try:
        report = financier_report(neighbourhood=neighbourhood, year=year)
    except NoDataForYear as error:
        raise Http404(str(error)) from None
    return _out("financier", neighbourhood.cbs_code, neighbourhood.name, report)


@router.get(
    "/reports/beleidssignalen/{municipality_code}/{year}",
    response={200: ReportOut, **READ_ERRORS},
    summary="Beleidssignalen",
)
def beleidssignalen(
    request: HttpRequest,
    municipality_code: str = Path(..., pattern=r"^GM[0-9]{4}$", description="E.g. GM0202."),
    year: int = YEAR,
) -> dict[str, Any]:
    """The policy signals of a municipality and year: for its policy officers and administrators."""
    code, neighbourhoods = beleidssignalen_scope(user=request.user, municipality_code=municipality_code)
    try:
        report = beleidssignalen_report(municipality_code=code, neighbourhoods=neighbourhoods, year=year)
    except NoDataForYear as error:
        raise Http404(str(error)) from None
    return _out("beleidssignalen", code, report.municipality_name, report)


@router.get(
    "/reports/programmasynthese/{slug}/{year}",
    response={200: ReportOut, **READ_ERRORS},
    summary="Programmasynthese",
)
def programmasynthese(
    request: HttpRequest,
    slug: str = Path(..., pattern=r"^[-a-zA-Z0-9_]{1,50}$", description="A programme's slug."),
    year: int = YEAR,
) -> dict[str, Any]:
    """The programme synthesis over the programme's neighbourhoods whose raw data you see (as its page)."""
    programme, neighbourhoods = report_programme_for_user(user=request.user, slug=slug)
    others = other_programmes_for_user(user=request.user, programme=programme)
    try:
        report = synthese_report(
            programme=programme, neighbourhoods=neighbourhoods, year=year, other_programmes=others
        )
    except NoDataForYear as error:
        raise Http404(str(error)) from None
    return _out("programmasynthese", programme.slug, programme.name, report)
