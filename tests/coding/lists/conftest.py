"""A small world for the lists: one programme with two neighbourhoods, another programme, coders, readers
and outsiders; codings are made through the coding services."""

from __future__ import annotations

import pytest

from krachtvansamen.coding.models import Fragment
from krachtvansamen.coding.services import coding_add
from krachtvansamen.framework.selectors import code_get_current
from tests.factories import FragmentFactory


@pytest.fixture
def world(coding_people):
    """The shared people (tests/coding/conftest.py); fragments and codings are made per test."""
    return coding_people


@pytest.fixture
def code_it():
    """Give a fragment codes (keys of the current codebook) as ``coder``, the whole text or a part."""

    def give(fragment: Fragment, *keys: str, coder, start: int | None = None, end: int | None = None) -> None:
        for key in keys:
            coding_add(fragment=fragment, code=code_get_current(key=key), user=coder, start=start, end=end)

    return give


@pytest.fixture
def fragment():
    def make(neighbourhood, text: str = "", **fields) -> Fragment:
        fields.setdefault("instrument", "interview")
        return FragmentFactory(neighbourhood=neighbourhood, **({"text": text} if text else {}), **fields)

    return make
