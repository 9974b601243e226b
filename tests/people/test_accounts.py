"""Accounts: log-in throttling (issue #4, ASVS 2.2.1), changing and resetting a password (issue #11)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command

PASSWORD = "een-lang-goed-wachtwoord-42"

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return get_user_model().objects.create_user("anna", "anna@example.org", PASSWORD)


def log_in(client, username, password, address="192.0.2.10"):
    return client.post("/inloggen/", {"username": username, "password": password}, REMOTE_ADDR=address)


def logged_in(client):
    return "_auth_user_id" in client.session


def test_the_right_password_after_five_wrong_ones_is_refused_with_a_dutch_wait_message(client, user):
    for _ in range(5):
        log_in(client, "anna", "fout")
    response = log_in(client, "anna", PASSWORD)
    assert response.status_code == 429
    assert not logged_in(client)
    assert "Te vaak geprobeerd in te loggen. Wacht 15 minuten" in response.content.decode()


def test_four_wrong_passwords_do_not_lock_and_a_good_log_in_forgets_them(client, user):
    for _ in range(4):
        log_in(client, "anna", "fout")
    assert log_in(client, "anna", PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username="anna").exists()


def test_the_lock_out_ends_after_the_cool_off(client, user):
    for _ in range(5):
        log_in(client, "anna", "fout")
    assert log_in(client, "anna", PASSWORD).status_code == 429
    # Travel 16 minutes on: the failures are older than the cool-off of 15 minutes.
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16)
    )
    assert log_in(client, "anna", PASSWORD).status_code == 302
    assert logged_in(client)


def test_an_unknown_user_name_gets_the_same_lock_out_so_it_reveals_nothing(client, user):
    for _ in range(5):
        log_in(client, "niemand", "fout")
    unknown = log_in(client, "niemand", "fout")
    for _ in range(5):
        log_in(client, "anna", "fout")
    known = log_in(client, "anna", "fout")
    assert unknown.status_code == known.status_code == 429
    alert = re.compile(r'role="alert">(.*?)</div>', re.S)
    assert alert.search(unknown.content.decode()).group(1) == alert.search(known.content.decode()).group(1)


def test_the_same_user_from_another_address_is_not_locked(client, user):
    """The rule: the lock is per user name + address, so nobody can lock a colleague out from afar."""
    for _ in range(5):
        log_in(client, "anna", "fout", address="192.0.2.10")
    assert log_in(client, "anna", PASSWORD, address="192.0.2.10").status_code == 429
    assert log_in(client, "anna", PASSWORD, address="198.51.100.7").status_code == 302


def test_one_address_trying_many_user_names_is_locked_after_twenty_failures(client, user):
    for number in range(20):
        log_in(client, f"gok{number}", "fout")  # four per name would not lock one user name
    assert log_in(client, "anna", PASSWORD).status_code == 429
    assert log_in(client, "anna", PASSWORD, address="198.51.100.7").status_code == 302


def test_an_admin_unlocks_with_the_axes_command(client, user):
    for _ in range(5):
        log_in(client, "anna", "fout")
    call_command("axes_reset_username", "anna")
    assert log_in(client, "anna", PASSWORD).status_code == 302


def test_authenticate_without_a_request_still_works_for_scripts(user):
    from django.contrib.auth import authenticate

    assert authenticate(username="anna", password=PASSWORD) == user


def test_every_logged_in_user_can_change_their_password(client, user):
    client.force_login(user)
    page = client.get("/")
    assert "/wachtwoord/wijzigen/" in page.content.decode()
    response = client.post(
        "/wachtwoord/wijzigen/",
        {
            "old_password": PASSWORD,
            "new_password1": "nieuw-en-lang-genoeg-7",
            "new_password2": "nieuw-en-lang-genoeg-7",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/wachtwoord/gewijzigd/"
    user.refresh_from_db()
    assert user.check_password("nieuw-en-lang-genoeg-7") and not user.is_staff
    assert "Je wachtwoord is gewijzigd" in client.get("/wachtwoord/gewijzigd/").content.decode()


def test_the_change_page_is_dutch_and_asks_for_a_log_in(client, user):
    assert client.get("/wachtwoord/wijzigen/")["Location"].startswith("/inloggen/")
    client.force_login(user)
    assert "Wachtwoord wijzigen" in client.get("/wachtwoord/wijzigen/").content.decode()


def test_a_forgotten_password_is_reset_through_a_dutch_e_mail(client, user):
    login_page = client.get("/inloggen/").content.decode()
    assert "/wachtwoord/vergeten/" in login_page
    response = client.post("/wachtwoord/vergeten/", {"email": "anna@example.org"})
    assert response["Location"] == "/wachtwoord/verstuurd/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Kies een nieuw wachtwoord voor Kracht van Samen"
    assert "Kies dan een nieuw wachtwoord via deze link" in message.body
    link = re.search(r"http://testserver(/wachtwoord/nieuw/\S+/)", message.body).group(1)
    form = client.get(link, follow=True)
    assert "Kies een nieuw wachtwoord" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "weer-iets-nieuws-99", "new_password2": "weer-iets-nieuws-99"},
    )
    assert done["Location"] == "/wachtwoord/opgeslagen/"
    user.refresh_from_db()
    assert user.check_password("weer-iets-nieuws-99")


def test_an_unknown_address_gets_the_same_answer_and_no_e_mail(client, user):
    response = client.post("/wachtwoord/vergeten/", {"email": "onbekend@example.org"})
    assert response["Location"] == "/wachtwoord/verstuurd/"
    assert mail.outbox == []


def test_behind_a_proxy_the_client_address_comes_from_x_forwarded_for(client, user, settings):
    settings.PROXY_COUNT = 1
    for _ in range(5):
        client.post(
            "/inloggen/",
            {"username": "anna", "password": "fout"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="1.2.3.4, 192.0.2.10",  # the client's own (spoofable) part, then the proxy's
        )
    assert AccessAttempt.objects.get().ip_address == "192.0.2.10"
    other_client = client.post(
        "/inloggen/",
        {"username": "anna", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert other_client.status_code == 302
