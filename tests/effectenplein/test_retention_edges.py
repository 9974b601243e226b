"""The edges of retention (``effectenplein.services.effectenplein_retention_apply``): a period of one day, several
meetings in one run (the counts add up), a meeting nobody joined, the figures a meeting keeps (also how many
stories were most significant), and a period of zero or less days that keeps everything."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from krachtvansamen.effectenplein import services
from krachtvansamen.effectenplein.models import Meeting, Participant, Story
from krachtvansamen.effectenplein.selectors import meetings_for_neighbourhood
from krachtvansamen.effectenplein.services import RetentionResult

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(timezone.datetime(2026, 6, 1, 12, 0))


@pytest.fixture
def close_meeting(codebook, facilitator, neighbourhood):
    """Open a meeting, let ``stories`` people each share one story (all 'between people'), let everybody but the
    first writer vote for the first story, close it and say it closed ``closed_ago`` before NOW."""

    def _close(stories: int, closed_ago: timedelta, title: str = "Plein") -> Meeting:
        meeting = services.meeting_open(neighbourhood=neighbourhood, user=facilitator, title=title)
        people = [services.participant_join(meeting=meeting)[0] for _n in range(stories)]
        posted = [
            services.story_post(participant=person, text=f"Verhaal {n}", level="social")
            for n, person in enumerate(people)
        ]
        services.meeting_start_voting(meeting=meeting)
        for person in people[1:]:
            services.votes_cast(participant=person, story_ids=[posted[0].pk])
        services.meeting_close(meeting=meeting, user=facilitator)
        Meeting.objects.filter(pk=meeting.pk).update(closed_at=NOW - closed_ago)
        meeting.refresh_from_db()
        return meeting

    return _close


def figures(meeting: Meeting) -> tuple[int, int, int]:
    """(stories, participants, most significant) as the neighbourhood's list of meetings shows them."""
    (row,) = [
        m for m in meetings_for_neighbourhood(neighbourhood=meeting.neighbourhood) if m.pk == meeting.pk
    ]
    return row.story_total, row.participant_total, row.significant_total


def test_with_a_period_of_one_day_a_meeting_closed_a_day_ago_goes_and_one_closed_just_later_stays(
    close_meeting,
):
    due = close_meeting(2, timedelta(days=1), title="Gisteren")
    recent = close_meeting(2, timedelta(days=1) - timedelta(minutes=1), title="Bijna gisteren")

    result = services.effectenplein_retention_apply(now=NOW, days=1)

    assert result == RetentionResult(meetings=1, participants=2, stories=2)
    assert not Story.objects.filter(meeting=due).exists()
    assert Story.objects.filter(meeting=recent).count() == 2
    assert Participant.objects.filter(meeting=recent).count() == 2


def test_one_run_over_several_meetings_adds_up_their_participants_and_stories(close_meeting):
    close_meeting(3, timedelta(days=40), title="Groot")
    close_meeting(1, timedelta(days=35), title="Klein")
    close_meeting(0, timedelta(days=31), title="Niemand kwam")

    result = services.effectenplein_retention_apply(now=NOW, days=30)

    # 3 + 1 + 0 people, each with one story.
    assert result == RetentionResult(meetings=3, participants=4, stories=4)
    assert not Participant.objects.exists() and not Story.objects.exists()


def test_a_meeting_nobody_joined_is_purged_with_zero_people_and_zero_stories(close_meeting):
    empty = close_meeting(0, timedelta(days=31), title="Niemand kwam")

    result = services.effectenplein_retention_apply(now=NOW, days=30)

    assert result == RetentionResult(meetings=1, participants=0, stories=0)
    empty.refresh_from_db()
    assert empty.purged_at is not None
    assert figures(empty) == (0, 0, 0)


def test_after_purging_the_meeting_still_shows_its_stories_people_and_most_significant_story(close_meeting):
    # Three stories; two people voted for the first one, so one story (of three) was the most significant.
    meeting = close_meeting(3, timedelta(days=31))
    assert figures(meeting) == (3, 3, 1)

    services.effectenplein_retention_apply(now=NOW, days=30)

    meeting.refresh_from_db()
    kept = (meeting.kept_story_total, meeting.kept_participant_total, meeting.kept_significant_total)
    assert kept == (3, 3, 1)
    assert figures(meeting) == (3, 3, 1)


@pytest.mark.parametrize("days", [0, -7])
def test_a_period_of_zero_or_fewer_days_keeps_everything_and_reports_nothing_removed(close_meeting, days):
    meeting = close_meeting(2, timedelta(days=400))

    assert services.effectenplein_retention_apply(now=NOW, days=days) == RetentionResult(0, 0, 0)

    meeting.refresh_from_db()
    assert meeting.purged_at is None
    assert Story.objects.filter(meeting=meeting).count() == 2
