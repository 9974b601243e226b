"""What a user notices when a CBS export without region codes is matched to the coded export of the same table
(``neighbourhoods.cbs_import``): which earlier export it is matched to, the Dutch messages when it does not fit,
the counts per kind, and the extra figures of both exports kept side by side."""

from __future__ import annotations

import hashlib
import re

import pytest

from krachtvansamen.neighbourhoods import cbs_import
from krachtvansamen.neighbourhoods.cbs_import import CbsImportError, cbs_import_file
from krachtvansamen.neighbourhoods.models import CbsImport, CbsRecord
from tests.neighbourhoods.test_cbs_import import HEADER, ROWS, _write

pytestmark = pytest.mark.django_db

UNCODED_HEADER = (
    '\ufeff"Wijken en buurten";"Regioaanduiding/Gemeentenaam (naam)";"Bevolking/Aantal inwoners (aantal)"\n'
)
UNCODED_ROWS = ['"Arnhem";"Arnhem";166000\n', '"Kronenburg";"Arnhem";2915\n', '"Klein Buurtje";"Arnhem";15\n']
DENSITY = "Bevolking/Bevolkingsdichtheid (aantal inwoners per km²)"
HOUSEHOLD = "Huishoudens/Gemiddelde huishoudensgrootte (aantal)"


@pytest.fixture
def coded(tmp_path):
    """The small coded export of table 85984NED (2024) is in the database."""
    return cbs_import_file(path=_write(tmp_path, "kwb2024_85984NED_klein.csv", HEADER + "".join(ROWS)))


def test_rows_without_codes_get_the_codes_and_kinds_of_the_coded_export(coded, tmp_path):
    name = "kwb2024_85984NED_zonder_codes.csv"
    rows = [row.replace("\n", f";{i}\n") for i, row in enumerate(UNCODED_ROWS, start=1)]
    header = UNCODED_HEADER.rstrip("\n") + f';"{HOUSEHOLD}"\n'
    result = cbs_import_file(path=_write(tmp_path, name, header + "".join(rows)))

    assert result.file_name == name and result.layout == "uncoded"
    # The command reports the counts per kind: the code-less rows are counted as the kinds they were matched to.
    assert result.by_kind == {"gemeente": 1, "buurt": 2}
    assert CbsRecord.objects.get(region_code="BU02021991").extra[HOUSEHOLD] == 3


@pytest.mark.parametrize(
    ("table_id", "year"),
    [
        pytest.param("85618NED", 2024, id="same-year-other-table"),
        pytest.param("85984NED", 2023, id="same-table-other-year"),
    ],
)
def test_rows_without_codes_are_matched_only_to_the_coded_export_of_the_same_table_and_year(
    coded, tmp_path, table_id, year
):
    path = _write(tmp_path, "herkomst.csv", UNCODED_HEADER + "".join(UNCODED_ROWS))
    expected = (
        f"Bestand herkomst.csv heeft geen regiocodes. Importeer eerst de export van tabel {table_id} mét codes; "
        "daarna worden de rijen één voor één gekoppeld."
    )
    with pytest.raises(CbsImportError, match=re.escape(expected)):
        cbs_import_file(path=path, table_id=table_id, year=year)
    assert not CbsRecord.objects.filter(year=year, table_id=table_id).exists()


def test_a_file_without_codes_with_fewer_rows_than_the_coded_export_is_refused_with_both_counts(
    coded, tmp_path
):
    path = _write(tmp_path, "kwb2024_85984NED_herkomst.csv", UNCODED_HEADER + "".join(UNCODED_ROWS[:2]))
    expected = (
        "Bestand kwb2024_85984NED_herkomst.csv heeft 2 rijen, de export van 85984NED met codes heeft er 3: "
        "ze passen niet bij elkaar."
    )
    with pytest.raises(CbsImportError, match=re.escape(expected)):
        cbs_import_file(path=path)


def test_a_row_with_the_same_name_but_another_number_of_inhabitants_is_refused(coded, tmp_path):
    rows = [UNCODED_ROWS[0], UNCODED_ROWS[1].replace("2915", "2916"), UNCODED_ROWS[2]]
    path = _write(tmp_path, "kwb2024_85984NED_herkomst.csv", UNCODED_HEADER + "".join(rows))
    expected = (
        "Rij 2 van kwb2024_85984NED_herkomst.csv ('Kronenburg') past niet bij rij 2 van de export met codes "
        "('Kronenburg')"
    )
    with pytest.raises(CbsImportError, match=re.escape(expected)):
        cbs_import_file(path=path)
    assert CbsRecord.objects.get(region_code="BU02021990").population == 2915


def test_an_export_with_other_extra_figures_keeps_the_extra_figures_of_the_earlier_export(tmp_path):
    header = HEADER.rstrip("\n") + f';"{DENSITY}"\n'
    rows = [row.rstrip("\n") + f";{density}\n" for row, density in zip(ROWS, (1637, 5432, 80), strict=True)]
    cbs_import_file(path=_write(tmp_path, "kwb2024_85984NED_dichtheid.csv", header + "".join(rows)))
    other = HEADER.rstrip("\n") + f';"{HOUSEHOLD}"\n'
    rows = [row.rstrip("\n") + f";{size}\n" for row, size in zip(ROWS, ("2,1", "2,0", "1,5"), strict=True)]

    result = cbs_import_file(path=_write(tmp_path, "kwb2024_85984NED_huishoudens.csv", other + "".join(rows)))

    assert result.updated == 3
    assert CbsRecord.objects.get(region_code="BU02021990").extra == {DENSITY: 5432, HOUSEHOLD: 2.0}


# --- reading the file ----------------------------------------------------------------------------------------------


def test_a_file_whose_year_cannot_be_told_says_so_in_dutch(tmp_path):
    path = _write(tmp_path, "export.csv", HEADER + ROWS[0])
    expected = "Het is niet duidelijk over welk jaar dit bestand gaat. Geef het jaar op met --year"
    with pytest.raises(CbsImportError, match=re.escape(expected)):
        cbs_import_file(path=path)


def test_a_cell_with_text_after_its_closing_quote_is_refused_as_damaged_csv(tmp_path):
    path = _write(
        tmp_path,
        "kwb2024_85984NED_kapot.csv",
        HEADER + ROWS[0] + ROWS[1].replace('"Kronenburg"', '"Kronen"burg'),
    )
    with pytest.raises(
        CbsImportError, match="Bestand kwb2024_85984NED_kapot.csv is beschadigd en kan niet als CSV"
    ):
        cbs_import_file(path=path)
    assert not CbsRecord.objects.exists()


def test_a_file_that_starts_with_an_empty_line_is_refused_as_empty(tmp_path):
    path = _write(tmp_path, "kwb2024_85984NED_leeg.csv", "\n" + HEADER + "".join(ROWS))
    with pytest.raises(CbsImportError, match="Bestand kwb2024_85984NED_leeg.csv is leeg"):
        cbs_import_file(path=path)


def test_a_header_with_as_many_commas_as_semicolons_is_read_as_semicolon_separated(coded, tmp_path):
    header = (
        '"Wijken en buurten";"Regioaanduiding/Indelingswijziging gemeente, wijk, buurt (code)";'
        '"Bevolking/Aantal inwoners (aantal)"\n'
    )
    rows = ['"Arnhem";"1";166000\n', '"Kronenburg";"1";2915\n', '"Klein Buurtje";"3";15\n']
    result = cbs_import_file(path=_write(tmp_path, "kwb2024_85984NED_indeling.csv", header + "".join(rows)))
    assert result.updated == 1
    assert CbsRecord.objects.get(region_code="BU02021991").boundary_change == "3"


# --- writing -------------------------------------------------------------------------------------------------------


def test_a_changed_row_keeps_its_id_and_a_new_row_without_boundary_or_municipality_column_gets_empty_text(
    coded, tmp_path
):
    ids = dict(CbsRecord.objects.values_list("region_code", "pk"))
    changed = _write(
        tmp_path, "kwb2024_85984NED_nieuw.csv", HEADER + ROWS[0] + ROWS[1].replace("2915", "2990") + ROWS[2]
    )
    cbs_import_file(path=changed)
    assert dict(CbsRecord.objects.values_list("region_code", "pk")) == ids

    header = (
        '"Wijken en buurten";"Regioaanduiding/Soort regio (omschrijving)";"Regioaanduiding/Codering (code)";'
        '"Bevolking/Aantal inwoners (aantal)"\n'
    )
    cbs_import_file(
        path=_write(tmp_path, "kwb2024_85984NED_kaal.csv", header + '"Nieuw";"Buurt";"BU02021992";7\n')
    )
    new = CbsRecord.objects.get(region_code="BU02021992")
    assert (new.population, new.boundary_change, new.municipality_name) == (7, "", "")


def test_a_column_label_with_an_accented_letter_is_read_and_kept_under_its_own_label(tmp_path):
    label = "Zorg/Cliënten Wmo (aantal)"
    header = HEADER.rstrip("\n") + f';"{label}"\n'
    rows = [row.rstrip("\n") + f";{count}\n" for row, count in zip(ROWS, (5100, 90, 1), strict=True)]
    cbs_import_file(path=_write(tmp_path, "kwb2024_85984NED_zorg.csv", header + "".join(rows)))
    assert CbsRecord.objects.get(region_code="BU02021990").extra == {label: 90}


def test_a_missing_file_is_named_in_dutch(tmp_path):
    path = tmp_path / "kwb2024_85984NED_weg.csv"
    with pytest.raises(CbsImportError, match=re.escape(f"Bestand {path} bestaat niet.")):
        cbs_import_file(path=path)


def test_a_file_is_refused_only_when_it_is_larger_than_the_limit(tmp_path, monkeypatch):
    path = _write(tmp_path, "kwb2024_85984NED_klein.csv", HEADER + "".join(ROWS))
    monkeypatch.setattr(cbs_import, "MAX_FILE_BYTES", path.stat().st_size)
    assert cbs_import_file(path=path).created == 3
    monkeypatch.setattr(cbs_import, "MAX_FILE_BYTES", path.stat().st_size - 1)
    with pytest.raises(CbsImportError, match="Bestand kwb2024_85984NED_klein.csv is groter dan 200 MB"):
        cbs_import_file(path=path)


@pytest.mark.parametrize(
    ("header", "message"),
    [
        pytest.param(
            '"Wijken en buurten";"Regioaanduiding/Codering (code)";"Bevolking/Aantal inwoners (aantal)"\n',
            "Bestand kwb2024_85984NED_x.csv heeft wel regiocodes, maar geen kolom 'Soort regio'.",
            id="codes-without-kind",
        ),
        pytest.param(
            '"Wijken en buurten";"Regioaanduiding/Soort regio (omschrijving)";"Regioaanduiding/Codering (code)"\n',
            "Bestand kwb2024_85984NED_x.csv is geen export van CBS Kerncijfers wijken en buurten",
            id="no-inhabitants",
        ),
    ],
)
def test_a_file_missing_a_needed_column_is_refused_with_its_name(tmp_path, header, message):
    path = _write(tmp_path, "kwb2024_85984NED_x.csv", header + '"Kronenburg";"Buurt";"BU02021990"\n')
    with pytest.raises(CbsImportError, match=re.escape(message)):
        cbs_import_file(path=path)


def test_a_row_with_too_few_columns_names_the_file(tmp_path):
    path = _write(tmp_path, "kwb2024_85984NED_kort.csv", HEADER + ROWS[0] + '"Kapot";"Arnhem"\n')
    with pytest.raises(CbsImportError, match="Regel 3 van kwb2024_85984NED_kort.csv heeft 2 kolommen"):
        cbs_import_file(path=path)


def test_a_coded_export_is_reported_and_recorded_as_coded_under_the_table_given_by_hand(tmp_path):
    path = _write(tmp_path, "kwb2024_85984NED_klein.csv", HEADER + "".join(ROWS))
    result = cbs_import_file(path=path, table_id="85618ned", year=2023)
    assert (result.layout, result.table_id, result.year) == ("coded", "85618NED", 2023)
    assert CbsImport.objects.get().layout == "coded"
    assert set(CbsRecord.objects.values_list("table_id", flat=True)) == {"85618NED"}


def test_importing_the_same_file_again_reports_the_file_table_year_and_counts(coded, tmp_path):
    again = cbs_import_file(path=tmp_path / "kwb2024_85984NED_klein.csv")
    assert (again.file_name, again.table_id, again.year, again.layout, again.rows, again.unchanged) == (
        "kwb2024_85984NED_klein.csv",
        "85984NED",
        2024,
        "coded",
        3,
        3,
    )
    assert again.by_kind == {"gemeente": 1, "buurt": 2}


@pytest.mark.parametrize(
    ("table_id", "year", "created", "updated"),
    [
        pytest.param("85618NED", 2024, 0, 3, id="other-table"),
        pytest.param("85984NED", 2023, 3, 0, id="other-year"),
    ],
)
def test_the_same_file_imported_again_for_another_table_or_year_is_written_for_that_table_or_year(
    coded, tmp_path, table_id, year, created, updated
):
    result = cbs_import_file(path=tmp_path / "kwb2024_85984NED_klein.csv", table_id=table_id, year=year)
    assert (result.created, result.updated) == (created, updated)
    assert CbsRecord.objects.filter(table_id=table_id, year=year).count() == 3


def test_an_import_reports_its_file_and_records_file_hash_table_and_layout(tmp_path):
    """The command prints the file's name; the recorded import keeps what identifies the file, so that the same
    file imported again is recognised by its hash (and the history in Beheer names the file, table and layout)."""
    path = _write(tmp_path, "kwb2024_85984NED_klein.csv", HEADER + "".join(ROWS))
    result = cbs_import_file(path=path)
    assert result.file_name == "kwb2024_85984NED_klein.csv"
    recorded = CbsImport.objects.get()
    assert (recorded.file_name, recorded.table_id, recorded.year, recorded.layout, recorded.rows) == (
        "kwb2024_85984NED_klein.csv",
        "85984NED",
        2024,
        "coded",
        3,
    )
    assert recorded.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_changed_export_records_how_many_rows_it_created_updated_and_left_alone(coded, tmp_path):
    """Beheer's list of imports says what each run did: here Kronenburg's population changed, a new buurt came in
    and Arnhem stayed the same."""
    rows = [ROWS[0], ROWS[1].replace(";2915;", ";2920;"), ROWS[2].replace("Klein Buurtje", "Nieuw Buurtje")]
    rows[2] = rows[2].replace("BU02021991", "BU02021992")
    cbs_import_file(path=_write(tmp_path, "kwb2024_85984NED_nieuw.csv", HEADER + "".join(rows)))
    latest = CbsImport.objects.order_by("-pk").first()
    assert (latest.rows, latest.created, latest.updated, latest.unchanged) == (3, 1, 1, 1)
