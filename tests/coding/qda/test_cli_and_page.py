"""``kvs qda export|import`` and the page /coderen/uitwisselen/: who may download and import what."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from krachtvansamen.coding.models import Fragment
from krachtvansamen.coding.qda.validate import schema_errors, xml_parse
from krachtvansamen.framework.models import Code
from tests.coding.qda.helpers import FIXTURES, coded_neighbourhood, counts, read_qdpx, researcher, snapshot
from tests.factories import MembershipFactory, NeighbourhoodFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


# --- the command line -------------------------------------------------------------------------------------


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("qda", *args, stdout=out)
    return out.getvalue()


def test_the_cli_exports_a_valid_codebook_and_project_and_imports_them_back(codebook, tmp_path):
    UserFactory(is_superuser=True, username="beheer")
    neighbourhood, _fragments, _users = coded_neighbourhood()
    qdc, qdpx = tmp_path / "codeboek.qdc", tmp_path / "buurt.qdpx"
    _run("export", "--format", "qdc", "--out", str(qdc))
    assert schema_errors(xml_parse(qdc.read_bytes(), what="qdc")) == []
    _run("export", "--format", "qdpx", "--neighbourhood", neighbourhood.cbs_code, "--out", str(qdpx))
    root, _files = read_qdpx(qdpx.read_bytes())
    assert schema_errors(root) == []
    programme_file = tmp_path / "programma.qdpx"
    _run(
        "export",
        "--format",
        "qdpx",
        "--programme",
        neighbourhood.programme.slug,
        "--out",
        str(programme_file),
    )
    assert programme_file.stat().st_size > 0

    fresh = NeighbourhoodFactory(programme=neighbourhood.programme)
    output = _run("import", str(qdpx), "--neighbourhood", fresh.cbs_code)
    assert "3 fragmenten" in output
    assert snapshot(fresh) == snapshot(neighbourhood)


def test_the_cli_prints_what_it_adjusted_in_taguettes_codebook(codebook):
    UserFactory(is_superuser=True, username="beheer")
    programme = NeighbourhoodFactory().programme
    output = _run(
        "import", str(FIXTURES / "taguette_codebook.qdc"), "--programme", programme.slug, "--under", "abcd"
    )
    assert "Aangepast: lege <Sets/> verwijderd; 8 codes genest gemaakt uit namen met '/'." in output
    assert "12 eigen codes toegevoegd." in output
    assert Code.objects.filter(key__startswith="abcd.effect.").count() == 3


def test_the_cli_refuses_with_a_message_and_changes_nothing(codebook, tmp_path):
    UserFactory(is_superuser=True, username="beheer")
    before = counts()
    with pytest.raises(CommandError, match="Kies het programma"):
        _run("import", str(FIXTURES / "taguette_codebook.qdc"))
    with pytest.raises(CommandError, match="--neighbourhood CBSCODE of --programme SLUG"):
        _run("export", "--format", "qdpx", "--out", str(tmp_path / "x.qdpx"))
    with pytest.raises(CommandError, match="niet gevonden"):
        _run("import", str(tmp_path / "bestaat-niet.qdc"))
    assert counts() == before


def test_the_cli_needs_an_administrator(codebook, tmp_path):
    with pytest.raises(CommandError, match="geen beheerder"):
        _run("export", "--format", "qdc", "--out", str(tmp_path / "x.qdc"))
    UserFactory(username="gewoon")
    with pytest.raises(CommandError, match="geen beheerder"):
        _run("export", "--format", "qdc", "--out", str(tmp_path / "x.qdc"), "--user", "gewoon")


# --- the page ---------------------------------------------------------------------------------------------

PAGE = "/coderen/uitwisselen/"


def test_the_page_is_at_its_address_and_name():
    assert reverse("coding:qda") == PAGE


def test_anonymous_users_log_in_and_people_who_do_not_read_coding_are_refused(client, codebook):
    assert client.get(PAGE).status_code == 302
    funder = UserFactory()
    MembershipFactory(user=funder, role="funder", organisation=OrganisationFactory())
    client.force_login(funder)
    assert client.get(PAGE).status_code == 403
    assert client.get(reverse("coding:qda_qdc")).status_code == 403


def test_a_programme_manager_downloads_but_does_not_import(client, codebook):
    neighbourhood, _fragments, _users = coded_neighbourhood()
    manager = UserFactory()
    MembershipFactory(user=manager, role="programme_manager", programme=neighbourhood.programme)
    client.force_login(manager)
    page = client.get(PAGE)
    assert page.status_code == 200
    assert b'enctype="multipart/form-data"' not in page.content
    assert neighbourhood.cbs_code in page.content.decode()
    qdc = client.get(reverse("coding:qda_qdc"))
    assert qdc.status_code == 200 and qdc["Content-Disposition"].endswith('.qdc"')
    assert schema_errors(xml_parse(qdc.content, what="qdc")) == []
    project = client.get(reverse("coding:qda_qdpx"), {"buurt": neighbourhood.cbs_code})
    assert project.status_code == 200
    assert schema_errors(read_qdpx(project.content)[0]) == []
    assert (
        client.get(reverse("coding:qda_qdpx"), {"programma": neighbourhood.programme.slug}).status_code == 200
    )
    other = NeighbourhoodFactory()
    assert client.get(reverse("coding:qda_qdpx"), {"buurt": other.cbs_code}).status_code == 403
    assert client.get(reverse("coding:qda_qdpx"), {"programma": other.programme.slug}).status_code == 403
    with open(FIXTURES / "taguette_codebook.qdc", "rb") as upload:
        assert client.post(PAGE, {"file": upload}).status_code == 403


def test_a_researcher_imports_taguettes_codebook_and_sees_what_was_adjusted(client, codebook, settings):
    settings.KVS_JOBS_EAGER = True  # the import runs as a background job; here at once
    neighbourhood = NeighbourhoodFactory()
    user = researcher(neighbourhood.programme)
    client.force_login(user)
    assert b'enctype="multipart/form-data"' in client.get(PAGE).content
    with open(FIXTURES / "taguette_codebook.qdc", "rb") as upload:
        response = client.post(
            PAGE, {"file": upload, "programme": neighbourhood.programme.pk, "under": "abcd"}, follow=True
        )
    assert response.status_code == 200 and response.redirect_chain[0][0].startswith("/taken/")
    text = response.content.decode()
    assert "lege &lt;Sets/&gt; verwijderd" in text
    assert "8 codes genest gemaakt uit namen met &#x27;/&#x27;" in text
    assert "12 eigen codes toegevoegd." in text


def test_a_broken_upload_shows_the_dutch_message_and_changes_nothing(client, codebook):
    neighbourhood = NeighbourhoodFactory()
    client.force_login(researcher(neighbourhood.programme))
    before = counts()
    broken = io.BytesIO(b"<CodeBook xmlns='urn:QDA-XML:codebook:1.0'><Codes>")
    broken.name = "kapot.qdc"
    response = client.post(PAGE, {"file": broken})
    assert response.status_code == 400
    assert "kapot.qdc is geen leesbare XML" in response.content.decode()
    assert counts() == before
    assert not Fragment.objects.exists()
