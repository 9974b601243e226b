"""Instruments on a phone: a Wijkwaardenkaart conversation into the praatplaat, a draft that survives."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, healthy, look

pytestmark = pytest.mark.browser

KRONENBURG = "BU02021990"


def test_connector_holds_a_conversation_on_a_phone_and_finds_it_on_the_praatplaat(
    login, browser, demo_server, screenshot_dir
):
    page = login("connector")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Instrumenten").click()
    expect(page.get_by_role("heading", level=1, name="Instrumenten")).to_be_visible()
    look(page, screenshot_dir / "instruments-home-phone.png", "Instrumenten", "Invullen voor Kronenburg")
    page.get_by_role("link", name="Invullen voor Kronenburg").nth(2).click()
    expect(page.get_by_role("heading", level=1, name="Wijkwaardenkaart-gesprek")).to_be_visible()
    expect(page.get_by_text("Zo begin je:")).to_be_visible()  # guidance inside the instrument

    page.get_by_label("Wat vind je waardevol in deze buurt?").fill(
        "De bankjes bij het water. Daar zit ik elke middag met de buurvrouwen."
    )
    page.get_by_label("Wat maakt het moeilijk?").fill("Er wordt hard gereden langs het water.")
    # The pseudonym is only asked once the resident agreed to keep the story.
    pseudonym = page.get_by_label("Schuilnaam van de bewoner")
    expect(pseudonym).to_be_hidden()
    page.get_by_text("Gebruiken en citeren, zonder naam").click()
    expect(pseudonym).to_be_visible()
    pseudonym.fill("Waterkant")
    page.get_by_role("button", name="Versturen").click()
    # Forgot the themes: a Dutch message, nothing lost.
    expect(page.get_by_role("alert")).to_contain_text("Kies er minstens één.")
    expect(page.get_by_label("Schuilnaam van de bewoner")).to_have_value("Waterkant")
    look(
        page,
        screenshot_dir / "instruments-conversation-error-phone.png",
        "Wijkwaardenkaart-gesprek",
        status=400,
    )
    page.get_by_label("Natuur en groen").check()
    page.get_by_label("Sociaal contact").check()
    page.get_by_role("button", name="Versturen").click()

    expect(page.get_by_text("Dank je wel. Je antwoorden zijn bewaard.")).to_be_visible()
    expect(page.get_by_role("heading", name="Dit werd 2 fragmenten om te coderen")).to_be_visible()
    look(
        page,
        screenshot_dir / "instruments-conversation-sent-phone.png",
        "Dank je wel. Je antwoorden zijn bewaard.",
    )

    # A personal code for the resident's card: shown once.
    page.get_by_role("button", name="Maak een persoonlijke code").click()
    expect(page.get_by_role("heading", level=1, name="Persoonlijke code")).to_be_visible()
    code = page.locator(".kvs-personal-code").inner_text()
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}", code)
    look(page, screenshot_dir / "personal-code-card-phone.png", "Persoonlijke code", code)
    page.go_back()

    page.get_by_role("link", name="Bekijk de praatplaat").click()
    expect(page.get_by_role("heading", level=1, name="Praatplaat van Kronenburg")).to_be_visible()
    look(page, screenshot_dir / "praatplaat-phone.png", "Praatplaat van Kronenburg", "Natuur en groen")
    page.locator(".kvs-plate__bubble", has_text="Natuur en groen").click()
    stories = page.locator("#verhalen")
    # Consent alone does not put the words on a screen with residents: nobody reviewed them yet.
    expect(stories.get_by_text("De bankjes bij het water.")).to_have_count(0)
    page.get_by_role(
        "link", name="Toon ook interne verhalen (alleen voor het team, niet op een scherm met bewoners)"
    ).click()
    expect(stories.get_by_text("De bankjes bij het water.")).to_be_visible()
    expect(stories.locator(".kvs-fragment--hinders", has_text="hard gereden")).to_contain_text("Wat hindert")
    look(
        page,
        screenshot_dir / "praatplaat-theme-phone.png",
        "Praatplaat van Kronenburg",
        "De bankjes bij het water.",
    )

    # The resident, at home on their own phone, opens what was written down with the code from the card.
    home = browser.new_context(viewport=PHONE, locale="nl-NL").new_page()
    home.goto(f"{demo_server}/mijn-gegevens/")
    home.get_by_label("Je persoonlijke code").fill(code.lower())
    home.get_by_role("button", name="Open mijn gegevens").click()
    expect(home.get_by_role("heading", level=1, name="Wat we over je hebben opgeschreven")).to_be_visible()
    expect(home.get_by_text("Waterkant")).to_be_visible()
    words = home.get_by_label("Jouw woorden (je mag ze verbeteren)").first
    expect(words).to_have_value(re.compile("bankjes bij het water|hard gereden"))
    look(home, screenshot_dir / "my-data-phone.png", "Wat we over je hebben opgeschreven", "Waterkant")
    home.get_by_role("button", name="Citeer mij niet meer").click()
    expect(home.get_by_text("Vanaf nu citeren we niets meer van wat je zei.")).to_be_visible()
    expect(home.get_by_text("We citeren je niet.")).to_be_visible()
    home.context.close()


def test_a_questionnaire_draft_survives_closing_the_browser_tab(login, demo_server, screenshot_dir):
    page = login("communitybuilder", DESKTOP)
    context = page.context
    page.goto(f"{demo_server}/instrumenten/vragenlijst/{KRONENBURG}/")
    group = page.get_by_role("group", name="Bewoners hadden de regie.")
    group.get_by_text("4", exact=True).click()
    page.get_by_label("Een voorbeeld daarvan?").first.fill("De buurtmaaltijd is door bewoners zelf bedacht.")
    look(page, screenshot_dir / "questionnaire-desktop.png", "Bewoners hadden de regie.")
    page.close()  # no "save", no "send": the tab is simply closed

    again = context.new_page()
    again.goto(f"{demo_server}/instrumenten/vragenlijst/{KRONENBURG}/")
    expect(again.get_by_role("status").filter(has_text="teruggezet")).to_be_visible()
    expect(
        again.get_by_role("group", name="Bewoners hadden de regie.").get_by_role("radio", name="4")
    ).to_be_checked()
    expect(again.get_by_label("Een voorbeeld daarvan?").first).to_have_value(
        "De buurtmaaltijd is door bewoners zelf bedacht."
    )
    again.set_viewport_size(PHONE)  # the same questionnaire on a phone
    look(again, screenshot_dir / "questionnaire-phone.png", "Bewoners hadden de regie.", "teruggezet")


def test_community_builder_does_the_buurtscan_on_a_phone_and_the_asset_appears_on_the_map(
    login, demo_server, screenshot_dir
):
    page = login("communitybuilder")
    page.goto(f"{demo_server}/instrumenten/buurtscan/{KRONENBURG}/")
    expect(page.get_by_role("heading", level=1, name="Buurtscan")).to_be_visible()
    # Counting next to telling: the CBS figures stand above the inventory.
    expect(page.get_by_role("heading", name="Tellen: cijfers van het CBS")).to_be_visible()

    assets = page.get_by_role("group", name="Wat is sterk in de buurt?")
    assets.get_by_role("group", name="Soort").first.get_by_text("Plek of gebouw").click()
    assets.get_by_label("Naam").first.fill("Moestuin De Kolk")
    assets.get_by_role("group", name="Is het een ontmoetingsplek?").first.get_by_text("Ja").click()
    factors = page.get_by_role("group", name="Wat helpt of hindert het werk in de buurt?")
    factors.get_by_text("Fysiek", exact=True).first.click()
    factors.get_by_role("group", name="Helpt of hindert het?").first.get_by_text("Het hindert").click()
    factors.get_by_label("Wat is het?").first.fill("De brug is al een jaar dicht.")
    look(page, screenshot_dir / "buurtscan-phone.png", "Buurtscan", "Wat is sterk in de buurt?")
    page.get_by_role("button", name="Versturen").click()

    expect(page.get_by_text("Dank je wel. Je antwoorden zijn bewaard.")).to_be_visible()
    look(page, screenshot_dir / "buurtscan-sent-phone.png", "Dank je wel. Je antwoorden zijn bewaard.")
    page.goto(f"{demo_server}/buurten/{KRONENBURG}/")
    expect(page.get_by_text("Moestuin De Kolk").first).to_be_visible()
    healthy(page, "Wat hier sterk is: krachten")


def test_a_pause_and_reflect_conversation_in_ten_minutes_on_a_phone(login, demo_server, screenshot_dir):
    page = login("communitybuilder")
    page.goto(f"{demo_server}/instrumenten/pas_op_de_plaats/{KRONENBURG}/")
    expect(page.get_by_role("heading", level=1, name="Pas-op-de-plaats-gesprek")).to_be_visible()
    page.get_by_role("button", name="Versturen").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Vul dit in."
    )  # "what did we do" is the one required answer
    page.get_by_label("Wat hebben we gedaan?").fill("Drie buurtmaaltijden, door bewoners gekookt.")
    page.get_by_label("Wat hinderde?").fill("De zaal was twee keer dubbel geboekt.")
    page.get_by_role("button", name="Versturen").click()
    expect(page.get_by_text("Dank je wel. Je antwoorden zijn bewaard.")).to_be_visible()
    expect(page.get_by_role("heading", name="Dit werd 2 fragmenten om te coderen")).to_be_visible()
    look(page, screenshot_dir / "pas-op-de-plaats-sent-phone.png", "Dank je wel. Je antwoorden zijn bewaard.")
