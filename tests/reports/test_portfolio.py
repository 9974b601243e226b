"""A funder's portfolio: one page and one PDF over every neighbourhood the funder funds, with the figures of each
Financiersrapport (never raw data), what is too thin said in words, and "Samen" adding up the same figures."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from krachtvansamen.neighbourhoods.models import Neighbourhood
from krachtvansamen.reports.financier import financier_report
from krachtvansamen.reports.portfolio import portfolio_report
from tests.factories import FundingFactory, NeighbourhoodFactory
from tests.jobs.pdf_flow import pdf_after_job
from tests.reports.conftest import QUOTE_2024, QUOTE_INTERNAL, QUOTE_NAMED, QUOTE_OK, QUOTE_WITHDRAWN

OWN, SAME, OTHER = "BU90000001", "BU90000002", "BU90000003"
URL = "/rapporten/portfolio/2025/"


def rows(response) -> list[str]:
    return re.findall(r'<tr data-cbs="(BU\d+)"', response.content.decode())


@pytest.fixture
def funds_same(world):
    """Our funder also funds the neighbourhood of the same programme, which has too little data for 2025."""
    return FundingFactory(neighbourhood=world.same, funder=world.funder_org, start_year=2025, end_year=2027)


def test_the_funder_sees_exactly_the_neighbourhoods_it_funds(as_user, funds_same):
    response = as_user("funder").get(URL)
    assert response.status_code == 200
    assert sorted(rows(response)) == [OWN, SAME]  # not the one another fund pays for
    html = response.content.decode()
    assert "Buurt Ander Programma" not in html
    # Each row leads to that neighbourhood's Financiersrapport.
    assert f'href="/rapporten/financiersrapport/{OWN}/2025/"' in html
    assert f'href="/rapporten/financiersrapport/{SAME}/2025/"' in html
    for heading in ("In het kort", "Per buurt", "Samen", "Wat nodig is om het te laten blijven"):
        assert heading in html, heading


def test_the_portfolio_shows_no_fragments_and_no_names(as_user, funds_same):
    html = as_user("funder").get(URL).content.decode()
    for text in (QUOTE_OK, QUOTE_NAMED, QUOTE_INTERNAL, QUOTE_WITHDRAWN, QUOTE_2024,
                 "Verhaal uit de zelfde-programmabuurt", "Schuilnaam", "Opbouwwerker", "Kookkunst"):  # fmt: skip
        assert text not in html, text
    # The numbers that link, link only to evidence a funder may open (no group lists of persons).
    keys = set(re.findall(r"/rapporten/bewijs/BU\d+/2025/\?n=([a-z_]+)", html))
    assert keys and keys <= {"participants", "effect", "risk"}


def test_too_little_data_is_said_in_words(as_user, funds_same):
    html = as_user("funder").get(URL).content.decode()
    row = re.search(rf'<tr data-cbs="{SAME}">(.*?)</tr>', html, re.S).group(1)
    assert "Te weinig gegevens voor 2025" in row
    assert "kvs-num" not in row  # no figure shown as if it were a finding
    assert "Over 1 buurt hebben we te weinig gegevens voor 2025" in html  # and "In het kort" says it


def test_each_row_is_its_financiersrapport_and_together_adds_them_up(world, funds_same):
    neighbourhoods = [world.own, world.same]
    p = portfolio_report(neighbourhoods=neighbourhoods, year=2025)
    assert [row.neighbourhood.cbs_code for row in p.rows] == [SAME, OWN]  # by name
    for row in p.rows:
        f = financier_report(neighbourhood=row.neighbourhood, year=2025)
        assert row.participants.value == f.participants.value
        assert [c.num.value for c in row.levels] == [num.value for _words, num, _change in f.levels]
        assert [c.change_text for c in row.levels] == [change for _words, _num, change in f.levels]
        assert [g.label for g in row.not_reached] == [g.label for g in f.not_reached]
    own = next(row for row in p.rows if row.neighbourhood == world.own)
    assert own.participants.value > 0 and own.risks  # the world has risk signals (stacking, funding ends)
    t = p.together
    assert t.participants == sum(row.participants.value for row in p.rows)
    assert t.with_data == 1
    for i, level in enumerate(t.levels):
        assert level.stories == sum(row.levels[i].num.value for row in p.rows)
        assert level.neighbourhoods == sum(1 for row in p.rows if row.levels[i].num.value)
    assert {r.label: r.neighbourhoods for r in t.risks} == {r.title: 1 for r in own.risks}
    assert 3 <= len(p.findings) <= 5
    assert all(re.search(r"\d", sentence) for sentence in p.findings)  # each finding with its n


def test_many_neighbourhoods_cost_no_more_queries_than_one(world, funds_same):
    def queries(neighbourhoods):
        with CaptureQueriesContext(connection) as captured:
            portfolio_report(neighbourhoods=neighbourhoods, year=2025)
        return len(captured)

    one = queries([world.own])
    extra = [
        NeighbourhoodFactory(name=f"Extra {i}", programme=world.programme_a, cbs_code=f"BU9100000{i}")
        for i in range(5)
    ]
    many = queries([world.own, world.same, world.other, *extra])
    assert many == one  # a fixed number: not one set of queries per neighbourhood
    assert many <= 30


def test_the_page_keeps_a_fixed_number_of_queries(as_user, funds_same, django_assert_max_num_queries):
    client = as_user("funder")
    with django_assert_max_num_queries(45):
        assert client.get(URL).status_code == 200


@pytest.mark.parametrize(
    ("user", "status", "expected"),
    [
        ("funder", 200, [OWN]),
        ("programme_manager", 200, [SAME, OWN]),  # the neighbourhoods of their programme
        ("admin", 200, [SAME, OTHER, OWN]),
        ("community_builder", 403, None),
        ("connector", 403, None),
        ("researcher", 403, None),
        ("no_role", 403, None),
    ],
)
def test_who_may_open_a_portfolio(as_user, user, status, expected):
    response = as_user(user).get(URL)
    assert response.status_code == status
    if expected is not None:
        names = dict(Neighbourhood.objects.values_list("cbs_code", "name"))
        assert rows(response) == sorted(expected, key=lambda code: names[code])


def test_anonymous_is_sent_to_log_in(client, world):
    for url in ("/rapporten/portfolio/", URL, URL + "pdf/"):
        response = client.get(url)
        assert response.status_code == 302 and "/inloggen/" in response["Location"]


def test_the_latest_year_and_an_unknown_year(as_user):
    client = as_user("funder")
    response = client.get("/rapporten/portfolio/")
    assert response.status_code == 302 and response["Location"] == URL
    assert client.get("/rapporten/portfolio/2019/").status_code == 404


def pdf_text(content: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(content))
    return len(reader.pages), " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_the_funder_downloads_the_portfolio_as_a_pdf(as_user, funds_same):
    response = pdf_after_job(as_user("funder"), URL + "pdf/")  # a job page first, then the PDF at once
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="portfolio-2025.pdf"'
    pages, text = pdf_text(response.content)
    for heading in ("Portfolio", "In het kort", "Per buurt", "Samen", "Eigen Buurt", "Buurt Zelfde Programma",
                    "Te weinig gegevens voor 2025", f"Pagina 1 van {pages}"):  # fmt: skip
        assert heading in text, heading
    assert "Download als pdf" not in text and "Schuilnaam" not in text and QUOTE_OK[:25] not in text
    links = [a.get_object()["/A"]["/URI"] for page in PdfReader(io.BytesIO(response.content)).pages
             for a in page.get("/Annots", [])]  # fmt: skip
    assert any(uri.startswith(f"http://testserver/rapporten/bewijs/{OWN}/2025/?n=") for uri in links)
    assert f"http://testserver/rapporten/financiersrapport/{OWN}/2025/" in links


def test_kvs_report_portfolio_writes_the_pdf_of_a_user(world, tmp_path):
    out = tmp_path / "portfolio.pdf"
    call_command("report", "portfolio", "--user", "funder", "--year", "2025", "--out", str(out))
    _pages, text = pdf_text(out.read_bytes())
    assert "Eigen Buurt" in text and "Buurt Ander Programma" not in text
    with pytest.raises(CommandError, match="onbekende gebruiker|Unknown user|Onbekende gebruiker"):
        call_command("report", "portfolio", "--user", "niemand", "--year", "2025", "--out", str(out))
    with pytest.raises(CommandError):
        call_command(
            "report", "portfolio", "--user", "community_builder", "--year", "2025", "--out", str(out)
        )
