"""Report PDFs as background jobs (issue 14): a PDF already drawn is answered at once; one not yet drawn leads to
a job page whose result is the PDF; a second click while it runs finds the same job; only its owner fetches the
result, and only while they may still open the report. Scripts get the PDF at once with ?direct=1."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.cache import caches

from krachtvansamen.jobs.models import Job
from krachtvansamen.jobs.runner import job_run
from krachtvansamen.neighbourhoods.models import Neighbourhood
from krachtvansamen.people.models import Funding, Organisation, Role
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.jobs.pdf_flow import pdf_job_started
from tests.reports.conftest import QUOTE_OK  # noqa: F401  (importing it registers the reports' world)

OWN, OTHER = "BU90000001", "BU90000003"
FINANCIER_PDF = f"/rapporten/financiersrapport/{OWN}/2025/pdf/"
SYNTHESE_PDF = "/rapporten/programmasynthese/programma-a/2025/pdf/"
SIGNALS_PDF = "/rapporten/beleidssignalen/GM0202/2025/pdf/"


@pytest.fixture(autouse=True)
def no_worker_threads(monkeypatch):
    """The job page would start the embedded worker, whose thread runs queued jobs on a connection of its own;
    here each test runs its job itself, in its own transaction."""
    monkeypatch.setattr("krachtvansamen.jobs.views.workers_ready", lambda: None)


@pytest.fixture
def world(codebook, shared_data):
    """The reports' world (``tests/reports/conftest.py``), shared set-up."""
    return shared_data.get("reports_world")


@pytest.fixture
def as_user(client, world):
    def login(name):
        client.force_login(world.users[name])
        return client

    return login


def _forget_drawn_pdfs() -> None:
    caches["reports" if "reports" in settings.CACHES else "default"].clear()


def _result(client, job: Job) -> bytes:
    response = client.get(f"/taken/{job.pk}/resultaat/")
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


def test_a_pdf_not_drawn_yet_leads_to_its_job_page_and_the_job_leaves_the_pdf(as_user):
    client = as_user("funder")
    job = pdf_job_started(client, FINANCIER_PDF)
    assert job.kind == "report_pdf" and job.state == Job.State.QUEUED and job.scope == OWN
    page = client.get(f"/taken/{job.pk}/").content.decode()
    assert "Rapport als pdf" in page and "Financiersrapport Eigen Buurt 2025" in page
    job_run(job.pk)
    job.refresh_from_db()
    assert job.state == Job.State.DONE, job.error
    page = client.get(f"/taken/{job.pk}/").content.decode()
    assert f'href="/taken/{job.pk}/resultaat/"' in page
    content = _result(client, job)
    assert content.startswith(b"%PDF")
    # Drawn once: the link itself now answers with the PDF, from the cache, without a new job.
    response = client.get(FINANCIER_PDF)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="financiersrapport-{OWN}-2025.pdf"'
    assert response.content == content and Job.objects.count() == 1


def test_a_pdf_in_the_cache_is_answered_at_once_without_a_job(as_user):
    client = as_user("programme_manager")
    drawn = client.get(SYNTHESE_PDF, {"direct": "1"})
    assert drawn.status_code == 200 and drawn.content.startswith(b"%PDF")
    response = client.get(SYNTHESE_PDF)
    assert response.status_code == 200 and response.content == drawn.content
    assert not Job.objects.exists()


def test_a_second_click_while_the_job_runs_goes_to_the_same_job_and_a_later_one_starts_anew(as_user, world):
    client = as_user("funder")
    first = pdf_job_started(client, FINANCIER_PDF)
    assert pdf_job_started(client, FINANCIER_PDF).pk == first.pk
    Job.objects.filter(pk=first.pk).update(state=Job.State.RUNNING)
    assert pdf_job_started(client, FINANCIER_PDF).pk == first.pk
    # Another reader of the same report has a job of their own; so has another report.
    researcher = as_user("researcher")
    theirs = pdf_job_started(researcher, FINANCIER_PDF)
    assert theirs.pk != first.pk and theirs.owner == world.users["researcher"]
    other = pdf_job_started(researcher, f"/rapporten/buurtbeeld/{OWN}/2025/pdf/")
    assert other.pk not in (first.pk, theirs.pk)
    # Once the job has ended and the PDF is gone from the cache, a click starts a new job.
    Job.objects.filter(pk=first.pk).update(state=Job.State.FAILED)
    assert pdf_job_started(as_user("funder"), FINANCIER_PDF).pk not in (first.pk, theirs.pk, other.pk)


def test_scripts_get_the_pdf_at_once(as_user):
    client = as_user("funder")
    response = client.get(FINANCIER_PDF, {"direct": "1"})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    _forget_drawn_pdfs()
    response = client.get(FINANCIER_PDF, HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert not Job.objects.exists()
    # A browser asks for a page first: it gets the job page.
    _forget_drawn_pdfs()
    assert client.get(FINANCIER_PDF, {"direct": "0"}, HTTP_ACCEPT="text/html,*/*;q=0.8").status_code == 302


def test_only_the_owner_fetches_the_result(as_user, world):
    job = pdf_job_started(as_user("funder"), FINANCIER_PDF)
    job_run(job.pk)
    client = as_user("researcher")  # sees the neighbourhood's data, but the job is not theirs
    assert client.get(f"/taken/{job.pk}/").status_code == 404
    assert client.get(f"/taken/{job.pk}/resultaat/").status_code == 404


def test_a_funder_whose_organisation_stopped_funding_gets_403_on_the_result(as_user, world):
    client = as_user("funder")
    job = pdf_job_started(client, FINANCIER_PDF)
    job_run(job.pk)
    Funding.objects.filter(neighbourhood__cbs_code=OWN, funder=world.funder_org).delete()
    response = client.get(f"/taken/{job.pk}/resultaat/")
    assert response.status_code == 403
    assert "Je mag het resultaat van deze taak niet meer zien." in response.content.decode()
    assert f'href="/taken/{job.pk}/resultaat/"' not in client.get(f"/taken/{job.pk}/").content.decode()


def test_a_reader_who_lost_part_of_a_programme_no_longer_gets_its_pdf(as_user, world):
    client = as_user("programme_manager")
    job = pdf_job_started(client, SYNTHESE_PDF)
    job_run(job.pk)
    assert _result(client, job).startswith(b"%PDF")
    # The synthesis still opens for them, but with one neighbourhood fewer than the PDF shows.
    Neighbourhood.objects.filter(cbs_code="BU90000002").update(programme=world.programme_b)
    assert client.get(f"/taken/{job.pk}/resultaat/").status_code == 403


def test_access_lost_before_the_job_ran_makes_no_pdf(as_user, world):
    client = as_user("funder")
    job = pdf_job_started(client, FINANCIER_PDF)
    Funding.objects.filter(neighbourhood__cbs_code=OWN, funder=world.funder_org).delete()
    job_run(job.pk)
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and job.result_file == ""
    assert job.error == "Je hebt geen toegang meer tot dit rapport. Er is geen pdf gemaakt."


def _login(as_user, user):
    client = as_user("funder")
    client.force_login(user)
    return client


def test_a_reader_who_saw_the_data_and_now_only_funds_it_no_longer_gets_that_pdf(as_user, world):
    user = UserFactory(username="beide")
    membership = MembershipFactory(user=user, role=Role.RESEARCHER)
    MembershipFactory(user=user, role=Role.FUNDER, organisation=world.funder_org)
    client = _login(as_user, user)
    job = pdf_job_started(client, FINANCIER_PDF)
    assert job.params["sees_data"] is True
    job_run(job.pk)
    assert _result(client, job).startswith(b"%PDF")
    membership.delete()  # still a funder of the neighbourhood, no longer a researcher
    assert client.get(f"/taken/{job.pk}/resultaat/").status_code == 403


def test_the_access_rules_answer_before_any_job_is_made(as_user, world):
    funder = as_user("funder")
    # A funder and the funder report of a neighbourhood their organisation does not fund.
    response = funder.get(f"/rapporten/financiersrapport/{OTHER}/2025/pdf/")
    assert response.status_code == 403
    assert "Als financier kun je alleen het financiersrapport" in response.content.decode()
    for url in (f"/rapporten/buurtbeeld/{OWN}/2025/pdf/", SYNTHESE_PDF, SIGNALS_PDF):
        assert funder.get(url).status_code == 403, url
    assert funder.get("/rapporten/buurtbeeld/BU99999999/2025/pdf/").status_code == 404
    assert funder.get(f"/rapporten/financiersrapport/{OWN}/2031/pdf/").status_code == 404  # no data that year
    # A policy officer: their own municipality's signals become a job, another municipality's are refused.
    officer = UserFactory(username="gemeente")
    organisation = OrganisationFactory(name="Gemeente Arnhem", kind=Organisation.Kind.MUNICIPALITY,
                                       municipality_code="GM0202")  # fmt: skip
    MembershipFactory(user=officer, role=Role.MUNICIPALITY, organisation=organisation)
    client = _login(as_user, officer)
    assert client.get("/rapporten/beleidssignalen/GM0268/2025/pdf/").status_code == 403
    assert client.get(f"/rapporten/financiersrapport/{OWN}/2025/pdf/").status_code == 403
    assert not Job.objects.exists()
    job = pdf_job_started(client, SIGNALS_PDF)
    job_run(job.pk)
    assert _result(client, job).startswith(b"%PDF")


# --- Mijn taken in the menu ------------------------------------------------------------------------------------


def _menu(client) -> str:
    page = client.get("/").content.decode()
    return page.split('aria-label="Hoofdmenu"')[1].split("</nav>")[0]


def test_the_menu_leads_to_my_jobs_and_counts_the_unfinished_ones(as_user, world):
    client = as_user("funder")
    assert 'href="/taken/">Mijn taken</a>' in _menu(client)
    job = pdf_job_started(client, FINANCIER_PDF)
    assert 'href="/taken/">Mijn taken (1 bezig)</a>' in _menu(client)
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING)
    assert "Mijn taken (1 bezig)" in _menu(client)
    job_run_done = Job.objects.filter(pk=job.pk).update(state=Job.State.DONE)
    assert job_run_done == 1 and 'href="/taken/">Mijn taken</a>' in _menu(client)
    # Another person's running job is not counted.
    pdf_job_started(as_user("programme_manager"), SYNTHESE_PDF)
    assert 'href="/taken/">Mijn taken</a>' in _menu(as_user("funder"))


def test_someone_without_a_role_has_no_jobs_in_the_menu(as_user):
    assert "/taken/" not in _menu(as_user("no_role"))
