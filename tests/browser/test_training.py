"""Training in the browser: the explanation of an instrument, and practising the Wijkwaardenkaart on a phone and
on a desktop, with the banner on every step and nothing kept."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, healthy, look

pytestmark = pytest.mark.browser

BANNER = "Oefenen — dit telt nergens mee"
WORDS = "Oefenzin: de bankjes bij het water, daar zit ik elke middag."


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} scrolls sideways ({width}px)"


@pytest.mark.parametrize(("viewport", "name"), [(PHONE, "390"), (DESKTOP, "1280")])
def test_connector_reads_the_explanation_and_practises_without_anything_kept(
    login, demo_server, screenshot_dir, viewport, name
):
    page = login("connector", viewport=viewport)
    page.goto(f"{demo_server}/instrumenten/")
    page.get_by_role("link", name="Hoe doe je elk instrument? Uitleg en oefenen").click()
    expect(page.get_by_role("heading", level=1, name="Uitleg en oefenen")).to_be_visible()
    look(page, screenshot_dir / f"training-index-{name}.png", "Wijkwaardenkaart-gesprek", "Effectenplein")
    _no_sideways_scroll(page)

    page.get_by_role("link", name="Lees de uitleg").nth(2).click()
    expect(page.get_by_role("heading", level=1, name="Wijkwaardenkaart-gesprek")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Toestemming vragen")).to_be_visible()
    expect(page.get_by_text("/mijn-gegevens/")).to_be_visible()
    look(page, screenshot_dir / f"training-wijkwaardenkaart-{name}.png", "Voorbeelden", "Niet zo")
    _no_sideways_scroll(page)

    page.get_by_role("link", name="Eerst oefenen (er wordt niets bewaard)").click()
    expect(page.get_by_role("heading", level=1, name="Oefenen: Wijkwaardenkaart-gesprek")).to_be_visible()
    expect(page.get_by_text(BANNER).first).to_be_visible()
    # The same conditional questions as the real form: the pseudonym only once the resident said yes.
    pseudonym = page.get_by_label("Schuilnaam van de bewoner")
    expect(pseudonym).to_be_hidden()
    page.get_by_role("button", name="Controleer mijn antwoorden").click()
    expect(page.get_by_role("alert")).to_contain_text("Vul dit in.")
    expect(page.get_by_text(BANNER).first).to_be_visible()
    look(page, screenshot_dir / f"training-practice-errors-{name}.png", BANNER, status=400)
    _no_sideways_scroll(page)

    page.get_by_label("Wat vind je waardevol in deze buurt?").fill(WORDS)
    page.get_by_label("Natuur en groen").check()
    page.get_by_text("Gebruiken en citeren, zonder naam").click()
    expect(pseudonym).to_be_visible()
    pseudonym.fill("Oefennaam")
    page.get_by_role("button", name="Controleer mijn antwoorden").click()
    expect(
        page.get_by_role("heading", level=1, name="Klaar met oefenen: alles is goed ingevuld")
    ).to_be_visible()
    expect(page.get_by_text("Dit is niet opgeslagen.")).to_be_visible()
    expect(page.get_by_text(BANNER).first).to_be_visible()
    look(page, screenshot_dir / f"training-practice-done-{name}.png", WORDS, "Oefennaam")
    _no_sideways_scroll(page)

    # Nothing was kept: no draft to go on with, and the words are on no page of the neighbourhood.
    page.goto(f"{demo_server}/instrumenten/")
    healthy(page, "Instrumenten")
    expect(page.get_by_text("Verder met een concept")).to_have_count(0)
    page.goto(f"{demo_server}/instrumenten/praatplaat/BU02021990/?thema=vitality.nature&intern=1")
    healthy(page)
    expect(page.get_by_text("Oefenzin")).to_have_count(0)


def test_funder_reads_the_explanation_but_cannot_practise(login, demo_server, screenshot_dir):
    page = login("funder")
    page.goto(f"{demo_server}/instrumenten/uitleg/wijkwaardenkaart/")
    healthy(page, "Toestemming vragen")
    expect(page.get_by_role("link", name="Eerst oefenen (er wordt niets bewaard)")).to_have_count(0)
    page.goto(f"{demo_server}/instrumenten/uitleg/wijkwaardenkaart/oefenen/")
    healthy(page, status=403)
