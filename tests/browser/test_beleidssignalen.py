"""A municipality's policy officer in the browser: from the start page to the Beleidssignalen of Arnhem (the
municipality of Kronenburg), readable on a phone and on a desktop, every number leading to what it rests on,
the PDF one click away; another municipality, a neighbourhood page and the instruments are refused."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, healthy, look
from tests.browser.pdf_job import pdf_through_job_page

pytestmark = pytest.mark.browser

KRONENBURG = "BU02021990"


@pytest.mark.parametrize(("viewport", "name"), [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_policy_officer_opens_the_signals_of_the_municipality(
    login, demo_server, screenshot_dir, viewport, name
):
    page = login("gemeente", viewport)
    look(page, screenshot_dir / f"start-gemeente-{name}.png", "Beleidsmedewerker van de gemeente")
    menu = page.get_by_role("navigation", name="Hoofdmenu")
    expect(menu.get_by_role("link", name="Instrumenten")).to_have_count(0)
    expect(menu.get_by_role("link", name="Coderen")).to_have_count(0)
    expect(page.locator("a[href^='/buurten/']")).to_have_count(0)

    page.get_by_test_id("beleidssignalen-link").click()
    expect(page).to_have_url(re.compile(r"/rapporten/beleidssignalen/GM0202/\d{4}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Gemeente Arnhem")
    for heading in ("In het kort", "Wat belemmert: bestuur en samenleving", "Wat bewoners van beleid vragen",
                    "Stapeling", "Wat helpt", "Per buurt", "Hoe lees je dit"):  # fmt: skip
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    rows = page.get_by_test_id("policy-table").locator("tbody tr")
    expect(rows.filter(has_text="Kronenburg")).to_have_count(1)
    assert rows.count() >= 2  # the other neighbourhoods of Arnhem in the programmes
    expect(page.locator(".kvs-rquote").first).to_be_visible()  # a story residents allowed to be quoted
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]  # nothing sticks out
    look(page, screenshot_dir / f"beleidssignalen-{name}.png", "In het kort", "Per buurt")

    # A number leads to what it rests on: counts and allowed quotes, and back.
    rows.filter(has_text="Kronenburg").locator("a.kvs-num").first.click()
    expect(page).to_have_url(re.compile(rf"/rapporten/bewijs/{KRONENBURG}/\d{{4}}/\?n="))
    look(page, screenshot_dir / f"beleidssignalen-bewijs-{name}.png", "Als beleidsmedewerker zie je")
    page.get_by_role("link", name=re.compile("Terug naar de beleidssignalen")).click()
    expect(page).to_have_url(re.compile(r"/rapporten/beleidssignalen/GM0202/\d{4}/$"))

    # The PDF is one click away: its job page (a progress bar while it is drawn), then the file.
    href = page.get_by_test_id("pdf-link").get_attribute("href")
    pdf_through_job_page(page, demo_server, href, screenshot_dir / f"beleidssignalen-pdf-taak-{name}.png")


def test_policy_officer_is_refused_everything_else(login, demo_server, screenshot_dir):
    page = login("gemeente", PHONE)
    for url in (f"/buurten/{KRONENBURG}/", f"/rapporten/buurtbeeld/{KRONENBURG}/",
                f"/rapporten/financiersrapport/{KRONENBURG}/", "/rapporten/portfolio/", "/instrumenten/",
                "/coderen/", "/veldwerk/", "/rapporten/beleidssignalen/GM0599/"):  # fmt: skip
        response = page.goto(demo_server + url)
        assert response is not None and response.status == 403, url
    healthy(page, "Je kunt alleen de beleidssignalen van je eigen gemeente openen.", status=403)
    look(page, screenshot_dir / "beleidssignalen-andere-gemeente-phone.png", "Geen toegang", status=403)


def test_the_funder_is_refused_the_signals(login, demo_server):
    page = login("funder", DESKTOP)
    response = page.goto(f"{demo_server}/rapporten/beleidssignalen/GM0202/")
    assert response is not None and response.status == 403
