"""'Verhaal toevoegen' on the buurt page: a story heard in the buurt becomes one fragment, with its teller's
consent, pending quote review, all or nothing, and only the buurt's own team may add one."""

from __future__ import annotations

import pytest

from krachtvansamen.coding.models import Coding, Fragment, Instrument, QuoteReview
from krachtvansamen.coding.quotes.services import QuoteReviewError, quote_review_decide
from krachtvansamen.people.models import Consent, Person
from krachtvansamen.privacy.models import AccessLogEntry
from krachtvansamen.privacy.selectors import quotable
from krachtvansamen.web.stories import STORY_MAX_CHARS, STORY_SOURCE
from tests.assets.world import make_world

STORY = "Sinds de buurtmaaltijd groet mijn buurvrouw me elke ochtend. Dat had ik nooit gedacht."


@pytest.fixture
def world(db, codebook):
    return make_world()


def _url(neighbourhood) -> str:
    return f"/buurten/{neighbourhood.cbs_code}/verhaal/"


def _post(client, user, neighbourhood, **data):
    client.force_login(user)
    payload = {"text": STORY, "teller": "Mevrouw Tulp", "consent": "pseudonymised", "year": "2025"} | data
    return client.post(_url(neighbourhood), {k: v for k, v in payload.items() if v is not None})


def _nothing_saved(world) -> None:
    assert not Fragment.objects.exists()
    assert not Person.objects.filter(pseudonym="Mevrouw Tulp").exists()
    assert not Consent.objects.exists()


def test_the_form_asks_consent_as_the_wijkwaardenkaart_does(world, client):
    client.force_login(world.connector)
    response = client.get(_url(world.own))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Wat mag er met het verhaal gebeuren?" in html
    assert "Gebruiken en citeren, zonder naam" in html
    assert "Alleen binnen het team gebruiken, niet citeren" in html
    assert "<legend" in html and 'type="radio"' in html
    assert "Geen echte naam" in html  # never asks for a real name
    assert 'name="csrfmiddlewaretoken"' in html
    assert '<option value="2025" selected' in html  # the open year by default; the closed 2024 is not offered
    assert '<option value="2024"' not in html


def test_a_story_becomes_a_fragment_of_that_buurt_and_year_pending_review(world, client):
    response = _post(client, world.connector, world.own, themes=["vitality.social_contact"])
    assert response.status_code == 302
    assert response["Location"] == f"/buurten/{world.own.cbs_code}/?jaar=2025#fragmenten"
    fragment = Fragment.objects.get()
    assert (fragment.neighbourhood, fragment.year, fragment.text) == (world.own, 2025, STORY)
    assert fragment.instrument == Instrument.BUURTBEZOEK and fragment.source == STORY_SOURCE
    assert fragment.consent_level == Consent.Level.PSEUDONYMISED
    assert fragment.quote_review == QuoteReview.PENDING
    assert fragment.recorded_by == world.connector
    assert fragment.speaker.pseudonym == "Mevrouw Tulp" and fragment.speaker.neighbourhood == world.own
    assert list(Coding.objects.filter(fragment=fragment).values_list("code__key", flat=True)) == [
        "vitality.social_contact"
    ]
    consents = {c.scope: c for c in Consent.objects.filter(person=fragment.speaker)}
    assert consents[Consent.Scope.PARTICIPATION].level == Consent.Level.PSEUDONYMISED
    assert consents[Consent.Scope.QUOTES].given is True
    # A funder's report only quotes what a researcher approved: not yet.
    assert not quotable(Fragment.objects.all()).exists()
    quote_review_decide(fragment=fragment, user=world.researcher, approve=True, text=STORY)
    assert quotable(Fragment.objects.all()).exists()
    # The page that wrote it is in the access log, as a change.
    assert AccessLogEntry.objects.filter(
        user=world.connector, path=_url(world.own), action=AccessLogEntry.Action.CHANGE
    ).exists()


def test_internal_only_is_never_quotable_even_when_approved(world, client):
    _post(client, world.builder, world.own, consent="internal", teller="")
    fragment = Fragment.objects.get()
    assert fragment.consent_level == Consent.Level.INTERNAL
    assert fragment.speaker.pseudonym.startswith("Verteller")  # made up, never a real name
    quotes = Consent.objects.get(person=fragment.speaker, scope=Consent.Scope.QUOTES)
    assert quotes.given is False
    with pytest.raises(QuoteReviewError):
        quote_review_decide(fragment=fragment, user=world.researcher, approve=True, text=STORY)
    # Even marked approved by some other road, internal words are not quoted.
    Fragment.objects.filter(pk=fragment.pk).update(quote_review=QuoteReview.APPROVED, quote_text=STORY)
    assert not quotable(Fragment.objects.all()).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": "   "}, "Schrijf het verhaal op."),
        ({"text": "x" * (STORY_MAX_CHARS + 1)}, "Het verhaal is te lang"),
        ({"consent": None}, "Kies wat er met het verhaal mag gebeuren"),
        ({"consent": "named"}, "Kies een van de twee antwoorden"),
        ({"consent": "none"}, "Kies een van de twee antwoorden"),
        ({"year": "2024"}, "Het jaar 2024 is gesloten"),
        ({"year": "1999"}, "Kies een jaar uit de lijst."),
        ({"year": "2026"}, "Het jaar 2026 is geen meetjaar"),
        ({"year": "99999999"}, "Kies een jaar uit de lijst."),
        ({"year": "twee"}, "Kies een jaar uit de lijst."),
        ({"teller": "x" * 101}, "Houd de bijnaam kort"),
    ],
)
def test_bad_input_says_what_is_wrong_in_dutch_and_saves_nothing(world, client, data, message):
    response = _post(client, world.connector, world.own, **data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'id="fouten"' in html  # the error summary on top, as on the other forms
    _nothing_saved(world)


def test_a_long_story_is_kept_in_the_form_not_cut_short(world, client):
    client.force_login(world.connector)
    assert "maxlength" not in client.get(_url(world.own)).content.decode().split('name="text"')[1][:200]


def test_a_failure_in_the_consent_write_leaves_nothing(world, client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Consent.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        _post(client, world.connector, world.own)
    _nothing_saved(world)


def test_a_failure_after_the_fragment_was_written_leaves_nothing(world, client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Coding.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        _post(client, world.connector, world.own, themes=["vitality.nature"])
    _nothing_saved(world)


@pytest.mark.parametrize("who", ["other_connector", "funder", "researcher", "manager"])
def test_others_may_not_add_a_story(world, client, who):
    client.force_login(getattr(world, who))
    assert client.get(_url(world.own)).status_code == 403
    assert _post(client, getattr(world, who), world.own).status_code == 403
    _nothing_saved(world)


def test_anonymous_is_sent_to_log_in(world, client):
    response = client.post(_url(world.own), {"text": STORY, "consent": "internal", "year": "2025"})
    assert response.status_code == 302 and response["Location"].startswith("/inloggen/")
    _nothing_saved(world)


def test_an_admin_may_add_a_story(world, client):
    assert _post(client, world.admin, world.own).status_code == 302
    assert Fragment.objects.get().neighbourhood == world.own


def test_the_team_sees_the_link_others_do_not(world, client):
    link = f'href="{_url(world.own)}"'
    for user in (world.connector, world.builder, world.admin):
        client.force_login(user)
        assert link in client.get(f"/buurten/{world.own.cbs_code}/").content.decode()
    for user in (world.researcher, world.manager):
        client.force_login(user)
        assert link not in client.get(f"/buurten/{world.own.cbs_code}/").content.decode()


def test_writes_are_post_only_and_need_csrf(world, client):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.connector)
    response = strict.post(_url(world.own), {"text": STORY, "consent": "internal", "year": "2025"})
    assert response.status_code == 403
    client.force_login(world.connector)
    assert client.put(_url(world.own)).status_code == 405
    _nothing_saved(world)


def test_a_nickname_in_use_gets_a_number_and_the_message_says_so(world, client):
    _post(client, world.connector, world.own, teller="Ans")  # Ans already lives in the world
    fragment = Fragment.objects.get()
    assert fragment.speaker.pseudonym != "Ans" and fragment.speaker.pseudonym.startswith("Ans ")
    page = client.get(f"/buurten/{world.own.cbs_code}/?jaar=2025").content.decode()
    assert f"bewaard onder {fragment.speaker.pseudonym}" in page
    assert STORY in page  # the team sees the story on the buurt page at once
