"""The buurtbeeld's first page (issue 11): "In het kort" — findings that each say what they rest on — and "Wat we
(nog) niet weten", then a table of contents. Uses the report tests' world (tests/reports/conftest.py)."""

from __future__ import annotations

import re
from html import unescape

import pytest

URL = "/rapporten/buurtbeeld/BU90000001/2025/"


@pytest.fixture
def short(world, as_user) -> str:
    page = unescape(as_user("community_builder").get(URL).content.decode())
    return re.sub(r"\s+", " ", page.split('id="bb-kort"', 1)[1].split("</section>", 1)[0])


def test_the_findings_come_first_with_their_numbers(short):
    # 2025: the dinner (started by Cor, a connector) and the consultation hour (professionals): 2 activities, half
    # thought up by residents; Ans, Bram, Cor and Dirk took part.
    assert "In 2025 deden 4 bewoners mee aan 2 activiteiten; 50% daarvan bedachten bewoners zelf." in short
    # Governance, professional and physical factors hinder in 2025 (the relational one helps): stacking.
    assert "Belemmeringen stapelen zich op: in 3 van de 5 soorten tegelijk" in short


def test_what_we_do_not_know_is_said_in_words(short):
    # No questionnaire answers and at most one coded fragment per principle: no verdict for any of the five.
    assert "Voor 5 van de 5 ABCD-principes zijn te weinig gegevens om te oordelen" in short
    assert "Kinderen onder de 15: geen enkel instrument vraagt hen." in short
    assert short.index("Wat we (nog) niet weten") > short.index("In 2025 deden")


def test_a_table_of_contents_leads_to_every_section(world, as_user):
    page = as_user("community_builder").get(URL).content.decode()
    toc = page.split('class="kvs-toc"', 1)[1].split("</nav>", 1)[0]
    for anchor in re.findall(r'href="#([\w-]+)"', toc):
        assert f'id="{anchor}"' in page, anchor
    assert len(re.findall(r'href="#', toc)) == 11  # with the learning log (issue 12)
