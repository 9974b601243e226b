"""Starting and running jobs. Every state change of a job goes through here."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import translation
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
