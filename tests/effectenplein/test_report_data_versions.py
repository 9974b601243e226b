"""The Effectenplein's writes that pass by the model signals (``QuerySet.update``, ``bulk_update``) still retire
the cached reports of the meeting's neighbourhood (reports.report_cache), and so does the retention."""

from __future__ import annotations

from datetime import timedelta

import pytest

from krachtvansamen.effectenplein import services
from krachtvansamen.neighbourhoods.data_versions import neighbourhood_key
from tests.data_version_helpers import commit_bumps, version

pytestmark = pytest.mark.django_db


@pytest.fixture
def posted(codebook, meeting, join):
    anna = join("Anna")
    story = services.story_post(participant=anna, text="We eten elke week samen.", level="social")
    commit_bumps()
    return anna, story


def test_hiding_a_participants_stories_bumps_the_neighbourhood(meeting, posted):
    anna, _story = posted
    before = version(neighbourhood_key(meeting.neighbourhood_id))
    assert services.participant_stories_hide(meeting=meeting, participant_id=anna.pk) == 1
    commit_bumps()
    assert version(neighbourhood_key(meeting.neighbourhood_id))[0] == before[0] + 1


def test_closing_marks_the_most_significant_stories_and_bumps_the_neighbourhood(
    meeting, join, posted, facilitator
):
    anna, story = posted
    services.meeting_start_voting(meeting=meeting)
    services.votes_cast(participant=join("Bert"), story_ids=[story.pk])
    commit_bumps()
    before = version(neighbourhood_key(meeting.neighbourhood_id))
    services.meeting_close(meeting=meeting, user=facilitator)
    commit_bumps()
    story.refresh_from_db()
    assert story.is_most_significant
    assert version(neighbourhood_key(meeting.neighbourhood_id))[0] > before[0]


def test_the_retention_bumps_the_neighbourhood(meeting, posted, facilitator, settings):
    services.meeting_close(meeting=meeting, user=facilitator)
    meeting.refresh_from_db()
    commit_bumps()
    before = version(neighbourhood_key(meeting.neighbourhood_id))
    settings.EFFECTENPLEIN_RETENTION_DAYS = 1
    assert services.effectenplein_retention_apply(now=meeting.closed_at + timedelta(days=2)).meetings == 1
    commit_bumps()
    assert version(neighbourhood_key(meeting.neighbourhood_id))[0] > before[0]
