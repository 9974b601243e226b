"""Two researchers code one interview fragment: the first by keyboard and a mouse selection, the second blind
and differently; then the disagreement is settled and the outcome shows on the fragment as settled.
Screenshots at desktop (1280) and tablet (768) width."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import DESKTOP, healthy, look

pytestmark = pytest.mark.browser

KRONENBURG = "BU02021990"
TABLET = {"width": 768, "height": 1024}
ANSWER = "In de buurttuin 🌱 leerde ik mijn buren kennen. Nu drinken we elke week koffie samen."
TRANSCRIPT = f"""Interview werkbank

[00:00:05] Interviewer: Wat betekent de buurttuin voor jou?
[00:00:12] R: {ANSWER}
[00:00:30] Interviewer: En de gemeente?
[00:00:35] R: De gemeente gaf geld voor de kas, dat hielp echt.
"""


def _upload(page: Page, demo_server: str) -> None:
    page.goto(f"{demo_server}/documenten/{KRONENBURG}/nieuw/")
    page.get_by_label("Diepte-interview").check()
    page.get_by_label("Titel (mag leeg blijven)").fill("Interview werkbank")
    page.get_by_label("Of plak de tekst").fill(TRANSCRIPT)
    page.get_by_role("button", name="Verder: fragmenten bekijken").click()
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("heading", level=1, name="Interview werkbank")).to_be_visible()


def _select_with_mouse(page: Page, part: str) -> None:
    """Drag the mouse over ``part`` of the fragment's text, as a coder would."""
    box = page.evaluate(
        """(part) => {
            const text = document.getElementById("wb-text");
            const walker = document.createTreeWalker(text, NodeFilter.SHOW_TEXT);
            let node;
            while ((node = walker.nextNode())) {
                const at = node.data.indexOf(part);
                if (at < 0) continue;
                const range = document.createRange();
                range.setStart(node, at); range.setEnd(node, at + part.length);
                const rects = range.getClientRects();
                const first = rects[0], last = rects[rects.length - 1];
                return {x1: first.left + 1, y1: first.top + first.height / 2,
                        x2: last.right - 1, y2: last.top + last.height / 2};
            }
            return null;
        }""",
        part,
    )
    assert box is not None
    page.mouse.move(box["x1"], box["y1"])
    page.mouse.down()
    page.mouse.move(box["x2"], box["y2"], steps=8)
    page.mouse.up()


def test_two_coders_blind_then_settle(login, demo_server, screenshot_dir):
    page = login("researcher", viewport=DESKTOP)
    _upload(page, demo_server)

    # The queue, filtered to Kronenburg and interviews.
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Coderen").click()
    expect(page.get_by_role("heading", level=1, name="Coderen")).to_be_visible()
    page.get_by_text("Fragmenten filteren").click()
    page.get_by_label("Buurt").select_option(label="Kronenburg")
    page.get_by_label("Instrument").select_option(label="Diepte-interview")
    page.get_by_role("button", name="Tonen").click()
    expect(page.get_by_role("table")).to_contain_text("leerde ik mijn buren kennen")
    look(page, screenshot_dir / "coderen-lijst-desktop.png", "Coderen", "leerde ik mijn buren kennen")
    page.get_by_role("link", name=re.compile("leerde ik mijn buren kennen")).click()

    # Keyboard: / focuses the code filter, type, Enter gives the first code found.
    expect(page.get_by_role("heading", level=1, name="Fragment coderen")).to_be_visible()
    fragment_url = page.url.split("?")[0]
    main = page.locator("#wb-main")
    page.locator("body").press("/")
    expect(page.get_by_label("Code zoeken")).to_be_focused()
    page.keyboard.type("natuur")
    page.keyboard.press("Enter")
    expect(main.locator(".kvs-wb-coding")).to_have_count(1)
    expect(main).to_contain_text("Natuur en groen")
    expect(page.locator("#wb-live")).to_contain_text("Code gegeven: Natuur en groen")

    # Mouse: select a part of the text (after an emoji: offsets count code points), then click a code.
    _select_with_mouse(page, "mijn buren kennen")
    expect(page.locator("#wb-selection")).to_contain_text("mijn buren kennen")
    page.get_by_role("button", name="Contact tussen bewoners", exact=True).click()
    expect(main.locator(".kvs-wb-coding")).to_have_count(2)
    expect(main.locator("q.kvs-wb-coding__part")).to_have_text("mijn buren kennen")
    expect(main.locator("mark.kvs-wb-mark")).to_have_text("mijn buren kennen")
    look(page, screenshot_dir / "coderen-fragment-desktop.png", "Fragment coderen", "Contact tussen bewoners")

    # The second coder, blind, on a tablet: the first coder's codes stay hidden.
    other = login("researcher2", viewport=TABLET)
    other.goto(f"{demo_server}/coderen/")
    other.get_by_role("button", name="Blind coderen aanzetten").click()
    expect(other.get_by_text("Blind coderen aan: je ziet alleen je eigen codes")).to_be_visible()
    look(other, screenshot_dir / "coderen-lijst-blind-tablet.png", "Coderen", "Blind coderen aan")
    other.goto(fragment_url)
    other_main = other.locator("#wb-main")
    expect(other_main).to_contain_text("Je hebt nog geen code gegeven.")
    expect(other_main).not_to_contain_text("Natuur en groen")
    expect(other_main).not_to_contain_text("Contact tussen bewoners")
    expect(other_main.locator("mark")).to_have_count(0)
    other.locator("body").press("/")
    other.keyboard.type("onderling")
    other.keyboard.press("Enter")
    expect(other_main.locator(".kvs-wb-coding")).to_have_count(1)
    expect(other_main).to_contain_text("Onderling vertrouwen")
    look(
        other,
        screenshot_dir / "coderen-fragment-blind-tablet.png",
        "Fragment coderen",
        "Onderling vertrouwen",
    )
    other.get_by_role("button", name="Klaar").click()
    expect(other.get_by_role("heading", level=1)).to_be_visible()
    healthy(other)  # a heading alone could be the server's error page

    # Before settling, a code either coder gave counts: the buurtbeeld's evidence for trust lists the answer.
    trust = f"{demo_server}/rapporten/bewijs/{KRONENBURG}/2025/?n=effect:effect.individual.trust:2025"
    page.goto(trust)
    expect(page.locator("main")).to_contain_text("leerde ik mijn buren kennen")
    healthy(page, "Terug naar het Buurtbeeld")

    # Agreement between the two researchers on Kronenburg's interviews, with the fragments behind it.
    page.goto(f"{demo_server}/coderen/overeenstemming/")
    healthy(page, "Overeenstemming tussen codeurs")
    page.get_by_label("Buurt").select_option(label="Kronenburg")
    page.get_by_label("Instrument").select_option(label="Diepte-interview")
    page.get_by_role("button", name="Bereken de overeenstemming").click()
    expect(page.locator("main")).to_contain_text("Krippendorff")
    expect(page.locator("main")).to_contain_text("Cohen")
    expect(page.locator("main")).to_contain_text("AC1")
    expect(page.locator("main")).to_contain_text(re.compile(r"Berekend over \d+ fragment"))
    look(
        page,
        screenshot_dir / "coderen-overeenstemming-interviews-desktop.png",
        "Overeenstemming tussen codeurs",
    )

    # The disagreement, discussed and settled by the first coder.
    page.goto(f"{demo_server}/coderen/verschillen/")
    expect(page.get_by_role("heading", level=1, name="Verschillen tussen codeurs")).to_be_visible()
    page.get_by_role("link", name=re.compile("leerde ik mijn buren kennen")).click()
    expect(page.get_by_role("heading", level=1, name="Een verschil beslissen")).to_be_visible()
    expect(page.locator(".kvs-wb-coder")).to_have_count(2)
    expect(page.locator(".kvs-wb-coders")).to_contain_text("Onderling vertrouwen")
    page.get_by_label("Natuur en groen").check()
    extra = page.locator("select[name='extra']")
    extra.select_option(value=extra.locator("option", has_text="Zelfvertrouwen").first.get_attribute("value"))
    page.get_by_label("Memo over het besluit").fill("Samen besproken: het gaat om de tuin.")
    look(page, screenshot_dir / "coderen-beslissen-desktop.png", "Een verschil beslissen", "Vastleggen")
    page.get_by_role("button", name="Vastleggen").click()
    expect(page.get_by_role("status").filter(has_text="Vastgelegd")).to_be_visible()
    expect(page.get_by_role("button", name="Opnieuw bespreken")).to_be_visible()

    page.goto(fragment_url)
    settled = page.locator(".kvs-wb-coding--settled")
    expect(settled).to_have_count(2)
    expect(settled.filter(has_text="Natuur en groen")).to_contain_text("vastgelegd")
    expect(settled.filter(has_text="Zelfvertrouwen")).to_contain_text("vastgelegd")
    page.set_viewport_size(TABLET)
    look(page, screenshot_dir / "coderen-fragment-vastgelegd-tablet.png", "Fragment coderen", "vastgelegd")

    # The buurtbeeld follows the settled outcome: the answer is no longer evidence of trust (only the second
    # coder saw it), and now is of self-confidence (which the two decided together).
    page.goto(trust)
    healthy(page, "Terug naar het Buurtbeeld", "Fragmenten over")  # the evidence page, not an error page
    expect(page.locator("main")).not_to_contain_text("leerde ik mijn buren kennen")
    page.goto(trust.replace("effect.individual.trust", "effect.individual.confidence"))
    expect(page.locator("main")).to_contain_text("leerde ik mijn buren kennen")
