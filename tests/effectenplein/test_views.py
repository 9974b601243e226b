"""The Effectenplein pages: participants without an account, facilitators only for their own neighbourhood."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.utils import timezone

from krachtvansamen.coding.models import Fragment
from krachtvansamen.effectenplein import services
from krachtvansamen.effectenplein.models import Meeting, Participant, Recognition, Story, Vote
from krachtvansamen.people.models import Role
from krachtvansamen.web.neighbourhood import effectenplein_section
from tests.factories import MembershipFactory, NeighbourhoodFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def phone():
    """A participant's phone: no login, its own cookies, CSRF checks on as in a real browser."""
    return Client(enforce_csrf_checks=True)


def _post(client: Client, url: str, data: dict, **extra):
    """Post a form the way a browser does: read the CSRF cookie first (the form page sets it)."""
    if "csrftoken" not in client.cookies:
        client.get("/plein/")
    return client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value}, **extra)


def _joined(client: Client, meeting: Meeting, nickname: str = "") -> Participant:
    response = _post(client, "/plein/", {"code": meeting.code.lower(), "nickname": nickname})
    assert response.status_code == 302 and response["Location"] == f"/plein/{meeting.code}/"
    return Participant.objects.latest("pk")


def test_the_join_page_asks_for_the_code_without_login(phone):
    response = phone.get("/plein/")
    assert response.status_code == 200
    assert "Vul de code in" in response.content.decode()


def test_joining_with_a_code_sets_a_cookie_and_needs_no_account(phone, meeting):
    participant = _joined(phone, meeting, nickname="Fatima")
    assert participant.meeting == meeting and participant.nickname == "Fatima"
    assert f"kvs_plein_{meeting.pk}" in phone.cookies
    page = phone.get(f"/plein/{meeting.code}/").content.decode()
    assert "Je doet mee als Fatima" in page and "Deel je verhaal" in page
    # Joining again from the same phone does not make a second participant.
    _post(phone, "/plein/", {"code": meeting.code})
    assert Participant.objects.count() == 1


@pytest.mark.parametrize(
    ("code", "status", "message"),
    [("", 400, "Vul de code in die op het scherm staat."), ("QQQQQQ", 404, "Deze code kennen we niet.")],
)
def test_a_wrong_code_gets_a_dutch_message(phone, meeting, code, status, message):
    response = _post(phone, "/plein/", {"code": code})
    assert response.status_code == status
    assert message in response.content.decode()
    assert "Retry-After" not in response  # only a 429 tells the phone to wait
    assert not Participant.objects.exists()


@pytest.mark.parametrize("code", ["", "ABC", "QQQQQQ", "verlopen"])
def test_a_refused_code_marks_the_code_field_as_wrong_for_screen_readers(phone, meeting, code):
    if code == "verlopen":
        Meeting.objects.filter(pk=meeting.pk).update(expires_at=timezone.now() - timedelta(hours=1))
        code = meeting.code
    page = _post(phone, "/plein/", {"code": code}).content.decode()
    # the code field points at the message and says it is wrong; the nickname field does not
    assert 'aria-describedby="plein-code-hulp plein-fout" aria-invalid="true"' in page
    assert page.count('aria-invalid="true"') == 1


def test_an_expired_code_gets_a_dutch_message_and_nobody_joins(phone, meeting):
    Meeting.objects.filter(pk=meeting.pk).update(expires_at=timezone.now() - timedelta(hours=1))
    response = _post(phone, "/plein/", {"code": meeting.code})
    assert response.status_code == 410
    assert "Deze code is verlopen. Vraag de begeleider om een nieuwe code." in response.content.decode()
    assert not Participant.objects.exists()
    # The QR address says the same.
    assert phone.get(f"/plein/{meeting.code}/").status_code == 410


def test_the_qr_address_offers_to_join_and_lower_case_is_redirected(phone, meeting):
    assert phone.get(f"/plein/{meeting.code.lower()}/")["Location"] == f"/plein/{meeting.code}/"
    page = phone.get(f"/plein/{meeting.code}/").content.decode()
    assert meeting.title in page and "Doe mee" in page
    assert f'value="{meeting.code}"' in page


def test_posting_a_story_then_recognising_it_from_another_phone(phone, meeting):
    _joined(phone, meeting)
    response = _post(
        phone,
        f"/plein/{meeting.code}/verhaal/",
        {
            "text": "We hebben nu een moestuin.",
            "level": "neighbourhood",
            "consent": "ja",
            "key": "sleutel-123456",
        },
    )
    story = Story.objects.get()
    assert (
        response.status_code == 302 and response["Location"] == f"/plein/{meeting.code}/#verhaal-{story.pk}"
    )
    assert story.level == "neighbourhood" and story.consent_to_quote
    other = Client(enforce_csrf_checks=True)
    _joined(other, meeting)
    assert "We hebben nu een moestuin." in other.get(f"/plein/{meeting.code}/").content.decode()
    _post(other, f"/plein/{meeting.code}/herken/", {"herken": story.pk})
    assert Recognition.objects.filter(story=story).count() == 1
    assert "Jij herkent dit." in other.get(f"/plein/{meeting.code}/").content.decode()
    _post(other, f"/plein/{meeting.code}/herken/", {"terug": story.pk})
    assert not Recognition.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": "", "level": "social"}, "Schrijf eerst je verhaal."),
        (
            {"text": "x" * 1200, "level": "social"},
            "Je verhaal is te lang: maximaal 1000 tekens, het zijn er nu 1200.",
        ),
        ({"text": "Een verhaal", "level": ""}, "Kies waar je de verandering ziet"),
        ({"text": "Een verhaal", "level": "effect.social"}, "Kies waar je de verandering ziet"),
    ],
)
def test_bad_story_input_shows_a_dutch_message_keeps_the_text_and_saves_nothing(
    phone, meeting, data, message
):
    _joined(phone, meeting)
    response = _post(phone, f"/plein/{meeting.code}/verhaal/", data)
    page = response.content.decode()
    assert response.status_code == 400
    assert message in page and 'role="alert"' in page
    if data["text"]:
        assert data["text"] in page  # what they typed is not lost
    # the field in question points at the message, for a screen reader too
    text_marked = 'aria-describedby="plein-tekst-hulp plein-fout" aria-invalid="true"' in page
    level_marked = 'plein-levels utrecht-form-fieldset--invalid" aria-describedby="plein-fout"' in page
    assert (text_marked, level_marked) == (
        (True, False) if message.startswith(("Schrijf", "Je verhaal")) else (False, True)
    )
    assert not Story.objects.exists()


def test_a_double_tap_on_the_phone_form_makes_one_story(phone, meeting):
    _joined(phone, meeting)
    page = phone.get(f"/plein/{meeting.code}/").content.decode()
    key = re.search(r'name="key" value="([^"]+)"', page).group(1)
    story = {"text": "Ik ken nu mijn buren.", "level": "social", "key": key}
    for _tap in range(2):  # the same form sent twice: a double tap, or a retry on a slow connection
        assert _post(phone, f"/plein/{meeting.code}/verhaal/", story).status_code == 302
    assert Story.objects.count() == 1


def test_posting_without_having_joined_leads_to_the_join_form(phone, meeting):
    response = _post(phone, f"/plein/{meeting.code}/verhaal/", {"text": "Hallo", "level": "social"})
    assert response["Location"] == f"/plein/{meeting.code}/"
    assert not Story.objects.exists()


def test_a_forged_cookie_is_not_a_participant(phone, meeting):
    _joined(phone, meeting)
    phone.cookies[f"kvs_plein_{meeting.pk}"] = "nagemaakt"
    response = _post(phone, f"/plein/{meeting.code}/verhaal/", {"text": "Hallo", "level": "social"})
    assert response["Location"] == f"/plein/{meeting.code}/"
    assert not Story.objects.exists()


def test_voting_with_too_many_stories_is_refused_in_dutch(phone, meeting, join):
    writer = join()
    stories = [services.story_post(participant=writer, text=f"Verhaal {n}", level="social") for n in range(4)]
    _joined(phone, meeting)
    services.meeting_start_voting(meeting=meeting)
    page = phone.get(f"/plein/{meeting.code}/").content.decode()
    assert "Kies de belangrijkste verhalen" in page
    response = _post(phone, f"/plein/{meeting.code}/kiezen/", {"verhaal": [s.pk for s in stories]})
    assert (
        response.status_code == 400 and "Kies maximaal 3 verhalen. Je koos er 4." in response.content.decode()
    )
    assert not Vote.objects.exists()
    _post(phone, f"/plein/{meeting.code}/kiezen/", {"verhaal": [stories[0].pk, stories[2].pk]})
    assert Vote.objects.count() == 2


def test_the_phone_hears_when_the_meeting_moves_on(phone, meeting):
    _joined(phone, meeting)
    assert phone.get(f"/plein/{meeting.code}/fase/?fase=open").status_code == 204
    services.meeting_start_voting(meeting=meeting)
    response = phone.get(f"/plein/{meeting.code}/fase/?fase=open")
    assert response.status_code == 286 and "De stemronde is begonnen." in response.content.decode()


# --- facilitators -------------------------------------------------------------------------------------------


def test_opening_a_meeting_from_the_neighbourhood(client, facilitator, neighbourhood):
    client.force_login(facilitator)
    response = client.post(f"/plein/bijeenkomst/nieuw/{neighbourhood.cbs_code}/", {"title": "", "year": ""})
    meeting = Meeting.objects.get()
    assert response["Location"] == f"/plein/bijeenkomst/{meeting.pk}/"
    assert meeting.title == "Effectenplein Kronenburg" and meeting.opened_by == facilitator
    page = client.get(response["Location"]).content.decode()
    assert meeting.code_display in page and "<svg" in page and f"/plein/{meeting.code}/" in page
    assert "Start de stemronde" in page


def test_a_facilitator_cannot_reach_a_meeting_of_another_neighbourhood(client, meeting):
    outsider = UserFactory(username="buiten")
    MembershipFactory(user=outsider, role=Role.COMMUNITY_BUILDER, neighbourhood=NeighbourhoodFactory())
    client.force_login(outsider)
    base = f"/plein/bijeenkomst/{meeting.pk}"
    for url in (f"{base}/", f"{base}/scherm/", f"{base}/scherm/bord/"):
        assert client.get(url).status_code == 403, url
    assert client.post(f"{base}/stemronde/").status_code == 403
    assert client.post(f"{base}/afsluiten/", {"zeker": "ja"}).status_code == 403
    assert client.post(f"/plein/bijeenkomst/nieuw/{meeting.neighbourhood.cbs_code}/").status_code == 403
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.OPEN


def test_facilitator_pages_need_a_login(client, meeting):
    response = client.get(f"/plein/bijeenkomst/{meeting.pk}/scherm/")
    assert response.status_code == 302 and response["Location"].startswith("/inloggen/")


def test_the_projector_board_answers_204_while_nothing_changed(client, facilitator, meeting, join):
    client.force_login(facilitator)
    page = client.get(f"/plein/bijeenkomst/{meeting.pk}/scherm/").content.decode()
    assert 'hx-trigger="every 2s"' in page and meeting.code_display in page and "htmx" in page
    board = f"/plein/bijeenkomst/{meeting.pk}/scherm/bord/"
    assert client.get(board, {"v": meeting.version}).status_code == 204
    services.story_post(participant=join(), text="Ik ken mijn buren nu bij naam.", level="social")
    response = client.get(board, {"v": meeting.version})
    assert response.status_code == 200 and "Ik ken mijn buren nu bij naam." in response.content.decode()
    meeting.refresh_from_db()
    assert f"v={meeting.version}" in response.content.decode()


def test_closing_needs_a_tick_and_then_makes_fragments_once(client, codebook, facilitator, meeting, join):
    client.force_login(facilitator)
    services.story_post(participant=join(), text="Ik doe nu mee met de buurtlunch.", level="individual")
    client.post(f"/plein/bijeenkomst/{meeting.pk}/afsluiten/")
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.OPEN and not Fragment.objects.exists()
    response = client.post(f"/plein/bijeenkomst/{meeting.pk}/afsluiten/", {"zeker": "ja"}, follow=True)
    assert "De bijeenkomst is afgesloten." in response.content.decode()
    client.post(f"/plein/bijeenkomst/{meeting.pk}/afsluiten/", {"zeker": "ja"})
    assert Fragment.objects.filter(instrument="effectenplein").count() == 1


def test_the_neighbourhood_section_lists_meetings_with_counts(rf, facilitator, meeting, join, neighbourhood):
    services.story_post(participant=join(), text="Verhaal", level="social")
    request = rf.get("/")
    request.user = facilitator
    # The section is read by the composed neighbourhood page (web) and displayed by the app's partial.
    section = effectenplein_section(neighbourhood=neighbourhood)
    html = render_to_string(
        "effectenplein/_neighbourhood_section.html",
        {"n": neighbourhood, "year": 2025, "user": facilitator, **section},
        request=request,
    )
    assert "Effectenplein: start een bijeenkomst" in html
    assert meeting.title in html and f"/plein/bijeenkomst/{meeting.pk}/" in html
    assert 'data-label="Verhalen">1<' in html and 'data-label="Deelnemers">1<' in html
