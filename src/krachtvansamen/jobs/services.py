"""Starting and running jobs. Every state change of a job goes through here."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from krachtvansamen.core.types import User
from krachtvansamen.jobs import storage
from krachtvansamen.jobs.dispatch import dispatch
from krachtvansamen.jobs.models import Job
from krachtvansamen.jobs.registry import JobFailed, job_kind
from krachtvansamen.jobs.runner import job_run


def start_job(
    kind: str,
    user: User,
    *,
    scope: str = "",
    upload: tuple[str, bytes] | None = None,
    step: str = "",
    **params: Any,
) -> Job:
    """Queue a job for ``user`` and hand it to a worker once this transaction commits. ``upload``: a file
    (name, content) the job works on, kept under KVS_DATA_DIR until the job ends. ``params`` must be JSON."""
    if job_kind(kind) is None:
        raise ValueError(f"Unknown job kind {kind!r}")
    if not user.is_authenticated:
        raise ValueError("Jobs belong to a logged-in user")
    job = Job.objects.create(
        kind=kind,
        owner_id=user.pk,
        scope=scope,
        params=params,
        language=translation.get_language() or "nl",
        step=step or _("Waiting for a free worker…"),
    )
    jobs_expire()
    if upload is not None:
        name, content = upload
        job.params = {**params, "upload": storage.input_save(job.pk, name, content), "upload_name": name}
        job.save(update_fields=["params"])
    if getattr(settings, "KVS_JOBS_EAGER", False):
        # Tests: run now, in the caller's transaction and thread (as Celery's task_always_eager does).
        job_run(job.pk)
        job.refresh_from_db()
    else:
        transaction.on_commit(lambda: dispatch(job.pk))
    return job


def job_upload(job: Job) -> bytes:
    """The file the job was started with."""
    relative = job.params.get("upload")
    if not relative:
        raise JobFailed(_("The uploaded file is missing. Start again."))
    try:
        return storage.input_read(relative)
    except FileNotFoundError:
        raise JobFailed(_("The uploaded file is missing. Start again.")) from None


def job_results_remove(jobs: QuerySet[Job], *, why: Callable[[], str]) -> int:
    """Remove the result files (and uploads) of ``jobs``; ``why()`` says why on the job's page (called in
    each owner's language). A job still waiting or running is marked too and will keep no result. The files
    go once the transaction commits (a rolled-back erasure keeps the rows, and loses only results that can
    be made again). Returns how many jobs had a result or were still going."""
    affected = list(
        jobs.filter(Q(result_file__gt="") | Q(state__in=[Job.State.QUEUED, Job.State.RUNNING]))
        .exclude(result_removed__gt="", result_file="")
        .values_list("pk", "language")
    )
    for pk, language in affected:
        with translation.override(language):
            Job.objects.filter(pk=pk).update(result_file="", result_removed=why()[:300])
    ids = [pk for pk, _language in affected]
    if ids:
        transaction.on_commit(lambda: storage.jobs_files_remove(ids))
    return len(ids)


def jobs_expire(*, now: datetime | None = None, days: int | None = None) -> int:
    """Results older than ``KVS_JOB_RESULT_DAYS`` days are removed: they may hold personal data (quotes in a
    PDF, transcripts in an export), and they can be made again. Runs whenever a job starts."""
    kept = settings.KVS_JOB_RESULT_DAYS if days is None else days
    cutoff = (now or timezone.now()) - timedelta(days=kept)
    old = Job.objects.filter(finished__lt=cutoff, result_file__gt="")
    return job_results_remove(
        old,
        why=lambda: _("The result was removed after %(days)s days. Start the job again.") % {"days": kept},
    )
