"""Closing a meeting hands its stories to coding.services: all of them become fragments, or none."""

from __future__ import annotations

import pytest
from django.utils import timezone

from krachtvansamen.coding.models import Coding, Fragment
from krachtvansamen.effectenplein import selectors, services
from krachtvansamen.effectenplein.models import Meeting, Story
from krachtvansamen.neighbourhoods.models import MeasurementYear

pytestmark = pytest.mark.django_db


def test_a_failure_while_coding_leaves_the_meeting_open_and_no_fragments(
    codebook, meeting, join, facilitator, monkeypatch
):
    services.story_post(participant=join(), text="We eten samen.", level="social")
    services.story_post(participant=join(), text="Ik durf meer.", level="individual")

    def broken(*args, **kwargs):  # the fragments are written, then their codings fail
        raise RuntimeError("disk full")

    monkeypatch.setattr(Coding.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        services.meeting_close(meeting=meeting, user=facilitator)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.OPEN
    assert not Fragment.objects.exists() and not Story.objects.filter(fragment__isnull=False).exists()


def test_a_new_meeting_may_be_in_an_open_year_or_this_year_when_none_is_open(db):
    MeasurementYear.objects.create(year=2024, is_open=False)
    assert selectors.meeting_year_choices() == [timezone.localdate().year]
    MeasurementYear.objects.create(year=2025, is_open=True)
    MeasurementYear.objects.create(year=2026, is_open=True)
    assert selectors.meeting_year_choices() == [2025, 2026]
