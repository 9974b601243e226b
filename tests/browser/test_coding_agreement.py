"""A researcher opens the agreement page on a laptop and on a tablet: the explanation is there, and either
figures or a plain "not enough to compare yet" (the demo may hold little double coding)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, healthy, look

pytestmark = pytest.mark.browser

TABLET = {"width": 768, "height": 1024}


@pytest.mark.parametrize(("viewport", "name"), [(DESKTOP, "1280"), (TABLET, "768")])
def test_researcher_sees_agreement_between_coders(login, demo_server, screenshot_dir, viewport, name):
    page = login("researcher", viewport=viewport)
    response = page.goto(f"{demo_server}/coderen/overeenstemming/")
    assert response is not None and response.status == 200
    expect(page.get_by_role("heading", level=1, name="Overeenstemming tussen codeurs")).to_be_visible()
    explanation = page.get_by_test_id("agreement-explanation")
    expect(explanation).to_contain_text("AC1 (Gwet)")
    expect(explanation).to_contain_text("Een vuistregel, geen oordeel")
    figures = page.get_by_test_id("agreement-per-code")
    not_enough = page.get_by_test_id("agreement-not-enough")
    expect(figures.or_(not_enough).first).to_be_visible()
    if figures.count():
        expect(page.get_by_test_id("agreement-summary")).to_contain_text("Berekend over")
        expect(figures.locator("caption")).to_have_text("Overeenstemming per code")
        expect(figures.get_by_role("columnheader", name="AC1")).to_be_visible()
    look(page, screenshot_dir / f"coderen-overeenstemming-{name}.png", "Overeenstemming tussen codeurs")
    # Nothing sticks out sideways at this width: wide tables scroll inside their own box.
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0

    all_coders = page.get_by_label("Vergelijk alle codeurs")
    if all_coders.count():
        all_coders.check()
    page.get_by_role("button", name="Bereken de overeenstemming").click()
    expect(page.get_by_test_id("agreement-explanation")).to_be_visible()
    healthy(page, "Overeenstemming tussen codeurs", "Een vuistregel, geen oordeel")
