"""The edges of the Effectenplein's writes (``effectenplein.services``) as a phone sees them: the exact Dutch
message when a meeting is closed, its code has just expired, or the round changed at the very moment of a tap."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from krachtvansamen.effectenplein import limits, services
from krachtvansamen.effectenplein.models import Meeting, Participant, Recognition, Story, Vote
from krachtvansamen.effectenplein.services import PleinError

pytestmark = pytest.mark.django_db

CLOSED = "Deze bijeenkomst is afgesloten. Dank je wel voor het meedoen!"
EXPIRED = "Deze code is verlopen. Vraag de begeleider om een nieuwe code."
SHARING_OVER = "Het delen van verhalen is voorbij: we kiezen nu de belangrijkste verhalen."
NOT_NOW = "Dit kan nu niet in deze bijeenkomst."
CODEBOOK_MISSING = (
    "Het codeboek is niet geladen, dus de verhalen kunnen niet gecodeerd worden. "
    "Vraag de beheerder om 'kvs codebook load' uit te voeren."
)


@pytest.fixture
def frozen(monkeypatch):
    """The services' clock, standing still at one moment."""
    moment = timezone.now()
    monkeypatch.setattr(services, "timezone", SimpleNamespace(now=lambda: moment))
    return moment


def test_at_the_very_moment_the_code_expires_a_story_is_refused_as_expired(meeting, join, frozen):
    writer = join()
    Meeting.objects.filter(pk=meeting.pk).update(expires_at=frozen)  # valid until now, not any longer

    with pytest.raises(PleinError) as refused:
        services.story_post(participant=writer, text="Net te laat", level="social")

    assert refused.value.message == EXPIRED and refused.value.status == 409
    assert not Story.objects.exists()


def test_a_second_before_the_code_expires_a_story_is_still_accepted(meeting, join, frozen):
    writer = join()
    Meeting.objects.filter(pk=meeting.pk).update(expires_at=frozen + timedelta(seconds=1))
    services.story_post(participant=writer, text="Net op tijd", level="social")
    assert Story.objects.count() == 1


def test_at_the_very_moment_the_code_expires_nobody_can_join_with_it(meeting, frozen):
    Meeting.objects.filter(pk=meeting.pk).update(expires_at=frozen)
    with pytest.raises(PleinError) as refused:
        services.meeting_for_joining(code=meeting.code)
    assert (refused.value.message, refused.value.status) == (EXPIRED, 410)


def test_hiding_the_stories_of_participant_0_is_refused_but_the_largest_database_id_is_looked_up(meeting):
    # ids are database keys: 0 can never be one; 2**63 - 1 can, there is just no such participant here
    with pytest.raises(PleinError) as refused:
        services.participant_stories_hide(meeting=meeting, participant_id=0)
    assert (refused.value.message, refused.value.status) == ("Dit verhaal bestaat niet (meer).", 404)
    assert services.participant_stories_hide(meeting=meeting, participant_id=2**63 - 1) == 0


def test_a_phone_in_a_closed_meeting_is_thanked_in_dutch_whatever_it_tries(
    codebook, meeting, join, facilitator
):
    writer, reader = join(), join()
    story = services.story_post(participant=writer, text="Ik ken nu mijn buren.", level="social")
    services.meeting_close(meeting=meeting, user=facilitator)

    with pytest.raises(PleinError) as typed_code:
        services.meeting_for_joining(code=meeting.code)
    assert typed_code.value.message == CLOSED
    assert (typed_code.value.status, typed_code.value.field) == (410, "code")
    for attempt in (
        lambda: services.participant_join(meeting=meeting),
        lambda: services.story_post(participant=writer, text="Nog eentje", level="social"),
        lambda: services.story_recognise(participant=reader, story_id=story.pk),
        lambda: services.votes_cast(participant=reader, story_ids=[story.pk]),
    ):
        with pytest.raises(PleinError) as refused:
            attempt()
        assert (refused.value.message, refused.value.status) == (CLOSED, 409)
    assert Participant.objects.count() == 2 and Story.objects.count() == 1


def test_a_story_sent_in_the_voting_round_gets_the_dutch_explanation(meeting, join):
    writer = join()
    services.meeting_start_voting(meeting=meeting)
    with pytest.raises(PleinError) as refused:
        services.story_post(participant=writer, text="Nog eentje", level="social")
    assert (refused.value.message, refused.value.status) == (SHARING_OVER, 409)


def test_a_vote_sent_while_the_voting_round_is_being_started_is_refused_and_can_be_sent_again(meeting, join):
    """The phone taps 'kiezen' just as the facilitator starts the voting round: the vote was checked against the
    sharing round, and by the time the phone is told why, the voting round has begun."""
    writer, voter = join(), join()
    story = services.story_post(participant=writer, text="We eten elke week samen.", level="social")
    seen = voter.meeting
    real_refresh = seen.refresh_from_db

    def facilitator_starts_voting_meanwhile(*args, **kwargs):
        Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.VOTING)
        real_refresh(*args, **kwargs)

    seen.refresh_from_db = facilitator_starts_voting_meanwhile
    with pytest.raises(PleinError) as refused:
        services.votes_cast(participant=voter, story_ids=[story.pk])
    assert (refused.value.message, refused.value.status) == (NOT_NOW, 409)
    assert not Vote.objects.exists()

    seen.refresh_from_db = real_refresh
    # (The facilitator's change was simulated inside the refused write, so it went with it: start it for real.)
    services.meeting_start_voting(meeting=meeting)
    services.votes_cast(participant=voter, story_ids=[story.pk])  # tapping again works
    assert list(Vote.objects.values_list("story_id", flat=True)) == [story.pk]


# --- recognising ------------------------------------------------------------------------------------------------

GONE = "Dit verhaal bestaat niet (meer)."


def test_dit_herken_ik_lands_on_the_story_that_was_tapped_not_on_another_one(meeting, join):
    anna, bert, reader = join("Anna"), join("Bert"), join("Lezer")
    services.story_post(participant=anna, text="Ik durf meer.", level="individual")
    tapped = services.story_post(participant=bert, text="We eten samen.", level="social")
    services.story_post(participant=anna, text="De straat is schoner.", level="neighbourhood")

    services.story_recognise(participant=reader, story_id=tapped.pk)

    assert list(Recognition.objects.values_list("story_id", flat=True)) == [tapped.pk]


def test_recognising_a_hidden_story_or_one_of_another_meeting_says_it_does_not_exist(
    meeting, join, facilitator, neighbourhood
):
    writer, reader = join(), join()
    hidden = services.story_post(participant=writer, text="Iets ongepasts", level="social")
    services.story_moderate(meeting=meeting, story_id=hidden.pk, hidden=True)
    other = services.meeting_open(neighbourhood=neighbourhood, user=facilitator, title="Ander plein")
    elsewhere = services.story_post(
        participant=services.participant_join(meeting=other)[0], text="Elders", level="social"
    )

    for story_id in (hidden.pk, elsewhere.pk, 0):
        with pytest.raises(PleinError) as refused:
            services.story_recognise(participant=reader, story_id=story_id)
        assert (refused.value.message, refused.value.status) == (GONE, 404)
    assert not Recognition.objects.exists()


# --- closing: the most significant story per level ---------------------------------------------------------------


def test_per_level_the_story_with_the_most_votes_is_most_significant_whichever_was_written_first(
    codebook, meeting, join, facilitator
):
    writer, first_voter, second_voter = join(), join(), join()
    # Between people the first story gets two votes and the later one; in the neighbourhood the other way round.
    social_two = services.story_post(participant=writer, text="We eten samen.", level="social")
    social_one = services.story_post(participant=writer, text="Er is een buurtapp.", level="social")
    street_one = services.story_post(participant=writer, text="De straat is schoner.", level="neighbourhood")
    street_two = services.story_post(participant=writer, text="Er is een moestuin.", level="neighbourhood")
    services.meeting_start_voting(meeting=meeting)
    services.votes_cast(participant=first_voter, story_ids=[social_two.pk, social_one.pk, street_two.pk])
    services.votes_cast(participant=second_voter, story_ids=[social_two.pk, street_one.pk, street_two.pk])

    result = services.meeting_close(meeting=meeting, user=facilitator)

    assert result.most_significant == 2
    assert set(Story.objects.filter(is_most_significant=True).values_list("pk", flat=True)) == {
        social_two.pk,
        street_two.pk,
    }


def test_a_story_hidden_after_it_got_votes_is_never_most_significant(codebook, meeting, join, facilitator):
    writer, first_voter, second_voter = join(), join(), join()
    popular = services.story_post(participant=writer, text="Iets ongepasts", level="social")
    modest = services.story_post(participant=writer, text="We eten samen.", level="social")
    services.meeting_start_voting(meeting=meeting)
    services.votes_cast(participant=first_voter, story_ids=[popular.pk, modest.pk])
    services.votes_cast(participant=second_voter, story_ids=[popular.pk])
    services.story_moderate(meeting=meeting, story_id=popular.pk, hidden=True)

    result = services.meeting_close(meeting=meeting, user=facilitator)

    assert result.most_significant == 1
    assert list(Story.objects.filter(is_most_significant=True).values_list("pk", flat=True)) == [modest.pk]


def test_votes_in_another_meeting_do_not_decide_which_story_of_this_meeting_is_most_significant(
    codebook, meeting, join, facilitator, neighbourhood
):
    writer, voter = join(), join()
    ours = services.story_post(participant=writer, text="We eten samen.", level="social")
    services.meeting_start_voting(meeting=meeting)
    services.votes_cast(participant=voter, story_ids=[ours.pk])
    # At the same time, in another meeting, a story of the same level gets two votes.
    other = services.meeting_open(neighbourhood=neighbourhood, user=facilitator, title="Ander plein")
    elsewhere_writer = services.participant_join(meeting=other)[0]
    theirs = services.story_post(participant=elsewhere_writer, text="Elders", level="social")
    services.meeting_start_voting(meeting=other)
    for _n in range(2):
        services.votes_cast(participant=services.participant_join(meeting=other)[0], story_ids=[theirs.pk])

    result = services.meeting_close(meeting=meeting, user=facilitator)

    assert result.most_significant == 1
    assert list(Story.objects.filter(is_most_significant=True).values_list("pk", flat=True)) == [ours.pk]


def test_closing_without_the_codebook_tells_the_facilitator_what_to_do(meeting, join, facilitator):
    services.story_post(participant=join(), text="Verhaal", level="social")
    with pytest.raises(PleinError) as refused:
        services.meeting_close(meeting=meeting, user=facilitator)
    assert refused.value.status == 503
    assert refused.value.message == CODEBOOK_MISSING


# --- the rate limit's counter ----------------------------------------------------------------------------------


class CounterGoneMeanwhile:
    """A cache whose counter still exists when ``add`` looks and has expired when ``incr`` comes."""

    def __init__(self) -> None:
        self.values: dict[str, int] = {}
        self.timeouts: dict[str, int | None] = {}
        self.looked = False

    def add(self, key: str, value: int, timeout: int | None = 300) -> bool:  # Django's default: 300 s
        if not self.looked:
            self.looked = True
            return False
        self.values.setdefault(key, value)
        self.timeouts[key] = timeout
        return True

    def incr(self, key: str) -> int:
        raise ValueError(key)


def test_a_counter_that_expires_between_looking_and_counting_starts_again_at_one(settings, monkeypatch):
    settings.EFFECTENPLEIN_LIMITS = {"joins_per_address": (1, 60)}
    cache = CounterGoneMeanwhile()
    monkeypatch.setattr(limits, "cache", cache)

    assert limits.hit("joins_per_address", "adres") == 0  # the first request of the new count: allowed

    assert list(cache.values.values()) == [1]
    (key,) = cache.values
    assert ":joins_per_address:adres:" in key
    # The new count lasts at least to the end of the one-minute window (None: until the cache drops it).
    assert cache.timeouts[key] is None or cache.timeouts[key] >= 60


def test_the_default_maximum_of_participants_of_a_new_meeting_comes_from_the_settings(
    settings, facilitator, neighbourhood
):
    settings.EFFECTENPLEIN_DEFAULT_MAX_PARTICIPANTS = 25
    meeting = services.meeting_open(neighbourhood=neighbourhood, user=facilitator)
    assert meeting.max_participants == 25


def test_with_a_limit_of_one_unknown_code_a_network_that_typed_none_yet_may_still_try(settings, meeting):
    settings.EFFECTENPLEIN_LIMITS = {"code_failures_per_address": (1, 600)}
    assert limits.blocked("code_failures_per_address", "adres") == 0
    phone = services.Client(address="adres")
    assert services.meeting_for_joining(code=meeting.code, client=phone) == meeting

    with pytest.raises(PleinError, match="Deze code kennen we niet"):
        services.meeting_for_joining(code="ZZZZZZ", client=phone)
    assert limits.blocked("code_failures_per_address", "adres") > 0  # the one unknown code is used up


def test_with_a_limit_of_one_per_five_seconds_the_first_request_passes_and_the_second_waits(
    settings, monkeypatch
):
    settings.EFFECTENPLEIN_LIMITS = {"joins_per_address": (1, 5)}
    # The limits' clock stands still one second into a five-second window (1_800_000_000 is a multiple of 5).
    monkeypatch.setattr(limits, "time", SimpleNamespace(time=lambda: 1_800_000_001.0))
    first, second = (limits.hit("joins_per_address", "adres") for _n in range(2))
    assert (first, second) == (0, 4)
