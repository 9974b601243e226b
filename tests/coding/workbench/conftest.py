"""The workbench's world: the shared people (tests/coding/conftest.py) and four fragments of one interview."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.factories import FragmentFactory


@pytest.fixture
def world(coding_people):
    north = coding_people.north
    interview = [
        FragmentFactory(
            neighbourhood=north, year=2024, instrument="interview", source="document:1", position=i,
            text=text, speaker_role="resident",
        )
        for i, text in enumerate(
            ["Eerste stuk.", "Café De Boom 🌳 is onze plek — iedereen komt daar.", "Derde stuk.", "Vierde stuk."],
            start=1,
        )
    ]  # fmt: skip
    return SimpleNamespace(**vars(coding_people), interview=interview)
