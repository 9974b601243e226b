"""Background jobs of coding: importing a REFI-QDA codebook or project made by another tool."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from krachtvansamen.coding.qda.export import export_scope, project_qdpx
from krachtvansamen.coding.qda.importer import ImportOptions, qda_import
from krachtvansamen.coding.qda.validate import QdaError
from krachtvansamen.core.types import User
from krachtvansamen.jobs.models import Job
from krachtvansamen.jobs.progress import Progress
from krachtvansamen.jobs.registry import JobFailed, JobResult, job_function
from krachtvansamen.jobs.services import job_upload
from krachtvansamen.people.access import neighbourhoods_codable_for_user, programmes_for_own_codes, user_codes


def _options(job: Job) -> ImportOptions:
    """The choices of the import form, asked again of the access rules: access may have changed since."""
    params = job.params
    if not user_codes(user=job.owner):
        raise JobFailed(_("Only coders import codes and codings. Nothing has been imported."))
    programme = neighbourhood = None
    if params.get("programme"):
        programme = programmes_for_own_codes(user=job.owner).filter(pk=params["programme"]).first()
        if programme is None:
            raise JobFailed(_("You may no longer add codes to this programme. Nothing has been imported."))
    if params.get("neighbourhood"):
        neighbourhood = (
            neighbourhoods_codable_for_user(user=job.owner).filter(cbs_code=params["neighbourhood"]).first()
        )
        if neighbourhood is None:
            raise JobFailed(_("You may no longer code in this neighbourhood. Nothing has been imported."))
    return ImportOptions(
        programme=programme,
        under=params.get("under") or "",
        neighbourhood=neighbourhood,
        year=params.get("year"),
        instrument=params.get("instrument") or "",
    )


@job_function("qda_import", title=gettext_lazy("Import a REFI-QDA file"))
def qda_import_job(job: Job, progress: Progress) -> JobResult:
    """All or nothing: the job's transaction holds the whole import."""
    options = _options(job)
    progress(0, 1, _("Reading and importing the file"))
    try:
        result = qda_import(
            data=job_upload(job), name=job.params.get("upload_name", ""), user=job.owner, options=options
        )
    except QdaError as problem:
        raise JobFailed(str(problem)) from None
    return JobResult(summary=[*result.adjustments, *result.summary()])


def _may_export(user: User, job: Job) -> bool:
    """The project may still be fetched only while the user may still export that scope."""
    try:
        export_scope(
            user=user, programme=job.params.get("programme"), neighbourhood=job.params.get("neighbourhood")
        )
    except QdaError:
        return False
    return True


@job_function(
    "qda_export", title=gettext_lazy("Export a REFI-QDA project"), may_fetch=_may_export, atomic=False
)
def qda_export_job(job: Job, progress: Progress) -> JobResult:
    """A .qdpx of a programme or a neighbourhood; only reads, so no transaction holds a write lock."""
    programme, neighbourhood = job.params.get("programme"), job.params.get("neighbourhood")
    try:
        neighbourhoods, name = export_scope(user=job.owner, programme=programme, neighbourhood=neighbourhood)
    except QdaError as problem:
        raise JobFailed(str(problem)) from None
    progress(0, 1, _("Putting the project together"))
    content = project_qdpx(neighbourhoods=neighbourhoods, name=name)
    progress(1, 1, _("Done"))
    return JobResult(file_name=f"{neighbourhood or programme}.qdpx", content=content)
