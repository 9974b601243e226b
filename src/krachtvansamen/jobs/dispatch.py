"""Handing a queued job to a worker: Celery when a broker is configured, else the embedded thread pool."""

from __future__ import annotations

import logging

from django.conf import settings

from krachtvansamen.jobs.celery_app import run_job_task
from krachtvansamen.jobs.worker import embedded_pool, embedded_submit

logger = logging.getLogger(__name__)


def celery_configured() -> bool:
    return bool(getattr(settings, "CELERY_BROKER_URL", ""))


def dispatch(job_id: int) -> None:
    if not celery_configured():
        embedded_submit(job_id)
        return
    try:
        run_job_task.delay(job_id)
    except Exception:
        # Redis down: the person still gets the result, from this process.
        logger.exception("Could not hand job %s to Celery; running it in the web process", job_id)
        embedded_submit(job_id)


def workers_ready() -> None:
    """Without Celery: start the embedded pool, which takes up jobs left waiting by a restart."""
    if not celery_configured():
        embedded_pool()
