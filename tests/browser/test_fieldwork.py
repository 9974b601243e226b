"""The programme manager follows the fieldwork from the start page on a phone: makes this year's plan from the
study's design, changes it (a wrong date gets a Dutch message and nothing is saved) and sees what is overdue, in
red and in words. The same pages on a laptop; a community builder sees only their own neighbourhoods; a funder
does not see the fieldwork. One test walks it all: the later steps look at the plan the first one made, and the
tests run in random order."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, look, status_of

pytestmark = pytest.mark.browser

YEAR = datetime.date.today().year
PROGRESS = "/veldwerk/sterke-buurtverbinders/{year}/"


def fits(page, viewport) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], page.url


def test_programme_manager_makes_this_years_plan_changes_it_and_sees_overdue(
    login, demo_server, screenshot_dir
):
    page = login("programmemanager", viewport=PHONE)
    page.get_by_role("link", name="Volg het veldwerk").click()
    expect(page.get_by_role("heading", level=1, name="Veldwerk")).to_be_visible()
    look(page, screenshot_dir / "veldwerk-overzicht-phone.png", "Sterke Buurtverbinders", "17 van 17 buurten")
    fits(page, PHONE)
    page.get_by_role("button", name=f"Plan voor {YEAR} maken").click()

    expect(
        page.get_by_role("heading", level=1, name=f"Veldwerk Sterke Buurtverbinders {YEAR}")
    ).to_be_visible()
    expect(page.locator(".kvs-fw-row").first).to_contain_text("0 van 17 buurten")
    page.get_by_role("link", name="Plan wijzigen").click()

    expect(page.get_by_role("heading", level=1, name=re.compile("Veldwerkplan .* wijzigen"))).to_be_visible()
    look(page, screenshot_dir / "veldwerk-bewerken-phone.png", "Regel 1")
    fits(page, PHONE)
    page.locator("#id_rij-0-starts_on").fill(f"{YEAR}-09-01")
    page.locator("#id_rij-0-due_on").fill(f"{YEAR}-08-01")
    page.get_by_role("button", name="Opslaan").click()
    assert status_of(page) == 400
    expect(page.get_by_role("alert")).to_contain_text("De einddatum ligt vóór de begindatum")
    look(page, screenshot_dir / "veldwerk-fout-phone.png", "Nog niet opgeslagen", status=400)

    page.locator("#id_rij-0-starts_on").fill(f"{YEAR}-01-01")
    page.locator("#id_rij-0-due_on").fill(f"{YEAR}-01-02")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("status").filter(has_text="Het plan is opgeslagen.")).to_be_visible()
    first = page.locator(".kvs-fw-row").first
    expect(first).to_contain_text(f"2 januari {YEAR}")
    # Overdue is said in words, not by colour alone.
    expect(first.locator(".kvs-fw-late")).to_have_text("Te laat in 17 buurten")
    expect(page.get_by_text(f"te laat (moest klaar zijn op 2 januari {YEAR})").first).to_be_visible()
    page.get_by_text("Wanneer telt een buurt als klaar?").click()
    expect(page.get_by_text("er is minstens één vragenlijst ingestuurd")).to_be_visible()
    look(page, screenshot_dir / "veldwerk-voortgang-phone.png", "Nog open per buurt")
    fits(page, PHONE)

    the_same_pages_on_a_laptop(login, demo_server, screenshot_dir)
    community_builder_sees_only_own_neighbourhoods_and_funder_nothing(login, demo_server, screenshot_dir)


def the_same_pages_on_a_laptop(login, demo_server, screenshot_dir):
    page = login("programmemanager", viewport=DESKTOP)
    page.goto(demo_server + PROGRESS.format(year=YEAR))
    look(page, screenshot_dir / "veldwerk-voortgang-desktop.png", "Per instrument", "Nog open per buurt")
    page.goto(demo_server + PROGRESS.format(year=2025))
    look(page, screenshot_dir / "veldwerk-2025-desktop.png", "Overal klaar", "Niets staat meer open")
    page.goto(demo_server + PROGRESS.format(year=2025) + "bewerken/")
    look(page, screenshot_dir / "veldwerk-bewerken-desktop.png", "Regel 1")
    fits(page, DESKTOP)


def community_builder_sees_only_own_neighbourhoods_and_funder_nothing(login, demo_server, screenshot_dir):
    page = login("communitybuilder", viewport=PHONE)
    page.get_by_role("link", name="Welk veldwerk staat er in mijn buurten klaar").click()
    page.get_by_role("link", name=f"Plan {YEAR}").click()
    expect(page.locator(".kvs-fw-row").first).to_contain_text("0 van 2 buurten")
    expect(page.locator(".kvs-fw-open > li")).to_have_count(2)
    expect(page.get_by_role("link", name="Plan wijzigen")).to_have_count(0)
    look(page, screenshot_dir / "veldwerk-communitybuilder-phone.png", "Kronenburg", "Lombok")
    page.goto(demo_server + PROGRESS.format(year=YEAR) + "bewerken/")
    assert status_of(page) == 403

    funder = login("funder", viewport=PHONE)
    funder.goto(f"{demo_server}/veldwerk/")
    assert status_of(funder) == 403
