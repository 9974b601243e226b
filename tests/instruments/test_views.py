"""The instrument pages as a community builder uses them."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from krachtvansamen.instruments.models import Submission
from krachtvansamen.people.models import Role
from tests.factories import MembershipFactory, NeighbourhoodFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_fill_send_and_see_the_result(client, forms, builder):
    user, neighbourhood = builder
    client.force_login(user)
    url = f"/instrumenten/pas_op_de_plaats/{neighbourhood.cbs_code}/"
    page = client.get(url)
    assert page.status_code == 200 and "Wat hebben we gedaan?" in page.content.decode()
    response = client.post(
        url,
        {
            "jaar": "2025",
            "done": "Een buurtmaaltijd georganiseerd.",
            "hindered": "De zaal was te duur.",
            "actie": "versturen",
        },
        follow=True,
    )
    content = response.content.decode()
    assert "Dank je wel. Je antwoorden zijn bewaard." in content
    assert "Dit werd 2 fragmenten om te coderen" in content
    assert Submission.objects.get().status == "submitted"


def test_wrong_answers_come_back_with_dutch_messages_and_what_was_typed(client, forms, builder):
    user, neighbourhood = builder
    client.force_login(user)
    url = f"/instrumenten/pas_op_de_plaats/{neighbourhood.cbs_code}/"
    response = client.post(url, {"held_on": "gisteren", "next": "Doorgaan", "actie": "versturen"})
    content = response.content.decode()
    assert response.status_code == 400
    assert "Kijk deze antwoorden nog even na" in content
    assert "Vul dit in." in content and "Vul een datum in als dag-maand-jaar" in content
    assert 'value="gisteren"' in content  # the person sees what they typed and can correct it
    submission = Submission.objects.get()
    assert submission.status == "draft" and submission.answers == {"next": "Doorgaan"}


def test_autosave_keeps_a_draft_and_answers_in_json(client, forms, builder):
    user, neighbourhood = builder
    client.force_login(user)
    url = f"/instrumenten/vragenlijst/{neighbourhood.cbs_code}/"
    response = client.post(url, {"abcd_relations": "4", "actie": "opslaan"}, HTTP_X_AUTOSAVE="1")
    assert response.status_code == 200 and response.json()["saved"] is True
    concept = response.json()["concept"]
    page = client.get(f"{url}?concept={concept}").content.decode()
    assert 'value="4" checked' in page


def test_someone_elses_neighbourhood_and_draft_are_closed(client, forms, builder):
    user, neighbourhood = builder
    other = NeighbourhoodFactory()
    client.force_login(user)
    assert client.get(f"/instrumenten/vragenlijst/{other.cbs_code}/").status_code == 403
    stranger = UserFactory()
    MembershipFactory(user=stranger, role=Role.COMMUNITY_BUILDER, neighbourhood=neighbourhood)
    draft = client.post(
        f"/instrumenten/vragenlijst/{neighbourhood.cbs_code}/", {"abcd_relations": "4"}, HTTP_X_AUTOSAVE="1"
    ).json()["concept"]
    client.force_login(stranger)
    page = client.get(f"/instrumenten/vragenlijst/{neighbourhood.cbs_code}/?concept={draft}").content.decode()
    assert 'value="4" checked' not in page  # a draft is only ever handed to the person who made it


def test_funder_cannot_fill_in_instruments(client, forms, builder):
    _user, neighbourhood = builder
    funder = UserFactory()
    MembershipFactory(user=funder, role=Role.FUNDER, organisation=OrganisationFactory(kind="fonds"))
    client.force_login(funder)
    assert client.get("/instrumenten/").status_code == 403
    assert client.get(f"/instrumenten/vragenlijst/{neighbourhood.cbs_code}/").status_code == 403


def test_xlsform_download_and_praatplaat_page(client, forms, builder):
    user, neighbourhood = builder
    client.force_login(user)
    response = client.get("/instrumenten/wijkwaardenkaart/xlsform/")
    assert response.status_code == 200 and response.content[:2] == b"PK"
    page = client.get(f"/instrumenten/praatplaat/{neighbourhood.cbs_code}/")
    assert "Nog geen gesprekken" in page.content.decode()


def test_form_import_page_refuses_a_broken_file_in_dutch(client, forms):
    researcher = UserFactory()
    MembershipFactory(user=researcher, role=Role.RESEARCHER)
    client.force_login(researcher)
    response = client.post(
        "/instrumenten/formulier-importeren/", {"bestand": SimpleUploadedFile("x.xlsx", b"kapot bestand")}
    )
    assert response.status_code == 400
    assert "Dit bestand kunnen we niet lezen als Excel-bestand" in response.content.decode()


def test_kobo_answers_upload_page_imports_or_explains(client, forms, builder, settings):
    settings.KVS_JOBS_EAGER = True  # the import runs as a background job; here at once
    user, neighbourhood = builder
    client.force_login(user)
    url = f"/instrumenten/vragenlijst/{neighbourhood.cbs_code}/importeren/"
    good = (
        b"abcd_residents_lead,abcd_relations,abcd_whats_strong,abcd_from_within,abcd_everyone_welcome,_uuid\n"
        b"4,3,5,2,3,x-1\n"
    )
    response = client.post(
        url, {"jaar": "2025", "bestand": SimpleUploadedFile("kobo.csv", good)}, follow=True
    )
    assert "1 antwoord ingelezen, 0 waren er al." in response.content.decode()
    bad = good.replace(b"4,3,5,2,3,x-1", b"4,3,5,2,9,x-2")
    response = client.post(url, {"jaar": "2025", "bestand": SimpleUploadedFile("kobo.csv", bad)}, follow=True)
    assert response.redirect_chain[0][0].startswith("/taken/")  # the job page, with the job's error
    assert (
        "Rij 2, vraag “abcd_everyone_welcome”: Kies een getal van 1 tot en met 5."
        in response.content.decode()
    )
    assert Submission.objects.count() == 1
