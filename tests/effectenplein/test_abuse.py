"""Issue #13: an Effectenplein must hold against a script — rate limits, a participant maximum, moderation by
the facilitator, one vote set per device, back-off for guessed codes — and refuse bad ids without a 500."""

from __future__ import annotations

import html

import pytest
from django.test import Client

from krachtvansamen.coding.models import Fragment
from krachtvansamen.effectenplein import selectors, services
from krachtvansamen.effectenplein.limits import DEFAULT_LIMITS
from krachtvansamen.effectenplein.models import DEFAULT_MAX_PARTICIPANTS, Meeting, Participant, Story, Vote
from krachtvansamen.effectenplein.services import Client as PleinClient
from krachtvansamen.effectenplein.services import PleinError
from krachtvansamen.people.models import Role
from tests.factories import MembershipFactory, NeighbourhoodFactory, UserFactory

pytestmark = pytest.mark.django_db


def _phone(address: str = "10.0.0.7") -> Client:
    return Client(enforce_csrf_checks=True, REMOTE_ADDR=address)


def _post(client: Client, url: str, data: dict):
    if "csrftoken" not in client.cookies:
        client.get("/plein/")
    return client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


def _join(client: Client, meeting: Meeting, nickname: str = ""):
    return _post(client, "/plein/", {"code": meeting.code, "nickname": nickname})


def _address(n: int) -> PleinClient:
    return PleinClient(address=selectors.client_hash(f"10.1.0.{n}", purpose="address"))


# --- row 1: joins, stories, the maximum, moderation ----------------------------------------------------------


def test_many_joins_from_one_address_get_a_429_with_retry_after_in_dutch(meeting, settings):
    settings.EFFECTENPLEIN_LIMITS = {"joins_per_address": (3, 60)}
    for _n in range(3):
        assert _join(_phone(), meeting).status_code == 302
    refused = _join(_phone(), meeting)
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert (
        "Er doen nu heel veel mensen dit vanaf hetzelfde netwerk. Probeer het over"
        in refused.content.decode()
    )
    assert Participant.objects.count() == 3
    # Another network is not affected.
    assert _join(_phone("10.0.0.8"), meeting).status_code == 302


def test_the_default_limits_stop_a_flood_of_joins_and_stories_from_one_address(meeting, monkeypatch):
    """The report: one client joined again and again, 20 stories per join, 600 stories in 10 s.

    The clock stands still inside one window: the limits count in fixed one-minute windows, so a flood that
    straddles a window boundary gets up to twice a limit through (a slow run on PostgreSQL did)."""
    from types import SimpleNamespace

    from krachtvansamen.effectenplein import limits

    monkeypatch.setattr(limits, "time", SimpleNamespace(time=lambda: 1_800_000_010.0))
    attacker = _address(66)
    joined = accepted = 0
    for _attempt in range(40):
        try:
            participant, _token = services.participant_join(meeting=meeting, client=attacker)
        except PleinError as error:
            assert error.status == 429 and error.retry_after > 0
            continue
        joined += 1
        for number in range(20):
            try:
                services.story_post(
                    participant=participant, text=f"Reclame {number}", level="social", client=attacker
                )
                accepted += 1
            except PleinError as error:
                assert error.status == 429
    assert joined == DEFAULT_LIMITS["joins_per_address"][0]
    assert accepted == DEFAULT_LIMITS["stories_per_address"][0] == Story.objects.count()


def test_joins_and_stories_are_limited_per_meeting_too(meeting, join, settings):
    settings.EFFECTENPLEIN_LIMITS = {"joins_per_meeting": (2, 60), "stories_per_meeting": (3, 60)}
    first, _t = services.participant_join(meeting=meeting, client=_address(1))
    services.participant_join(meeting=meeting, client=_address(2))
    with pytest.raises(PleinError, match="heel veel mensen tegelijk binnen") as refused:
        services.participant_join(meeting=meeting, client=_address(3))
    assert refused.value.status == 429
    for number in range(3):
        services.story_post(participant=first, text=f"Verhaal {number}", level="social")
    with pytest.raises(PleinError, match="heel veel verhalen tegelijk") as refused:
        services.story_post(participant=first, text="Nog een", level="social")
    assert refused.value.status == 429 and Story.objects.count() == 3


def test_a_phone_posting_too_fast_gets_a_429_and_keeps_its_text(meeting):
    phone = _phone()
    _join(phone, meeting)
    url = f"/plein/{meeting.code}/verhaal/"
    limit = DEFAULT_LIMITS["stories_per_participant"][0]
    for number in range(limit):
        assert _post(phone, url, {"text": f"Verhaal {number}", "level": "social"}).status_code == 302
    refused = _post(phone, url, {"text": "Mijn zesde verhaal", "level": "social"})
    page = refused.content.decode()
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "Je deelt heel snel verhalen na elkaar." in page and "Mijn zesde verhaal" in page
    assert Story.objects.count() == limit


def test_a_meeting_is_full_at_its_maximum_and_the_facilitator_makes_room(client, facilitator, meeting):
    assert meeting.max_participants == DEFAULT_MAX_PARTICIPANTS == 60
    Meeting.objects.filter(pk=meeting.pk).update(max_participants=2)
    services.participant_join(meeting=meeting, client=_address(1))
    services.participant_join(meeting=meeting, client=_address(2))
    refused = _join(_phone(), meeting)
    assert refused.status_code == 409
    assert "Deze bijeenkomst is vol: er doen 2 mensen mee." in refused.content.decode()
    client.force_login(facilitator)
    page = client.get(f"/plein/bijeenkomst/{meeting.pk}/").content.decode()
    assert "Hoeveel mensen mogen meedoen" in page and 'value="2"' in page
    client.post(f"/plein/bijeenkomst/{meeting.pk}/deelnemers/", {"max_participants": "3"})
    assert _join(_phone(), meeting).status_code == 302
    assert Participant.objects.count() == 3
    bad = client.post(f"/plein/bijeenkomst/{meeting.pk}/deelnemers/", {"max_participants": "0"}, follow=True)
    assert "een getal van 1 tot en met 500" in bad.content.decode()


def test_a_maximum_can_be_chosen_when_opening(client, facilitator, neighbourhood):
    client.force_login(facilitator)
    client.post(f"/plein/bijeenkomst/nieuw/{neighbourhood.cbs_code}/", {"max_participants": "25"})
    assert Meeting.objects.get().max_participants == 25


def test_the_facilitator_hides_a_story_and_shows_it_again(client, facilitator, meeting, join):
    writer, reader = join("Spam"), join()
    bad = services.story_post(participant=writer, text="Koop nu goedkope pillen!", level="social")
    good = services.story_post(participant=reader, text="We eten samen.", level="social")
    client.force_login(facilitator)
    page = client.get(f"/plein/bijeenkomst/{meeting.pk}/").content.decode()
    assert "Verhalen nakijken" in page and "Koop nu goedkope pillen!" in page
    response = client.post(f"/plein/bijeenkomst/{meeting.pk}/verhalen/", {"verberg": bad.pk})
    assert response.status_code == 302 and response["Location"].endswith(f"#beheer-{bad.pk}")
    board = selectors.meeting_board(meeting=Meeting.objects.get(pk=meeting.pk))
    assert [s.id for c in board.columns for s in c.stories] == [good.pk]
    assert board.story_count == 1 and board.hidden_count == 1
    projector = client.get(f"/plein/bijeenkomst/{meeting.pk}/scherm/").content.decode()
    assert "Koop nu goedkope pillen!" not in projector
    # Not on other phones, not to be recognised; the writer sees it is off the wall.
    assert [p.story.id for p in selectors.participant_view(meeting=meeting, participant=reader).others] == []
    with pytest.raises(PleinError):
        services.story_recognise(participant=reader, story_id=bad.pk)
    own = selectors.participant_view(meeting=meeting, participant=writer).own
    assert own[0].story.hidden
    client.post(f"/plein/bijeenkomst/{meeting.pk}/verhalen/", {"toon": bad.pk})
    board = selectors.meeting_board(meeting=Meeting.objects.get(pk=meeting.pk))
    assert board.story_count == 2


def test_hidden_and_not_kept_stories_never_become_fragments(client, codebook, facilitator, meeting, join):
    writer, other = join(), join()
    hidden = services.story_post(participant=writer, text="Ingespoten tekst", level="social")
    not_kept = services.story_post(participant=writer, text="Een grap, niet bewaren", level="individual")
    kept = services.story_post(participant=other, text="Ik ken nu mijn buren.", level="social")
    client.force_login(facilitator)
    base = f"/plein/bijeenkomst/{meeting.pk}"
    client.post(f"{base}/verhalen/", {"verberg": hidden.pk})
    client.post(f"{base}/verhalen/", {"niet-bewaren": not_kept.pk})
    services.meeting_start_voting(meeting=meeting)
    with pytest.raises(PleinError, match="bestaat niet"):  # a hidden story cannot be chosen
        services.votes_cast(participant=other, story_ids=[hidden.pk])
    services.votes_cast(participant=other, story_ids=[not_kept.pk])
    response = client.post(f"{base}/afsluiten/", {"zeker": "ja"}, follow=True)
    assert "Verhalen bewaard als gecodeerde fragmenten van de buurt: 1." in response.content.decode()
    assert "Niet bewaard (verborgen of 'niet bewaren'): 2." in html.unescape(response.content.decode())
    assert list(Fragment.objects.values_list("text", flat=True)) == [kept.text]
    assert Story.objects.get(pk=kept.pk).fragment_id and not Story.objects.get(pk=hidden.pk).fragment_id
    # After closing nothing can be changed any more.
    client.post(f"{base}/verhalen/", {"toon": hidden.pk})
    assert Story.objects.get(pk=hidden.pk).hidden


def test_only_the_facilitator_of_the_neighbourhood_moderates(client, meeting, join):
    story = services.story_post(participant=join(), text="Verhaal", level="social")
    outsider = UserFactory(username="buiten")
    MembershipFactory(user=outsider, role=Role.COMMUNITY_BUILDER, neighbourhood=NeighbourhoodFactory())
    client.force_login(outsider)
    assert client.post(f"/plein/bijeenkomst/{meeting.pk}/verhalen/", {"verberg": story.pk}).status_code == 403
    assert (
        client.post(f"/plein/bijeenkomst/{meeting.pk}/deelnemers/", {"max_participants": 5}).status_code
        == 403
    )
    assert not Story.objects.get(pk=story.pk).hidden


# --- row 2: one vote set per device, suspicious joins shown ---------------------------------------------------


def test_a_phone_joining_again_in_a_fresh_session_keeps_one_vote_set(meeting, join):
    story = services.story_post(participant=join(), text="Het beste verhaal", level="social")
    phone = _phone()
    assert _join(phone, meeting).status_code == 302
    device = phone.cookies["kvs_plein_apparaat"]
    assert device["max-age"] >= 365 * 24 * 3600 and device["httponly"]
    services.meeting_start_voting(meeting=meeting)
    for _session in range(10):
        # A fresh session: the participant cookie is gone, the phone's device cookie stays.
        del phone.cookies[f"kvs_plein_{meeting.pk}"]
        assert _join(phone, meeting).status_code == 302
        assert _post(phone, f"/plein/{meeting.code}/kiezen/", {"verhaal": [story.pk]}).status_code == 302
    assert Vote.objects.filter(story=story).count() == 1
    assert Participant.objects.count() == 2  # the writer and this one phone


def test_a_forged_device_cookie_is_a_new_device(meeting):
    phone = _phone()
    _join(phone, meeting)
    del phone.cookies[f"kvs_plein_{meeting.pk}"]
    phone.cookies["kvs_plein_apparaat"] = "nagemaakt-apparaat-123456"
    _join(phone, meeting)
    assert Participant.objects.count() == 2


def test_many_joins_from_one_address_are_shown_to_the_facilitator(client, facilitator, meeting):
    for _n in range(12):
        services.participant_join(meeting=meeting, client=_address(9))
    services.participant_join(meeting=meeting, client=_address(10))
    client.force_login(facilitator)
    page = client.get(f"/plein/bijeenkomst/{meeting.pk}/").content.decode()
    assert "12 deelnemers in de laatste minuut vanaf hetzelfde adres." in page
    board = client.get(f"/plein/bijeenkomst/{meeting.pk}/scherm/bord/", {"n": 3}).content.decode()
    assert "12 deelnemers in de laatste minuut" in board
    # Not on the projector the room looks at.
    assert (
        "vanaf hetzelfde adres" not in client.get(f"/plein/bijeenkomst/{meeting.pk}/scherm/").content.decode()
    )


# --- row 3: guessing codes ------------------------------------------------------------------------------------


def test_guessing_codes_gets_a_429_after_too_many_unknown_codes(meeting):
    guesser = _phone("10.6.6.6")
    limit = DEFAULT_LIMITS["code_failures_per_address"][0]
    for number in range(limit):
        assert _post(guesser, "/plein/", {"code": f"ZZZZ{number:02d}".replace("0", "A")}).status_code == 404
    refused = _post(guesser, "/plein/", {"code": meeting.code})  # even the right code: wait first
    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 600
    assert "Vanaf dit netwerk zijn te veel onbekende codes geprobeerd." in refused.content.decode()
    assert 'aria-describedby="plein-code-hulp plein-fout" aria-invalid="true"' in refused.content.decode()
    assert guesser.get(f"/plein/{meeting.code}/").status_code == 429
    assert not Participant.objects.exists()
    # Everyone else still joins with the right code.
    assert _join(_phone("10.0.0.9"), meeting).status_code == 302


def test_codes_in_addresses_count_as_guesses_too(meeting):
    guesser = _phone("10.6.6.7")
    for number in range(DEFAULT_LIMITS["code_failures_per_address"][0]):
        assert guesser.get(f"/plein/QQQQ{chr(65 + number)}Q/").status_code == 404
    assert guesser.get(f"/plein/{meeting.code}/").status_code == 429
    assert (
        _post(guesser, f"/plein/{meeting.code}/verhaal/", {"text": "x", "level": "social"}).status_code == 429
    )


def test_the_phase_poll_does_not_tell_a_stranger_which_codes_exist(meeting):
    stranger = _phone()
    assert stranger.get(f"/plein/{meeting.code}/fase/?fase=x").status_code == 204
    assert stranger.get("/plein/QQQQQQ/fase/?fase=x").status_code == 204


# --- row 10: bad ids -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["99999999999999999999999999", "9223372036854775808", "-3", "²", "1e9"])
def test_a_huge_or_odd_story_id_is_refused_without_a_server_error(meeting, join, value):
    services.story_post(participant=join(), text="Verhaal", level="social")
    phone = _phone()
    _join(phone, meeting)
    assert _post(phone, f"/plein/{meeting.code}/herken/", {"herken": value}).status_code == 404
    services.meeting_start_voting(meeting=meeting)
    response = _post(phone, f"/plein/{meeting.code}/kiezen/", {"verhaal": [value]})
    assert response.status_code == 400 and "bestaat niet" in response.content.decode()
    assert not Vote.objects.exists()


def test_the_service_refuses_ids_the_database_cannot_hold(meeting, join):
    voter = join()
    services.meeting_start_voting(meeting=meeting)
    with pytest.raises(PleinError) as refused:
        services.votes_cast(participant=voter, story_ids=[10**30])
    assert refused.value.status == 400


def test_a_phone_that_already_takes_part_is_not_held_up_by_guesses_from_its_network(meeting):
    resident = _phone("10.6.6.8")
    assert _join(resident, meeting).status_code == 302
    guesser = _phone("10.6.6.8")  # the same buurthuis Wi-Fi
    for number in range(DEFAULT_LIMITS["code_failures_per_address"][0]):
        guesser.get(f"/plein/QQQQ{chr(65 + number)}Q/")
    assert guesser.get(f"/plein/{meeting.code}/").status_code == 429
    assert resident.get(f"/plein/{meeting.code}/").status_code == 200
    response = _post(
        resident, f"/plein/{meeting.code}/verhaal/", {"text": "Gewoon mijn verhaal", "level": "social"}
    )
    assert response.status_code == 302 and Story.objects.count() == 1


def test_the_facilitator_hides_all_stories_of_a_flooding_participant_at_once(
    client, facilitator, meeting, join
):
    flooder, resident = join(), join()
    for number in range(4):
        services.story_post(participant=flooder, text=f"Reclame {number}", level="social")
    mine = services.story_post(participant=resident, text="Ik ken nu mijn buren.", level="social")
    client.force_login(facilitator)
    page = client.get(f"/plein/bijeenkomst/{meeting.pk}/").content.decode()
    assert "Verberg alle 4 verhalen van deze deelnemer" in page
    response = client.post(
        f"/plein/bijeenkomst/{meeting.pk}/verhalen/", {"verberg-alle": flooder.pk}, follow=True
    )
    assert "Verhalen verborgen: 4." in response.content.decode()
    assert list(Story.objects.filter(hidden=False).values_list("pk", flat=True)) == [mine.pk]


def test_behind_the_proxy_each_phone_counts_by_its_own_address_and_a_forged_one_does_not_help(
    meeting, settings
):
    """KVS_PROXY_COUNT=1: the proxy adds the phone's address to X-Forwarded-For; all requests come from the proxy.
    Without reading it every phone in the country would share one limit; with it, a phone that writes a false
    address in front of the header is still counted by the address the proxy saw."""
    settings.PROXY_COUNT = 1
    settings.EFFECTENPLEIN_LIMITS = {"joins_per_address": (2, 60)}

    def via_proxy(seen: str, forged: str = "") -> Client:
        header = f"{forged}, {seen}" if forged else seen
        return Client(enforce_csrf_checks=True, REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR=header)

    assert _join(via_proxy("203.0.113.1"), meeting).status_code == 302
    assert _join(via_proxy("203.0.113.1", forged="198.51.100.7"), meeting).status_code == 302
    assert _join(via_proxy("203.0.113.1", forged="198.51.100.8"), meeting).status_code == 429
    # Another phone behind the same proxy has its own limit.
    assert _join(via_proxy("203.0.113.2"), meeting).status_code == 302
