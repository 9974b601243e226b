"""The embedded worker: without a broker, a small thread pool in the web process runs the jobs.

So ``kvs demo`` and ``kvs serve`` are still all it takes. When the pool starts (the first job or the first
job page after a restart) it takes up the jobs that were still waiting.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor

from django.conf import settings
from django.db import connections

from krachtvansamen.jobs.runner import job_run, jobs_left_over

logger = logging.getLogger(__name__)

_pool: ThreadPoolExecutor | None = None
_lock = threading.Lock()


def _run_and_close(job_id: int) -> None:
    try:
        job_run(job_id)
    except Exception:  # job_run records the job's own failures; this is the worker itself failing
        logger.exception("Embedded worker could not run job %s", job_id)
    finally:
        # Each pool thread has its own connection; the request cycle that closes the others is not here.
        connections.close_all()


def embedded_pool() -> ThreadPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=settings.KVS_JOB_THREADS, thread_name_prefix="kvs-job")
            for job_id in jobs_left_over():
                _pool.submit(_run_and_close, job_id)
        return _pool


def embedded_submit(job_id: int) -> Future[None]:
    return embedded_pool().submit(_run_and_close, job_id)


def embedded_stop() -> None:
    """Wait for the running jobs and forget the pool (tests; a next job starts a new one)."""
    global _pool
    with _lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=True)
