"""The edges of choosing 'most significant' stories (``effectenplein.services.votes_cast``) and of the
Effectenplein's limits (``effectenplein.limits``, the participant maximum, the story maximum): exactly at a limit
is allowed, one more is refused, and a changed choice frees its places again."""

from __future__ import annotations

from html import unescape
from types import SimpleNamespace

import pytest
from django.test import Client

from krachtvansamen.effectenplein import limits, services
from krachtvansamen.effectenplein.models import (
    MAX_STORIES_PER_PARTICIPANT,
    MAX_VOTES,
    Participant,
    Story,
    Vote,
)
from krachtvansamen.effectenplein.services import PleinError

pytestmark = pytest.mark.django_db

# A moment in the middle of a one-minute window (1_800_000_000 is a multiple of 60): nothing in a test crosses it
# unless the test moves the clock on purpose.
WINDOW_START = 1_800_000_000.0


@pytest.fixture
def clock(monkeypatch):
    """The limits' clock, standing still until a test moves it."""
    now = SimpleNamespace(value=WINDOW_START + 10)
    monkeypatch.setattr(limits, "time", SimpleNamespace(time=lambda: now.value))
    return now


@pytest.fixture
def voting(meeting, join):
    """A meeting in its voting round with five stories of one writer, and a second participant who votes."""
    writer, voter = join("Schrijver"), join("Kiezer")
    stories = [services.story_post(participant=writer, text=f"Verhaal {n}", level="social") for n in range(5)]
    services.meeting_start_voting(meeting=meeting)
    return voter, stories


def chosen(voter: Participant) -> list[int]:
    return list(Vote.objects.filter(participant=voter).order_by("slot").values_list("story_id", flat=True))


# --- three votes -----------------------------------------------------------------------------------------------


def test_exactly_three_votes_are_accepted_in_slots_one_to_three(voting):
    voter, stories = voting
    assert MAX_VOTES == 3
    services.votes_cast(participant=voter, story_ids=[stories[2].pk, stories[0].pk, stories[4].pk])
    assert chosen(voter) == [stories[2].pk, stories[0].pk, stories[4].pk]
    assert list(Vote.objects.order_by("slot").values_list("slot", flat=True)) == [1, 2, 3]


def test_a_fourth_vote_is_refused_in_dutch_and_the_earlier_three_stay(voting):
    voter, stories = voting
    services.votes_cast(participant=voter, story_ids=[s.pk for s in stories[:3]])
    with pytest.raises(PleinError) as refused:
        services.votes_cast(participant=voter, story_ids=[s.pk for s in stories[:4]])
    assert refused.value.message == "Kies maximaal 3 verhalen. Je koos er 4."
    assert refused.value.field == "stories" and refused.value.status == 400
    assert chosen(voter) == [s.pk for s in stories[:3]]


def test_the_same_story_twice_counts_once_so_three_different_ones_with_a_repeat_are_accepted(voting):
    voter, stories = voting
    services.votes_cast(
        participant=voter, story_ids=[stories[0].pk, stories[1].pk, stories[0].pk, stories[2].pk]
    )
    assert chosen(voter) == [stories[0].pk, stories[1].pk, stories[2].pk]


def test_withdrawing_one_of_three_frees_a_place_for_another(voting):
    voter, stories = voting
    services.votes_cast(participant=voter, story_ids=[stories[0].pk, stories[1].pk, stories[2].pk])
    services.votes_cast(participant=voter, story_ids=[stories[0].pk, stories[2].pk])  # withdraws story 1
    assert chosen(voter) == [stories[0].pk, stories[2].pk]
    services.votes_cast(participant=voter, story_ids=[stories[0].pk, stories[2].pk, stories[4].pk])
    assert chosen(voter) == [stories[0].pk, stories[2].pk, stories[4].pk]
    assert Vote.objects.filter(participant=voter).count() == 3
    # Still three at most after the change.
    with pytest.raises(PleinError, match="Kies maximaal 3 verhalen. Je koos er 4."):
        services.votes_cast(
            participant=voter, story_ids=[s.pk for s in (stories[0], stories[1], stories[2], stories[4])]
        )
    assert chosen(voter) == [stories[0].pk, stories[2].pk, stories[4].pk]


def test_one_voters_three_votes_do_not_use_up_anothers(voting, join):
    voter, stories = voting
    other = join("Ander")
    services.votes_cast(participant=voter, story_ids=[s.pk for s in stories[:3]])
    services.votes_cast(participant=other, story_ids=[s.pk for s in stories[2:5]])
    assert chosen(voter) == [s.pk for s in stories[:3]]
    assert chosen(other) == [s.pk for s in stories[2:5]]


# --- changing one's choice too often -------------------------------------------------------------------------


def test_the_tenth_change_in_a_minute_is_accepted_and_the_eleventh_gets_a_429(voting, clock):
    voter, stories = voting
    allowed = limits.DEFAULT_LIMITS["votes_per_participant"][0]
    assert allowed == 10
    for number in range(allowed):
        services.votes_cast(participant=voter, story_ids=[stories[number % 5].pk])
    assert chosen(voter) == [stories[9 % 5].pk]
    with pytest.raises(PleinError) as refused:
        services.votes_cast(participant=voter, story_ids=[stories[0].pk])
    assert refused.value.status == 429 and refused.value.retry_after == 50  # the window ends 50 s later
    assert "Je hebt je keuze heel vaak veranderd in korte tijd." in refused.value.message
    assert chosen(voter) == [stories[4].pk]  # the refused change changed nothing
    clock.value = WINDOW_START + 60  # the next minute
    services.votes_cast(participant=voter, story_ids=[stories[0].pk])
    assert chosen(voter) == [stories[0].pk]


# --- the counters themselves ---------------------------------------------------------------------------------


def test_a_limit_allows_exactly_its_count_in_one_window_and_opens_in_the_next(settings, clock):
    settings.EFFECTENPLEIN_LIMITS = {"joins_per_address": (3, 60)}
    assert [limits.hit("joins_per_address", "adres-1") for _n in range(3)] == [0, 0, 0]
    assert limits.hit("joins_per_address", "adres-1") == 50
    assert limits.hit("joins_per_address", "adres-2") == 0  # another address has its own count
    clock.value = WINDOW_START + 59.5  # still the same window: still refused, wait at least a second
    assert limits.hit("joins_per_address", "adres-1") == 1
    clock.value = WINDOW_START + 60
    assert limits.hit("joins_per_address", "adres-1") == 0


def test_blocked_says_wait_only_once_the_count_is_used_up(settings, clock):
    settings.EFFECTENPLEIN_LIMITS = {"code_failures_per_address": (3, 600)}
    limits.hit("code_failures_per_address", "adres")
    limits.hit("code_failures_per_address", "adres")
    assert limits.blocked("code_failures_per_address", "adres") == 0  # 2 of 3 used: may try
    limits.hit("code_failures_per_address", "adres")
    # 3 of 3 used: wait until the ten-minute window ends (1_800_000_000 is also a multiple of 600).
    assert limits.blocked("code_failures_per_address", "adres") == 590
    assert limits.blocked("code_failures_per_address", "adres") == 590  # asking does not count
    clock.value = WINDOW_START + 600
    assert limits.blocked("code_failures_per_address", "adres") == 0


@pytest.mark.parametrize(
    ("wait", "said"),
    [(1, "2 seconden"), (90, "90 seconden"), (91, "2 minuten"), (121, "3 minuten"), (590, "10 minuten")],
)
def test_the_wait_is_said_in_seconds_up_to_ninety_then_in_whole_minutes_rounded_up(
    settings, clock, meeting, wait, said
):
    settings.EFFECTENPLEIN_LIMITS = {"code_failures_per_address": (1, 600)}
    limits.hit("code_failures_per_address", "adres")
    clock.value = WINDOW_START + 600 - wait  # the ten-minute window ends `wait` seconds from now
    with pytest.raises(PleinError) as refused:
        services.meeting_for_joining(code=meeting.code, client=services.Client(address="adres"))
    assert refused.value.retry_after == wait
    assert refused.value.message.endswith(f"probeer het over {said} opnieuw.")


# --- the participant maximum and the story maximum -----------------------------------------------------------


def test_a_meeting_takes_exactly_its_maximum_and_refuses_the_next_until_there_is_room(meeting):
    services.meeting_set_max_participants(meeting=meeting, max_participants=2)
    services.participant_join(meeting=meeting)
    services.participant_join(meeting=meeting)
    with pytest.raises(PleinError) as refused:
        services.participant_join(meeting=meeting)
    assert refused.value.status == 409
    assert refused.value.message == (
        "Deze bijeenkomst is vol: er doen 2 mensen mee. Vraag de begeleider om meer plaatsen."
    )
    assert Participant.objects.count() == 2
    services.meeting_set_max_participants(meeting=meeting, max_participants=3)
    services.participant_join(meeting=meeting)
    assert Participant.objects.count() == 3


@pytest.mark.parametrize(
    ("chosen_max", "accepted"), [(0, False), (1, True), (500, True), (501, False), (None, False)]
)
def test_a_maximum_of_participants_from_1_to_500_is_accepted_and_anything_else_refused(
    meeting, chosen_max, accepted
):
    if accepted:
        assert services.meeting_set_max_participants(meeting=meeting, max_participants=chosen_max)
        assert services.meeting_max_participants(meeting) == chosen_max
        return
    with pytest.raises(PleinError) as refused:
        services.meeting_set_max_participants(meeting=meeting, max_participants=chosen_max)
    assert refused.value.message == "Vul in hoeveel mensen mee mogen doen: een getal van 1 tot en met 500."
    assert services.meeting_max_participants(meeting) == 60  # unchanged


def test_a_participant_shares_exactly_the_maximum_number_of_stories(meeting, join, settings):
    settings.EFFECTENPLEIN_LIMITS = {"stories_per_participant": (100, 60)}  # not the per-minute limit here
    writer = join()
    assert MAX_STORIES_PER_PARTICIPANT == 20
    for number in range(20):
        services.story_post(participant=writer, text=f"Verhaal {number}", level="social")
    with pytest.raises(PleinError) as refused:
        services.story_post(participant=writer, text="Nummer 21", level="social")
    assert refused.value.status == 409
    assert refused.value.message == "Je hebt 20 verhalen gedeeld, meer kan niet. Dank je wel!"
    assert Story.objects.filter(participant=writer).count() == 20


# --- on the phone ----------------------------------------------------------------------------------------------


def test_on_the_phone_three_choices_are_saved_and_four_get_a_dutch_message(meeting, join):
    writer = join("Schrijver")
    stories = [services.story_post(participant=writer, text=f"Verhaal {n}", level="social") for n in range(4)]
    phone = Client(enforce_csrf_checks=True)
    phone.get("/plein/")
    token = phone.cookies["csrftoken"].value
    assert phone.post("/plein/", {"code": meeting.code, "csrfmiddlewaretoken": token}).status_code == 302
    services.meeting_start_voting(meeting=meeting)
    url = f"/plein/{meeting.code}/kiezen/"

    three = phone.post(url, {"verhaal": [s.pk for s in stories[:3]], "csrfmiddlewaretoken": token})
    assert three.status_code == 302
    voter = Participant.objects.exclude(pk=writer.pk).get()
    assert chosen(voter) == [s.pk for s in stories[:3]]

    four = phone.post(url, {"verhaal": [s.pk for s in stories], "csrfmiddlewaretoken": token})
    assert four.status_code == 400
    assert "Kies maximaal 3 verhalen. Je koos er 4." in unescape(four.content.decode())
    assert chosen(voter) == [s.pk for s in stories[:3]]
