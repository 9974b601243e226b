"""The edges of guessing back-off (``core.throttle.FailureThrottle``), as a resident typing personal codes at
/mijn-gegevens/ meets it (``privacy.personal_codes.CODE_GUESSING``: 10 wrong codes per 15 minutes per address).

The 10th wrong code is still answered normally (400, "we do not know this code"); after it, every attempt from
that address gets a 429, even the right code, until 15 minutes after the FIRST wrong code; then it opens again.
The clock is faked for the throttle and for the cache that holds its counters, so both see the same time.
"""

from __future__ import annotations

import time
from html import unescape
from types import SimpleNamespace

import pytest
from django.core.cache.backends import base, locmem
from django.test import Client

from krachtvansamen.core import throttle
from krachtvansamen.core.throttle import FailureThrottle
from krachtvansamen.people.models import Person
from krachtvansamen.privacy.personal_codes import CODE_GUESSING, personal_code_issue
from tests.factories import NeighbourhoodFactory

ADDRESS = "203.0.113.77"
WRONG = "AAAA-BBBB-CCCC"  # a well-formed code nobody has
UNKNOWN = "Deze code kennen we niet."
TOO_MANY = "Te veel verkeerde codes vanaf dit netwerk."


@pytest.fixture
def clock(monkeypatch):
    """A clock that stands still until the test moves it, shared by the throttle and the local-memory cache."""
    now = SimpleNamespace(value=float(int(time.time())))
    fake = SimpleNamespace(time=lambda: now.value)
    monkeypatch.setattr(throttle, "time", fake)
    monkeypatch.setattr(locmem, "time", fake)  # when an entry has expired
    monkeypatch.setattr(base, "time", fake)  # when an entry expires
    return now


@pytest.fixture
def code(db) -> str:
    person = Person.objects.create(neighbourhood=NeighbourhoodFactory(), pseudonym="Tuinvrouw")
    return personal_code_issue(person=person, user=None)


def attempt(typed: str, address: str = ADDRESS):
    client = Client(enforce_csrf_checks=True)
    client.get("/mijn-gegevens/", REMOTE_ADDR=address)
    return client.post(
        "/mijn-gegevens/",
        {"code": typed, "csrfmiddlewaretoken": client.cookies["csrftoken"].value},
        REMOTE_ADDR=address,
    )


def page(response) -> str:
    return unescape(response.content.decode())


def opened(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/mijn-gegevens/overzicht/"


def test_the_tenth_wrong_code_is_answered_normally_and_the_eleventh_attempt_gets_a_429(code, clock):
    for number in range(1, 11):
        response = attempt(WRONG)
        assert response.status_code == 400, number
        assert UNKNOWN in page(response) and TOO_MANY not in page(response)
    refused = attempt(WRONG)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "900"
    assert "Te veel verkeerde codes vanaf dit netwerk. Probeer het over 15 minuten opnieuw." in page(refused)
    assert refused.status_code == attempt(code).status_code == 429  # the right code waits too


def test_nine_wrong_codes_still_let_the_right_code_in(code, clock):
    for _number in range(9):
        assert attempt(WRONG).status_code == 400
    assert opened(attempt(code))


def test_the_wait_runs_from_the_first_wrong_code_and_opens_at_the_end_of_the_window(code, clock):
    start = clock.value
    for number in range(10):  # one wrong code every 30 seconds: the 10th at 4.5 minutes
        clock.value = start + 30 * number
        assert attempt(WRONG).status_code == 400
    clock.value = start + 600
    refused = attempt(code)
    assert refused.status_code == 429 and refused["Retry-After"] == "300"
    assert "Probeer het over 5 minuten opnieuw." in page(refused)
    clock.value = start + 899
    refused = attempt(code)
    assert refused.status_code == 429 and refused["Retry-After"] == "1"
    clock.value = start + 900  # 15 minutes after the first wrong code
    assert opened(attempt(code))


def test_after_the_window_a_new_series_of_ten_is_allowed(code, clock):
    start = clock.value
    for _number in range(10):
        attempt(WRONG)
    clock.value = start + 900
    for number in range(10):
        assert attempt(WRONG).status_code == 400, number
    assert attempt(WRONG).status_code == 429


def test_another_address_is_not_held_up(code, clock):
    for _number in range(10):
        attempt(WRONG)
    assert attempt(code).status_code == 429
    assert opened(attempt(code, address="198.51.100.4"))


# --- the throttle on its own --------------------------------------------------------------------------------------


def test_the_throttle_counts_exactly_count_failures_before_it_makes_an_address_wait(clock):
    guard = FailureThrottle("test-edges", 3, 60)
    for _number in range(2):
        guard.failed("adres")
    assert guard.wait("adres") == 0  # 2 of 3
    guard.failed("adres")
    assert guard.wait("adres") == 60  # 3 of 3: the full minute from the first failure
    clock.value += 59
    assert guard.wait("adres") == 1
    clock.value += 1
    assert guard.wait("adres") == 0
    assert guard.wait(None) == 0 and guard.wait("") == 0  # no address known: never held up


def test_a_setting_changes_the_personal_code_limit(settings, clock, code):
    settings.PERSONAL_CODE_FAILURES = (2, 120)
    assert CODE_GUESSING.wait(ADDRESS) == 0
    assert attempt(WRONG).status_code == 400
    assert attempt(WRONG).status_code == 400
    refused = attempt(code)
    assert refused.status_code == 429 and refused["Retry-After"] == "120"
