"""Downloads (CSV, Excel) of the funder's portfolio table and of the quote review lists: the page's rows, the
page's access rule, formula-safe cells, and never the words as said before a person reviewed them.

Uses the report tests' world (tests/reports/conftest.py)."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from krachtvansamen.coding.models import Fragment
from krachtvansamen.coding.quotes.services import quote_review_decide
from tests.factories import FundingFactory

OWN, SAME, OTHER = "BU90000001", "BU90000002", "BU90000003"
PORTFOLIO = "/rapporten/portfolio/2025/"
QUOTES = "/coderen/citaten/"
SAID = '=HYPERLINK("http://kwaad.example") Het buurtfeest hangt op Anouk. Bel haar op 06-12345678.'


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


@pytest.fixture
def funds_same(world):
    return FundingFactory(neighbourhood=world.same, funder=world.funder_org, start_year=2025, end_year=2027)


def test_the_portfolio_download_has_the_funded_neighbourhoods_only(as_user, funds_same):
    rows = read_csv(as_user("funder").get(PORTFOLIO, {"format": "csv"}))
    assert rows[0][:4] == ["Buurt", "CBS-code", "Gemeente", "Deden mee"]
    assert rows[0][-3:] == ["Nog niet bereikt", "Om het te laten duren", "Opmerking"]
    assert sorted(row[1] for row in rows[1:]) == [OWN, SAME]  # not the neighbourhood another fund pays for
    same = next(row for row in rows if row[1] == SAME)
    assert same[-1] == "Te weinig gegevens"  # said in words, as on the page


def test_the_portfolio_download_has_the_pages_figures(as_user, funds_same, world):
    client = as_user("funder")
    html = client.get(PORTFOLIO).content.decode()
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(PORTFOLIO, {"format": "xlsx"}).content)).worksheets[
        0
    ]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    own = next(row for row in rows if row[1] == OWN)
    assert isinstance(own[3], int) and own[3] > 0  # "took part": a number Excel can add up
    assert f"{own[3]}</a>" in html  # the same number the page shows
    assert 'href="?format=csv"' in html and 'href="?format=xlsx"' in html


@pytest.mark.parametrize("who", ["connector", "community_builder", "researcher", "no_role"])
def test_the_portfolio_download_is_closed_to_those_without_the_page(as_user, who):
    assert as_user(who).get(PORTFOLIO, {"format": "csv"}).status_code == 403


@pytest.fixture
def named(world) -> Fragment:
    """Ans's quotable fragment, now naming someone with her number (and starting like a formula)."""
    Fragment.objects.filter(pk=world.f_ok.pk).update(text=SAID, quote_review="pending", quote_text="")
    return Fragment.objects.get(pk=world.f_ok.pk)


def test_the_quotes_to_review_download_has_the_proposal_never_the_words_as_said(as_user, named):
    rows = read_csv(as_user("researcher").get(QUOTES, {"format": "csv"}))
    assert rows[0][0] == "Buurt" and rows[0][-1] == "Voorstel voor citaat (namen vervangen)"
    text = "\n".join(";".join(row) for row in rows)
    assert "Anouk" not in text and "06-12345678" not in text
    proposal = next(row[-1] for row in rows[1:] if "buurtfeest" in row[-1])
    assert proposal.startswith("'=HYPERLINK(")  # formula-safe
    assert "[naam]" in proposal and "[telefoonnummer]" in proposal


def test_the_reviewed_download_has_the_approved_words_and_who_approved(as_user, named, world):
    quote_review_decide(fragment=named, user=world.users["researcher"], approve=True, text="-Op [naam].")
    response = as_user("community_builder").get(QUOTES, {"tab": "nagekeken", "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][-4:] == ["Besluit", "Nagekeken door", "Nagekeken op", "Citaat"]
    mine = next(row for row in rows if row[-1] == "-Op [naam].")
    assert mine[-4:-1][:2] == ["Goedgekeurd als citaat", "researcher"]
    assert sheet.cell(row=rows.index(mine) + 1, column=len(mine)).data_type == "s"  # text, not a formula
    assert not any(SAID in str(row) for row in rows)


def test_the_quotes_download_is_closed_to_those_without_the_page(as_user, named):
    for who in ("funder", "connector", "programme_manager"):
        assert as_user(who).get(QUOTES, {"format": "csv"}).status_code == 403, who
