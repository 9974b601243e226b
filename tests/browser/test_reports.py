"""Reports in the browser: a community builder follows a number in the Buurtbeeld to the fragments behind it;
a funder opens the Financiersrapport of a neighbourhood it funds and is refused the Buurtbeeld."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, look
from tests.browser.pdf_job import pdf_through_job_page

pytestmark = pytest.mark.browser

KRONENBURG = "BU02021990"


def test_community_builder_follows_a_number_to_its_evidence_on_a_phone(login, demo_server, screenshot_dir):
    page = login("communitybuilder", PHONE)
    page.goto(f"{demo_server}/buurten/{KRONENBURG}/")
    page.get_by_role("link", name="Buurtbeeld (rapport)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kronenburg 2025")
    expect(page.get_by_role("heading", name="Wat bewoners waardevol vinden")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # nothing sticks out
    look(page, screenshot_dir / "buurtbeeld-phone.png", "Wat bewoners waardevol vinden", "Blijft het?")

    figure = page.locator(".kvs-rfigure", has_text="fragmenten")
    number = figure.locator("a.kvs-num")
    count = int(number.inner_text())
    assert count > 0
    number.click()
    expect(page).to_have_url(re.compile(rf"/rapporten/bewijs/{KRONENBURG}/2025/\?n=fragments$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Alle fragmenten van 2025")
    expect(page.get_by_test_id("evidence-total")).to_have_text(f"{count} gegevens")
    expect(page.locator(".kvs-evidence__item--quote")).to_have_count(count)
    look(page, screenshot_dir / "bewijs-phone.png", "Terug naar het Buurtbeeld", f"{count} fragmenten")

    # Back in the report, a number inside a table leads to its evidence as well.
    page.get_by_role("link", name="Terug naar het Buurtbeeld").click()
    page.locator("table", has_text="Soorten banden in 2025").locator("a.kvs-num").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Relaties in 2025")
    look(page, screenshot_dir / "bewijs-relaties-phone.png", re.compile(r"\d+ relaties?"))


def test_funder_opens_only_the_financiersrapport(login, demo_server, screenshot_dir):
    page = login("funder", PHONE)
    card = page.locator(".kvs-card", has=page.get_by_role("heading", name="Kronenburg"))
    card.get_by_role("link", name="Financiersrapport").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kronenburg 2025")
    expect(page.get_by_role("heading", name="Wat is er nodig om het te laten duren?")).to_be_visible()
    expect(page.locator(".kvs-rquote")).to_have_count(3)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    look(
        page, screenshot_dir / "financiersrapport-phone.png", "Wat bewoners zeggen", "Wie doet nog niet mee?"
    )

    page.locator(".kvs-fin-values a.kvs-num").first.click()
    expect(page.get_by_role("note").filter(has_text="Persoonsgegevens zie je nooit.")).to_be_visible()
    look(page, screenshot_dir / "bewijs-financier-phone.png", "Terug naar het financiersrapport")

    # The attendances are not the activities they were counted on: the evidence page says what was counted.
    page.go_back()
    attendances = page.locator("p", has_text="bezoeken: wie vaker kwam, telt vaker mee").locator("a.kvs-num")
    shown = attendances.inner_text()
    attendances.click()
    expect(page.get_by_test_id("evidence-note")).to_contain_text(f"Het getal {shown} telt bezoeken")
    look(page, screenshot_dir / "bewijs-bezoeken-financier-phone.png", re.compile(r"\d+ activiteiten?"))

    response = page.goto(f"{demo_server}/rapporten/buurtbeeld/{KRONENBURG}/2025/")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Geen toegang")
    expect(page.get_by_text("Als financier kun je alleen het financiersrapport openen")).to_be_visible()
    look(page, screenshot_dir / "buurtbeeld-financier-403-phone.png", "Geen toegang", status=403)


def test_reports_at_desktop_width(login, demo_server, screenshot_dir):
    page = login("programmemanager", DESKTOP)
    page.goto(f"{demo_server}/")
    page.get_by_role("link", name="Programmasynthese Sterke Buurtverbinders").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sterke Buurtverbinders 2025")
    expect(page.locator("tr[data-neighbourhood]")).to_have_count(17)
    look(page, screenshot_dir / "programmasynthese-desktop.png", "Focusbuurten en de andere buurten")
    page.goto(f"{demo_server}/rapporten/buurtbeeld/{KRONENBURG}/2025/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kronenburg 2025")
    look(page, screenshot_dir / "buurtbeeld-desktop.png", "Wat bewoners waardevol vinden", "Blijft het?")
    page.goto(f"{demo_server}/rapporten/financiersrapport/{KRONENBURG}/2025/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kronenburg 2025")
    look(page, screenshot_dir / "financiersrapport-desktop.png", "Wat is er nodig om het te laten duren?")
    href = page.get_by_role("link", name="Download als pdf").get_attribute("href")
    # Not drawn yet: the link leads to a job page, which offers the PDF once it is drawn.
    pdf_through_job_page(page, demo_server, href, screenshot_dir / "financiersrapport-pdf-taak-desktop.png")
