"""A community builder and a funder, each on a phone, see exactly what they may see."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, healthy, look

pytestmark = pytest.mark.browser

KRONENBURG, LOMBOK, SPANGEN = "BU02021990", "BU02021471", "BU05990323"


def test_community_builder_sees_own_neighbourhoods_with_figures_and_stories(
    login, demo_server, screenshot_dir
):
    page = login("communitybuilder")
    expect(page.get_by_role("heading", name="Wat kan ik hier doen?")).to_be_visible()
    table = page.get_by_role("table")
    expect(table.get_by_role("link")).to_have_count(2)
    expect(table.get_by_role("link", name="Kronenburg")).to_be_visible()
    expect(table.get_by_role("link", name="Lombok")).to_be_visible()
    look(page, screenshot_dir / "start-communitybuilder-phone.png", "Welkom", "Mijn buurten")

    table.get_by_role("link", name="Kronenburg").click()
    expect(page.get_by_role("heading", level=1, name="Kronenburg")).to_be_visible()
    expect(page.get_by_text("2915")).to_be_visible()  # CBS: residents of Kronenburg (Arnhem) in 2024
    expect(page.get_by_role("heading", name="Wat hier sterk is: krachten")).to_be_visible()
    expect(page.locator(".kvs-fragment").first).to_be_visible()
    look(page, screenshot_dir / "buurt-kronenburg-phone.png", "Wat hier sterk is: krachten")

    page.get_by_role("link", name="2023").click()
    expect(page.locator(".kvs-year--current")).to_have_text("2023")
    healthy(page, "Wat hier sterk is: krachten")

    response = page.goto(f"{demo_server}/buurten/{SPANGEN}/")
    assert response.status == 403
    expect(page.get_by_text("Je hebt geen toegang tot deze buurt.")).to_be_visible()
    look(page, screenshot_dir / "geen-toegang-phone.png", "Geen toegang", status=403)


def test_funder_sees_funded_neighbourhoods_but_no_personal_data(login, demo_server, screenshot_dir):
    page = login("funder")
    expect(page.get_by_role("heading", name="Buurten die je financiert")).to_be_visible()
    expect(page.locator(".kvs-card h3", has_text="Kronenburg")).to_be_visible()
    # No way into the raw data: no neighbourhood links, no stories, and the page refuses a direct visit.
    expect(page.locator("a[href^='/buurten/']")).to_have_count(0)
    expect(page.locator(".kvs-fragment")).to_have_count(0)
    look(page, screenshot_dir / "start-funder-phone.png", "Buurten die je financiert", "Financiersrapport")
    for code in (KRONENBURG, LOMBOK):
        response = page.goto(f"{demo_server}/buurten/{code}/")
        assert response.status == 403


def test_codebook_page_and_english_switch(login, demo_server, screenshot_dir):
    page = login("researcher", viewport=DESKTOP)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Codeboek").click()
    expect(page.get_by_role("heading", level=2, name=re.compile("ABCD-ruggengraat"))).to_be_visible()
    expect(page.get_by_text("effect.neighbourhood.resident_control", exact=True)).to_be_attached()
    look(page, screenshot_dir / "codeboek-desktop.png", "Codeboek", full_page=False)

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1, name="Codebook")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name=re.compile("ABCD backbone"))).to_be_visible()
    look(page, screenshot_dir / "codebook-english-desktop.png", "Codebook", full_page=False)
    page.get_by_role("button", name="Nederlands").click()
    expect(page.get_by_role("heading", level=1, name="Codeboek")).to_be_visible()


@pytest.mark.parametrize("username", ["connector", "programmemanager", "admin"])
def test_other_roles_get_their_start_page(login, demo_server, screenshot_dir, username):
    page = login(username, viewport=DESKTOP)
    expect(page.locator(".kvs-card").first).to_be_visible()
    links = page.locator("table a[href^='/buurten/']")
    expected = {"connector": 1, "programmemanager": 17, "admin": 33}[username]
    expect(links).to_have_count(expected)
    heading = "Alle buurten" if username == "admin" else "Mijn buurten"
    look(page, screenshot_dir / f"start-{username}-desktop.png", "Welkom", heading)


def test_wrong_password_gets_a_clear_dutch_message(browser, demo_server, screenshot_dir):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{demo_server}/inloggen/")
    page.get_by_label("Gebruikersnaam").fill("funder")
    page.get_by_label("Wachtwoord").fill("fout")
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("alert")).to_contain_text("klopt niet")
    look(page, screenshot_dir / "inloggen-fout-phone.png", "Inloggen")
    context.close()
