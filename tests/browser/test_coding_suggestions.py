"""A researcher takes the engine's suggestions on the demo's uncoded interview: yes by key (it becomes their
coding, marked as a confirmed suggestion), no by key (it goes away and stays away). Screenshots at desktop and
phone width."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import DESKTOP, PHONE, healthy, look

pytestmark = pytest.mark.browser

PART = "De gemeente wil voor alles een aanvraag"


def _open_interview_fragment(page: Page, demo_server: str) -> None:
    page.goto(f"{demo_server}/coderen/")
    page.get_by_text("Fragmenten filteren").click()
    page.get_by_label("Buurt").select_option(label="Kronenburg")
    page.get_by_label("Instrument").select_option(label="Diepte-interview")
    page.get_by_role("button", name="Tonen").click()
    page.get_by_role("link", name=re.compile(PART)).first.click()
    expect(page.get_by_role("heading", level=1, name="Fragment coderen")).to_be_visible()


def test_yes_and_no_to_suggested_codes_by_keyboard(login, demo_server, screenshot_dir):
    page = login("researcher", viewport=DESKTOP)
    _open_interview_fragment(page, demo_server)
    main = page.locator("#wb-main")
    suggestions = main.locator(".kvs-wb-suggestion")
    expect(page.get_by_role("heading", name="Voorgestelde codes")).to_be_visible()
    expect(suggestions.first).to_contain_text("Bestuurlijk")
    expect(suggestions.first).to_contain_text(re.compile(r"zekerheid \d+%"))
    expect(main.locator(".kvs-wb-coding")).to_have_count(0)
    look(page, screenshot_dir / "coderen-voorstellen-desktop.png", "Fragment coderen", "Voorgestelde codes")
    before = suggestions.count()
    second = suggestions.nth(1).locator(".kvs-wb-suggestion__code").inner_text() if before > 1 else None

    # a: yes to the first suggestion; it becomes the researcher's coding.
    page.locator("body").press("a")
    expect(main.locator(".kvs-wb-coding")).to_have_count(1)
    expect(main.locator(".kvs-wb-coding")).to_contain_text("Bestuurlijk")
    expect(main.locator(".kvs-wb-coding")).to_contain_text("voorstel bevestigd")
    expect(suggestions).to_have_count(before - 1)

    # x: no to the (new) first suggestion; it goes, nothing is coded.
    if second is not None:
        page.locator("body").press("x")
        expect(suggestions).to_have_count(before - 2)
        expect(main.locator(".kvs-wb-suggestion__code", has_text=second)).to_have_count(0)
        expect(main.locator(".kvs-wb-coding")).to_have_count(1)

    # Both answers are kept: after a reload the same.
    page.reload()
    healthy(page, "Fragment coderen", "voorstel bevestigd")
    expect(page.locator("#wb-main .kvs-wb-coding")).to_have_count(1)
    expect(page.locator("#wb-main .kvs-wb-suggestion")).to_have_count(max(before - 2, 0))

    phone = login("researcher", viewport=PHONE)
    phone.goto(page.url)
    expect(phone.locator("#wb-main .kvs-wb-coding")).to_contain_text("voorstel bevestigd")
    overflow = phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    look(phone, screenshot_dir / "coderen-voorstellen-telefoon.png", "Fragment coderen", "voorstel bevestigd")
