"""Job results leave the disk (AVG): after KVS_JOB_RESULT_DAYS days, and at once when a person is erased — a PDF
or an export made earlier may hold their words. The job's page then says why, in the owner's language."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from krachtvansamen.jobs.models import Job
from krachtvansamen.jobs.runner import job_run
from krachtvansamen.jobs.services import jobs_expire, start_job
from krachtvansamen.privacy import erasure
from krachtvansamen.privacy.erasure import person_erase
from tests.factories import PersonFactory, UserFactory
from tests.jobs.test_jobs import _three_steps  # noqa: F401 (registers the job kind "test_steps")

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.KVS_JOB_RESULT_DAYS = 7
    return tmp_path


def done_job(owner, *, finished_days_ago: float, language: str = "nl") -> Job:
    job = start_job("test_steps", owner)
    Job.objects.filter(pk=job.pk).update(language=language)
    job_run(job.pk)
    Job.objects.filter(pk=job.pk).update(finished=timezone.now() - timedelta(days=finished_days_ago))
    job.refresh_from_db()
    assert job.state == Job.State.DONE and job.result_file
    return job


def result_on_disk(job: Job, data_dir) -> bool:
    return (data_dir / "jobs" / str(job.pk)).exists()


def test_a_result_older_than_the_days_is_removed_and_the_page_says_so(
    client, data_dir, django_capture_on_commit_callbacks
):
    owner = UserFactory()
    old, young = done_job(owner, finished_days_ago=0), done_job(owner, finished_days_ago=0)
    # Old: finished a moment more than 7 days before the expiry runs; young: a little less.
    Job.objects.filter(pk=old.pk).update(finished=timezone.now() - timedelta(days=7))
    Job.objects.filter(pk=young.pk).update(finished=timezone.now() - timedelta(days=6.99))
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs_expire() == 1
    old.refresh_from_db()
    young.refresh_from_db()
    assert old.result_file == "" and not result_on_disk(old, data_dir)
    assert old.result_removed == "Het resultaat is na 7 dagen verwijderd. Start de taak opnieuw."
    assert young.result_file and result_on_disk(young, data_dir)
    client.force_login(owner)
    page = client.get(reverse("jobs:detail", args=[old.pk]), HTTP_ACCEPT_LANGUAGE="nl")
    assert "Het resultaat is na 7 dagen verwijderd" in page.content.decode()
    assert reverse("jobs:result", args=[old.pk]) not in page.content.decode()
    assert client.get(reverse("jobs:result", args=[old.pk])).status_code == 404
    # Running the expiry again changes nothing.
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs_expire() == 0


def test_the_expiry_runs_when_a_job_starts_and_says_why_in_the_owners_language(
    data_dir, django_capture_on_commit_callbacks
):
    english = done_job(UserFactory(), finished_days_ago=30, language="en")
    with django_capture_on_commit_callbacks(execute=True):
        start_job("test_steps", UserFactory())
    english.refresh_from_db()
    assert english.result_removed == "The result was removed after 7 days. Start the job again."
    assert not result_on_disk(english, data_dir)


def test_an_erasure_removes_every_result_of_every_user(data_dir, django_capture_on_commit_callbacks):
    person = PersonFactory()
    mine = done_job(UserFactory(), finished_days_ago=0)
    theirs = done_job(UserFactory(), finished_days_ago=1, language="en")
    with django_capture_on_commit_callbacks(execute=True):
        record = person_erase(person, UserFactory(), "Verzoek")
    assert record.counts.get("jobs.Job") == 2
    for job, text in (
        (mine, "Het resultaat is verwijderd omdat de gegevens van een bewoner zijn gewist."),
        (theirs, "The result was removed because a resident's data was erased."),
    ):
        job.refresh_from_db()
        assert job.result_file == "" and text in job.result_removed
        assert not result_on_disk(job, data_dir)


def test_a_job_waiting_during_an_erasure_keeps_no_result(data_dir, django_capture_on_commit_callbacks):
    waiting = start_job("test_steps", UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        person_erase(PersonFactory(), UserFactory(), "Verzoek")
    job_run(waiting.pk)
    waiting.refresh_from_db()
    assert waiting.state == Job.State.DONE  # the work itself went through (its summary stays)
    assert waiting.result_file == "" and waiting.result_removed
    assert not (data_dir / "jobs" / str(waiting.pk)).exists()
    # A job started after the erasure keeps its result as usual.
    later = start_job("test_steps", UserFactory())
    job_run(later.pk)
    later.refresh_from_db()
    assert later.result_file and later.result_removed == ""


def test_an_erasure_that_fails_halfway_keeps_the_results(
    data_dir, monkeypatch, django_capture_on_commit_callbacks
):
    job = done_job(UserFactory(), finished_days_ago=0)

    def broken(_person):
        raise RuntimeError("disk full")

    monkeypatch.setattr(erasure, "_erasers", [*erasure._erasers, (1000, broken)])
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        person_erase(PersonFactory(), UserFactory(), "Verzoek")
    job.refresh_from_db()
    assert job.result_file and job.result_removed == "" and result_on_disk(job, data_dir)
