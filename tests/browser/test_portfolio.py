"""A funder's portfolio in the browser: from the start page, one link to all funded neighbourhoods on one page,
readable on a phone and on a desktop, each row leading to that neighbourhood's Financiersrapport."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, look

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("viewport", "name"), [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_funder_opens_the_portfolio_from_the_start_page(login, demo_server, screenshot_dir, viewport, name):
    page = login("funder", viewport)
    # One card per funding line (a neighbourhood may have two); the portfolio has one row per neighbourhood.
    funded = len(set(page.locator("section[aria-labelledby=gefinancierd] .kvs-card h3").all_inner_texts()))
    page.get_by_test_id("portfolio-link").click()
    expect(page).to_have_url(re.compile(r"/rapporten/portfolio/\d{4}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"{funded} buurten")
    for heading in ("In het kort", "Per buurt", "Samen"):
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    rows = page.get_by_test_id("portfolio-table").locator("tbody tr")
    expect(rows).to_have_count(funded)  # one row per funded neighbourhood, not one card each
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]  # nothing sticks out
    look(page, screenshot_dir / f"portfolio-{name}.png", "In het kort", "Wie doet nog niet mee")

    # A row leads to the neighbourhood's own Financiersrapport.
    first = rows.first.locator("th a")
    buurt = first.inner_text()
    first.click()
    expect(page).to_have_url(re.compile(r"/rapporten/financiersrapport/BU\d+/\d{4}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(buurt)


def test_community_builder_is_refused_the_portfolio(login, demo_server):
    page = login("communitybuilder", PHONE)
    response = page.goto(f"{demo_server}/rapporten/portfolio/")
    assert response is not None and response.status == 403
