"""Quote review in the browser: a researcher reads a quote with the names deduce replaced, corrects it and
approves it; the funder's evidence then shows only the approved words."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, healthy, look

pytestmark = pytest.mark.browser


def test_a_researcher_reviews_a_quote_with_a_name_replaced(login, screenshot_dir):
    page = login("researcher", viewport=DESKTOP)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Coderen").click()
    page.get_by_role("link", name="Citaten nakijken").first.click()
    expect(page.get_by_role("heading", level=1, name="Citaten nakijken")).to_be_visible()
    first = page.locator(".kvs-quote-review").first
    expect(
        first.get_by_text("Vervangen:")
    ).to_be_visible()  # the demo leaves this year's named quotes to review
    proposal = first.get_by_label("Woorden zoals ze geciteerd mogen worden")
    assert "[naam]" in proposal.input_value()
    look(page, screenshot_dir / "quote-review-desktop.png", "Citaten nakijken", "Goedkeuren als citaat")
    waiting = int(page.locator("#citaten-aantal").inner_text().split()[0])
    proposal.fill(proposal.input_value() + " (ingekort)")
    first.get_by_role("button", name="Goedkeuren als citaat").click()
    expect(page.get_by_text("Goedgekeurd: deze woorden mogen nu geciteerd worden.")).to_be_visible()
    expect(page.locator("#citaten-aantal")).to_have_text(f"{waiting - 1} citaten om na te kijken")
    page.get_by_role("link", name="Nagekeken").click()
    healthy(page, "Citaten nakijken")
    expect(page.locator(".kvs-quote-review").first).to_contain_text("(ingekort)")
    expect(page.locator(".kvs-quote-review").first).to_contain_text("Goedgekeurd als citaat")
