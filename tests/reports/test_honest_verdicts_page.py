"""The Buurtbeeld page says what each verdict rests on: n next to every mean, no verdict on too few answers,
"zwak" never where nothing was coded, no "jonger dan 15 doet minder mee" when no instrument asks children."""

from __future__ import annotations

import re
from html import unescape

from krachtvansamen.instruments.selectors import form_version_current
from krachtvansamen.instruments.services import forms_load_defaults, submission_submit

URL = "/rapporten/buurtbeeld/BU90000001/2025/"


def principle_rows(page: str) -> dict[str, str]:
    """The rows of the ABCD table by their strength key: the row's text, tags stripped."""
    rows = re.findall(r'<tr data-principle-strength="(\w+)">(.*?)</tr>', page, flags=re.S)
    assert len(rows) == 5, rows
    return {re.sub(r"<[^>]+>", " ", html): key for key, html in rows}


def plain(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def test_a_mean_on_one_answer_shows_its_n_and_no_verdict(as_user, world):
    forms_load_defaults()
    submission_submit(
        form_version=form_version_current(key="vragenlijst"),
        neighbourhood=world.own,
        year=2025,
        user=None,
        raw={
            f"abcd_{p}": "4"
            for p in ("residents_lead", "relations", "whats_strong", "from_within", "everyone_welcome")
        },
    )
    page = as_user("community_builder").get(URL).content.decode()
    rows = principle_rows(page)
    # One answer of 4 per principle, and no ABCD fragment in this world: every row shows the mean with n=1,
    # says in words that this is too few, and gives no verdict but "te weinig gegevens".
    assert set(rows.values()) == {"unknown"}
    for text in map(plain, rows):
        assert "gemiddeld 4,0 (n=1)" in text, text
        assert "te weinig antwoorden om te oordelen (er zijn er minstens 5 nodig)" in text, text
        assert "te weinig gegevens" in text, text
        verdicts = text.replace("Kijken naar wat sterk is", "")  # the principle's own name says "sterk"
        assert "sterk" not in verdicts and "zwak" not in verdicts, text


def test_weak_is_never_shown_where_nothing_was_coded(as_user, world):
    page = as_user("community_builder").get(URL).content.decode()
    rows = principle_rows(page)
    assert set(rows.values()) == {"unknown"}  # no answers and no ABCD fragments at all
    assert "kvs-strength--weak" not in page
    for text in map(plain, rows):
        assert "zwak" not in text and "geen antwoorden (n=0)" in text, text
    # The reading guide states the same rule as the code.
    assert "Een principe is sterk als minstens 3 gecodeerde fragmenten het laten zien" in plain(page)


def test_no_children_under_15_take_part_less_when_no_instrument_asks_them(as_user, world):
    page = plain(as_user("community_builder").get(URL).content.decode())
    assert "jonger dan 15 — doet minder mee" not in page
    assert "jonger dan 15 doet minder mee" not in page
    # Said once, in words.
    assert page.count("Kinderen onder de 15 vraagt geen enkel instrument") == 1
    # One known participant: too few for any verdict, and the page says so.
    assert "doet minder mee" not in page.split("Wie woont er, wie doet mee")[1].split("De aanpak")[0]
    assert "te weinig om te zeggen welke groepen minder of meer meedoen" in page


def test_a_share_shows_its_range_in_words(as_user, world):
    page = plain(as_user("community_builder").get(URL).content.decode())
    # Ans (65+) is the only participant whose age is known: 1 of 1, interval 20.7–100%.
    assert "100% (tussen 21 en 100%)" in page
