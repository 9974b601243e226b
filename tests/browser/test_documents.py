"""A community builder on a phone pastes an interview transcript, checks the fragments, saves, and finds
them on the document page and the neighbourhood page; a wrong file gets a Dutch message."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, healthy, look

pytestmark = pytest.mark.browser

KRONENBURG = "BU02021990"

TRANSCRIPT = """Interview met een bewoner van Kronenburg

[00:00:10] Interviewer: Hoe lang woon je al in Kronenburg?
[00:00:16] R: Bijna dertig jaar. Vroeger kende ik alleen mijn directe buren.
[00:00:31] Interviewer: Wat is er veranderd?
[00:00:35] R: Sinds de moestuin bij het buurthuis praat ik met veel meer mensen. Marja, die de tuin begon, nodigde mij gewoon uit.
[00:01:02] Marja (buurtverbinder): Ik vroeg iedereen die langsliep of ze wilden helpen.
[00:01:10] R: En nu help ik zelf anderen op weg.
"""


def test_paste_transcript_preview_save_and_see_fragments_on_a_phone(login, demo_server, screenshot_dir):
    page = login("communitybuilder", viewport=PHONE)
    page.goto(f"{demo_server}/buurten/{KRONENBURG}/")
    section = page.locator("section", has=page.get_by_role("heading", name="Verslagen en transcripten"))
    expect(section).to_be_visible()
    section.get_by_role("link", name="Verslag of transcript toevoegen").click()

    expect(page.get_by_role("heading", level=1, name="Verslag of transcript toevoegen")).to_be_visible()
    page.get_by_label("Diepte-interview").check()
    page.get_by_label("Titel (mag leeg blijven)").fill("Interview bewoner moestuin")
    page.get_by_label("Of plak de tekst").fill(TRANSCRIPT)
    look(page, screenshot_dir / "documenten-toevoegen-phone.png", "Verslag of transcript toevoegen")
    page.get_by_role("button", name="Verder: fragmenten bekijken").click()

    expect(page.get_by_role("heading", level=1, name="Fragmenten bekijken")).to_be_visible()
    expect(page.get_by_text("7 fragmenten gevonden")).to_be_visible()
    # The name used as a speaker label is shown to the uploader with what will be stored instead.
    expect(page.get_by_text("bewaard als Spreker 1")).to_be_visible()
    expect(page.locator(".kvs-doc-piece")).to_have_count(7)
    expect(page.locator(".kvs-doc-piece").nth(2)).to_contain_text("Bijna dertig jaar.")
    expect(page.get_by_label(re.compile("^Interviewer"))).to_have_value("professional")
    expect(page.get_by_label(re.compile("^R$"))).to_have_value("resident")
    page.get_by_label(re.compile("^Tekst zonder spreker")).select_option("professional")
    look(
        page,
        screenshot_dir / "documenten-voorvertoning-phone.png",
        "Fragmenten bekijken",
        "7 fragmenten gevonden",
    )
    page.get_by_role("button", name="Opslaan").click()

    expect(page.get_by_role("heading", level=1, name="Interview bewoner moestuin")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Opgeslagen: 7 fragmenten.")).to_be_visible()
    fragments = page.locator(".kvs-doc-fragments > li")
    expect(fragments).to_have_count(7)
    expect(fragments.nth(4)).to_contain_text("[Spreker 1], die de tuin begon")
    expect(page.locator("main")).not_to_contain_text("Marja")
    look(
        page,
        screenshot_dir / "documenten-document-phone.png",
        "Interview bewoner moestuin",
        "Opgeslagen: 7 fragmenten.",
    )

    page.get_by_role("link", name="Naar de buurtpagina").click()
    section = page.locator("section", has=page.get_by_role("heading", name="Verslagen en transcripten"))
    expect(section.get_by_role("link", name="Interview bewoner moestuin")).to_be_visible()
    expect(section).to_contain_text("7 fragmenten")
    expect(page.locator(".kvs-fragment", has_text="En nu help ik zelf anderen op weg.")).to_be_visible()
    look(page, screenshot_dir / "documenten-buurtpagina-phone.png", "Verslagen en transcripten", shot=section)

    # The same text again is recognised.
    page.goto(f"{demo_server}/documenten/{KRONENBURG}/nieuw/")
    page.get_by_label("Diepte-interview").check()
    page.get_by_label("Of plak de tekst").fill(TRANSCRIPT)
    page.get_by_role("button", name="Verder: fragmenten bekijken").click()
    expect(page.get_by_role("alert")).to_contain_text("Dit document is al geüploaded op")
    healthy(page, "Verslag of transcript toevoegen", status=400)


def test_wrong_file_gets_a_dutch_message_and_delete_asks_first(login, demo_server, screenshot_dir):
    page = login("communitybuilder", viewport=DESKTOP)
    page.goto(f"{demo_server}/documenten/{KRONENBURG}/nieuw/")
    page.get_by_label("Reflectiesessie").check()
    page.get_by_label("Bestand").set_input_files(
        files=[
            {
                "name": "verslag.odt",
                "mimeType": "application/vnd.oasis.opendocument.text",
                "buffer": b"PK\x03\x04",
            }
        ]
    )
    page.get_by_role("button", name="Verder: fragmenten bekijken").click()
    expect(page.get_by_role("alert")).to_have_text(
        re.compile("Dit soort bestand kunnen we niet lezen. Kies een .txt-, .docx- of .pdf-bestand.")
    )
    expect(page.get_by_label("Reflectiesessie")).to_be_checked()
    look(page, screenshot_dir / "documenten-fout-desktop.png", "Verslag of transcript toevoegen", status=400)

    notes = (
        "Reflectiesessie voorjaar\n\nWe keken terug op de koffieochtenden. Er komen nu vaste bezoekers "
        "die ook zelf dingen organiseren.\n\nVolgende keer willen we de jongeren uitnodigen, want die "
        "missen we nog bij bijna alles wat er in de buurt gebeurt."
    )
    page.get_by_label("Bestand").set_input_files(
        files=[{"name": "reflectie.txt", "mimeType": "text/plain", "buffer": notes.encode("utf-8")}]
    )
    page.get_by_role("button", name="Verder: fragmenten bekijken").click()
    expect(page.get_by_text("2 fragmenten gevonden")).to_be_visible()
    expect(page.get_by_text("Geen sprekers gevonden: gesplitst per alinea.")).to_be_visible()
    look(page, screenshot_dir / "documenten-voorvertoning-desktop.png", "Fragmenten bekijken")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("heading", level=1, name="reflectie")).to_be_visible()

    page.get_by_role("link", name="Dit document verwijderen").click()
    expect(page.get_by_text("Hiermee verwijder je „reflectie” en de 2 fragmenten.")).to_be_visible()
    look(page, screenshot_dir / "documenten-verwijderen-desktop.png", "Ja, verwijderen")
    page.get_by_role("button", name="Ja, verwijderen").click()
    expect(page.get_by_role("status").filter(has_text="zijn verwijderd")).to_be_visible()
    expect(page.get_by_role("link", name="reflectie")).to_have_count(0)
    healthy(page, "Verslagen en transcripten")
