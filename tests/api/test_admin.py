"""API tokens in Beheer: listed with their prefix (never the hash), searched by user, revoked with an action;
not made there (``kvs api-token`` shows a new token once)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from krachtvansamen.api.models import ApiToken
from krachtvansamen.api.tokens import token_create
from tests.api.conftest import get
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = "/beheer/api/apitoken/"


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="beheerder", is_staff=True, is_superuser=True))
    return client


def test_the_list_shows_holder_name_and_prefix_and_never_the_hash(admin_client):
    new = token_create(user=UserFactory(username="onderzoeker"), name="laptop")
    page = admin_client.get(URL).content.decode()
    assert "onderzoeker" in page and "laptop" in page and new.record.prefix in page
    assert new.record.token_hash not in page and new.token not in page
    detail = admin_client.get(f"{URL}{new.record.pk}/change/").content.decode()
    assert new.record.prefix in detail and new.record.token_hash not in detail


def test_search_by_user(admin_client):
    token_create(user=UserFactory(username="anna"), name="eerste")
    token_create(user=UserFactory(username="bram"), name="tweede")
    page = admin_client.get(URL, {"q": "anna"}).content.decode()
    assert "eerste" in page and "tweede" not in page


def test_revoking_in_beheer_stops_the_token_and_keeps_the_record(admin_client):
    holder = UserFactory(username="onderzoeker")
    kept, revoked = token_create(user=holder, name="blijft"), token_create(user=holder, name="weg")
    response = admin_client.post(
        URL, {"action": "revoke", "_selected_action": [revoked.record.pk]}, follow=True
    )
    assert "1 API-sleutel ingetrokken." in response.content.decode()
    assert get(admin_client, "/api/programmes", revoked.token).status_code == 401
    assert get(admin_client, "/api/programmes", kept.token).status_code == 200
    first = ApiToken.objects.get(pk=revoked.record.pk).revoked_at
    admin_client.post(URL, {"action": "revoke", "_selected_action": [revoked.record.pk]})
    assert ApiToken.objects.get(pk=revoked.record.pk).revoked_at == first  # revoked once, at its first moment
    listed = admin_client.get(URL, {"status": "revoked"}).content.decode()
    assert revoked.record.prefix in listed and kept.record.prefix not in listed
    listed = admin_client.get(URL, {"status": "active"}).content.decode()
    assert kept.record.prefix in listed and revoked.record.prefix not in listed


def test_tokens_are_not_made_or_changed_in_beheer(admin_client):
    new = token_create(user=UserFactory(username="onderzoeker"), name="laptop")
    assert admin_client.get(f"{URL}add/").status_code == 403
    admin_client.post(f"{URL}{new.record.pk}/change/", {"name": "anders", "user": new.record.user_id})
    assert ApiToken.objects.get().name == "laptop"


def test_staff_who_may_only_look_cannot_revoke(client):
    staff = UserFactory(username="medewerker", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_apitoken"))
    client.force_login(staff)
    assert client.get(URL).status_code == 200
    new = token_create(user=UserFactory(username="onderzoeker"))
    client.post(URL, {"action": "revoke", "_selected_action": [new.record.pk]})
    assert ApiToken.objects.get().revoked_at is None
