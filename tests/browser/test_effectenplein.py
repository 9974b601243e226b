"""The Effectenplein in the browser: the facilitator opens a meeting on a laptop, residents join on their
phones with the code, post and recognise stories, vote; the projector view follows without a reload."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, healthy, look

pytestmark = pytest.mark.browser

KRONENBURG = "BU02021990"
SPAM = "Koop nu goedkope zonnebrillen op www.voorbeeld.nl, 80% korting!"
STORY = "Sinds de buurtlunch groet ik mijn buren bij naam en drinken we soms samen koffie."


def _phone(browser, demo_server):
    context = browser.new_context(viewport=PHONE, locale="nl-NL", is_mobile=True, has_touch=True)
    return context, context.new_page()


def test_a_live_meeting_from_phone_to_projector(login, browser, demo_server, screenshot_dir):
    # The facilitator opens a meeting from the neighbourhood page, on a laptop.
    laptop = login("communitybuilder", viewport=DESKTOP)
    laptop.goto(f"{demo_server}/buurten/{KRONENBURG}/#effectenplein")
    section = laptop.locator(
        "section", has=laptop.get_by_role("heading", name="Effectenplein: start een bijeenkomst")
    )
    section.get_by_label("Titel van de bijeenkomst (mag leeg blijven)").fill("Effectenplein in het buurthuis")
    section.get_by_role("button", name="Start een bijeenkomst").click()
    expect(laptop.get_by_role("heading", level=1, name="Effectenplein in het buurthuis")).to_be_visible()
    code = laptop.locator(".plein-code").first.get_attribute("aria-label")
    assert code and re.fullmatch(r"[A-HJ-NP-Z2-9]{6}", code)
    expect(laptop.locator(".plein-qr svg").first).to_be_visible()
    look(laptop, screenshot_dir / "plein-begeleider-desktop.png", "Effectenplein in het buurthuis")
    facilitator_url = laptop.url

    projector_context = laptop.context.browser.new_context(
        viewport={"width": 1920, "height": 1080}, locale="nl-NL", storage_state=laptop.context.storage_state()
    )
    projector = projector_context.new_page()
    projector.goto(facilitator_url + "scherm/")
    expect(projector.locator(".plein-projector .plein-code")).to_have_text(f"{code[:3]} {code[3:]}")
    expect(projector.get_by_role("heading", level=2, name=re.compile("Tussen mensen"))).to_be_visible()
    healthy(projector, "Tussen mensen")

    # A resident joins on a phone with the code as read from the screen: lower case, with a space.
    context, phone = _phone(browser, demo_server)
    phone.goto(f"{demo_server}/plein/")
    expect(phone.get_by_role("heading", level=1, name="Doe mee met een bijeenkomst")).to_be_visible()
    phone.get_by_label("Vul de code in").fill("QQQ QQQ")
    phone.get_by_role("button", name="Doe mee").click()
    expect(phone.get_by_role("alert")).to_contain_text("Deze code kennen we niet.")
    look(phone, screenshot_dir / "plein-code-onbekend-phone.png", "Doe mee met een bijeenkomst", status=404)
    phone.get_by_label("Vul de code in").fill(f"{code[:3].lower()} {code[3:].lower()}")
    phone.get_by_label("Je voornaam of een bijnaam (mag leeg blijven)").fill("Mira")
    phone.get_by_role("button", name="Doe mee").click()
    expect(phone.get_by_text("Je doet mee als Mira.")).to_be_visible()

    # An empty story gets a clear message and nothing is posted.
    phone.get_by_role("button", name="Deel mijn verhaal").click()
    expect(phone.get_by_role("alert")).to_contain_text("Schrijf eerst je verhaal.")
    look(phone, screenshot_dir / "plein-leeg-verhaal-phone.png", "Schrijf eerst je verhaal.", status=400)

    phone.get_by_label("Wat is er veranderd? Vertel het in een paar zinnen.").fill(STORY)
    phone.get_by_role("radio", name="Tussen mensen").check()
    phone.get_by_label("Mijn verhaal mag (zonder naam) gebruikt worden").check()
    look(phone, screenshot_dir / "plein-verhaal-invullen-phone.png", "Tussen mensen", status=400)
    phone.get_by_role("button", name="Deel mijn verhaal").click()
    expect(
        phone.get_by_role("status").filter(has_text="Dank je wel! Je verhaal staat op het plein.")
    ).to_be_visible()
    expect(phone.get_by_role("heading", name=re.compile("Jouw verhalen"))).to_be_visible()
    look(phone, screenshot_dir / "plein-verhaal-gedeeld-phone.png", "Jouw verhalen", STORY)

    # The projector shows it by itself, in the 'between people' column, without a reload.
    social = projector.locator(".plein-column--social")
    expect(social.get_by_text(STORY)).to_be_visible(timeout=8000)
    expect(social.locator(".plein-card__name")).to_have_text("Mira")

    # Someone posts an advertisement; the facilitator hides it from the wall, and it will not be saved.
    phone.get_by_label("Wat is er veranderd? Vertel het in een paar zinnen.").fill(SPAM)
    phone.get_by_role("radio", name="Voor mijzelf").check()
    phone.get_by_role("button", name="Deel mijn verhaal").click()
    individual = projector.locator(".plein-column--individual")
    expect(individual.get_by_text(SPAM)).to_be_visible(timeout=8000)
    laptop.reload()  # the list of stories to check is not live: a reload shows the new one
    checked = laptop.locator("section#beheer")
    expect(checked.get_by_role("heading", name=re.compile("Verhalen nakijken"))).to_be_visible()
    checked.locator("li", has_text=SPAM).get_by_role("button", name="Verberg van het scherm").click()
    hidden_item = laptop.locator("section#beheer li", has_text=SPAM)
    expect(hidden_item.get_by_text("verborgen: niet op het scherm, wordt niet bewaard")).to_be_visible()
    expect(hidden_item.get_by_role("button", name="Toon weer")).to_be_visible()
    expect(individual.get_by_text(SPAM)).to_have_count(0, timeout=8000)
    hidden_item.scroll_into_view_if_needed()
    look(laptop, screenshot_dir / "plein-verhaal-verborgen-desktop.png", "Verhalen nakijken", "Toon weer")
    expect(phone.get_by_text(SPAM)).to_be_visible()  # the writer still sees it, marked
    phone.reload()
    expect(phone.get_by_text("De begeleider heeft dit verhaal van het scherm gehaald.")).to_be_visible()

    # A second resident scans the QR code (its address), joins without a name and recognises the story.
    context2, phone2 = _phone(browser, demo_server)
    phone2.goto(f"{demo_server}/plein/{code}/")
    expect(phone2.get_by_role("heading", level=1, name="Effectenplein in het buurthuis")).to_be_visible()
    phone2.get_by_role("button", name="Doe mee").click()
    expect(phone2.get_by_text("Je doet mee zonder naam.")).to_be_visible()
    card = phone2.locator(".plein-story", has_text=STORY)
    card.get_by_role("button", name="Herken ik").click()
    expect(phone2.locator(".plein-story", has_text=STORY).get_by_text("Jij herkent dit.")).to_be_visible()
    look(phone2, screenshot_dir / "plein-herken-ik-phone.png", "Jij herkent dit.")
    expect(social.get_by_text("1 keer herkend")).to_be_visible(timeout=8000)
    look(projector, screenshot_dir / "plein-beamer-delen-1920.png", "1 keer herkend", STORY, full_page=False)

    # The facilitator starts the voting round; the phone hears it by itself.
    laptop.reload()
    laptop.get_by_role("button", name="Start de stemronde").click()
    expect(laptop.get_by_text("De stemronde is begonnen.")).to_be_visible()
    expect(phone2.get_by_text("De stemronde is begonnen.")).to_be_visible(timeout=12000)
    phone2.get_by_role("link", name="Ga verder").click()
    expect(phone2.get_by_role("heading", name="Kies de belangrijkste verhalen")).to_be_visible()
    phone2.get_by_role("checkbox", name=re.compile("Sinds de buurtlunch")).check()
    look(phone2, screenshot_dir / "plein-kiezen-phone.png", "Kies de belangrijkste verhalen")
    phone2.get_by_role("button", name="Bewaar mijn keuze").click()
    expect(phone2.get_by_text("Je keuze is bewaard.")).to_be_visible()
    expect(social.get_by_text("1 stem")).to_be_visible(timeout=8000)
    look(projector, screenshot_dir / "plein-beamer-stemmen-1920.png", "1 stem", full_page=False)

    # Closing: the stories become coded fragments; the projector marks the most significant story.
    laptop.get_by_label("Ja, sluit de bijeenkomst af.", exact=False).check()
    laptop.get_by_role("button", name="Sluit de bijeenkomst af").click()
    expect(laptop.get_by_text("Verhalen bewaard als gecodeerde fragmenten van de buurt: 1.")).to_be_visible()
    look(
        laptop, screenshot_dir / "plein-afgesloten-desktop.png", "Verhalen bewaard als gecodeerde fragmenten"
    )
    expect(social.get_by_text("Belangrijkste verhaal")).to_be_visible(timeout=8000)
    look(
        projector,
        screenshot_dir / "plein-beamer-afgesloten-1920.png",
        "Belangrijkste verhaal",
        full_page=False,
    )
    phone.reload()
    expect(phone.get_by_role("heading", name="Dank je wel voor het meedoen!")).to_be_visible()
    look(phone, screenshot_dir / "plein-afgesloten-phone.png", "Dank je wel voor het meedoen!")

    # After the meeting, the phone asks for a personal code; at home it opens the story that was kept.
    phone.get_by_role("button", name="Geef mij mijn persoonlijke code").click()
    personal = phone.locator(".kvs-personal-code").inner_text()
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}", personal)
    phone.locator("#plein-code").scroll_into_view_if_needed()
    look(phone, screenshot_dir / "plein-persoonlijke-code-phone.png", personal, full_page=False)
    home = browser.new_context(viewport=PHONE, locale="nl-NL").new_page()
    home.goto(f"{demo_server}/mijn-gegevens/")
    home.get_by_label("Je persoonlijke code").fill(personal)
    home.get_by_role("button", name="Open mijn gegevens").click()
    expect(home.get_by_text("Mira")).to_be_visible()
    expect(home.get_by_label("Jouw woorden (je mag ze verbeteren)").first).to_have_value(STORY)
    look(home, screenshot_dir / "plein-mijn-gegevens-phone.png", "Mira")
    home.context.close()

    # The neighbourhood page lists the meeting with its counts, and the story among the fragments.
    laptop.goto(f"{demo_server}/buurten/{KRONENBURG}/?jaar=2025")
    row = laptop.locator("tr", has=laptop.get_by_role("link", name="Effectenplein in het buurthuis"))
    expect(row.locator("td[data-label='Verhalen']")).to_have_text("1")
    expect(row.locator("td[data-label='Deelnemers']")).to_have_text("2")
    expect(row.locator("td[data-label='Belangrijkste verhaal']")).to_have_text("1")
    for extra in (projector_context, context, context2):
        extra.close()


def test_the_start_section_on_a_phone(login, demo_server, screenshot_dir):
    page = login("communitybuilder", viewport=PHONE)
    page.goto(f"{demo_server}/buurten/{KRONENBURG}/#effectenplein")
    expect(page.get_by_role("heading", name="Effectenplein: start een bijeenkomst")).to_be_visible()
    page.locator("#effectenplein").scroll_into_view_if_needed()
    look(
        page,
        screenshot_dir / "plein-buurtpagina-phone.png",
        "Start een bijeenkomst",
        shot=page.locator(".plein-section"),
    )
