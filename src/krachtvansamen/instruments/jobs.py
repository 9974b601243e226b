"""Background jobs of the instruments: importing answers collected with KoboToolbox or ODK."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from krachtvansamen.core.types import User
from krachtvansamen.instruments.answers_import import AnswersImportError, answers_import
from krachtvansamen.instruments.models import FormVersion
from krachtvansamen.jobs.models import Job
from krachtvansamen.jobs.progress import Progress
from krachtvansamen.jobs.registry import JobFailed, JobResult, job_function
from krachtvansamen.jobs.services import job_upload
from krachtvansamen.people.access import neighbourhood_get_for_user, neighbourhoods_for_user


def _may_see_neighbourhood(user: User, job: Job) -> bool:
    return neighbourhoods_for_user(user=user).filter(cbs_code=job.scope).exists()


@job_function("answers_import", title=gettext_lazy("Import answers"), may_fetch=_may_see_neighbourhood)
def answers_import_job(job: Job, progress: Progress) -> JobResult:
    """All answers of the file or none (the job runs in one transaction; answers_import checks each row)."""
    try:
        # Asked again: access may have changed while the job waited.
        neighbourhood = neighbourhood_get_for_user(user=job.owner, cbs_code=job.scope)
    except (Http404, PermissionDenied):
        raise JobFailed(
            _("You no longer have access to this neighbourhood. Nothing has been imported.")
        ) from None
    form_version = FormVersion.objects.filter(pk=job.params.get("form_version")).first()
    if form_version is None:
        raise JobFailed(_("This form does not exist any more. Nothing has been imported."))
    try:
        result = answers_import(
            form_version=form_version,
            content=job_upload(job),
            file_name=job.params.get("upload_name", ""),
            neighbourhood=neighbourhood,
            year=int(job.params["year"]),
            user=job.owner,
            progress=progress,
        )
    except AnswersImportError as problem:
        raise JobFailed(str(problem)) from None
    summary = ngettext(
        "%(created)s answer imported, %(already)s were already there.",
        "%(created)s answers imported, %(already)s were already there.",
        result.created,
    ) % {"created": result.created, "already": result.already_there}
    return JobResult(url=reverse("neighbourhood", args=[neighbourhood.cbs_code]), summary=[summary])
