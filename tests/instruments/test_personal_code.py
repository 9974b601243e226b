"""The card after a conversation (issue 13): the team makes a personal code for the resident, shown once and kept
only as a hash; it opens /mijn-gegevens/; a new card makes the old code useless."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.db import connection
from django.test import Client

from krachtvansamen.instruments.services import submission_submit
from krachtvansamen.people.models import Role
from krachtvansamen.privacy.models import PersonalCode
from tests.factories import MembershipFactory, NeighbourhoodFactory, UserFactory

RAW = {"values": "De moestuin achter de flat.", "themes": ["vitality.nature"], "consent": "pseudonymised",
       "pseudonym": "Tuinvrouw"}  # fmt: skip


@pytest.fixture
def conversation(forms, builder):
    user, neighbourhood = builder
    return submission_submit(
        form_version=forms["wijkwaardenkaart"],
        neighbourhood=neighbourhood,
        year=2025,
        raw=dict(RAW),
        user=user,
    )


def _code(response) -> str:
    return re.search(r'class="kvs-personal-code">([A-Z0-9-]+)<', response.content.decode()).group(1)


def _open(code: str):
    client = Client()
    return client, client.post("/mijn-gegevens/", {"code": code})


def test_the_code_on_the_card_is_shown_once_and_never_stored(conversation, builder):
    team = Client()
    team.force_login(builder[0])
    page = unescape(team.get(f"/instrumenten/antwoorden/{conversation.pk}/").content.decode())
    assert "Maak een persoonlijke code" in page
    response = team.post(f"/instrumenten/antwoorden/{conversation.pk}/persoonlijke-code/")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    code = _code(response)
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}", code)
    with connection.cursor() as cursor:  # nothing in the database holds the code itself
        cursor.execute("SELECT digest FROM privacy_personalcode")
        assert [
            row[0] for row in cursor.fetchall() if code.replace("-", "") in row[0] or code in row[0]
        ] == []
    client, opened = _open(f"  {code.lower().replace('-', ' ')} ")  # typed carelessly
    assert opened["Location"] == "/mijn-gegevens/overzicht/"
    assert "De moestuin achter de flat." in unescape(client.get("/mijn-gegevens/overzicht/").content.decode())
    # The page now says there is a code; a new card replaces the old one.
    assert "Maak een nieuwe persoonlijke code" in unescape(
        team.get(f"/instrumenten/antwoorden/{conversation.pk}/").content.decode()
    )
    new = _code(team.post(f"/instrumenten/antwoorden/{conversation.pk}/persoonlijke-code/"))
    assert new != code and PersonalCode.objects.count() == 1
    assert _open(code)[1].status_code == 400
    assert _open(new)[1].status_code == 302


def test_someone_outside_the_buurt_cannot_make_a_code(conversation):
    stranger = UserFactory(username="elders")
    MembershipFactory(user=stranger, role=Role.CONNECTOR, neighbourhood=NeighbourhoodFactory(name="Elders"))
    client = Client()
    client.force_login(stranger)
    assert client.post(f"/instrumenten/antwoorden/{conversation.pk}/persoonlijke-code/").status_code == 403
    assert not PersonalCode.objects.exists()


def test_a_code_is_made_by_posting_only(conversation, builder):
    team = Client()
    team.force_login(builder[0])
    assert team.get(f"/instrumenten/antwoorden/{conversation.pk}/persoonlijke-code/").status_code == 405
    assert not PersonalCode.objects.exists()
