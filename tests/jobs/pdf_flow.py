"""A report PDF as a reader gets it (issue 14): the first click on a PDF not yet drawn leads to a job page; once
the job has run, the same link answers with the PDF at once (from the cache)."""

from __future__ import annotations

import re

from django.http import HttpResponse
from django.test import Client

from krachtvansamen.jobs.models import Job
from krachtvansamen.jobs.runner import job_run


def pdf_job_started(client: Client, url: str) -> Job:
    """GET the PDF link: a redirect to the job page of the job that draws it."""
    response = client.get(url)
    assert response.status_code == 302, (url, response.status_code)
    found = re.fullmatch(r"/taken/(\d+)/", response["Location"])
    assert found, response["Location"]
    return Job.objects.get(pk=int(found.group(1)))


def pdf_after_job(client: Client, url: str) -> HttpResponse:
    """Click the PDF link, let its job run (in tests it waits for a commit that never comes), click again."""
    job = pdf_job_started(client, url)
    job_run(job.pk)
    job.refresh_from_db()
    assert job.state == Job.State.DONE, job.error
    return client.get(url)
