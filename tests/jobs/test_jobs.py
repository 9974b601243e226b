"""Background jobs (issue 14): a job goes queued → running → done or failed, a failure leaves nothing half
saved and says why in Dutch, the page shows the same after a reload, and only the owner sees it."""

from __future__ import annotations

import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from krachtvansamen.core.progress import TerminalProgress, progress_wanted
from krachtvansamen.instruments.models import Submission
from krachtvansamen.instruments.selectors import form_version_current
from krachtvansamen.instruments.services import forms_load_defaults
from krachtvansamen.jobs import storage
from krachtvansamen.jobs.models import Job
from krachtvansamen.jobs.progress import progress_of
from krachtvansamen.jobs.registry import JOB_KINDS, JobFailed, JobResult, job_function
from krachtvansamen.jobs.runner import job_run, jobs_left_over
from krachtvansamen.jobs.services import start_job
from krachtvansamen.neighbourhoods.models import Programme
from krachtvansamen.people.models import Membership, Role
from tests.factories import MembershipFactory, NeighbourhoodFactory, UserFactory

HEADER = (
    b"abcd_residents_lead,abcd_relations,abcd_whats_strong,abcd_from_within,abcd_everyone_welcome,_uuid\n"
)
GOOD_ROW = b"4,3,5,2,3,x-1\n"
BAD_ROW = b"4,3,5,2,9,x-2\n"  # 9 is outside 1..5

SEEN: dict[str, object] = {}


@job_function("test_steps", title="Test: three steps")
def _three_steps(job: Job, progress) -> JobResult:
    SEEN["state while running"] = Job.objects.get(pk=job.pk).state
    for done in range(3):
        progress(done, 3, f"stap {done + 1}")
        SEEN[f"progress {done}"] = progress_of(Job.objects.get(pk=job.pk))
    return JobResult(file_name="../../uitslag.csv", content=b"a;b\n1;2\n", summary=["3 stappen gedaan"])


@job_function("test_half_then_crash", title="Test: writes, then fails")
def _half_then_crash(job: Job, progress) -> JobResult:
    Programme.objects.create(name="Half", slug="half")
    if job.params.get("expected"):
        raise JobFailed("Rij 2 klopt niet. Er is niets ingelezen.")
    raise RuntimeError("a bug, not the user's fault")


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def forms(codebook):
    forms_load_defaults()
    return form_version_current(key="vragenlijst")


@pytest.fixture
def builder(db):
    user = UserFactory(username="cb")
    neighbourhood = NeighbourhoodFactory()
    MembershipFactory(user=user, role=Role.COMMUNITY_BUILDER, neighbourhood=neighbourhood)
    return user, neighbourhood


def test_a_job_goes_queued_running_done_and_leaves_its_file_with_its_owner(db, data_dir):
    owner = UserFactory()
    job = start_job("test_steps", owner)
    assert job.state == Job.State.QUEUED  # handed to a worker only when the transaction commits
    job_run(job.pk)
    job.refresh_from_db()
    assert SEEN["state while running"] == Job.State.RUNNING
    assert SEEN["progress 1"] == (1, 3, "stap 2")
    assert job.state == Job.State.DONE and job.started and job.finished >= job.started
    assert job.summary == ["3 stappen gedaan"] and job.error == ""
    # The name from the job cannot climb out of the job's folder.
    assert job.result_file == f"{job.pk}/uitslag.csv"
    assert (data_dir / "jobs" / str(job.pk) / "uitslag.csv").read_bytes() == b"a;b\n1;2\n"
    assert job_run(job.pk) is None  # a second worker handed the same job does nothing


def test_an_unexpected_error_halfway_saves_nothing_and_says_so_in_dutch(db):
    job = start_job("test_half_then_crash", UserFactory())
    job_run(job.pk)
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert job.error.startswith("Er ging bij ons iets mis. Er is niets opgeslagen.")
    assert not Programme.objects.filter(slug="half").exists()


def test_a_refused_job_shows_its_own_message_in_the_starters_language(db):
    from django.utils import translation

    with translation.override("en"):
        job = start_job("test_half_then_crash", UserFactory(), expected=True)
    job_run(job.pk)
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and job.error == "Rij 2 klopt niet. Er is niets ingelezen."
    assert job.language == "en" and job.step == "Stopped"
    assert not Programme.objects.filter(slug="half").exists()


def test_the_kobo_import_fails_whole_on_a_wrong_row_and_lands_whole_when_right(
    client, forms, builder, data_dir
):
    user, neighbourhood = builder
    client.force_login(user)
    url = f"/instrumenten/vragenlijst/{neighbourhood.cbs_code}/importeren/"
    upload = SimpleUploadedFile("kobo.csv", HEADER + GOOD_ROW + BAD_ROW)
    response = client.post(url, {"jaar": "2025", "bestand": upload})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/taken/{job.pk}/"
    assert job.state == Job.State.QUEUED and job.scope == neighbourhood.cbs_code
    job_run(job.pk)
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert "Rij 3, vraag “abcd_everyone_welcome”: Kies een getal van 1 tot en met 5." in job.error
    assert Submission.objects.count() == 0  # row 2 was fine, yet nothing of the file stayed
    assert not (data_dir / "jobs" / str(job.pk) / "input").exists()  # the upload is not kept
    page = client.get(f"/taken/{job.pk}/").content.decode()
    assert 'role="alert"' in page and "Rij 3" in page

    client.post(url, {"jaar": "2025", "bestand": SimpleUploadedFile("kobo.csv", HEADER + GOOD_ROW)})
    good = Job.objects.latest("pk")
    job_run(good.pk)
    good.refresh_from_db()
    assert good.state == Job.State.DONE and good.result_url == f"/buurten/{neighbourhood.cbs_code}/"
    assert good.summary == ["1 antwoord ingelezen, 0 waren er al."]
    assert Submission.objects.count() == 1


def test_the_import_page_refuses_a_wrong_file_at_once_without_a_job(client, forms, builder):
    user, neighbourhood = builder
    client.force_login(user)
    url = f"/instrumenten/vragenlijst/{neighbourhood.cbs_code}/importeren/"
    response = client.post(
        url, {"jaar": "2025", "bestand": SimpleUploadedFile("kobo.txt", HEADER + GOOD_ROW)}
    )
    assert response.status_code == 400 and "Kies het exportbestand" in response.content.decode()
    assert not Job.objects.exists()


def _main(response) -> str:
    """The page's own part (the header carries a fresh CSRF token each time)."""
    text = response.content.decode()
    return text[text.index("<main") : text.index("</main>")]


def test_the_page_shows_the_same_after_a_reload_and_htmx_stops_polling_when_done(client, db):
    owner = UserFactory()
    client.force_login(owner)
    job = start_job("test_steps", owner)
    first = _main(client.get(f"/taken/{job.pk}/"))
    assert "<progress" in first and 'aria-live="polite"' in first and "hx-trigger" in first
    assert _main(client.get(f"/taken/{job.pk}/")) == first
    polled = client.get(f"/taken/{job.pk}/", headers={"HX-Request": "true"})
    assert polled.status_code == 200  # still waiting: htmx keeps polling
    job_run(job.pk)
    done = client.get(f"/taken/{job.pk}/", headers={"HX-Request": "true"})
    assert done.status_code == 286  # htmx: stop polling
    page = _main(client.get(f"/taken/{job.pk}/"))
    assert "hx-trigger" not in page and "3 stappen gedaan" in page and f"/taken/{job.pk}/resultaat/" in page
    assert _main(client.get(f"/taken/{job.pk}/")) == page
    listed = client.get("/taken/").content.decode()
    assert "Test: three steps" in listed and "Klaar" in listed


def test_only_the_owner_sees_the_job_and_fetches_its_result(client, db):
    owner, other = UserFactory(), UserFactory()
    job = start_job("test_steps", owner)
    job_run(job.pk)
    client.force_login(other)
    assert client.get(f"/taken/{job.pk}/").status_code == 404
    assert client.get(f"/taken/{job.pk}/resultaat/").status_code == 404
    assert "Test: three steps" not in client.get("/taken/").content.decode()
    client.force_login(owner)
    result = client.get(f"/taken/{job.pk}/resultaat/")
    assert result.status_code == 200 and b"".join(result.streaming_content) == b"a;b\n1;2\n"
    client.logout()
    assert client.get(f"/taken/{job.pk}/").status_code == 302


def test_the_result_is_refused_once_the_owner_lost_access_to_its_neighbourhood(client, forms, builder):
    user, neighbourhood = builder
    client.force_login(user)
    upload = SimpleUploadedFile("kobo.csv", HEADER + GOOD_ROW)
    client.post(
        f"/instrumenten/vragenlijst/{neighbourhood.cbs_code}/importeren/", {"jaar": "2025", "bestand": upload}
    )
    job = Job.objects.get()
    job_run(job.pk)
    Job.objects.filter(pk=job.pk).update(result_file=storage.result_save(job.pk, "x.txt", b"x"))
    assert client.get(f"/taken/{job.pk}/resultaat/").status_code == 200
    Membership.objects.filter(user=user).delete()
    assert client.get(f"/taken/{job.pk}/resultaat/").status_code == 403


def test_a_job_that_waited_while_access_went_fails_without_importing(forms, builder):
    user, neighbourhood = builder
    job = start_job(
        "answers_import", user, scope=neighbourhood.cbs_code, upload=("kobo.csv", HEADER + GOOD_ROW),
        form_version=forms.pk, year=2025,
    )  # fmt: skip
    Membership.objects.filter(user=user).delete()
    job_run(job.pk)
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and "geen toegang meer" in job.error
    assert not Submission.objects.exists()


def test_left_over_jobs_are_taken_up_and_stale_running_ones_marked_failed(db):
    from datetime import timedelta

    from django.utils import timezone

    owner = UserFactory()
    waiting = start_job("test_steps", owner)
    cut_off = start_job("test_steps", owner)
    busy = start_job("test_steps", owner)
    Job.objects.filter(pk=cut_off.pk).update(state=Job.State.RUNNING)
    Job.objects.filter(pk=cut_off.pk).update(updated=timezone.now() - timedelta(hours=2))
    Job.objects.filter(pk=busy.pk).update(state=Job.State.RUNNING)
    assert jobs_left_over() == [waiting.pk]
    cut_off.refresh_from_db()
    busy.refresh_from_db()
    assert cut_off.state == Job.State.FAILED and "onderbroken" in cut_off.error
    assert busy.state == Job.State.RUNNING  # alive a moment ago: perhaps another process runs it


@pytest.mark.django_db(transaction=True)
def test_the_embedded_worker_runs_a_job_after_the_commit(settings):
    from krachtvansamen.jobs.worker import embedded_stop

    settings.CELERY_BROKER_URL = ""
    job = start_job("test_steps", UserFactory())
    embedded_stop()  # waits for the pool's jobs
    job.refresh_from_db()
    assert job.state == Job.State.DONE and job.summary == ["3 stappen gedaan"]


def test_with_celery_configured_the_job_goes_through_celery(db, settings):
    from krachtvansamen.jobs.celery_app import app

    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # never reached: eager
    app.conf.task_always_eager = True
    try:
        job = start_job("test_steps", UserFactory())
        from krachtvansamen.jobs.dispatch import dispatch

        dispatch(job.pk)
    finally:
        app.conf.task_always_eager = False
    job.refresh_from_db()
    assert job.state == Job.State.DONE


def _use_broker(settings, url: str) -> None:
    """Point the settings and the Celery app at ``url``, forgetting connections to the previous broker."""
    import kombu.pools

    from krachtvansamen.jobs.celery_app import app

    settings.CELERY_BROKER_URL = url
    app.conf.broker_url = url
    # kombu keeps one pool per broker URL for the whole process, and a closed one stays registered: clear
    # them all, or a second run in the same process (mutmut runs the suite twice) acquires on a closed pool.
    kombu.pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


def _redis_up() -> bool:
    import socket

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379")
@pytest.mark.django_db(transaction=True)
def test_a_real_celery_worker_on_redis_runs_the_job(settings, monkeypatch):
    from celery.contrib.testing.worker import start_worker

    def not_here(job_id):
        raise AssertionError("the web process ran the job itself")

    monkeypatch.setattr("krachtvansamen.jobs.dispatch.embedded_submit", not_here)

    from krachtvansamen.jobs.celery_app import app

    _use_broker(settings, "redis://127.0.0.1:6379/15")
    try:
        app.control.purge()  # messages left by an interrupted earlier run
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            job = start_job("test_steps", UserFactory())
            # Waits for the worker (up to 30 s on a busy machine); no time is asserted.
            for _attempt in range(600):
                job.refresh_from_db()
                if job.finished_state:
                    break
                time.sleep(0.05)
    finally:
        _use_broker(settings, "")
    assert job.state == Job.State.DONE and job.summary == ["3 stappen gedaan"]


@pytest.mark.django_db(transaction=True)
def test_when_the_broker_is_down_the_web_process_runs_the_job_itself(settings):
    from krachtvansamen.jobs.celery_app import app
    from krachtvansamen.jobs.worker import embedded_stop

    _use_broker(settings, "redis://127.0.0.1:1/0")  # nothing listens there
    retries, app.conf.broker_connection_max_retries = app.conf.broker_connection_max_retries, 0
    try:
        job = start_job("test_steps", UserFactory())
        embedded_stop()
    finally:
        _use_broker(settings, "")
        app.conf.broker_connection_max_retries = retries
    job.refresh_from_db()
    assert job.state == Job.State.DONE


def test_the_eager_setting_runs_the_job_at_once(db, settings):
    settings.KVS_JOBS_EAGER = True
    assert start_job("test_steps", UserFactory()).state == Job.State.DONE


def test_kvs_worker_without_a_broker_says_what_to_set(settings):
    settings.CELERY_BROKER_URL = ""
    with pytest.raises(CommandError, match="KVS_REDIS_URL"):
        call_command("worker")


def test_unknown_kinds_and_anonymous_owners_are_refused(db):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(ValueError):
        start_job("no_such_kind", UserFactory())
    with pytest.raises(ValueError):
        start_job("test_steps", AnonymousUser())
    assert "answers_import" in JOB_KINDS and "qda_import" in JOB_KINDS


def test_result_paths_never_leave_the_jobs_folder(data_dir):
    (data_dir / "geheim.txt").write_text("x")
    assert storage.result_path("../geheim.txt") is None
    assert storage.safe_name("../../a b/ü.csv") == "_.csv"


def test_the_terminal_bar_shows_only_on_a_terminal_or_when_asked():
    quiet = io.StringIO()
    with TerminalProgress(enabled=progress_wanted({}, quiet), stream=quiet) as progress:
        progress(1, 2, "rijen")
    assert quiet.getvalue() == ""
    loud = io.StringIO()
    with TerminalProgress(enabled=progress_wanted({"progress": True}, loud), stream=loud) as progress:
        progress(1, 2, "rijen")
    assert "rijen" in loud.getvalue() and "1/2" in loud.getvalue()


def test_kvs_import_cbs_shows_a_bar_only_when_asked(db, tmp_path):
    from tests.neighbourhoods.test_cbs_import import HEADER, ROWS

    path = tmp_path / "kwb2024_85984NED_klein.csv"
    path.write_text(HEADER + "".join(ROWS), encoding="utf-8")
    quiet_err, quiet_out = io.StringIO(), io.StringIO()
    call_command("import_cbs", str(path), stdout=quiet_out, stderr=quiet_err)
    assert quiet_err.getvalue() == "" and "3 rijen" in quiet_out.getvalue()
    loud = io.StringIO()
    call_command("import_cbs", str(path), "--progress", stdout=io.StringIO(), stderr=loud)
    assert path.name in loud.getvalue()


def test_the_qdpx_export_runs_as_a_job_and_its_file_stays_with_who_may_export(client, codebook):
    from tests.coding.qda.helpers import coded_neighbourhood, read_qdpx, researcher

    neighbourhood, _fragments, _coders = coded_neighbourhood()
    owner = researcher(neighbourhood.programme)
    client.force_login(owner)
    response = client.post("/coderen/uitwisselen/project.qdpx", {"buurt": neighbourhood.cbs_code})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/taken/{job.pk}/"
    job_run(job.pk)
    result = client.get(f"/taken/{job.pk}/resultaat/")
    assert result.status_code == 200
    assert result["Content-Disposition"].endswith(f'filename="{neighbourhood.cbs_code}.qdpx"')
    assert read_qdpx(b"".join(result.streaming_content))[0] is not None
    client.force_login(researcher(NeighbourhoodFactory().programme))  # another programme's researcher
    assert client.get(f"/taken/{job.pk}/resultaat/").status_code == 404
    Membership.objects.filter(user=owner).delete()
    client.force_login(owner)
    assert client.get(f"/taken/{job.pk}/resultaat/").status_code == 403


def test_the_kobo_import_tells_how_many_rows_it_has_done(forms, builder):
    from krachtvansamen.instruments.answers_import import answers_import

    user, neighbourhood = builder
    seen = []
    answers_import(
        form_version=forms, content=HEADER + GOOD_ROW + GOOD_ROW.replace(b"x-1", b"x-3"), file_name="kobo.csv",
        neighbourhood=neighbourhood, year=2025, user=user, progress=lambda *call: seen.append(call),
    )  # fmt: skip
    assert seen == [(0, 2, "Antwoorden controleren en opslaan"), (1, 2, "Antwoorden controleren en opslaan")]


def test_kvs_worker_without_a_broker_says_what_to_set_in_dutch(settings):
    from django.core.management import CommandError, call_command
    from django.utils import translation

    settings.CELERY_BROKER_URL = ""
    with translation.override("nl"), pytest.raises(CommandError) as raised:
        call_command("worker")
    assert "Geen broker ingesteld: zet KVS_REDIS_URL" in str(raised.value)
    assert "voert `kvs serve` achtergrondtaken zelf uit" in str(raised.value)
