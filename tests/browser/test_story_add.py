"""A connector on a phone writes down a story heard in the buurt: first an empty form (clear Dutch messages,
nothing saved), then the story with the teller's consent; it shows on the buurt page. Also at desktop width,
and the buurt page's submitted forms and Effectenplein link."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, look

pytestmark = pytest.mark.browser

KRONENBURG = "BU02021990"
STORY = "Sinds de moestuin groet de buurman van drie hoog me elke ochtend. Gisteren bracht hij tomaten."


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] + 1, f"the page scrolls sideways: {width}px"


@pytest.mark.parametrize(("viewport", "name"), [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_connector_adds_a_story_with_consent(login, demo_server, screenshot_dir, viewport, name):
    page = login("connector", viewport=viewport)
    page.goto(f"{demo_server}/buurten/{KRONENBURG}/")
    look(page, screenshot_dir / f"buurt-paden-{name}.png", "Verhaal toevoegen", "Effectenplein starten")
    _no_sideways_scroll(page)
    page.get_by_role("link", name="Verhaal toevoegen").first.click()
    expect(page.get_by_role("heading", level=1, name="Verhaal toevoegen")).to_be_visible()
    look(page, screenshot_dir / f"verhaal-leeg-{name}.png", "Wat mag er met het verhaal gebeuren?")
    _no_sideways_scroll(page)

    page.get_by_role("button", name="Opslaan").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Nog niet opgeslagen")
    expect(summary).to_contain_text("Schrijf het verhaal op.")
    expect(summary).to_contain_text("Kies wat er met het verhaal mag gebeuren")
    look(page, screenshot_dir / f"verhaal-fout-{name}.png", "Schrijf het verhaal op.", status=400)
    _no_sideways_scroll(page)

    page.get_by_label("Het verhaal").fill(STORY)
    page.get_by_label(re.compile("^Wie vertelde het")).fill("Buurman Tomaat")
    consent = page.get_by_role("group", name=re.compile("Wat mag er met het verhaal gebeuren"))
    consent.get_by_label("Gebruiken en citeren, zonder naam").check()
    page.get_by_label(re.compile("^Sociaal contact")).check()
    look(page, screenshot_dir / f"verhaal-ingevuld-{name}.png", "Verhaal toevoegen", status=400)
    page.get_by_role("button", name="Opslaan").click()

    expect(page.get_by_role("heading", level=1, name=re.compile("Kronenburg"))).to_be_visible()
    # A second run (the other width) finds the nickname taken: it is saved as "Buurman Tomaat 2" and says so.
    expect(
        page.get_by_text(re.compile(r"Het verhaal van Buurman Tomaat( \d+)? is opgeslagen"))
    ).to_be_visible()
    stories = page.locator("section", has=page.get_by_role("heading", name="Recente verhalen en citaten"))
    expect(stories).to_contain_text(STORY)
    look(page, screenshot_dir / f"verhaal-opgeslagen-{name}.png", "Het verhaal van Buurman Tomaat")
    section = page.locator("section", has=page.get_by_role("heading", name="Ingevulde formulieren"))
    if section.count():
        section.screenshot(path=screenshot_dir / f"buurt-formulieren-{name}.png")


@pytest.mark.parametrize(("viewport", "name"), [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_start_an_effectenplein_from_the_instruments_page(login, demo_server, screenshot_dir, viewport, name):
    page = login("connector", viewport=viewport)
    page.goto(f"{demo_server}/instrumenten/")
    section = page.locator("section", has=page.get_by_role("heading", name="Effectenplein", exact=True))
    expect(section).to_be_visible()
    look(
        page, screenshot_dir / f"instrumenten-effectenplein-{name}.png", "Effectenplein starten in Kronenburg"
    )
    _no_sideways_scroll(page)
    section.get_by_role("link", name="Effectenplein starten in Kronenburg").click()
    expect(page).to_have_url(re.compile(rf"/buurten/{KRONENBURG}/#effectenplein$"))
    expect(page.get_by_role("button", name="Start een bijeenkomst")).to_be_in_viewport()
