"""The kinds of job there are: each app registers its job functions in its ``jobs.py``.

A job function takes the job and a ``Progress`` and returns a ``JobResult``. It raises ``JobFailed`` with a
message for the user (in the job's language, which is active while it runs) when the work cannot be done.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise

from krachtvansamen.core.types import User

if TYPE_CHECKING:
    from krachtvansamen.jobs.models import Job
    from krachtvansamen.jobs.progress import Progress


class JobFailed(Exception):
    """The work could not be done; ``str()`` is the message for the user. Nothing was saved."""


@dataclass
class JobResult:
    """What a finished job leaves: a file to download, a page to go on to, and sentences saying what it did."""

    file_name: str = ""
    content: bytes = b""
    url: str = ""
    summary: list[str] = field(default_factory=list)


JobFunction = Callable[["Job", "Progress"], JobResult]
# Asked again each time the result is fetched: may this user (the owner) still see it? Access can change
# between starting a job and fetching its result.
AccessCheck = Callable[[User, "Job"], bool]


def _always(user: User, job: Job) -> bool:
    return True


@dataclass(frozen=True)
class JobKind:
    kind: str
    function: JobFunction
    title: str | Promise
    may_fetch: AccessCheck = _always
    # Imports: the whole function runs in one transaction, so a failure halfway leaves nothing behind.
    # Exports only read; a long transaction would hold SQLite's write lock for nothing.
    atomic: bool = True


JOB_KINDS: dict[str, JobKind] = {}


def job_function(
    kind: str, *, title: str | Promise, may_fetch: AccessCheck = _always, atomic: bool = True
) -> Callable[[JobFunction], JobFunction]:
    def register(function: JobFunction) -> JobFunction:
        JOB_KINDS[kind] = JobKind(
            kind=kind, function=function, title=title, may_fetch=may_fetch, atomic=atomic
        )
        return function

    return register


def job_kind(kind: str) -> JobKind | None:
    return JOB_KINDS.get(kind)


def job_title(kind: str) -> Any:
    registered = JOB_KINDS.get(kind)
    return registered.title if registered else kind
