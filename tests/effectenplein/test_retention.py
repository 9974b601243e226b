"""Retention (issue 13): some time after a meeting closed, nicknames, stories and votes go; the fragments made from
kept stories and the meeting's figures stay. Boundaries: exactly the retention period, a minute less, open
meetings, a second run."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from krachtvansamen.coding.models import Fragment
from krachtvansamen.effectenplein import services
from krachtvansamen.effectenplein.models import Meeting, Participant, Story, Vote
from krachtvansamen.effectenplein.selectors import meetings_for_neighbourhood

pytestmark = pytest.mark.django_db

DAYS = 180


@pytest.fixture
def closed(codebook, meeting, join, facilitator):
    anna, bert = join("Anna"), join("Bert")
    kept = services.story_post(participant=anna, text="We eten elke week samen.", level="social")
    services.story_post(participant=bert, text="De straat is schoner.", level="neighbourhood")
    services.meeting_start_voting(meeting=meeting)
    services.votes_cast(participant=bert, story_ids=[kept.pk])
    services.meeting_close(meeting=meeting, user=facilitator)
    meeting.refresh_from_db()
    return meeting


def figures(meeting: Meeting) -> tuple[int, int]:
    (row,) = [
        m for m in meetings_for_neighbourhood(neighbourhood=meeting.neighbourhood) if m.pk == meeting.pk
    ]
    return row.story_total, row.participant_total


def test_a_minute_before_the_period_ends_nothing_goes(closed, settings):
    settings.EFFECTENPLEIN_RETENTION_DAYS = DAYS
    almost = closed.closed_at + timedelta(days=DAYS) - timedelta(minutes=1)
    assert services.effectenplein_retention_apply(now=almost).meetings == 0
    assert Participant.objects.count() == 2 and Story.objects.count() == 2


def test_at_the_end_of_the_period_the_raw_material_goes_and_what_it_became_stays(closed, settings):
    settings.EFFECTENPLEIN_RETENTION_DAYS = DAYS
    before = figures(closed)
    result = services.effectenplein_retention_apply(now=closed.closed_at + timedelta(days=DAYS))
    assert (result.meetings, result.participants, result.stories) == (1, 2, 2)
    assert not Participant.objects.exists() and not Story.objects.exists() and not Vote.objects.exists()
    assert Participant.objects.filter(nickname="Anna").count() == 0
    assert Fragment.objects.filter(instrument="effectenplein").count() == 2  # what the meeting became
    closed.refresh_from_db()
    assert closed.purged_at is not None
    assert figures(closed) == before == (2, 2)
    # Again: nothing more to do.
    assert services.effectenplein_retention_apply(now=timezone.now() + timedelta(days=DAYS)).meetings == 0


def test_open_meetings_and_zero_days_are_never_purged(meeting, join, settings):
    join("Cor")
    far = timezone.now() + timedelta(days=10 * DAYS)
    assert services.effectenplein_retention_apply(now=far, days=DAYS).meetings == 0
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CLOSED, closed_at=timezone.now())
    assert services.effectenplein_retention_apply(now=far, days=0).meetings == 0
    assert Participant.objects.count() == 1


def test_the_command_for_a_scheduler(closed, capsys):
    Meeting.objects.filter(pk=closed.pk).update(closed_at=timezone.now() - timedelta(days=DAYS + 1))
    call_command("retention", days=DAYS)
    assert "1 bijeenkomst(en) opgeschoond, 2 deelnemers en 2 verhalen verwijderd" in capsys.readouterr().out
    assert not Story.objects.exists()
