"""A resident's own view without an account (issue 13): a personal code (on a card after a conversation, on the
phone after an Effectenplein) opens /mijn-gegevens/, where they see what was recorded, correct it, stop being
quoted, remove their demographics, or erase everything. Every change reaches the reports at once."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client

from krachtvansamen.coding.models import Fragment
from krachtvansamen.effectenplein import services as plein
from krachtvansamen.effectenplein.models import Participant, Story
from krachtvansamen.people.models import Consent, Person, Role
from krachtvansamen.privacy.models import ErasureRecord, PersonalCode
from krachtvansamen.privacy.personal_codes import personal_code_issue
from krachtvansamen.privacy.selectors import quotable
from tests.factories import (
    FragmentFactory,
    MembershipFactory,
    NeighbourhoodFactory,
    PersonFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
WORDS = "Sinds de moestuin ken ik de buren van drie hoog."


@pytest.fixture
def buurt():
    return NeighbourhoodFactory(name="Kronenburg")


@pytest.fixture
def connector(buurt):
    user = UserFactory(username="verbinder")
    MembershipFactory(user=user, role=Role.CONNECTOR, neighbourhood=buurt)
    return user


@pytest.fixture
def resident(buurt):
    person = PersonFactory(
        neighbourhood=buurt, pseudonym="Tuinvrouw", age_band="65+", origin="europe", gender="woman"
    )
    Consent.objects.create(person=person, scope="quotes", given=True, level="pseudonymised")
    Consent.objects.create(person=person, scope="demographics", given=True)
    return person


@pytest.fixture
def words(resident, buurt):
    return FragmentFactory(neighbourhood=buurt, speaker=resident, text=WORDS, consent_level="pseudonymised",
                           year=2025)  # fmt: skip


@pytest.fixture
def someone_else(buurt):
    other = PersonFactory(neighbourhood=buurt, pseudonym="Buurman")
    return FragmentFactory(neighbourhood=buurt, speaker=other, text="Het woord van een ander.", year=2025)


def _browser() -> Client:
    return Client(enforce_csrf_checks=True)


def _post(client: Client, url: str, data: dict, **extra):
    if "csrftoken" not in client.cookies:
        client.get("/mijn-gegevens/", **extra)
    return client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value}, **extra)


def _opened(code: str, **extra) -> Client:
    client = _browser()
    response = _post(client, "/mijn-gegevens/", {"code": code}, **extra)
    assert response.status_code == 302 and response["Location"] == "/mijn-gegevens/overzicht/"
    return client


def _page(client: Client, url: str = "/mijn-gegevens/overzicht/") -> str:
    response = client.get(url)
    assert response.status_code == 200
    return unescape(response.content.decode())


def test_the_overview_shows_their_words_and_consents_and_nobody_elses(resident, words, someone_else):
    client = _opened(personal_code_issue(person=resident, user=None))
    response = client.get("/mijn-gegevens/overzicht/")
    assert response["Cache-Control"].startswith("private") and "no-store" in response["Cache-Control"]
    page = unescape(response.content.decode())
    assert WORDS in page
    assert "Het woord van een ander." not in page and "Buurman" not in page
    assert "65 en ouder" in page  # their age group as recorded
    assert "Citeer mij niet meer" in page


def test_without_a_code_the_overview_sends_to_the_code_page():
    response = _browser().get("/mijn-gegevens/overzicht/")
    assert response.status_code == 302 and response["Location"] == "/mijn-gegevens/"


def test_a_correction_replaces_the_words_and_withdraws_the_approved_quote(resident, words):
    assert quotable(Fragment.objects.filter(pk=words.pk)).exists()
    client = _opened(personal_code_issue(person=resident, user=None))
    _post(client, "/mijn-gegevens/wijzigen/", {"actie": "verbeteren", "woorden": f"fragment:{words.pk}",
                                               "tekst": "Sinds de moestuin ken ik mijn buren."})  # fmt: skip
    words.refresh_from_db()
    assert words.text == "Sinds de moestuin ken ik mijn buren."
    assert (words.quote_review, words.quote_text) == ("pending", "")  # reviewed again before anyone quotes it
    assert not quotable(Fragment.objects.filter(pk=words.pk)).exists()
    assert "Bedankt. Je woorden zijn verbeterd." in _page(client)


def test_a_resident_cannot_change_someone_elses_words(resident, words, someone_else):
    client = _opened(personal_code_issue(person=resident, user=None))
    _post(client, "/mijn-gegevens/wijzigen/",
          {"actie": "verbeteren", "woorden": f"fragment:{someone_else.pk}", "tekst": "Gekaapt."})  # fmt: skip
    someone_else.refresh_from_db()
    assert someone_else.text == "Het woord van een ander."
    assert "Deze woorden zijn niet gevonden." in _page(client)


def test_empty_words_are_refused_in_dutch_and_nothing_changes(resident, words):
    client = _opened(personal_code_issue(person=resident, user=None))
    _post(
        client,
        "/mijn-gegevens/wijzigen/",
        {"actie": "verbeteren", "woorden": f"fragment:{words.pk}", "tekst": " "},
    )
    words.refresh_from_db()
    assert words.text == WORDS and words.quote_review == "approved"
    assert "Schrijf je woorden op" in _page(client)


def test_stop_quoting_is_a_new_consent_record_and_takes_effect_at_once(resident, words):
    assert quotable(Fragment.objects.filter(pk=words.pk)).exists()
    client = _opened(personal_code_issue(person=resident, user=None))
    _post(client, "/mijn-gegevens/wijzigen/", {"actie": "niet-citeren"})
    newest = Consent.objects.filter(person=resident, scope="quotes").order_by("-recorded_at", "-pk").first()
    assert (newest.given, newest.method) == (False, "door de bewoner zelf, met de persoonlijke code")
    assert Consent.objects.filter(person=resident, scope="quotes").count() == 2  # the history is kept
    assert not quotable(Fragment.objects.filter(pk=words.pk)).exists()
    assert "We citeren je niet." in _page(client)


def test_removing_demographics_clears_them_and_records_the_withdrawal(resident):
    client = _opened(personal_code_issue(person=resident, user=None))
    _post(client, "/mijn-gegevens/wijzigen/", {"actie": "kenmerken-weg"})
    resident.refresh_from_db()
    assert (resident.age_band, resident.origin, resident.gender) == ("", "", "")
    assert Consent.objects.filter(person=resident, scope="demographics", given=False).exists()


def test_erasure_removes_everything_and_the_code_stops_working(resident, words, someone_else):
    code = personal_code_issue(person=resident, user=None)
    client = _opened(code)
    assert "1 verhaal" in _page(client, "/mijn-gegevens/verwijderen/")
    response = _post(client, "/mijn-gegevens/verwijderen/", {"zeker": "ja"})
    assert response.status_code == 200 and "Alles is verwijderd" in unescape(response.content.decode())
    assert not Person.objects.filter(pk=resident.pk).exists()
    assert not Fragment.objects.filter(text=WORDS).exists()
    assert not PersonalCode.objects.exists()
    assert Fragment.objects.filter(pk=someone_else.pk).exists()  # nobody else's words
    record = ErasureRecord.objects.get()
    assert "Tuinvrouw" not in str(record.counts) and "Tuinvrouw" not in record.reason
    assert _post(_browser(), "/mijn-gegevens/", {"code": code}).status_code == 400
    # The session that erased is closed too.
    assert client.get("/mijn-gegevens/overzicht/")["Location"] == "/mijn-gegevens/"


def test_guessing_codes_is_throttled_per_address_even_for_a_right_code(resident):
    code = personal_code_issue(person=resident, user=None)
    guesser = {"REMOTE_ADDR": "203.0.113.9"}
    client = _browser()
    for attempt in range(10):
        assert _post(client, "/mijn-gegevens/", {"code": f"AAAA-BBBB-CC{attempt % 8 + 2}{attempt % 8 + 2}"},
                     **guesser).status_code == 400  # fmt: skip
    refused = _post(client, "/mijn-gegevens/", {"code": code}, **guesser)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "Te veel verkeerde codes" in unescape(refused.content.decode())
    # Another address is not held up.
    _opened(code, REMOTE_ADDR="198.51.100.4")


# --- the Effectenplein ----------------------------------------------------------------------------------------


@pytest.fixture
def meeting(buurt, codebook):
    builder = UserFactory(username="begeleider")
    MembershipFactory(user=builder, role=Role.COMMUNITY_BUILDER, neighbourhood=buurt)
    return plein.meeting_open(neighbourhood=buurt, user=builder, title="Plein in de Kronenburg"), builder


def _phone_with_story(meeting) -> tuple[Client, Story]:
    phone = _browser()
    phone.get("/plein/")
    _post(phone, "/plein/", {"code": meeting.code, "nickname": "Zonnebloem"})
    _post(
        phone,
        f"/plein/{meeting.code}/verhaal/",
        {
            "text": "We hebben nu een moestuin.",
            "level": "neighbourhood",
            "consent": "ja",
            "key": "sleutel-123456",
        },
    )
    return phone, Story.objects.get()


def test_a_participant_gets_a_code_on_the_phone_and_sees_corrects_and_withdraws(meeting):
    meeting, builder = meeting
    phone, story = _phone_with_story(meeting)
    response = _post(phone, f"/plein/{meeting.code}/mijn-code/", {})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    code = re.search(r'class="kvs-personal-code">([A-Z0-9-]+)<', response.content.decode()).group(1)
    assert Participant.objects.get().code_digest and code not in Participant.objects.get().code_digest
    plein.meeting_close(meeting=meeting, user=builder)
    story.refresh_from_db()
    fragment = story.fragment
    assert fragment.consent_level == "pseudonymised"
    client = _opened(code)
    assert "We hebben nu een moestuin." in _page(client)
    _post(client, "/mijn-gegevens/wijzigen/", {"actie": "verbeteren", "woorden": f"story:{story.pk}",
                                               "tekst": "We hebben nu een grote moestuin."})  # fmt: skip
    fragment.refresh_from_db()
    story.refresh_from_db()
    assert story.text == fragment.text == "We hebben nu een grote moestuin."
    _post(client, "/mijn-gegevens/wijzigen/", {"actie": "niet-citeren"})
    fragment.refresh_from_db()
    story.refresh_from_db()
    assert (story.consent_to_quote, fragment.consent_level) == (False, "internal")


def test_a_participant_erases_their_stories_and_the_fragments_made_of_them(meeting):
    meeting, builder = meeting
    phone, story = _phone_with_story(meeting)
    code = re.search(r'class="kvs-personal-code">([A-Z0-9-]+)<',
                     _post(phone, f"/plein/{meeting.code}/mijn-code/", {}).content.decode()).group(1)  # fmt: skip
    plein.meeting_close(meeting=meeting, user=builder)
    client = _opened(code)
    _post(client, "/mijn-gegevens/verwijderen/", {"zeker": "ja"})
    assert not Participant.objects.exists() and not Story.objects.exists()
    assert not Fragment.objects.filter(text__contains="moestuin").exists()
    assert ErasureRecord.objects.get().counts
