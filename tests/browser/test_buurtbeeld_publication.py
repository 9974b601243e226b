"""Residents' voice in the loop (issue 12, item 4), in the browser: the community builder of Kronenburg writes down
what the team will do next (Pas-op-de-plaats), finds it in the Buurtbeeld's learning log, and takes the Buurtbeeld
out: draft → residents' comments → checked → published. A published version stays as it was; the PDF says which
version it is."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, healthy, look

pytestmark = pytest.mark.browser

KRONENBURG = "BU02021990"
NEXT_STEP = "We vragen de jongeren van het trapveldje zelf wat ze willen."
LATER_STEP = "We zoeken samen met de jongeren een plek voor een bankje."
COMMENT = "De moestuin aan de Lindestraat ontbreekt bij de krachten."


def test_the_community_builder_takes_the_buurtbeeld_out_only_after_residents_checked_it(
    login, demo_server, screenshot_dir
):
    page = login("communitybuilder", viewport=PHONE)

    # What the team will do next: a Pas-op-de-plaats conversation, sent in.
    page.goto(f"{demo_server}/instrumenten/pas_op_de_plaats/{KRONENBURG}/")
    healthy(page, "Pas-op-de-plaats-gesprek")
    page.get_by_label("Datum van het gesprek").fill("2025-05-14")
    page.get_by_label("Wat hebben we gedaan?").fill("Een buurtmaaltijd en een schoonmaakactie.")
    page.get_by_label("Wat doen we nu?").fill(NEXT_STEP)
    page.get_by_role("button", name="Versturen").click()
    expect(page.get_by_text("Dank je wel. Je antwoorden zijn bewaard.")).to_be_visible()

    # The live Buurtbeeld: not checked yet, with the learning log.
    page.goto(f"{demo_server}/rapporten/buurtbeeld/{KRONENBURG}/")
    state = page.get_by_test_id("publication")
    expect(state).to_contain_text("Nog niet nagekeken")
    log = page.get_by_test_id("learning-log")
    expect(log.get_by_role("heading", name="Leerlog: wat doen we nu?")).to_be_visible()
    expect(log).to_contain_text("14 mei 2025")
    expect(log).to_contain_text(NEXT_STEP)
    expect(log.get_by_test_id("learning-log-n")).to_contain_text(re.compile(r"n = \d+ gesprek"))
    look(page, screenshot_dir / "buurtbeeld-learning-log-phone.png", "Leerlog: wat doen we nu?", shot=log)
    look(page, screenshot_dir / "buurtbeeld-not-checked-phone.png", "Nog niet nagekeken", shot=state)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # nothing sticks out

    # Draft: no way to publish it yet.
    state.get_by_role("button", name="Begin met nakijken met bewoners").click()
    expect(page.get_by_text("Versie 1 is begonnen als concept.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("versie 1")
    expect(page.get_by_role("button", name=re.compile("Publiceer"))).to_have_count(0)
    expect(page.get_by_text("Pas daarna kan het gepubliceerd worden.")).to_be_visible()
    expect(page.get_by_test_id("comment-count")).to_have_text("Geen opmerkingen opgeschreven (n = 0).")
    look(page, screenshot_dir / "buurtbeeld-version-draft-phone.png", "Concept", "Wat bewoners zeiden")

    # What residents said, and the correction made.
    page.get_by_label("Een opmerking van bewoners").fill(COMMENT)
    page.get_by_role("button", name="Schrijf de opmerking op").click()
    expect(page.get_by_text("De opmerking is opgeschreven.")).to_be_visible()
    expect(page.get_by_test_id("comment")).to_contain_text(COMMENT)
    expect(page.get_by_test_id("comment-count")).to_have_text("1 opmerking, 0 leidde tot een verbetering")
    page.get_by_role("button", name="Markeer als verbeterd").click()
    expect(page.get_by_test_id("comment-count")).to_have_text("1 opmerking, 1 leidde tot een verbetering")
    expect(page.get_by_test_id("comment")).to_contain_text("verbeterd")

    # The live page now says a draft is on its way.
    page.goto(f"{demo_server}/rapporten/buurtbeeld/{KRONENBURG}/")
    expect(page.get_by_test_id("publication-state")).to_contain_text(
        "Versie 1 wordt met bewoners doorgelopen"
    )
    page.get_by_role("link", name="Open versie 1: opmerkingen en volgende stap").click()

    # Checked: fixed as it is.
    page.get_by_label("Hoe is het nagekeken?").fill("Bewonersavond in het buurthuis, 14 mei, 9 bewoners.")
    page.get_by_role("button", name="Markeer als nagekeken").click()
    expect(page.get_by_text("Nagekeken met bewoners. Deze versie ligt nu vast")).to_be_visible()
    frozen = page.get_by_test_id("frozen-content")
    expect(frozen.get_by_role("heading", level=1, name=re.compile("Kronenburg"))).to_be_visible()
    expect(frozen).to_contain_text(NEXT_STEP)
    expect(page.get_by_label("Een opmerking van bewoners")).to_have_count(0)  # no more comments
    look(
        page,
        screenshot_dir / "buurtbeeld-version-checked-phone.png",
        "Nagekeken met bewoners",
        full_page=False,
    )

    # Published, exactly as checked.
    page.get_by_role("button", name="Publiceer versie 1").click()
    expect(page.get_by_text("Gepubliceerd. Deze versie blijft precies zoals hij nu is.")).to_be_visible()
    expect(page.get_by_test_id("version-status")).to_contain_text("Gepubliceerd")
    expect(page.get_by_role("button", name=re.compile("Publiceer"))).to_have_count(0)
    look(
        page,
        screenshot_dir / "buurtbeeld-version-published-phone.png",
        "Gepubliceerd",
        "Hoe het is nagekeken:",
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.set_viewport_size(DESKTOP)
    look(page, screenshot_dir / "buurtbeeld-version-published-desktop.png", "Gepubliceerd")

    # The PDF of the published version says which version it is.
    pdf_url = page.get_by_test_id("version-pdf-link").get_attribute("href")
    response = page.request.get(f"{demo_server}{pdf_url}")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    (screenshot_dir / "buurtbeeld-version-1.pdf").write_bytes(response.body())

    # Back on the live Buurtbeeld: the same as version 1, which it links.
    page.goto(f"{demo_server}/rapporten/buurtbeeld/{KRONENBURG}/")
    expect(page.get_by_test_id("publication-state")).to_contain_text(
        "Wat u hier ziet is gelijk aan gepubliceerde versie 1."
    )
    expect(page.get_by_role("button", name="Begin een nieuwe versie met bewoners")).to_have_count(0)
    look(page, screenshot_dir / "buurtbeeld-published-state-desktop.png", "Gepubliceerde versies:",
         shot=page.get_by_test_id("publication"))  # fmt: skip
    page.get_by_test_id("publication").get_by_role("link", name=re.compile(r"versie 1 \(")).click()
    healthy(page, "Versie 1 zoals hij is vastgelegd")

    # The programme synthesis keeps the same learning log, each line with its buurt.
    page.goto(f"{demo_server}/")
    page.get_by_role("link", name=re.compile("^Programmasynthese")).first.click()
    log = page.get_by_test_id("learning-log")
    expect(log).to_contain_text(f"Kronenburg: {NEXT_STEP}")
    look(
        page,
        screenshot_dir / "programmasynthese-learning-log-desktop.png",
        "Leerlog: wat doen we nu?",
        shot=log,
    )
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    look(
        page,
        screenshot_dir / "programmasynthese-learning-log-phone.png",
        "Leerlog: wat doen we nu?",
        shot=log,
    )

    # New data after publication: version 1 stays as it was; a new version starts from today's data.
    page.goto(f"{demo_server}/instrumenten/pas_op_de_plaats/{KRONENBURG}/")
    page.get_by_label("Datum van het gesprek").fill("2025-09-02")
    page.get_by_label("Wat hebben we gedaan?").fill("Het trapveldje opgeknapt met de jongeren.")
    page.get_by_label("Wat doen we nu?").fill(LATER_STEP)
    page.get_by_role("button", name="Versturen").click()
    expect(page.get_by_text("Dank je wel. Je antwoorden zijn bewaard.")).to_be_visible()
    page.goto(f"{demo_server}/rapporten/buurtbeeld/{KRONENBURG}/")
    state = page.get_by_test_id("publication")
    expect(state).to_contain_text("De gegevens zijn veranderd sinds versie 1 gepubliceerd werd")
    look(page, screenshot_dir / "buurtbeeld-changed-since-published-phone.png", "veranderd", shot=state)
    state.get_by_role("button", name="Begin een nieuwe versie met bewoners").click()
    expect(page.get_by_text("Versie 2 is begonnen als concept.")).to_be_visible()
    page.get_by_role("link", name="Versie 1", exact=True).click()
    frozen = page.get_by_test_id("frozen-content")
    expect(frozen).to_contain_text(NEXT_STEP)
    expect(frozen).not_to_contain_text(LATER_STEP)  # published as it was
    healthy(page, "Gepubliceerd")


def test_a_connector_reads_a_version_but_does_not_check_or_publish_it(login, demo_server, screenshot_dir):
    page = login("connector", viewport=PHONE)
    page.goto(f"{demo_server}/rapporten/buurtbeeld/{KRONENBURG}/")
    healthy(page, "Nagekeken met de buurt?")
    expect(page.get_by_role("button", name=re.compile("Begin"))).to_have_count(0)
