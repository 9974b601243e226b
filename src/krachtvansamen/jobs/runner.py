"""Running a job to its end, in whichever worker got it (Celery or the embedded thread pool)."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from krachtvansamen.jobs import storage
from krachtvansamen.jobs.models import Job
from krachtvansamen.jobs.progress import Progress, progress_forget
from krachtvansamen.jobs.registry import JobFailed, JobResult, job_kind

logger = logging.getLogger(__name__)


def job_claim(job_id: int) -> bool:
    """queued → running, for one worker only (two workers may be handed the same job after a restart)."""
    return bool(
        Job.objects.filter(pk=job_id, state=Job.State.QUEUED).update(
            state=Job.State.RUNNING, started=timezone.now(), updated=timezone.now()
        )
    )


def _finish(job: Job, *, state: str, **fields: Any) -> None:
    job.state = state
    job.finished = timezone.now()
    for name, value in fields.items():
        setattr(job, name, value)
    job.save()


def _unexpected_message() -> str:
    return _(
        "Something went wrong on our side. Nothing has been saved. Try again later, or tell the administrator."
    )


def job_run(job_id: int) -> Job | None:
    """Run a queued job to its end (done or failed). Returns None when another worker already took it."""
    if not job_claim(job_id):
        return None
    job = Job.objects.get(pk=job_id)
    registered = job_kind(job.kind)
    with translation.override(job.language):
        progress = Progress(job.pk)
        try:
            if registered is None:
                raise JobFailed(_("This kind of job no longer exists."))
            progress(0, job.total, _("Started"))
            if registered.atomic:
                with transaction.atomic():
                    result = registered.function(job, progress)
            else:
                result = registered.function(job, progress)
            # In the try: a result that cannot be written (a full disk) fails the job instead of leaving it
            # running.
            _record_result(job, result)
        except JobFailed as failed:
            _finish(job, state=Job.State.FAILED, error=str(failed), step=_("Stopped"))
        except Exception:
            logger.exception("Job %s (%s) failed", job.pk, job.kind)
            _finish(job, state=Job.State.FAILED, error=_unexpected_message(), step=_("Stopped"))
        finally:
            storage.input_remove(job.pk)
            progress_forget(job.pk)
    return job


def _record_result(job: Job, result: JobResult) -> None:
    # Results were removed while this job ran (an erasure): what it read may hold the erased person.
    job.result_removed = Job.objects.filter(pk=job.pk).values_list("result_removed", flat=True).first() or ""
    keep = bool(result.file_name) and not job.result_removed
    result_file = storage.result_save(job.pk, result.file_name, result.content) if keep else ""
    _finish(
        job,
        state=Job.State.DONE,
        result_file=result_file,
        result_url=result.url,
        summary=[str(line) for line in result.summary],
        done=max(job.total, 1),
        total=max(job.total, 1),
        step=_("Done"),
    )


# A job still marked running this long after its last sign of life was cut off (a restart of the process
# that ran it); jobs here take minutes at most.
STALE_RUNNING_MINUTES = 60


def jobs_left_over() -> list[int]:
    """After a restart: queued jobs to hand out again; running jobs without a sign of life marked failed."""
    stale = timezone.now() - timedelta(minutes=STALE_RUNNING_MINUTES)
    for job in Job.objects.filter(state=Job.State.RUNNING, updated__lt=stale):
        with translation.override(job.language):
            _finish(
                job,
                state=Job.State.FAILED,
                error=_("This job was interrupted by a restart. Nothing has been saved. Start it again."),
            )
    return list(Job.objects.filter(state=Job.State.QUEUED).order_by("created").values_list("pk", flat=True))
