"""Reads of jobs for pages: a job is its owner's alone."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from krachtvansamen.core.types import User
from krachtvansamen.jobs.models import Job
from krachtvansamen.jobs.progress import progress_of
from krachtvansamen.jobs.registry import job_kind, job_title

# Mijn taken shows this many of the latest jobs.
JOBS_LISTED = 30


def jobs_for_user(*, user: User) -> QuerySet[Job]:
    if not user.is_authenticated:
        return Job.objects.none()
    return Job.objects.filter(owner_id=user.pk)


def job_get_for_user(*, user: User, pk: int) -> Job:
    """The job, or 404 for anyone but its owner (whether the job exists is not for others to learn)."""
    job = jobs_for_user(user=user).filter(pk=pk).first()
    if job is None:
        raise Http404(_("This job does not exist, or it is not yours."))
    return job


def job_result_may_fetch(*, user: User, job: Job) -> bool:
    """The owner, and only while the page the job came from still lets them see its data."""
    registered = job_kind(job.kind)
    return (
        user.is_authenticated
        and job.owner_id == user.pk
        and job.state == Job.State.DONE
        and registered is not None
        and registered.may_fetch(user, job)
    )


@dataclass
class JobView:
    job: Job
    title: Any
    done: int
    total: int
    step: str

    @property
    def percent(self) -> int:
        if self.job.state == Job.State.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.job.finished_state


def job_view(job: Job) -> JobView:
    done, total, step = progress_of(job)
    return JobView(job=job, title=job_title(job.kind), done=done, total=total, step=step)


def jobs_listed(*, user: User) -> list[JobView]:
    return [job_view(job) for job in jobs_for_user(user=user)[:JOBS_LISTED]]
