"""A quote appears once in a report (issue 11): the same words under two speakers, or copied into two records,
are one quote, however many sections ask for quotes."""

from __future__ import annotations

from html import unescape

import pytest

from krachtvansamen.coding.models import Coding
from krachtvansamen.framework.models import Code
from krachtvansamen.reports.quotes import Quote, pick_quotes
from tests.factories import FragmentFactory, PersonFactory

SAID = "Door de buurtmaaltijd ken ik nu de mensen van de overkant."


def _quote(pk: int, text: str, speaker: int | None) -> Quote:
    return Quote(fragment_id=pk, text=text, year=2025, instrument="Wijkwaardenkaart", role="bewoner",
                 speaker="", speaker_id=speaker, code_keys=frozenset({"effect.social.contact"}), is_resident=True)  # fmt: skip


def test_the_same_words_under_two_speakers_are_picked_once_across_sections():
    quotes = [_quote(1, SAID, 10), _quote(2, SAID, 11), _quote(3, "Iets anders.", 12)]
    used: set[int] = set()
    first = pick_quotes(quotes, count=1, used=used)
    second = pick_quotes(quotes, count=2, used=used)
    assert [q.fragment_id for q in first] == [1]
    assert [q.fragment_id for q in second] == [3]  # not fragment 2: the same words


def test_spacing_does_not_make_other_words():
    quotes = [_quote(1, SAID, 10), _quote(2, "  " + SAID.replace(" ", "  ") + "\n", 11)]
    assert [q.fragment_id for q in pick_quotes(quotes, count=2, used=set())] == [1]


def test_the_same_story_told_about_another_place_is_the_same_quote():
    quotes = [_quote(1, "Nu koken we voor zestig mensen uit Hatert.", 10),
              _quote(2, "Nu koken we voor zestig mensen uit Spangen.", 11),
              _quote(3, "Nu koken we voor zestig mensen uit de flat.", 12)]  # fmt: skip
    assert [q.fragment_id for q in pick_quotes(quotes, count=3, used=set())] == [1, 3]


def test_other_words_by_the_same_speaker_are_still_picked_when_nothing_else_is_left():
    quotes = [_quote(1, SAID, 10), _quote(2, "Iets anders.", 10)]
    assert [q.fragment_id for q in pick_quotes(quotes, count=2, used=set())] == [1, 2]


@pytest.fixture
def reports(world):
    return world


def test_the_buurtbeeld_shows_words_said_twice_only_once(reports, as_user):
    contact = Code.objects.get(codebook__is_current=True, key="effect.social.contact")
    for name in ("Eerste Spreker", "Tweede Spreker"):  # coded, so both are candidates in several sections
        fragment = FragmentFactory(neighbourhood=reports.own, year=2025, text=SAID, consent_level="pseudonymised",
                                   speaker=PersonFactory(neighbourhood=reports.own, pseudonym=name))  # fmt: skip
        Coding.objects.create(fragment=fragment, code=contact)
    page = unescape(
        as_user("community_builder").get("/rapporten/buurtbeeld/BU90000001/2025/").content.decode()
    )
    assert page.count(SAID) == 1
