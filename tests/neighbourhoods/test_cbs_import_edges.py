"""The edges of reading CBS figures (``neighbourhoods.cbs_import``) that a user of the neighbourhood pages would
notice: the columns kept in ``extra`` (whole numbers stay whole, decimal commas, '.', empty and 'NA'), and a figure
CBS kept secret in one export and published in the next."""

from __future__ import annotations

import pytest

from krachtvansamen.neighbourhoods.cbs_import import CbsImportError, cbs_import_file
from krachtvansamen.neighbourhoods.models import CbsRecord
from tests.neighbourhoods.test_cbs_import import HEADER, ROWS, _write

pytestmark = pytest.mark.django_db

DENSITY = "Bevolking/Bevolkingsdichtheid (aantal inwoners per km²)"
HOUSEHOLD = "Huishoudens/Gemiddelde huishoudensgrootte (aantal)"
AREA = "Oppervlakte/Oppervlakte land (ha)"
NOT_A_NUMBER_ADVICE = "Controleer dit getal in het bestand."
URBAN = "Wonen/Stedelijkheid (omschrijving)"
EXTRA_HEADER = HEADER.rstrip("\n") + f';"{DENSITY}";"{HOUSEHOLD}";"{AREA}";"{URBAN}"\n'


def extra_of(code: str) -> dict:
    return CbsRecord.objects.get(region_code=code).extra


@pytest.fixture
def with_extras(tmp_path):
    """The small export with three more columns, as StatLine writes them: whole numbers, decimal commas, '.' for
    a secret value, and an empty cell or an 'NA' (how R and pandas write a missing value)."""
    rows = [
        ROWS[0].rstrip("\n") + ";1637;2,1;9801;sterk stedelijk\n",
        ROWS[1].rstrip("\n") + ";5432;2,0;;zeer sterk stedelijk\n",
        ROWS[2].rstrip("\n") + ";.;1,85;NA;sterk stedelijk\n",
    ]
    return cbs_import_file(path=_write(tmp_path, "kwb2024_85984NED_extra.csv", EXTRA_HEADER + "".join(rows)))


def test_a_whole_number_in_an_extra_column_stays_a_whole_number(with_extras):
    arnhem = extra_of("GM0202")
    assert arnhem[DENSITY] == 1637 and str(arnhem[DENSITY]) == "1637"  # shown as 1637, not 1637.0
    assert arnhem[AREA] == 9801 and str(arnhem[AREA]) == "9801"


def test_a_decimal_comma_is_read_as_a_decimal_number(with_extras):
    assert extra_of("GM0202")[HOUSEHOLD] == 2.1
    assert extra_of("BU02021991")[HOUSEHOLD] == 1.85


def test_a_decimal_written_with_a_zero_after_the_comma_stays_a_decimal(with_extras):
    # CBS writes an average of two people per household as "2,0": a decimal figure, shown as 2.0, not as 2.
    household = extra_of("BU02021990")[HOUSEHOLD]
    assert household == 2.0 and str(household) == "2.0"


def test_a_text_in_an_extra_column_is_kept_as_text(with_extras):
    assert extra_of("BU02021990")[URBAN] == "zeer sterk stedelijk"


def test_an_empty_or_na_cell_is_unknown_not_zero_and_not_text(with_extras):
    assert extra_of("BU02021990")[AREA] is None
    assert extra_of("BU02021991")[AREA] is None


def test_a_secret_value_in_an_extra_column_is_left_out_and_marked_secret(with_extras):
    secret = CbsRecord.objects.get(region_code="BU02021991")
    assert DENSITY not in secret.extra
    assert set(secret.suppressed) == {"age_0_15", "age_65_plus", DENSITY}


def test_a_figure_that_was_secret_and_is_published_in_a_newer_export_is_no_longer_marked_secret(tmp_path):
    cbs_import_file(path=_write(tmp_path, "kwb2024_85984NED_klein.csv", HEADER + "".join(ROWS)))
    assert set(CbsRecord.objects.get(region_code="BU02021991").suppressed) == {"age_0_15", "age_65_plus"}
    # A month later CBS publishes the 0-15 count of Klein Buurtje (2); 65+ stays secret.
    newer = ROWS[2].replace(";15;.;.", ";15;2;.")
    result = cbs_import_file(
        path=_write(tmp_path, "kwb2024_85984NED_nieuw.csv", HEADER + ROWS[0] + ROWS[1] + newer)
    )

    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    buurtje = CbsRecord.objects.get(region_code="BU02021991")
    assert (buurtje.age_0_15, buurtje.age_65_plus) == (2, None)
    assert buurtje.suppressed == ["age_65_plus"]


def test_an_export_without_the_age_columns_keeps_the_secret_marks_of_the_ages(tmp_path):
    cbs_import_file(path=_write(tmp_path, "kwb2024_85984NED_klein.csv", HEADER + "".join(ROWS)))
    # The origin export of the same table: no codes, no ages; Klein Buurtje's origin figures are secret too.
    origin = (
        '\ufeff"Wijken en buurten";"Regioaanduiding/Gemeentenaam (naam)";"Bevolking/Aantal inwoners (aantal)";'
        '"Bevolking/Bevolking naar herkomst/Herkomstland/Nederland (aantal)"\n'
        '"Arnhem";"Arnhem";166000;120000\n"Kronenburg";"Arnhem";2915;2100\n"Klein Buurtje";"Arnhem";15;.\n'
    )
    result = cbs_import_file(path=_write(tmp_path, "kwb2024_85984NED_herkomst.csv", origin))

    assert result.layout == "uncoded" and result.updated == 3
    buurtje = CbsRecord.objects.get(region_code="BU02021991")
    assert buurtje.suppressed == ["age_0_15", "age_65_plus", "origin_netherlands"]
    assert (buurtje.age_0_15, buurtje.origin_netherlands) == (None, None)
    assert CbsRecord.objects.get(region_code="BU02021990").origin_netherlands == 2100


# --- head counts ---------------------------------------------------------------------------------------------------


def test_an_empty_or_na_head_count_is_unknown_but_not_marked_secret(tmp_path):
    rows = ROWS[0] + ROWS[1].replace(";2915;400;610", ";2915;;NA") + ROWS[2]
    cbs_import_file(path=_write(tmp_path, "kwb2024_85984NED_leeg.csv", HEADER + rows))
    kronenburg = CbsRecord.objects.get(region_code="BU02021990")
    assert (kronenburg.population, kronenburg.age_0_15, kronenburg.age_65_plus) == (2915, None, None)
    assert kronenburg.suppressed == []  # unknown, but not a secret CBS keeps


def test_zero_people_is_a_figure_and_a_negative_number_of_people_is_refused_in_dutch(tmp_path):
    zero = ROWS[0] + ROWS[1].replace(";2915;400;610", ";2915;0;610")
    cbs_import_file(path=_write(tmp_path, "kwb2024_85984NED_nul.csv", HEADER + zero))
    assert CbsRecord.objects.get(region_code="BU02021990").age_0_15 == 0

    negative = ROWS[0] + ROWS[1].replace(";2915;400;610", ";2915;-4;610")
    with pytest.raises(CbsImportError) as refused:
        cbs_import_file(path=_write(tmp_path, "kwb2024_85984NED_min.csv", HEADER + negative))
    assert str(refused.value) == (
        "Regel 3, kolom 'Bevolking/Leeftijdsgroepen/0 tot 15 jaar (aantal)': '-4' is geen heel aantal mensen. "
        + NOT_A_NUMBER_ADVICE
    )
    assert CbsRecord.objects.get(region_code="BU02021990").age_0_15 == 0


# --- which table and year ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("file_name", "table", "year"),
    [
        ("kwb-2023-buurten.csv", "85618NED", 2023),  # no table id in the name: the KWB table of that year
        ("Kwb_2017.csv", "KWB2017", 2017),  # a year without a known table id
        ("export_84583ned.csv", "84583NED", 2019),  # table id in lower case
    ],
)
def test_the_table_and_year_are_read_from_the_file_name(tmp_path, file_name, table, year):
    result = cbs_import_file(path=_write(tmp_path, file_name, HEADER + ROWS[0]))
    assert (result.table_id, result.year) == (table, year)
    assert CbsRecord.objects.get(region_code="GM0202").year == year


def test_a_table_id_given_by_hand_is_written_in_capitals(tmp_path):
    result = cbs_import_file(
        path=_write(tmp_path, "export.csv", HEADER + ROWS[0]), year=2020, table_id="84799ned"
    )
    assert (result.table_id, result.year) == ("84799NED", 2020)


# --- kinds and codes -----------------------------------------------------------------------------------------------


def test_kinds_and_codes_are_read_whatever_their_case_and_counted_per_kind(tmp_path):
    rows = ROWS[0] + ROWS[1].replace('"Buurt     ";"BU02021990"', '"BUURT";"bu02021990"') + ROWS[2]
    result = cbs_import_file(path=_write(tmp_path, "kwb2024_85984NED_klein.csv", HEADER + rows))
    assert result.by_kind == {"gemeente": 1, "buurt": 2}
    assert CbsRecord.objects.get(region_code="BU02021990").kind == "buurt"


def test_an_unknown_kind_of_region_is_refused_in_dutch(tmp_path):
    rows = ROWS[0] + ROWS[1].replace('"Buurt     "', '"Provincie "')
    with pytest.raises(CbsImportError) as refused:
        cbs_import_file(path=_write(tmp_path, "kwb2024_85984NED_klein.csv", HEADER + rows))
    assert str(refused.value) == (
        "Regel 3: onbekende soort regio 'provincie'. Controleer de kolom 'Soort regio'."
    )
    assert not CbsRecord.objects.exists()


def test_a_comma_separated_export_is_read_too(tmp_path):
    text = (HEADER + ROWS[0] + ROWS[2]).replace(";", ",")
    result = cbs_import_file(path=_write(tmp_path, "kwb2024_85984NED_komma.csv", text))
    assert result.created == 2
    buurtje = CbsRecord.objects.get(region_code="BU02021991")
    assert (buurtje.population, buurtje.age_0_15, buurtje.boundary_change) == (15, None, "2")


def test_a_code_that_does_not_fit_its_kind_is_refused_with_line_code_and_kind(tmp_path):
    rows = ROWS[0] + ROWS[1].replace("BU02021990", "WK020219")  # a wijk code on a buurt row
    with pytest.raises(CbsImportError) as refused:
        cbs_import_file(path=_write(tmp_path, "kwb2024_85984NED_klein.csv", HEADER + rows))
    assert str(refused.value) == (
        "Regel 3: 'WK020219' is geen geldige CBS-code voor een buurt. Controleer de code in het bestand."
    )
