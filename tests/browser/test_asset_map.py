"""A connector on a phone adds a meeting place, an activity there, and a relation that activity led to;
then sees all three on the neighbourhood page (asset map, activities, network picture)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, look

pytestmark = pytest.mark.browser

KRONENBURG = "BU02021990"
PLACE = "Buurtkamer De Kroon"
ACTIVITY = "Koffie in de Buurtkamer"
NEWCOMER = "Buurvrouw met de hond"


def test_connector_records_place_activity_and_relation_on_a_phone(login, demo_server, screenshot_dir):
    page = login("connector")
    page.goto(f"{demo_server}/buurten/{KRONENBURG}/")
    assets = page.locator("section.kvs-assets")
    places_before = int(assets.locator('[data-category="place"]').get_attribute("data-count"))

    # 1. A meeting place. First an empty form: clear Dutch messages, nothing saved.
    page.get_by_role("link", name="Kracht toevoegen").click()
    expect(page.get_by_role("heading", level=1, name="Kracht toevoegen")).to_be_visible()
    page.get_by_role("button", name="Opslaan").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Nog niet opgeslagen")
    expect(summary).to_contain_text("Kies wat voor kracht het is.")
    expect(summary).to_contain_text("Vul een naam in.")
    look(page, screenshot_dir / "kracht-fout-phone.png", "Kracht toevoegen", "Vul een naam in.", status=400)
    page.get_by_label("Fysieke plek").check()
    page.get_by_label("Naam", exact=True).fill(PLACE)
    page.get_by_label("Beschrijving").fill("Een kamer in de flat waar buren koffie drinken.")
    page.get_by_label("Dit is een ontmoetingsplek").check()
    look(page, screenshot_dir / "kracht-toevoegen-phone.png", "Kracht toevoegen", status=400)
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("status")).to_contain_text(f"Opgeslagen: {PLACE}.")
    mine = page.locator(".kvs-asset", has_text=PLACE)
    expect(mine).to_contain_text("ontmoetingsplek")
    expect(
        mine.get_by_role("link", name=f"Wijzigen {PLACE}")
    ).to_be_visible()  # what I recorded, I may change
    expect(page.locator('.kvs-map__svg [data-category="place"]')).to_have_attribute(
        "data-count", str(places_before + 1)
    )
    look(
        page,
        screenshot_dir / "krachtenkaart-phone.png",
        "Wat hier sterk is: krachten",
        shot=page.locator(".kvs-map__figure"),
    )

    # 2. An activity at that place. Fewer participants in total than ticked is refused.
    page.get_by_role("link", name="Activiteit toevoegen").click()
    page.get_by_label("Naam van de activiteit").fill(ACTIVITY)
    page.get_by_label("Bewoners bedachten het en organiseren het.").check()
    page.get_by_label("Waar is het?").select_option(label=PLACE)
    participants = page.locator("#id_participants input[type=checkbox]")
    participants.nth(0).check()
    participants.nth(1).check()
    participants.nth(2).check()
    page.get_by_label("Hoeveel mensen deden er in totaal mee?").fill("2")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Het totaal aantal deelnemers (2) is kleiner dan het aantal aangevinkte mensen (3)."
    )
    look(page, screenshot_dir / "activiteit-fout-phone.png", "Activiteit toevoegen", status=400)
    page.get_by_label("Hoeveel mensen deden er in totaal mee?").fill("14")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("status")).to_contain_text(f"Opgeslagen: {ACTIVITY}.")
    row = page.locator("section.kvs-activities tr", has_text=ACTIVITY)
    expect(row).to_contain_text(PLACE)
    expect(row).to_contain_text("14")

    # 3. A relation: someone from the list, and a newcomer added by pseudonym; the activity is the haakje.
    page.get_by_role("link", name="Relatie toevoegen").click()
    who = page.get_by_label("Wie?", exact=True)
    who.select_option(index=1)
    known = who.locator("option:checked").inner_text()
    target_new = page.locator("details", has=page.locator("#id_target_new_pseudonym"))
    target_new.locator("summary").click()
    page.locator("#id_target_new_pseudonym").fill(NEWCOMER)
    target_new.get_by_label("Deze persoon vindt het goed om mee te doen").check()
    page.get_by_label("Tussen verschillende groepen").check()
    page.get_by_label("Ja, ze leerden elkaar dit jaar kennen").check()
    page.get_by_label("Een activiteit").select_option(label=f"{ACTIVITY} (2025)")
    look(
        page,
        screenshot_dir / "relatie-toevoegen-phone.png",
        "Relatie toevoegen",
        "Tussen verschillende groepen",
    )
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("status")).to_contain_text(f"Opgeslagen: {known} en {NEWCOMER}.")

    network = page.locator("section.kvs-network")
    expect(network.get_by_role("heading", name="Wie kent wie: het netwerk")).to_be_visible()
    new_tie = network.locator('line[data-new="true"][data-kind="bridging"] title', has_text=NEWCOMER)
    expect(new_tie).to_have_count(1)
    expect(new_tie).to_have_text(
        re.compile(f"{re.escape(known)} — {NEWCOMER}|{NEWCOMER} — {re.escape(known)}")
    )
    network.scroll_into_view_if_needed()
    look(page, screenshot_dir / "netwerk-phone.png", "Wie kent wie: het netwerk", shot=network)
    look(page, screenshot_dir / "buurt-na-invoer-phone.png", PLACE, ACTIVITY)

    # The list of the year's relations names the haakje.
    network.get_by_role("link", name="Alle relaties van 2025").click()
    row = page.locator("tr", has_text=NEWCOMER)
    expect(row).to_contain_text(ACTIVITY)
    expect(row).to_contain_text("nieuw")
    look(page, screenshot_dir / "relaties-phone.png", "Relaties in 2025", NEWCOMER)


def test_asset_map_and_network_at_desktop_width(login, demo_server, screenshot_dir):
    page = login("communitybuilder", viewport=DESKTOP)
    page.goto(f"{demo_server}/buurten/{KRONENBURG}/")
    expect(page.get_by_role("heading", name="Wat hier sterk is: krachten")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Krachtenkaart"))).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Netwerkplaat"))).to_be_visible()
    look(
        page,
        screenshot_dir / "krachtenkaart-desktop.png",
        "Wat hier sterk is: krachten",
        shot=page.locator("section.kvs-assets"),
    )
    look(
        page,
        screenshot_dir / "netwerk-desktop.png",
        "Wie kent wie: het netwerk",
        shot=page.locator("section.kvs-network"),
    )
    page.get_by_role("link", name=re.compile("Alle relaties van")).click()
    expect(page.get_by_role("heading", level=1, name=re.compile("Relaties in"))).to_be_visible()
    look(page, screenshot_dir / "relaties-desktop.png", re.compile("Relaties in"))
    page.goto(f"{demo_server}/buurten/{KRONENBURG}/relaties/nieuw/")
    look(page, screenshot_dir / "relatie-toevoegen-desktop.png", "Relatie toevoegen", "Wie?")
