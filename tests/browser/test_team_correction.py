"""Issue 12 item 5: the community builder of Kronenburg corrects an asset the connector recorded. The correction
is saved, the community builder is not offered to delete it, and the buurt page and the change page show who
changed what and when, marked as a correction by someone other than the recorder. At phone and desktop width."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, look

pytestmark = pytest.mark.browser

KRONENBURG = "BU02021990"


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] + 1, f"the page scrolls sideways: {width}px"


@pytest.mark.parametrize(("viewport", "name"), [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_community_builder_corrects_the_connectors_asset(login, demo_server, screenshot_dir, viewport, name):
    recorded, corrected = f"Bankje bij het hofje ({name})", f"Bankje bij het speelhofje ({name})"

    # The connector records an asset.
    page = login("connector", viewport=viewport)
    page.goto(f"{demo_server}/buurten/{KRONENBURG}/krachten/nieuw/")
    look(page, screenshot_dir / f"correctie-kracht-nieuw-{name}.png", "Kracht toevoegen")
    page.get_by_label("Fysieke plek").check()
    page.get_by_label("Naam", exact=True).fill(recorded)
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("status")).to_contain_text(f"Opgeslagen: {recorded}.")
    look(page, screenshot_dir / f"correctie-connector-opgeslagen-{name}.png", f"Opgeslagen: {recorded}.")

    # The community builder of Kronenburg may correct it, not delete it.
    page = login("communitybuilder", viewport=viewport)
    page.goto(f"{demo_server}/buurten/{KRONENBURG}/")
    item = page.locator(".kvs-asset", has_text=recorded)
    expect(item.get_by_role("link", name=f"Wijzigen {recorded}")).to_be_visible()
    expect(item.get_by_role("link", name=f"Verwijderen {recorded}")).to_have_count(0)
    look(page, screenshot_dir / f"correctie-buurt-voor-{name}.png", "Wat hier sterk is: krachten")
    item.get_by_role("link", name=f"Wijzigen {recorded}").click()
    expect(page.get_by_role("heading", level=1, name="Kracht wijzigen")).to_be_visible()
    look(
        page,
        screenshot_dir / f"correctie-formulier-{name}.png",
        "Vastgelegd door",
        "Je past iets aan dat iemand anders vastlegde",
    )
    _no_sideways_scroll(page)
    page.get_by_label("Naam", exact=True).fill(corrected)
    page.get_by_label("Dit is een ontmoetingsplek").check()
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("status")).to_contain_text(f"Opgeslagen: {corrected}.")

    # The buurt page: the corrected asset, with its history to unfold.
    item = page.locator(".kvs-asset", has_text=corrected)
    history = item.locator("details.kvs-changes")
    expect(history.locator("summary")).to_contain_text("Wijzigingen (1)")
    history.locator("summary").click()
    expect(history).to_contain_text("aangepast door iemand anders dan wie het vastlegde")
    expect(history).to_contain_text(
        re.compile(rf"Naam: {re.escape(recorded)}\W+werd\W+{re.escape(corrected)}")
    )
    expect(history).to_contain_text("Ontmoetingsplek: nee")
    look(page, screenshot_dir / f"correctie-buurt-geschiedenis-{name}.png", corrected, shot=item)
    _no_sideways_scroll(page)

    # The change page shows the history as a section of its own.
    item.get_by_role("link", name=f"Wijzigen {corrected}").click()
    section = page.locator("section.kvs-changes")
    expect(section.get_by_role("heading", level=2, name="Wijzigingen")).to_be_visible()
    expect(section).to_contain_text(recorded)
    look(page, screenshot_dir / f"correctie-geschiedenis-{name}.png", "Wijzigingen", corrected)
    _no_sideways_scroll(page)

    # Deleting it stays with the connector: asked directly, the page says so.
    response = page.goto(page.url.replace("/wijzigen/", "/verwijderen/"))
    assert response is not None
    look(
        page,
        screenshot_dir / f"correctie-verwijderen-geweigerd-{name}.png",
        "Je kunt alleen verwijderen wat je zelf hebt vastgelegd.",
        status=403,
    )

    # An activity from the demo's history (nobody's account recorded it): the community builder corrects it
    # too; the activities table shows its history in the row.
    page.goto(f"{demo_server}/buurten/{KRONENBURG}/#activiteiten")
    row = page.locator("section.kvs-activities tbody tr").first
    title = row.locator("th").first.inner_text().split("\n")[0].strip()
    row.get_by_role("link", name=re.compile("^Wijzigen")).click()
    expect(page.get_by_role("heading", level=1, name="Activiteit wijzigen")).to_be_visible()
    page.get_by_label("Wat gebeurt er?").fill(f"Samen koffie, daarna een wandeling ({name}).")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("status")).to_contain_text(f"Opgeslagen: {title}.")
    row = page.locator("section.kvs-activities tbody tr", has_text=title).first
    history = row.locator("details.kvs-changes")
    expect(history.locator("summary")).to_contain_text(re.compile(r"Wijzigingen \(\d\)"))
    history.locator("summary").click()
    expect(history).to_contain_text(f"Samen koffie, daarna een wandeling ({name}).")
    expect(history).to_contain_text("aangepast door iemand anders dan wie het vastlegde")
    look(page, screenshot_dir / f"correctie-activiteit-{name}.png", title, shot=row)
    _no_sideways_scroll(page)

    # A relation, on the relations page: corrected there, its history in its row.
    page.goto(f"{demo_server}/buurten/{KRONENBURG}/relaties/")
    row = page.locator("tbody tr", has=page.get_by_role("link", name=re.compile("^Wijzigen"))).first
    who = row.locator("th").first.inner_text().split("\n")[0].strip()
    expect(row.get_by_role("link", name=re.compile("^Verwijderen"))).to_have_count(0)
    row.get_by_role("link", name=re.compile("^Wijzigen")).click()
    page.get_by_label("Notitie").fill(f"Ze kennen elkaar van de moestuin ({name}).")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("status")).to_contain_text("Opgeslagen:")
    page.goto(f"{demo_server}/buurten/{KRONENBURG}/relaties/")
    row = page.locator("tbody tr", has_text=who).first
    history = row.locator("details.kvs-changes")
    history.locator("summary").click()
    expect(history).to_contain_text(f"Ze kennen elkaar van de moestuin ({name}).")
    look(page, screenshot_dir / f"correctie-relatie-{name}.png", "Relaties", shot=row)
    look(page, screenshot_dir / f"correctie-relaties-{name}.png", "Relaties")
    _no_sideways_scroll(page)
