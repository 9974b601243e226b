"""The Effectenplein's writes: joining, posting, recognising, voting, closing — and the input they refuse."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from krachtvansamen.coding.models import Coding, Fragment
from krachtvansamen.effectenplein import selectors, services
from krachtvansamen.effectenplein.models import (
    CODE_ALPHABET,
    MAX_STORIES_PER_PARTICIPANT,
    Meeting,
    Participant,
    Recognition,
    Story,
    Vote,
)
from krachtvansamen.effectenplein.services import PleinError
from krachtvansamen.neighbourhoods.models import MeasurementYear

pytestmark = pytest.mark.django_db


def test_a_new_meeting_gets_an_unambiguous_six_character_code_valid_for_twelve_hours(meeting):
    assert len(meeting.code) == 6 and set(meeting.code) <= set(CODE_ALPHABET)
    assert not set(meeting.code) & set("0O1I")
    assert meeting.status == Meeting.Status.OPEN
    assert timedelta(hours=11, minutes=59) < meeting.expires_at - timezone.now() <= timedelta(hours=12)
    assert meeting.year == timezone.localdate().year  # no measurement years recorded: this year


def test_the_year_must_be_one_that_is_open_for_new_data(facilitator, neighbourhood):
    MeasurementYear.objects.create(year=2024, is_open=False)
    MeasurementYear.objects.create(year=2025, is_open=True)
    assert services.meeting_open(neighbourhood=neighbourhood, user=facilitator).year == 2025
    with pytest.raises(PleinError, match="jaren die open staan"):
        services.meeting_open(neighbourhood=neighbourhood, user=facilitator, year=2024)
    assert Meeting.objects.count() == 1


def test_codes_are_typed_forgivingly_lower_case_and_spaces(meeting):
    typed = f" {meeting.code[:3].lower()} - {meeting.code[3:].lower()} "
    assert services.meeting_for_joining(code=typed) == meeting


@pytest.mark.parametrize(
    ("typed", "message"),
    [("", "Vul de code in"), ("ABC", "6 letters en cijfers"), ("ZZZZZZ", "Deze code kennen we niet")],
)
def test_a_wrong_code_gets_a_clear_dutch_message(meeting, typed, message):
    with pytest.raises(PleinError, match=message):
        services.meeting_for_joining(code=typed)


def test_an_expired_code_is_refused_and_nobody_joins(meeting):
    Meeting.objects.filter(pk=meeting.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(PleinError, match="Deze code is verlopen") as refused:
        services.meeting_for_joining(code=meeting.code)
    assert refused.value.status == 410
    with pytest.raises(PleinError, match="verlopen"):
        services.participant_join(meeting=meeting)
    assert not Participant.objects.exists()


def test_joining_stores_only_a_hash_of_the_phone_token(meeting):
    participant, token = services.participant_join(meeting=meeting, nickname="  Fatima  ")
    assert participant.nickname == "Fatima"
    assert token not in participant.token_hash and len(participant.token_hash) == 64
    assert selectors.participant_get(meeting=meeting, token=token) == participant
    assert selectors.participant_get(meeting=meeting, token=token + "x") is None


def test_a_nickname_that_is_too_long_is_refused(meeting):
    with pytest.raises(PleinError, match="Je naam is te lang"):
        services.participant_join(meeting=meeting, nickname="x" * 41)
    assert not Participant.objects.exists()


def test_posting_a_story_raises_the_meeting_version_for_the_projector(meeting, join):
    participant = join()
    before = Meeting.objects.get(pk=meeting.pk).version
    story = services.story_post(
        participant=participant,
        text="Ik durf nu zelf iets te organiseren.",
        level="individual",
        submission_key="formulier-0001",
    )
    assert story.level == "individual" and story.meeting == meeting and not story.consent_to_quote
    assert Meeting.objects.get(pk=meeting.pk).version == before + 1


def test_the_same_form_sent_twice_makes_one_story(meeting, join):
    participant = join()
    first = services.story_post(
        participant=participant, text="Verhaal", level="social", submission_key="dubbel-tik-1"
    )
    second = services.story_post(
        participant=participant, text="Verhaal", level="social", submission_key="dubbel-tik-1"
    )
    assert first == second and Story.objects.count() == 1


def test_line_breaks_count_as_one_character_like_the_browser_counts_them(meeting, join):
    text = ("a" * 98 + "\r\n") * 10  # 1000 characters as the browser counts them, 1010 as sent
    story = services.story_post(participant=join(), text=text, level="social")
    assert story.text == "\n".join(["a" * 98] * 10)  # one line break each, the last one trimmed


def test_a_story_of_exactly_the_maximum_length_is_taken(meeting, join):
    """1000 characters is allowed (1001 is refused, below); spaces around it do not count."""
    text = "b" * 499 + "\r\n" + "c" * 500  # 1000 as the browser counts it
    story = services.story_post(participant=join(), text=f"  {text}  ", level="social")
    assert len(story.text) == 1000 and story.text.startswith("b") and story.text.endswith("c")


def test_a_lone_carriage_return_is_kept_as_a_line_break(meeting, join):
    story = services.story_post(participant=join(), text="Eerst dit.\rToen dat.", level="social")
    assert story.text == "Eerst dit.\nToen dat."


@pytest.mark.parametrize(
    ("text", "level", "field", "message"),
    [
        ("", "individual", "text", "Schrijf eerst je verhaal"),
        ("   \n  ", "individual", "text", "Schrijf eerst je verhaal"),
        (
            "x" * 1001,
            "individual",
            "text",
            "Je verhaal is te lang: maximaal 1000 tekens, het zijn er nu 1001",
        ),
        ("Een goed verhaal", "", "level", "Kies waar je de verandering ziet"),
        ("Een goed verhaal", "effect.social", "level", "Kies waar je de verandering ziet"),
        ("Een goed verhaal", "wereld", "level", "Kies waar je de verandering ziet"),
    ],
)
def test_bad_story_input_gets_a_dutch_message_and_nothing_is_saved(
    meeting, join, text, level, field, message
):
    participant = join()
    version = Meeting.objects.get(pk=meeting.pk).version
    with pytest.raises(PleinError, match=message) as refused:
        services.story_post(participant=participant, text=text, level=level)
    assert refused.value.field == field
    assert not Story.objects.exists()
    assert Meeting.objects.get(pk=meeting.pk).version == version


def test_the_database_itself_refuses_an_invalid_level_or_an_oversized_story(meeting, join):
    from django.db import IntegrityError, transaction

    participant = join()
    for bad in ({"level": "wereld", "text": "ok"}, {"level": "social", "text": "x" * 1001}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Story.objects.create(meeting=meeting, participant=participant, submission_key=bad["level"], **bad)


def test_posting_after_the_code_expired_is_refused(meeting, join):
    participant = join()
    Meeting.objects.filter(pk=meeting.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(PleinError, match="Deze code is verlopen"):
        services.story_post(participant=participant, text="Te laat", level="social")
    assert not Story.objects.exists()


def test_no_new_stories_in_the_voting_round(meeting, join):
    participant = join()
    services.meeting_start_voting(meeting=meeting)
    with pytest.raises(PleinError, match="we kiezen nu de belangrijkste verhalen"):
        services.story_post(participant=participant, text="Nog eentje", level="social")
    assert not Story.objects.exists()


def test_a_participant_has_a_ceiling_on_stories(meeting, join, settings):
    settings.EFFECTENPLEIN_LIMITS = {"stories_per_participant": (100, 60)}  # the ceiling, not the rate
    participant = join()
    for number in range(MAX_STORIES_PER_PARTICIPANT):
        services.story_post(participant=participant, text=f"Verhaal {number}", level="social")
    with pytest.raises(PleinError, match="meer kan niet"):
        services.story_post(participant=participant, text="Eén te veel", level="social")
    assert Story.objects.count() == MAX_STORIES_PER_PARTICIPANT


def test_recognising_is_once_per_person_and_can_be_taken_back(meeting, join):
    writer, reader = join(), join()
    story = services.story_post(participant=writer, text="Ik ken nu mijn buren.", level="social")
    services.story_recognise(participant=reader, story_id=story.pk)
    services.story_recognise(participant=reader, story_id=story.pk)
    assert Recognition.objects.filter(story=story).count() == 1
    services.story_recognise(participant=reader, story_id=story.pk, recognise=False)
    assert not Recognition.objects.exists()


def test_nobody_recognises_their_own_story_or_a_story_of_another_meeting(
    meeting, join, facilitator, neighbourhood
):
    writer = join()
    story = services.story_post(participant=writer, text="Mijn eigen verhaal", level="social")
    with pytest.raises(PleinError, match="je eigen verhaal"):
        services.story_recognise(participant=writer, story_id=story.pk)
    other = services.meeting_open(neighbourhood=neighbourhood, user=facilitator)
    stranger, _token = services.participant_join(meeting=other)
    with pytest.raises(PleinError, match="bestaat niet"):
        services.story_recognise(participant=stranger, story_id=story.pk)
    assert not Recognition.objects.exists()


def test_votes_only_in_the_voting_round_and_at_most_three(meeting, join):
    writer, voter = join(), join()
    stories = [services.story_post(participant=writer, text=f"Verhaal {n}", level="social") for n in range(4)]
    with pytest.raises(PleinError, match="De stemronde is nog niet begonnen"):
        services.votes_cast(participant=voter, story_ids=[stories[0].pk])
    services.meeting_start_voting(meeting=meeting)
    with pytest.raises(PleinError, match="Kies maximaal 3 verhalen. Je koos er 4"):
        services.votes_cast(participant=voter, story_ids=[s.pk for s in stories])
    assert not Vote.objects.exists()
    services.votes_cast(participant=voter, story_ids=[stories[0].pk, stories[1].pk, stories[1].pk])
    assert set(Vote.objects.values_list("story_id", flat=True)) == {stories[0].pk, stories[1].pk}
    # A new choice replaces the old one.
    services.votes_cast(participant=voter, story_ids=[stories[3].pk])
    assert list(Vote.objects.values_list("story_id", flat=True)) == [stories[3].pk]


def test_the_database_enforces_the_vote_limit_too(meeting, join):
    from django.db import IntegrityError, transaction

    writer, voter = join(), join()
    story = services.story_post(participant=writer, text="Verhaal", level="social")
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(participant=voter, story=story, slot=4)


def test_closing_turns_stories_into_coded_fragments_and_marks_the_most_significant(
    codebook, meeting, join, facilitator
):
    anna, bert, cor = join("Anna"), join("Bert"), join()
    mine = services.story_post(
        participant=anna, text="Ik voel me gezien.", level="individual", consent_to_quote=True
    )
    ours = services.story_post(participant=bert, text="We eten elke week samen.", level="social")
    also_ours = services.story_post(participant=cor, text="Er is een buurtapp.", level="social")
    street = services.story_post(participant=cor, text="De straat is schoner.", level="neighbourhood")
    services.meeting_start_voting(meeting=meeting)
    services.votes_cast(participant=anna, story_ids=[ours.pk, street.pk])
    services.votes_cast(participant=bert, story_ids=[mine.pk, also_ours.pk])
    services.votes_cast(participant=cor, story_ids=[ours.pk])

    result = services.meeting_close(meeting=meeting, user=facilitator)

    assert not result.already_closed and result.fragments_created == 4
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CLOSED and meeting.closed_at
    fragments = Fragment.objects.filter(instrument="effectenplein")
    assert fragments.count() == 4
    assert {f.text for f in fragments} == {
        "Ik voel me gezien.",
        "We eten elke week samen.",
        "Er is een buurtapp.",
        "De straat is schoner.",
    }
    for story in Story.objects.select_related("fragment"):
        fragment = story.fragment
        assert fragment.neighbourhood == meeting.neighbourhood and fragment.year == meeting.year
        assert fragment.speaker_role == "resident" and fragment.speaker is None
        assert fragment.consent_level == ("pseudonymised" if story.consent_to_quote else "internal")
        coding = Coding.objects.get(fragment=fragment)
        assert (
            coding.code.key == f"effect.{story.level}"
            and coding.origin == "human"
            and coding.coder == facilitator
        )
        assert "Anna" not in fragment.text and "Bert" not in fragment.text  # nicknames stay behind
    # Per level the story with the most votes: 'ours' (2 votes) beats 'also_ours' (1) among the social ones.
    winners = set(Story.objects.filter(is_most_significant=True).values_list("pk", flat=True))
    assert winners == {mine.pk, ours.pk, street.pk}


def test_closing_twice_does_nothing_more(codebook, meeting, join, facilitator):
    services.story_post(participant=join(), text="Verhaal", level="social")
    services.meeting_close(meeting=meeting, user=facilitator)
    again = services.meeting_close(meeting=meeting, user=facilitator)
    assert again.already_closed and again.fragments_created == 0
    assert Fragment.objects.count() == 1 and Coding.objects.count() == 1


def test_closing_without_a_codebook_changes_nothing(meeting, join, facilitator):
    services.story_post(participant=join(), text="Verhaal", level="social")
    with pytest.raises(PleinError, match="codeboek"):
        services.meeting_close(meeting=meeting, user=facilitator)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.OPEN
    assert not Fragment.objects.exists() and not Story.objects.filter(fragment__isnull=False).exists()


def test_after_closing_nothing_can_be_added(codebook, meeting, join, facilitator):
    participant = join()
    story = services.story_post(participant=participant, text="Verhaal", level="social")
    services.meeting_close(meeting=meeting, user=facilitator)
    with pytest.raises(PleinError, match="afgesloten"):
        services.story_post(participant=participant, text="Nog een", level="social")
    with pytest.raises(PleinError, match="afgesloten"):
        services.votes_cast(participant=participant, story_ids=[story.pk])
    with pytest.raises(PleinError, match="afgesloten"):
        services.participant_join(meeting=meeting)
    with pytest.raises(PleinError, match="afgesloten"):
        services.meeting_for_joining(code=meeting.code)
    assert Story.objects.count() == 1


def test_a_closed_meeting_gives_its_code_back(codebook, meeting, facilitator, neighbourhood):
    services.meeting_close(meeting=meeting, user=facilitator)
    reused = Meeting.objects.create(
        neighbourhood=neighbourhood,
        year=2025,
        title="Nieuw",
        code=meeting.code,
        expires_at=timezone.now() + timedelta(hours=1),
    )
    assert services.meeting_for_joining(code=meeting.code) == reused


def test_two_live_meetings_never_share_a_code(meeting, neighbourhood):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.create(
            neighbourhood=neighbourhood,
            year=2025,
            title="Dubbel",
            code=meeting.code,
            expires_at=timezone.now() + timedelta(hours=1),
        )


def test_the_board_shows_three_columns_with_counts(meeting, join):
    writer, reader = join("Anna"), join()
    for level in ("individual", "social", "social"):
        story = services.story_post(participant=writer, text=f"Over {level}", level=level)
    services.story_recognise(participant=reader, story_id=story.pk)
    board = selectors.meeting_board(meeting=meeting, per_column=1)
    assert [c.level.value for c in board.columns] == ["individual", "social", "neighbourhood"]
    assert [c.count for c in board.columns] == [1, 2, 0]
    assert board.columns[1].hidden == 1 and board.columns[1].stories[0].recognitions == 1
    assert board.participant_count == 2 and board.story_count == 3


def test_neighbourhood_list_counts_stories_participants_and_most_significant(
    codebook, meeting, join, facilitator, neighbourhood
):
    anna, bert = join(), join()
    story = services.story_post(participant=anna, text="Verhaal", level="social")
    services.story_post(participant=bert, text="Ander verhaal", level="social")
    services.meeting_start_voting(meeting=meeting)
    services.votes_cast(participant=bert, story_ids=[story.pk])
    services.meeting_close(meeting=meeting, user=facilitator)
    [listed] = selectors.meetings_for_neighbourhood(neighbourhood=neighbourhood)
    assert (listed.story_total, listed.participant_total, listed.significant_total) == (2, 2, 1)


def test_a_write_that_finds_sqlite_locked_is_retried_whole_not_dropped():
    from django.db import OperationalError

    calls = []

    @services.retry_when_locked
    def write():
        calls.append(1)
        if len(calls) < 3:
            raise OperationalError("database is locked")
        return "saved"

    assert write() == "saved" and len(calls) == 3

    @services.retry_when_locked
    def broken():
        raise OperationalError("no such table: elsewhere")

    with pytest.raises(OperationalError, match="no such table"):
        broken()
