"""CSV and Excel downloads of the lists on the web (core.exports): the page's rows and no more, its filters
applied, Dutch headers, every cell formula-safe, and the same access rule as the page."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.test import RequestFactory
from django.utils import timezone

from krachtvansamen.core.exports import (
    csv_content,
    export_filename,
    export_format,
    export_links,
    export_response,
    xlsx_content,
)
from krachtvansamen.documents.models import Document
from krachtvansamen.instruments.models import Form, FormVersion, Submission
from krachtvansamen.network.models import Relation
from tests.assets.world import make_world
from tests.factories import ActivityFactory, AssetFactory, NeighbourhoodFactory, PersonFactory

# What a spreadsheet would run as a formula (OWASP "CSV injection"), and text that only looks a bit like it.
FORMULAS = ['=HYPERLINK("http://kwaad.example","klik")', "+1", "-1", "@SUM(A1:A9)", "\t=1+1", "\r=1"]


def read_csv(response) -> list[list[str]]:
    content = b"".join(response) if response.streaming else response.content
    assert content.startswith("\ufeff".encode()), "without the byte order mark Excel shows accents wrong"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def read_xlsx(response) -> list[list[object]]:
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def xlsx_cells(response) -> list[openpyxl.cell.Cell]:
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    return [cell for row in sheet.iter_rows() for cell in row]


# --- The shared service -------------------------------------------------------------------------------------


def test_a_csv_is_for_dutch_excel_semicolons_a_byte_order_mark_and_decimal_commas():
    content = csv_content(["Naam", "Getal", "Bedrag", "Op"], [["één café", 2.5, Decimal("3.75"), 7]])
    text = content.decode("utf-8")
    assert text.startswith("\ufeffNaam;Getal;Bedrag;Op\r\n")
    assert text.endswith("één café;2,5;3,75;7\r\n")


@pytest.mark.parametrize("formula", FORMULAS)
def test_a_csv_cell_that_a_spreadsheet_would_run_gets_a_quote(formula):
    rows = list(csv.reader(io.StringIO(csv_content(["Kop"], [[formula]]).decode("utf-8-sig")), delimiter=";"))
    assert rows[1] == ["'" + formula]


def test_text_that_only_contains_a_formula_sign_stays_as_it_is():
    rows = list(csv.reader(io.StringIO(csv_content(["a", "b"], [["e-mail", "1+1=2"]]).decode("utf-8-sig")),
                           delimiter=";"))  # fmt: skip
    assert rows[1] == ["e-mail", "1+1=2"]


@pytest.mark.parametrize("formula", FORMULAS)
def test_an_xlsx_cell_is_text_never_a_formula(formula):
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx_content(["Kop"], [[formula]], sheet="lijst")))
    cell = workbook.worksheets[0]["A2"]
    assert cell.data_type == "s" and cell.value == formula  # the words exactly, stored as a string


def test_dates_stay_dates_in_the_time_of_the_netherlands():
    moment = datetime.datetime(2025, 6, 30, 22, 30, tzinfo=datetime.UTC)  # 1 July, 00:30 in Amsterdam
    csv_rows = list(csv.reader(io.StringIO(csv_content(["Op", "Dag"], [[moment, datetime.date(2025, 7, 1)]])
                                           .decode("utf-8-sig")), delimiter=";"))  # fmt: skip
    assert csv_rows[1] == ["2025-07-01 00:30", "2025-07-01"]
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_content(["Op"], [[moment]], sheet="x"))).worksheets[0]
    assert sheet["A2"].value == datetime.datetime(2025, 7, 1, 0, 30)


def test_an_empty_list_gives_the_header_only():
    response = export_response("csv", name="leeg", header=["Naam", "Jaar"], rows=[])
    assert read_csv(response) == [["Naam", "Jaar"]]
    response = export_response("xlsx", name="leeg", header=["Naam", "Jaar"], rows=[])
    assert read_xlsx(response) == [["Naam", "Jaar"]]


def test_the_file_name_is_plain_and_the_download_is_an_attachment():
    assert export_filename("Relaties", "Café Ôst", 2025) == "relaties-cafe-ost-2025"
    assert export_filename("", None) == "lijst"
    response = export_response("xlsx", name="Krachten Kronenburg 2025", header=["a"], rows=[])
    assert response["Content-Disposition"] == 'attachment; filename="krachten-kronenburg-2025.xlsx"'
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    with pytest.raises(ValueError):
        export_response("pdf", name="x", header=[], rows=[])


def test_a_sheet_title_excel_refuses_is_made_acceptable():
    content = xlsx_content(["a"], [], sheet="Relaties: [2025] / buurt? * met een heel lange naam")
    title = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0].title
    assert len(title) <= 31 and not set(title) & set("[]:*?/\\")


def test_the_links_keep_the_filters_and_leave_out_the_page_number():
    request = RequestFactory().get("/x/", {"jaar": "2025", "pagina": "3", "format": "pdf", "zoek": "a b"})
    links = export_links(request, lijst="krachten")
    assert links["csv"] == "?jaar=2025&zoek=a+b&lijst=krachten&format=csv"
    assert links["xlsx"].endswith("&format=xlsx")
    assert export_format(request) is None  # only csv and xlsx are downloads
    assert export_format(RequestFactory().get("/x/", {"format": "xlsx"})) == "xlsx"


# --- The neighbourhood's lists ------------------------------------------------------------------------------


@pytest.fixture
def world(db):
    w = make_world()
    # A recorded name that is a formula: a download must not run it.
    AssetFactory(neighbourhood=w.own, name='=HYPERLINK("http://kwaad.example","klik")', year=2025)
    return w


def _get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


def test_the_assets_download_has_the_buurts_assets_up_to_the_year_with_dutch_headers(client, world):
    url = f"/buurten/{world.own.cbs_code}/"
    rows = read_csv(_get(client, world.connector, url, lijst="krachten", jaar="2024", format="csv"))
    assert rows[0] == [
        "Soort",
        "Kracht (asset)",
        "Ontmoetingsplek",
        "Vastgelegd in",
        "Van wie",
        "Beschrijving",
    ]
    assert [row[1] for row in rows[1:]] == ["Bakker op de hoek"]  # 2025's assets are not "up to 2024"
    rows = read_csv(_get(client, world.connector, url, lijst="krachten", jaar="2025", format="csv"))
    names = {row[1] for row in rows[1:]}
    assert names == {"Bakker op de hoek", "Buurthuis De Linde", '\'=HYPERLINK("http://kwaad.example","klik")'}
    assert "Plein elders" not in str(rows)  # another buurt's asset
    linde = next(row for row in rows if row[1] == "Buurthuis De Linde")
    assert linde[2] == "ja" and linde[3] == "2025"


def test_the_assets_excel_file_holds_the_formula_as_text(client, world):
    response = _get(client, world.connector, f"/buurten/{world.own.cbs_code}/", lijst="krachten", jaar="2025",
                    format="xlsx")  # fmt: skip
    cells = [cell for cell in xlsx_cells(response) if str(cell.value).startswith("=")]
    assert cells and all(cell.data_type == "s" for cell in cells)
    assert response["Content-Disposition"] == 'attachment; filename="krachten-eigen-buurt-2025.xlsx"'


def test_the_activities_download_has_the_years_activities_with_pseudonyms(client, world):
    ActivityFactory(neighbourhood=world.own, title="Oud", year=2024)
    ActivityFactory(neighbourhood=world.own, title="-1 koffie", year=2025, initiator_person=world.ans)
    rows = read_csv(_get(client, world.connector, f"/buurten/{world.own.cbs_code}/", lijst="activiteiten",
                         jaar="2025", format="csv"))  # fmt: skip
    assert rows[0][:3] == ["Activiteit", "Jaar", "Gestart door"]
    assert sorted(row[0] for row in rows[1:]) == ["'-1 koffie", "Buurtmaaltijd"]  # not 2024's, not elsewhere
    coffee = next(row for row in rows if row[0] == "'-1 koffie")
    assert coffee[3] == "Ans"  # the pseudonym, as the page shows it
    assert next(row for row in rows if row[0] == "Buurtmaaltijd")[4] == "Buurthuis De Linde"


def test_without_a_year_the_download_has_the_year_the_page_shows(client, world):
    ActivityFactory(neighbourhood=world.own, title="Oud", year=2024)
    rows = read_csv(_get(client, world.connector, f"/buurten/{world.own.cbs_code}/", lijst="activiteiten",
                         format="csv"))  # fmt: skip
    assert [row[0] for row in rows[1:]] == ["Buurtmaaltijd"]  # the latest year, 2025, as on the page


def test_an_empty_year_gives_the_headers_only(client, world):
    rows = read_csv(_get(client, world.connector, f"/buurten/{world.own.cbs_code}/", lijst="activiteiten",
                         jaar="2023", format="csv"))  # fmt: skip
    assert len(rows) == 1 and rows[0][0] == "Activiteit"


def test_someone_without_the_page_gets_no_download(client, world):
    for which in ("krachten", "activiteiten", "formulieren"):
        response = _get(client, world.other_connector, f"/buurten/{world.own.cbs_code}/", lijst=which,
                        format="csv")  # fmt: skip
        assert response.status_code == 403, which
        assert _get(client, world.funder, f"/buurten/{world.own.cbs_code}/", lijst=which,
                    format="csv").status_code == 403  # fmt: skip
    client.logout()
    response = client.get(f"/buurten/{world.own.cbs_code}/", {"lijst": "krachten", "format": "csv"})
    assert response.status_code == 302 and "/inloggen/" in response["Location"]


def test_an_unknown_list_is_not_found(client, world):
    assert _get(client, world.connector, f"/buurten/{world.own.cbs_code}/", lijst="personen",
                format="csv").status_code == 404  # fmt: skip


def _submission(neighbourhood, *, year=2025, by=None, when=None, title="Wijkwaardenkaart"):
    form, _ = Form.objects.get_or_create(key="wwk", defaults={"instrument": "wijkwaardenkaart"})
    version, _ = FormVersion.objects.get_or_create(
        form=form, version=1, defaults={"definition": {"title": title}, "content_hash": "x"}
    )
    return Submission.objects.create(form_version=version, neighbourhood=neighbourhood, year=year,
                                      status=Submission.Status.SUBMITTED, submitted_by=by,
                                      submitted_at=when or timezone.now())  # fmt: skip


def test_the_forms_download_has_every_submitted_form_not_only_the_first_page(client, world):
    start = timezone.now() - datetime.timedelta(days=30)
    for day in range(12):  # more than one page of ten
        first = _submission(world.own, by=world.connector, when=start + datetime.timedelta(days=day))
    _submission(world.other, by=world.other_connector)
    Submission.objects.create(form_version=first.form_version, neighbourhood=world.own, year=2025,
                              status=Submission.Status.DRAFT)  # fmt: skip
    page = _get(client, world.connector, f"/buurten/{world.own.cbs_code}/", formulieren="2")
    assert 'href="?lijst=formulieren&amp;jaar=2025&amp;format=csv"' in page.content.decode()  # no page number
    rows = read_csv(_get(client, world.connector, f"/buurten/{world.own.cbs_code}/", lijst="formulieren",
                         formulieren="2", format="csv"))  # fmt: skip
    assert rows[0] == ["Formulier", "Jaar", "Datum", "Ingevuld door", "Rol", "Geïmporteerd"]
    assert len(rows) == 1 + 12  # every submitted form of this buurt: not the draft, not the other buurt's
    assert {row[3] for row in rows[1:]} == {"verbinder"}
    assert rows[1][2] > rows[-1][2]  # newest first, as on the page


def test_the_page_shows_the_download_links_under_each_list(client, world):
    html = _get(client, world.connector, f"/buurten/{world.own.cbs_code}/", jaar="2025").content.decode()
    for which in ("krachten", "activiteiten"):
        assert f'href="?jaar=2025&amp;lijst={which}&amp;format=csv"' in html
        assert f'href="?jaar=2025&amp;lijst={which}&amp;format=xlsx"' in html
    assert 'aria-label="De krachten downloaden als CSV"' in html
    assert "Downloaden:" in html


# --- Relations ----------------------------------------------------------------------------------------------


def _relation(neighbourhood, source, target, year=2025, **kwargs):
    return Relation.objects.create(neighbourhood=neighbourhood, year=year, source_person=source,
                                   target_person=target, capital_type="bonding", **kwargs)  # fmt: skip


def test_the_relations_download_is_the_pages_year_in_this_buurt_by_pseudonym(client, world):
    _relation(world.own, world.ans, world.bram, hook_activity=world.dinner)
    _relation(world.own, world.ans, world.cor, year=2024)
    elsewhere = PersonFactory(neighbourhood=world.other, pseudonym="Elders")
    _relation(world.other, world.dirk, elsewhere)
    url = f"/buurten/{world.own.cbs_code}/relaties/"
    rows = read_csv(_get(client, world.connector, url, jaar="2025", format="csv"))
    assert rows[0] == [
        "Jaar",
        "Van",
        "Naar",
        "Soort band",
        "Nieuwe band",
        "Activiteit",
        "Plek",
        "Via persoon",
    ]
    assert [row[1:3] for row in rows[1:]] == [["Ans", "Bram"]]
    assert rows[1][5] == "Buurtmaaltijd" and rows[1][4] == "ja"
    rows = read_xlsx(_get(client, world.connector, url, jaar="2024", format="xlsx"))
    assert [row[1:3] for row in rows[1:]] == [["Ans", "Cor"]]
    assert rows[1][0] == 2024  # a number stays a number


def test_a_pseudonym_that_is_a_formula_is_escaped_in_the_relations(client, world):
    sneaky = PersonFactory(neighbourhood=world.own, pseudonym="@SUM(A1:A9)")
    _relation(world.own, sneaky, world.bram)
    rows = read_csv(_get(client, world.connector, f"/buurten/{world.own.cbs_code}/relaties/", format="csv"))
    assert rows[1][1] == "'@SUM(A1:A9)"


def test_the_relations_download_is_closed_to_those_without_the_page(client, world):
    url = f"/buurten/{world.own.cbs_code}/relaties/"
    assert _get(client, world.other_connector, url, format="csv").status_code == 403
    assert _get(client, world.funder, url, format="xlsx").status_code == 403


def test_the_relations_page_links_to_its_downloads(client, world):
    _relation(world.own, world.ans, world.bram)
    html = _get(
        client, world.connector, f"/buurten/{world.own.cbs_code}/relaties/", jaar="2025"
    ).content.decode()
    assert 'href="?jaar=2025&amp;format=csv"' in html and 'href="?jaar=2025&amp;format=xlsx"' in html


# --- Notes and transcripts ----------------------------------------------------------------------------------


def _document(neighbourhood, title, year=2025):
    return Document.objects.create(neighbourhood=neighbourhood, year=year, instrument="interview", title=title,
                                   kind=Document.Kind.PASTED, sha256=title.encode().hex()[:64].ljust(64, "0"),
                                   size=10)  # fmt: skip


def test_the_documents_download_lists_this_buurts_documents(client, world):
    _document(world.own, "+31 verslag")
    _document(world.own, "Gesprek 2024", year=2024)
    _document(world.other, "Elders")
    url = f"/documenten/{world.own.cbs_code}/"
    rows = read_csv(_get(client, world.connector, url, format="csv"))
    assert rows[0] == ["Titel", "Soort", "Jaar", "Fragmenten", "Toegevoegd"]
    assert sorted(row[0] for row in rows[1:]) == ["'+31 verslag", "Gesprek 2024"]
    assert _get(client, world.other_connector, url, format="csv").status_code == 403
    assert "format=xlsx" in _get(client, world.connector, url).content.decode()


# --- The start page's neighbourhoods ------------------------------------------------------------------------


def test_the_start_page_download_has_every_neighbourhood_found_not_one_page(client, world):
    for i in range(27):  # more than a page
        NeighbourhoodFactory(name=f"Zoekbuurt {i:02d}", programme=world.own.programme)
    rows = read_csv(_get(client, world.manager, "/", zoek="zoekbuurt", pagina="2", format="csv"))
    assert rows[0] == [
        "Buurt",
        "CBS-code",
        "Gemeente",
        "Programma",
        "Focusbuurt",
        "Fragmenten",
        "Activiteiten",
    ]
    assert len(rows) == 1 + 27 and all(row[0].startswith("Zoekbuurt") for row in rows[1:])
    rows = read_csv(_get(client, world.connector, "/", format="csv"))
    assert [(row[0], row[6]) for row in rows[1:]] == [("Eigen Buurt", "1")]  # only their own buurt


def test_the_start_page_download_is_for_those_whose_start_page_lists_neighbourhoods(client, world):
    assert _get(client, world.funder, "/", format="csv").status_code == 403
    html = _get(client, world.connector, "/", zoek="eigen").content.decode()
    assert 'href="?zoek=eigen&amp;format=xlsx"' in html
