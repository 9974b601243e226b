"""Background jobs of the reports: drawing a report's PDF, which takes seconds when it is not in the cache yet.

The page that starts the job has already checked access and rendered the HTML the PDF is drawn from; the job
only draws it (``pdf_cached``, so the next reader of the same HTML gets it at once). Fetching the result asks
the access rules again: someone who lost access to the report, or to part of it, no longer gets the file.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from krachtvansamen.core.types import User
from krachtvansamen.jobs.models import Job
from krachtvansamen.jobs.progress import Progress
from krachtvansamen.jobs.registry import JobFailed, JobResult, job_function
from krachtvansamen.jobs.services import job_upload, start_job
from krachtvansamen.reports.access import (
    FINANCIER,
    other_programmes_for_user,
    report_neighbourhood_for_user,
    report_programme_for_user,
)
from krachtvansamen.reports.beleidssignalen import beleidssignalen_scope
from krachtvansamen.reports.portfolio import portfolio_scope
from krachtvansamen.reports.report_cache import pdf_cached

REPORT_PDF = "report_pdf"
BUURTBEELD, SYNTHESE, PORTFOLIO, BELEIDSSIGNALEN = "buurtbeeld", "synthese", "portfolio", "beleidssignalen"


@dataclass(frozen=True)
class PdfScope:
    """What a report PDF shows, as far as access goes: which report (``key``: a CBS code, a programme slug or a
    municipality code; empty for the portfolio), the neighbourhoods whose figures are in it, and whether it
    shows a neighbourhood's raw data (the Buurtbeeld, or a funder report read by someone who sees the data)."""

    report: str
    key: str
    neighbourhood_ids: tuple[int, ...]
    sees_data: bool


def pdf_scope_for_user(*, user: User, report: str, key: str) -> PdfScope:
    """The scope this user may see of this report now: the report pages' own access checks (404 or 403)."""
    if report in (BUURTBEELD, FINANCIER):
        neighbourhood, sees_data = report_neighbourhood_for_user(
            user=user, cbs_code=key, report=FINANCIER if report == FINANCIER else "data"
        )
        return PdfScope(report, key, (neighbourhood.pk,), sees_data)
    if report == SYNTHESE:
        programme, neighbourhoods = report_programme_for_user(user=user, slug=key)
        others = other_programmes_for_user(user=user, programme=programme)
        ids = {n.pk for n in neighbourhoods} | {n.pk for _p, group in others for n in group}
        return PdfScope(report, key, tuple(sorted(ids)), True)
    if report == PORTFOLIO:
        neighbourhoods, _funders = portfolio_scope(user=user)
        return PdfScope(report, key, tuple(sorted(n.pk for n in neighbourhoods)), False)
    if report == BELEIDSSIGNALEN:
        _code, neighbourhoods = beleidssignalen_scope(user=user, municipality_code=key)
        return PdfScope(report, key, tuple(sorted(n.pk for n in neighbourhoods)), False)
    raise Http404(_("This report does not exist."))


def _may_fetch_pdf(user: User, job: Job) -> bool:
    """Only while the user may still open this report with at least what the PDF shows: a funder whose
    organisation stopped funding the neighbourhood, or a researcher who left one of the programme's
    neighbourhoods, no longer gets a PDF drawn when they could."""
    params = job.params
    try:
        now = pdf_scope_for_user(user=user, report=str(params["report"]), key=str(params["key"]))
    except (Http404, PermissionDenied, KeyError):
        return False
    shown = set(params.get("neighbourhood_ids") or [])
    return bool(shown) and shown <= set(now.neighbourhood_ids) and (now.sees_data or not params["sees_data"])


@job_function(REPORT_PDF, title=gettext_lazy("Report as PDF"), may_fetch=_may_fetch_pdf, atomic=False)
def report_pdf_job(job: Job, progress: Progress) -> JobResult:
    """Draw the PDF of the HTML the page rendered; it only reads, so no transaction holds a write lock."""
    if not _may_fetch_pdf(job.owner, job):  # access may have changed while the job waited
        raise JobFailed(_("You no longer have access to this report. No PDF has been made."))
    html = job_upload(job).decode("utf-8")
    progress(0, 1, _("Making the PDF"))
    content = pdf_cached(html=html)
    return JobResult(file_name=str(job.params["file_name"]), content=content)


def report_pdf_job_start(
    *, user: User, url: str, html: str, file_name: str, scope: PdfScope, label: str
) -> Job:
    """The job drawing this PDF: the one this user already has running for this address (a second click must
    not draw it twice), else a new one."""
    running = (
        Job.objects.filter(
            owner_id=user.pk,
            kind=REPORT_PDF,
            state__in=[Job.State.QUEUED, Job.State.RUNNING],
            params__url=url,
        )
        .order_by("-pk")
        .first()
    )
    if running is not None:
        return running
    return start_job(
        REPORT_PDF,
        user,
        scope=scope.key or scope.report,
        upload=("rapport.html", html.encode("utf-8")),
        step=_("Waiting for a free worker…"),
        url=url,
        report=scope.report,
        key=scope.key,
        neighbourhood_ids=list(scope.neighbourhood_ids),
        sees_data=scope.sees_data,
        file_name=file_name,
        scope_label=label,
    )
