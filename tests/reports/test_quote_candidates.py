"""The stories residents chose as most significant at an Effectenplein are the first candidates for quotes (issue 12,
item 4), still only when they may be quoted: consent and review decide (``privacy.selectors.quotable``)."""

from __future__ import annotations

from html import unescape

import pytest

from krachtvansamen.coding.models import Fragment
from krachtvansamen.coding.quotes.services import quote_review_decide
from krachtvansamen.effectenplein import services as plein
from krachtvansamen.effectenplein.models import Story
from krachtvansamen.reports.quotes import quotes_for
from tests.reports.conftest import QUOTE_OK

CHOSEN = "Door het plein groet ik nu mijn buren."
NOT_CHOSEN = "De bankjes op het plein zijn fijn."
CHOSEN_NO_CONSENT = "Mijn eigen verhaal, niet citeren."


@pytest.fixture
def plein_closed(world):
    """A closed Effectenplein in the world's own buurt: one chosen story that may be quoted, one chosen that may
    not, and one that may be quoted but was not chosen."""
    builder = world.users["community_builder"]
    meeting = plein.meeting_open(neighbourhood=world.own, user=builder, title="Plein")
    anna, bert, cor = (
        plein.participant_join(meeting=meeting, nickname=n)[0] for n in ("Anna", "Bert", "Cor")
    )
    chosen = plein.story_post(participant=anna, text=CHOSEN, level="social", consent_to_quote=True)
    plain = plein.story_post(participant=bert, text=NOT_CHOSEN, level="social", consent_to_quote=True)
    private = plein.story_post(
        participant=cor, text=CHOSEN_NO_CONSENT, level="individual", consent_to_quote=False
    )
    plein.meeting_start_voting(meeting=meeting)
    plein.votes_cast(participant=anna, story_ids=[chosen.pk, private.pk])
    plein.votes_cast(participant=bert, story_ids=[chosen.pk])
    plein.votes_cast(participant=cor, story_ids=[plain.pk, private.pk])
    plein.meeting_close(meeting=meeting, user=builder)
    assert set(Story.objects.filter(is_most_significant=True).values_list("text", flat=True)) == {
        CHOSEN, CHOSEN_NO_CONSENT,
    }  # fmt: skip
    return meeting


def _approve(world, text: str) -> Fragment:
    fragment = Fragment.objects.get(text=text)
    return quote_review_decide(fragment=fragment, user=world.users["researcher"], approve=True, text=text)


def test_what_residents_chose_comes_first_among_the_candidates(world, plein_closed):
    for text in (CHOSEN, NOT_CHOSEN):
        _approve(world, text)
    quotes = quotes_for(neighbourhood_ids=[world.own.pk], years=[2025], show_speaker=True)
    texts = [q.text for q in quotes]
    # First, though QUOTE_OK speaks of more effects and values (it came first before residents chose).
    assert texts[0] == CHOSEN and quotes[0].chosen_at_plein
    assert texts.index(QUOTE_OK) < texts.index(NOT_CHOSEN)
    assert not next(q for q in quotes if q.text == NOT_CHOSEN).chosen_at_plein
    assert CHOSEN_NO_CONSENT not in texts  # chosen, but its writer did not allow quoting


def test_a_chosen_story_is_not_quoted_before_its_words_were_reviewed_or_once_consent_is_gone(
    world, plein_closed
):
    assert CHOSEN not in [
        q.text for q in quotes_for(neighbourhood_ids=[world.own.pk], years=[2025], show_speaker=True)
    ]
    fragment = _approve(world, CHOSEN)
    Fragment.objects.filter(pk=fragment.pk).update(consent_level="internal")  # withdrawn at /mijn-gegevens/
    assert CHOSEN not in [
        q.text for q in quotes_for(neighbourhood_ids=[world.own.pk], years=[2025], show_speaker=True)
    ]


def test_the_buurtbeeld_quotes_the_chosen_story_first_and_says_residents_chose_it(
    world, plein_closed, as_user
):
    for text in (CHOSEN, NOT_CHOSEN):
        _approve(world, text)
    page = unescape(
        as_user("community_builder").get("/rapporten/buurtbeeld/BU90000001/2025/").content.decode()
    )
    effects = page[page.index('id="bb-effecten"') : page.index('id="bb-netwerk"')]
    start = effects.index('<figure class="kvs-rquote"')
    first = effects[start : effects.index("</figure>", start)]  # the section's first quote
    assert CHOSEN in first and "door bewoners gekozen als belangrijkste" in first
    assert page.count("door bewoners gekozen als belangrijkste") == 1  # only the chosen story says so


def test_the_quote_review_page_says_which_story_residents_chose(world, plein_closed, as_user):
    page = unescape(as_user("community_builder").get("/coderen/citaten/").content.decode())
    cards = {
        text: page[page.rindex("<section", 0, page.index(text)) : page.index(text)]
        for text in (CHOSEN, NOT_CHOSEN)
    }
    assert "Gekozen als belangrijkste op het Effectenplein" in cards[CHOSEN]
    assert "Gekozen als belangrijkste op het Effectenplein" not in cards[NOT_CHOSEN]
    assert CHOSEN_NO_CONSENT not in page  # not to be quoted: not even offered for review
