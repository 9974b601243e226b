"""API tokens: made by ``kvs api-token``, shown once, stored as a hash; revoked, unknown and an inactive account's
tokens get a 401 with a clear message; wrong tokens are throttled per address."""

from __future__ import annotations

import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from krachtvansamen.api.models import ApiToken
from krachtvansamen.api.tokens import token_create, token_revoke
from krachtvansamen.cli import COMMAND_ALIASES
from tests.api.conftest import get
from tests.factories import UserFactory


def _command(*args: str) -> str:
    out = StringIO()
    call_command("api_token", *args, stdout=out, stderr=StringIO())
    return out.getvalue().strip()


@pytest.mark.django_db
def test_the_command_prints_a_token_once_and_keeps_only_its_hash(client):
    UserFactory(username="onderzoeker")
    token = _command("--user", "onderzoeker", "--name", "laptop")
    assert token.startswith("kvs_") and len(token) > 40
    record = ApiToken.objects.get()
    assert record.name == "laptop"
    assert record.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(ApiToken.objects.values_list().get())  # the token itself is nowhere
    assert record.prefix == token[:12]
    listed = _command("--user", "onderzoeker", "--list")
    assert record.prefix in listed and "laptop" in listed and "active" in listed and token not in listed
    assert COMMAND_ALIASES["api-token"] == "api_token"


@pytest.mark.django_db
def test_a_token_works_until_it_is_revoked(client):
    user = UserFactory(username="onderzoeker")
    new = token_create(user=user)
    assert get(client, "/api/programmes", new.token).status_code == 200
    new.record.refresh_from_db()
    assert new.record.last_used is not None
    assert "Revoked 1" in _command("--user", "onderzoeker", "--revoke", new.token[:8])
    response = get(client, "/api/programmes", new.token)
    assert response.status_code == 401
    assert response.json() == {"detail": "Deze API-sleutel is onbekend of ingetrokken."}
    assert "revoked" in _command("--user", "onderzoeker", "--list")
    with pytest.raises(CommandError):  # nothing left to revoke
        _command("--user", "onderzoeker", "--revoke", new.token[:8])


@pytest.mark.django_db
def test_revoking_needs_a_real_prefix_and_only_touches_the_users_own_tokens():
    mine, theirs = UserFactory(username="mine"), UserFactory(username="theirs")
    a, b = token_create(user=mine), token_create(user=theirs)
    assert token_revoke(user=mine, prefix="kvs_") == 0  # too short: would revoke every token
    assert token_revoke(user=mine, prefix=b.token[:12]) == 0
    assert token_revoke(user=mine, prefix=a.token[:12]) == 1
    assert ApiToken.objects.filter(revoked_at__isnull=True).get() == b.record


@pytest.mark.django_db
def test_an_inactive_users_token_is_refused(client):
    user = UserFactory(username="weg")
    new = token_create(user=user)
    user.is_active = False
    user.save()
    response = get(client, "/api/programmes", new.token)
    assert response.status_code == 401
    assert response.json()["detail"] == "Het account van deze API-sleutel is niet meer actief."
    with pytest.raises(CommandError):  # no new token for an inactive account
        _command("--user", "weg")


@pytest.mark.django_db
def test_no_token_or_another_scheme_is_a_401_that_says_what_to_send(client):
    for headers in ({}, {"Authorization": "Basic dXNlcjpwdw=="}, {"Authorization": "Bearer "}):
        response = client.get("/api/programmes", headers=headers)
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Bearer"
        assert "Authorization: Bearer" in response.json()["detail"]


@pytest.mark.django_db
def test_an_english_reader_gets_english_messages(client):
    client.cookies["django_language"] = "en"
    response = get(client, "/api/programmes", "kvs_wrong")
    assert response.json() == {"detail": "This API token is unknown or has been revoked."}


@pytest.mark.django_db
def test_wrong_tokens_are_throttled_per_address_even_for_a_good_token_then(client, settings):
    settings.API_TOKEN_FAILURES = (3, 600)
    good = token_create(user=UserFactory(username="goed")).token
    for _ in range(3):
        assert get(client, "/api/programmes", "kvs_geraden").status_code == 401
    response = get(client, "/api/programmes", good)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 600
    assert "10 minuten" in response.json()["detail"]
    # Another address is not held up.
    other = client.get("/api/programmes", headers={"Authorization": f"Bearer {good}"}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


@pytest.mark.django_db
def test_the_command_refuses_an_unknown_user():
    with pytest.raises(CommandError):
        _command("--user", "niemand")
