"""The job pages, /taken/: one job with its progress bar (polled with htmx, or refreshed without JS), and
Mijn taken."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from krachtvansamen.jobs import storage
from krachtvansamen.jobs.dispatch import workers_ready
from krachtvansamen.jobs.selectors import job_get_for_user, job_result_may_fetch, job_view, jobs_listed

# Seconds between two looks at a running job.
POLL_SECONDS = 2


@login_required
@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    workers_ready()
    return render(request, "jobs/list.html", {"jobs": jobs_listed(user=request.user)})


@login_required
@require_GET
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    workers_ready()
    job = job_get_for_user(user=request.user, pk=pk)
    context = {
        "view": job_view(job),
        "poll_seconds": POLL_SECONDS,
        "may_fetch": job_result_may_fetch(user=request.user, job=job),
    }
    if not getattr(request, "htmx", False):
        return render(request, "jobs/detail.html", context)
    # 286 tells htmx to stop polling: the job has ended and the page now shows its outcome.
    return render(request, "jobs/_status.html", context, status=286 if job.finished_state else 200)


@login_required
@require_GET
def job_result(request: HttpRequest, pk: int) -> FileResponse:
    job = job_get_for_user(user=request.user, pk=pk)
    if not job_result_may_fetch(user=request.user, job=job):
        raise PermissionDenied(_("You may no longer see the result of this job."))
    path = storage.result_path(job.result_file) if job.result_file else None
    if path is None:
        raise Http404(_("This job left no file, or the file has been removed."))
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name)
