"""The programme synthesis keeps the stories (issue 11): quotes per theme, each once, never internal words or a
speaker's pseudonym; and it says that focus neighbourhoods get more instruments by design."""

from __future__ import annotations

import re
from html import unescape

import pytest

from tests.reports.conftest import QUOTE_INTERNAL, QUOTE_NAMED, QUOTE_OK, QUOTE_WITHDRAWN

URL = "/rapporten/programmasynthese/programma-a/2025/"


@pytest.fixture
def page(world, as_user) -> str:
    response = as_user("programme_manager").get(URL)
    assert response.status_code == 200
    return unescape(response.content.decode())


def _section(page: str) -> str:
    return page.split('id="ps-verhalen"', 1)[1].split("</section>", 1)[0]


def test_the_synthesis_tells_stories_per_theme_in_allowed_words_only(page):
    stories = _section(page)
    # Cor's words (effect.individual.confidence) under "for residents themselves"; Ans's (effect.social.contact)
    # between people; never the internal or withdrawn words.
    mine = stories.split("Voor bewoners zelf", 1)[1].split("<h3", 1)[0]
    between = stories.split("Tussen mensen", 1)[1].split("<h3", 1)[0]
    assert QUOTE_NAMED in mine
    assert QUOTE_OK in between
    assert QUOTE_INTERNAL not in page and QUOTE_WITHDRAWN not in page
    assert "Schuilnaam" not in stories  # pseudonyms stay inside the team


def test_each_quote_appears_once_in_the_stories(page):
    stories = _section(page)
    for quote in (QUOTE_OK, QUOTE_NAMED):
        assert stories.count(quote) == 1


def test_a_theme_without_allowed_words_says_so(page):
    what_lasts = _section(page).split("Wat nodig is om het te laten blijven", 1)[1]
    assert "Geen citaat waarvoor bewoners toestemming gaven." in what_lasts


def test_the_focus_comparison_says_focus_neighbourhoods_get_more_instruments(page):
    focus = page.split('id="ps-focus"', 1)[1].split("</section>", 1)[0]
    assert re.search(r"Focusbuurten krijgen met opzet meer instrumenten", focus)
