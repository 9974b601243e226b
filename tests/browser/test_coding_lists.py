"""A researcher goes from the codebook to all fragments with a code, and from the palet's cell to the
fragments that carry both codes. Screenshots at desktop (1280) and tablet (768) width."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, healthy, look

pytestmark = pytest.mark.browser

TABLET = {"width": 768, "height": 1024}
CONFIDENCE = "Zelfvertrouwen, eigenwaarde en zingeving"


@pytest.mark.parametrize(("viewport", "name"), [(DESKTOP, "1280"), (TABLET, "768")])
def test_codebook_code_fragments_and_palet(login, demo_server, screenshot_dir, viewport, name):
    page = login("researcher", viewport=viewport)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Codeboek").click()
    expect(page.get_by_role("heading", level=1, name="Codeboek")).to_be_visible()
    form = page.locator("details.kvs-ls-own-form")
    expect(form.locator("summary")).to_have_text("Eigen code toevoegen")
    form.locator("summary").click()
    expect(form.get_by_label("Onder welke code")).to_be_visible()
    look(
        page,
        screenshot_dir / f"codeboek-eigen-code-{name}.png",
        "Codeboek",
        "Onder welke code",
        full_page=False,
    )

    code = page.locator("[id='effect.individual.confidence']")
    code.locator("summary").first.click()
    code.get_by_role("link", name=f"Fragmenten met “{CONFIDENCE}”").click()
    expect(page.get_by_role("heading", level=1, name=f"Fragmenten met “{CONFIDENCE}”")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^\d+ fragment(en)?$"))).to_be_visible()
    items = page.locator(".kvs-ls-item")
    expect(items.first).to_be_visible()
    expect(page.get_by_role("link", name="Openen in de werkbank").first).to_be_visible()
    expect(page.get_by_role("link", name="CSV", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="CSV, gepseudonimiseerd")).to_be_visible()
    look(
        page,
        screenshot_dir / f"coderen-code-fragmenten-{name}.png",
        f"Fragmenten met “{CONFIDENCE}”",
        full_page=False,
    )

    page.get_by_role("link", name="alle coderingen van alle codeurs").click()
    expect(page.locator(".kvs-ls-switch__option[aria-current]")).to_have_text(
        "alle coderingen van alle codeurs"
    )
    healthy(page, f"Fragmenten met “{CONFIDENCE}”")

    page.get_by_role("link", name="Welke codes samen voorkomen").first.click()
    expect(page.get_by_role("heading", level=1, name="Welke codes samen voorkomen")).to_be_visible()
    table = page.get_by_role("table")
    expect(table).to_be_visible()
    look(page, screenshot_dir / f"coderen-palet-{name}.png", "Welke codes samen voorkomen")
    cell = page.locator("td.kvs-ls-cell:not(.kvs-ls-cell--diagonal) a").first
    count = int(cell.inner_text())
    cell.click()
    expect(page.get_by_role("status").filter(has_text="Alleen fragmenten met zowel")).to_be_visible()
    expect(page.locator(".kvs-ls-item")).to_have_count(min(count, 50))
    look(
        page, screenshot_dir / f"coderen-palet-cel-{name}.png", "Alleen fragmenten met zowel", full_page=False
    )
