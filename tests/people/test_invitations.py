"""Invitations by community builders (privacy/security issue row 11): who may invite whom for where, the
link that works once for 7 days, a token stored only as a hash, and guessing links throttled per address."""

from __future__ import annotations

import re
import smtplib
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.utils import timezone

from krachtvansamen.people import invitations
from krachtvansamen.people.invitations import InvitationUnusable, accept, invite, revoke
from krachtvansamen.people.models import Invitation, Membership, Role
from tests.factories import MembershipFactory, NeighbourhoodFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "een-lang-goed-wachtwoord-42"
LINK = re.compile(r"http://testserver/uitnodiging/([A-Za-z0-9_-]+)/")


class FailingBackend(BaseEmailBackend):
    """An e-mail server that refuses everything."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("the server went away")


@pytest.fixture
def w(db):
    own = NeighbourhoodFactory(name="Eigen Buurt")
    other = NeighbourhoodFactory(name="Andere Buurt")

    def member(username, **kwargs):
        user = UserFactory(username=username, email=f"{username}@example.org")
        MembershipFactory(user=user, **kwargs)
        return user

    return SimpleNamespace(
        own=own,
        other=other,
        builder=member("bouwer", role=Role.COMMUNITY_BUILDER, neighbourhood=own),
        connector=member("verbinder", role=Role.CONNECTOR, neighbourhood=own),
        admin=UserFactory(username="beheerder", is_superuser=True, is_staff=True),
    )


def absolute(path):
    return f"http://testserver{path}"


def send(inviter, neighbourhood, email="nieuw@example.org", role=Role.CONNECTOR, now=None):
    return invite(
        inviter=inviter,
        email=email,
        neighbourhood=neighbourhood,
        role=role,
        build_absolute_uri=absolute,
        now=now,
    )


def token_from_mail(index=-1):
    return LINK.search(mail.outbox[index].body).group(1)


def post_invite(client, neighbourhood, email="nieuw@example.org", role=Role.CONNECTOR):
    return client.post("/uitnodigingen/", {"email": email, "neighbourhood": neighbourhood.pk, "role": role})


def accept_form(password=PASSWORD, username="nieuwe-verbinder", again=None):
    return {"username": username, "password1": password, "password2": again or password}


# --- inviting -----------------------------------------------------------------------------------------------


def test_a_community_builder_invites_a_connector_for_their_neighbourhood_with_one_dutch_e_mail(client, w):
    client.force_login(w.builder)
    response = post_invite(client, w.own)
    assert response.status_code == 302 and response["Location"] == "/uitnodigingen/"
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.neighbourhood, invitation.role) == (
        "nieuw@example.org",
        w.own,
        Role.CONNECTOR,
    )
    assert invitation.invited_by == w.builder
    assert invitation.expires_at - invitation.created_at == timedelta(days=7)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nieuw@example.org"]
    assert "Eigen Buurt" in message.subject and "Uitnodiging" in message.subject
    assert "bouwer nodigt je uit" in message.body
    assert token_from_mail()
    page = client.get("/uitnodigingen/").content.decode()
    assert "nieuw@example.org" in page and "open" in page and "Intrekken" in page


def test_a_community_builder_may_invite_a_community_builder_for_their_own_neighbourhood(w):
    sent = send(w.builder, w.own, role=Role.COMMUNITY_BUILDER)
    assert sent.invitation.role == Role.COMMUNITY_BUILDER


def test_a_community_builder_of_one_neighbourhood_cannot_invite_for_another(client, w):
    client.force_login(w.builder)
    response = post_invite(client, w.other)
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        send(w.builder, w.other)
    assert not Invitation.objects.exists() and mail.outbox == []
    form = client.get("/uitnodigingen/").content.decode()
    assert "Eigen Buurt" in form and "Andere Buurt" not in form  # the select offers only their own


def test_a_connector_cannot_invite_at_all(client, w):
    client.force_login(w.connector)
    assert client.get("/uitnodigingen/").status_code == 403
    assert post_invite(client, w.own).status_code == 403
    with pytest.raises(PermissionDenied):
        send(w.connector, w.own)
    assert not Invitation.objects.exists() and mail.outbox == []


def test_the_pages_ask_for_a_log_in(client, w):
    assert client.get("/uitnodigingen/")["Location"].startswith("/inloggen/")


def test_an_administrator_invites_for_any_neighbourhood(client, w):
    client.force_login(w.admin)
    assert post_invite(client, w.other, role=Role.COMMUNITY_BUILDER).status_code == 302
    assert Invitation.objects.get().neighbourhood == w.other


def test_an_open_invitation_for_the_same_address_and_neighbourhood_is_refused(client, w):
    send(w.builder, w.own, email="nieuw@example.org")
    client.force_login(w.builder)
    response = post_invite(client, w.own, email="NIEUW@example.org")
    assert response.status_code == 200
    assert "heeft al een open uitnodiging" in response.content.decode()
    assert Invitation.objects.count() == 1 and len(mail.outbox) == 1


def test_an_expired_or_withdrawn_invitation_does_not_block_a_new_one(w):
    first = send(w.builder, w.own, now=timezone.now() - timedelta(days=8)).invitation
    assert first.status_at(timezone.now()) == Invitation.Status.EXPIRED
    second = send(w.builder, w.own).invitation
    revoke(user=w.builder, invitation=second)
    send(w.builder, w.own)
    assert Invitation.objects.count() == 3


def test_someone_who_already_has_the_role_there_is_not_invited_again(w):
    with pytest.raises(ValidationError) as refused:
        send(w.builder, w.own, email="verbinder@example.org", role=Role.CONNECTOR)
    assert "heeft deze rol hier al" in str(refused.value)
    assert not Invitation.objects.exists() and mail.outbox == []


def test_when_the_e_mail_cannot_be_sent_no_invitation_remains(client, w, settings):
    settings.EMAIL_BACKEND = "tests.people.test_invitations.FailingBackend"
    with pytest.raises(ValidationError):
        send(w.builder, w.own)
    assert not Invitation.objects.exists()
    client.force_login(w.builder)
    response = post_invite(client, w.own)
    assert response.status_code == 200
    assert "kon niet worden verstuurd" in response.content.decode()
    assert not Invitation.objects.exists()


def test_the_token_is_stored_only_as_its_sha256(w):
    send(w.builder, w.own)
    token = token_from_mail()
    invitation = Invitation.objects.get()
    assert invitation.token_hash == invitations.token_hash(token) and len(invitation.token_hash) == 64
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {Invitation._meta.db_table}")
        rows = cursor.fetchall()
    assert rows and not any(token in str(value) for row in rows for value in row)


# --- accepting ----------------------------------------------------------------------------------------------


def test_the_link_shows_neighbourhood_and_role_and_makes_a_logged_in_connector(client, w):
    send(w.builder, w.own)
    url = f"/uitnodiging/{token_from_mail()}/"
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Eigen Buurt" in text and "verbinder" in text and "nieuw@example.org" in text
    assert page["Referrer-Policy"] == "same-origin" and "no-store" in page["Cache-Control"]
    response = client.post(url, accept_form())
    assert response.status_code == 302 and response["Location"] == "/"
    user = get_user_model().objects.get(username="nieuwe-verbinder")
    assert user.email == "nieuw@example.org" and user.check_password(PASSWORD)
    assert not user.is_staff and not user.is_superuser
    assert int(client.session["_auth_user_id"]) == user.pk
    assert Membership.objects.filter(user=user, role=Role.CONNECTOR, neighbourhood=w.own).exists()
    invitation = Invitation.objects.get()
    assert invitation.accepted_user == user and invitation.accepted_at is not None
    # The new connector reaches their own neighbourhood, not another.
    assert client.get(f"/buurten/{w.own.cbs_code}/").status_code == 200
    assert client.get(f"/buurten/{w.other.cbs_code}/").status_code == 403


def test_the_link_works_once(client, w):
    send(w.builder, w.own)
    token = token_from_mail()
    accept(token=token, username="eerste", password=PASSWORD)
    with pytest.raises(InvitationUnusable) as second:
        accept(token=token, username="tweede", password=PASSWORD)
    assert second.value.status == 410
    assert not get_user_model().objects.filter(username="tweede").exists()
    response = client.get(f"/uitnodiging/{token}/")
    assert response.status_code == 410 and "al gebruikt" in response.content.decode()
    assert client.post(f"/uitnodiging/{token}/", accept_form(username="derde")).status_code == 410
    assert Membership.objects.filter(neighbourhood=w.own, role=Role.CONNECTOR).count() == 2


def test_one_second_before_expiry_the_link_works_and_one_second_after_it_does_not(w):
    start = timezone.now()
    send(w.builder, w.own, now=start)
    token = token_from_mail()
    expiry = start + timedelta(days=7)
    with pytest.raises(InvitationUnusable) as late:
        accept(token=token, username="te-laat", password=PASSWORD, now=expiry + timedelta(seconds=1))
    assert late.value.status == 410 and "verlopen" in late.value.message
    assert not get_user_model().objects.filter(username="te-laat").exists()
    user = accept(token=token, username="op-tijd", password=PASSWORD, now=expiry - timedelta(seconds=1))
    assert user.memberships.get().neighbourhood == w.own


def test_an_expired_link_gives_a_dutch_410_page(client, w, monkeypatch):
    start = timezone.now()
    send(w.builder, w.own, now=start)
    token = token_from_mail()
    monkeypatch.setattr(timezone, "now", lambda: start + timedelta(days=7, seconds=1))
    response = client.get(f"/uitnodiging/{token}/")
    assert response.status_code == 410
    assert "Deze uitnodiging is verlopen" in response.content.decode()


def test_a_withdrawn_invitation_cannot_be_accepted(client, w):
    send(w.builder, w.own)
    token = token_from_mail()
    client.force_login(w.builder)
    invitation = Invitation.objects.get()
    assert client.post(f"/uitnodigingen/{invitation.pk}/intrekken/").status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert "ingetrokken" in client.get("/uitnodigingen/").content.decode()
    client.logout()
    response = client.get(f"/uitnodiging/{token}/")
    assert response.status_code == 410 and "ingetrokken" in response.content.decode()
    with pytest.raises(InvitationUnusable):
        accept(token=token, username="toch", password=PASSWORD)
    assert not get_user_model().objects.filter(username="toch").exists()


def test_only_those_who_may_invite_there_can_withdraw(client, w):
    sent = send(w.admin, w.other)
    client.force_login(w.builder)
    assert client.post(f"/uitnodigingen/{sent.invitation.pk}/intrekken/").status_code == 404
    with pytest.raises(PermissionDenied):
        revoke(user=w.builder, invitation=sent.invitation)
    sent.invitation.refresh_from_db()
    assert sent.invitation.revoked_at is None


def test_a_weak_password_gives_a_dutch_error_and_makes_nothing(client, w):
    send(w.builder, w.own)
    url = f"/uitnodiging/{token_from_mail()}/"
    response = client.post(url, accept_form(password="12345678"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Dit wachtwoord komt te veel voor" in text or "Dit wachtwoord is te algemeen" in text
    assert 'role="alert"' in text  # the error summary on top of the form
    assert not get_user_model().objects.filter(username="nieuwe-verbinder").exists()
    assert (
        not Membership.objects.filter(neighbourhood=w.own, role=Role.CONNECTOR)
        .exclude(user=w.connector)
        .exists()
    )
    invitation = Invitation.objects.get()
    assert invitation.accepted_at is None and invitation.status_at(timezone.now()) == "open"
    assert "_auth_user_id" not in client.session


def test_two_different_passwords_and_a_taken_user_name_are_refused(client, w):
    send(w.builder, w.own)
    url = f"/uitnodiging/{token_from_mail()}/"
    different = client.post(url, accept_form(again="iets-heel-anders-99"))
    assert "De twee wachtwoorden zijn niet hetzelfde" in different.content.decode()
    taken = client.post(url, accept_form(username="Verbinder"))
    assert "Deze gebruikersnaam is al in gebruik" in taken.content.decode()
    assert Invitation.objects.get().accepted_at is None


# --- guessing links -----------------------------------------------------------------------------------------


def test_an_unknown_link_gets_a_dutch_404(client, w):
    response = client.get("/uitnodiging/verzonnen-token/")
    assert response.status_code == 404
    assert "Deze uitnodigingslink bestaat niet" in response.content.decode()


def test_the_21st_unknown_token_from_one_address_gets_a_429(client, w):
    send(w.builder, w.own)
    good = f"/uitnodiging/{token_from_mail()}/"
    for number in range(20):
        assert client.get(f"/uitnodiging/gok-{number}/", REMOTE_ADDR="192.0.2.10").status_code == 404
    blocked = client.get("/uitnodiging/gok-21/", REMOTE_ADDR="192.0.2.10")
    assert blocked.status_code == 429 and int(blocked["Retry-After"]) > 0
    assert "Wacht 10 minuten" in blocked.content.decode()
    assert client.get(good, REMOTE_ADDR="192.0.2.10").status_code == 429  # also a real link, meanwhile
    assert client.get(good, REMOTE_ADDR="198.51.100.7").status_code == 200  # another network is not blocked
    assert client.get("/uitnodiging/gok-22/", REMOTE_ADDR="198.51.100.7").status_code == 404


def test_valid_links_do_not_count_as_guesses(client, w):
    send(w.builder, w.own)
    good = f"/uitnodiging/{token_from_mail()}/"
    for _ in range(25):
        assert client.get(good, REMOTE_ADDR="192.0.2.10").status_code == 200
