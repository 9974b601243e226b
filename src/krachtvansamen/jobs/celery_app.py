"""The Celery app, used when a broker is configured (``KVS_REDIS_URL``); ``kvs worker`` runs its worker.

Celery with Redis, as other Dutch government Django projects (Open Forms, Signalen) run their background
work. Results are not kept by Celery: the job row and KVS_DATA_DIR hold them.
"""

from __future__ import annotations

from celery import Celery

from krachtvansamen.jobs.runner import job_run

app = Celery("krachtvansamen")
app.config_from_object("django.conf:settings", namespace="CELERY")


@app.task(name="krachtvansamen.jobs.run")
def run_job_task(job_id: int) -> None:
    job_run(job_id)
