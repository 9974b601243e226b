"""How far a running job is, told by the job function and read by the job page.

Inside the import's transaction a write to the job row would stay invisible (and on SQLite wait for the
import's own write lock), so progress goes to the row only when the job is not inside a transaction of its
own, and always to a place outside the database: with Celery the shared cache, which is then Redis (the same
``KVS_REDIS_URL``), so a worker on another machine reaches the page; without it the embedded worker runs in
the web process, and this process's memory is that place (without Redis the cache is a database table).
"""

from __future__ import annotations

import threading
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from krachtvansamen.jobs.models import Job

# At most this often a row or cache write per job, except when the step text changes or the work is done.
MIN_INTERVAL_SECONDS = 0.5
CACHE_SECONDS = 24 * 60 * 60


# Progress of the jobs this process runs (embedded worker), by job id.
_local: dict[int, dict[str, Any]] = {}
_local_lock = threading.Lock()


def progress_cache_key(job_id: int) -> str:
    return f"kvs-job-progress:{job_id}"


def _shared_cache() -> bool:
    return bool(getattr(settings, "CELERY_BROKER_URL", ""))


def _remember(job_id: int, state: dict[str, Any]) -> None:
    with _local_lock:
        _local[job_id] = state
    if _shared_cache():
        cache.set(progress_cache_key(job_id), state, CACHE_SECONDS)


def progress_forget(job_id: int) -> None:
    """The job has ended: its row holds the last word."""
    with _local_lock:
        _local.pop(job_id, None)


class Progress:
    """``progress(done, total, step)``: the same call the terminal reporter (core.progress) takes."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.base_depth = len(connection.atomic_blocks)
        self.step = ""
        self.last = 0.0

    def __call__(self, done: int, total: int, step: str = "") -> None:
        step = str(step or self.step)[:200]
        now = time.monotonic()
        if step == self.step and done < total and now - self.last < MIN_INTERVAL_SECONDS:
            return
        self.step, self.last = step, now
        state: dict[str, Any] = {"done": max(0, done), "total": max(0, total), "step": step}
        _remember(self.job_id, state)
        if len(connection.atomic_blocks) <= self.base_depth:
            Job.objects.filter(pk=self.job_id).update(**state)


def progress_of(job: Job) -> tuple[int, int, str]:
    """(done, total, step) of a job: this process's memory or the shared cache while it runs, else the row."""
    if job.state == Job.State.RUNNING:
        with _local_lock:
            state = _local.get(job.pk)
        if state is None and _shared_cache():
            state = cache.get(progress_cache_key(job.pk))
        if state:
            return int(state["done"]), int(state["total"]), str(state["step"])
    return job.done, job.total, job.step
