from __future__ import annotations

import gzip
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from krachtvansamen.neighbourhoods.cbs_import import CbsImportError, cbs_import_file
from krachtvansamen.neighbourhoods.models import CbsImport, CbsRecord

SHIPPED = Path(__file__).resolve().parents[2] / "src/krachtvansamen/neighbourhoods/data/cbs"
HEADER = (
    '\ufeff"Wijken en buurten";"Regioaanduiding/Gemeentenaam (naam)";"Regioaanduiding/Soort regio (omschrijving)";'
    '"Regioaanduiding/Codering (code)";"Regioaanduiding/Indelingswijziging gemeente, wijk, buurt (code)";'
    '"Bevolking/Aantal inwoners (aantal)";"Bevolking/Leeftijdsgroepen/0 tot 15 jaar (aantal)";'
    '"Bevolking/Leeftijdsgroepen/65 jaar of ouder (aantal)"\n'
)
ROWS = [
    '"Arnhem";"Arnhem                                  ";"Gemeente  ";"GM0202    ";"1";166000;25000;28000\n',
    '"Kronenburg";"Arnhem                                  ";"Buurt     ";"BU02021990";"1";2915;400;610\n',
    '"Klein Buurtje";"Arnhem                                  ";"Buurt     ";"BU02021991";"2";15;.;.\n',
]


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def small_file(tmp_path):
    return _write(tmp_path, "kwb2024_85984NED_klein.csv", HEADER + "".join(ROWS))


@pytest.mark.django_db
def test_statline_export_is_read_with_bom_padding_and_secret_values(small_file):
    result = cbs_import_file(path=small_file)

    assert (result.year, result.table_id, result.created) == (2024, "85984NED", 3)
    kronenburg = CbsRecord.objects.get(region_code="BU02021990")
    assert (kronenburg.name, kronenburg.municipality_name, kronenburg.kind) == (
        "Kronenburg",
        "Arnhem",
        "buurt",
    )
    assert (kronenburg.population, kronenburg.age_0_15, kronenburg.age_65_plus) == (2915, 400, 610)
    secret = CbsRecord.objects.get(region_code="BU02021991")
    # '.' means CBS keeps it secret: empty, and marked, never zero.
    assert secret.age_0_15 is None and set(secret.suppressed) == {"age_0_15", "age_65_plus"}
    assert secret.boundary_change == "2"


@pytest.mark.django_db
def test_importing_the_same_file_twice_changes_nothing(small_file):
    cbs_import_file(path=small_file)
    before = list(CbsRecord.objects.order_by("pk").values())
    again = cbs_import_file(path=small_file)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert list(CbsRecord.objects.order_by("pk").values()) == before
    assert CbsImport.objects.count() == 1


@pytest.mark.django_db
def test_a_newer_export_updates_changed_rows_only(small_file, tmp_path):
    cbs_import_file(path=small_file)
    changed = _write(
        tmp_path, "kwb2024_85984NED_nieuw.csv", HEADER + ROWS[0] + ROWS[1].replace("2915", "2990") + ROWS[2]
    )
    result = cbs_import_file(path=changed)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    assert CbsRecord.objects.get(region_code="BU02021990").population == 2990


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            HEADER + ROWS[0] + '"Kapot";"Arnhem";"Buurt";"BU02021992";"1";12\n',
            "heeft 6 kolommen in plaats van 8",
        ),
        (HEADER + ROWS[0] + ROWS[1].replace("2915", "veel"), "geen heel aantal mensen"),
        (HEADER + ROWS[0] + ROWS[1].replace("BU02021990", "BU0202"), "geen geldige CBS-code"),
        (HEADER + ROWS[0] + ROWS[1] + ROWS[1], "meer dan één keer"),
        ('"naam";"leeftijd"\n"Jan";40\n', "geen export van CBS Kerncijfers"),
        ("", "is leeg"),
        (HEADER, "geen rijen"),
    ],
)
@pytest.mark.django_db
def test_a_damaged_or_wrong_file_is_refused_and_the_database_is_untouched(
    small_file, tmp_path, content, message
):
    cbs_import_file(path=small_file)
    before = list(CbsRecord.objects.order_by("pk").values())
    bad = _write(tmp_path, "kwb2024_85984NED_kapot.csv", content)
    with pytest.raises(CbsImportError, match=message):
        cbs_import_file(path=bad)
    assert list(CbsRecord.objects.order_by("pk").values()) == before


@pytest.mark.django_db
def test_binary_garbage_gets_a_clear_message(tmp_path):
    bad = tmp_path / "kwb2024.csv"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe\x00garbage")
    with pytest.raises(CbsImportError, match="geen tekstbestand in UTF-8"):
        cbs_import_file(path=bad)
    damaged_gz = tmp_path / "kwb2024.csv.gz"
    damaged_gz.write_bytes(gzip.compress(b"abc")[:8])
    with pytest.raises(CbsImportError, match="beschadigd gzip-bestand"):
        cbs_import_file(path=damaged_gz)


@pytest.mark.django_db
def test_a_file_whose_year_cannot_be_told_asks_for_year(tmp_path):
    path = _write(tmp_path, "export.csv", HEADER + ROWS[0])
    with pytest.raises(CbsImportError, match="--year"):
        cbs_import_file(path=path)
    assert cbs_import_file(path=path, year=2022).year == 2022


@pytest.mark.django_db
def test_command_says_in_dutch_what_is_wrong(tmp_path):
    bad = _write(tmp_path, "kwb2024_85984NED_kapot.csv", HEADER + ROWS[0] + '"Kapot";"Arnhem"\n')
    with pytest.raises(CommandError) as error:
        call_command("import_cbs", str(bad))
    assert "niet geïmporteerd" in str(error.value) and "Regel 3" in str(error.value)
    assert not CbsRecord.objects.exists()


@pytest.mark.django_db
def test_national_2024_file_imports_completely_then_origin_joins_row_by_row():
    out = StringIO()
    call_command("import_cbs", str(SHIPPED / "nl_kwb2024_85984NED_bevolking_leeftijd.csv.gz"), stdout=out)
    counts = {
        kind: CbsRecord.objects.filter(year=2024, kind=kind).count()
        for kind in ("land", "gemeente", "wijk", "buurt")
    }
    assert counts == {"land": 1, "gemeente": 342, "wijk": 3393, "buurt": 14574}
    assert CbsRecord.objects.get(region_code="BU02021990").population == 2915

    result = cbs_import_file(path=SHIPPED / "nl_kwb2024_85984NED_herkomst_namen.csv.gz")
    assert result.layout == "uncoded" and result.updated == 18310
    country = CbsRecord.objects.get(region_code="NL00")
    assert (country.origin_netherlands, country.origin_europe, country.origin_outside_europe) == (
        12941748,
        1677093,
        3324101,
    )
    # The code-less export keeps what the coded one brought.
    assert country.age_65_plus == 3677228 and country.boundary_change == ""
    assert (
        cbs_import_file(path=SHIPPED / "nl_kwb2024_85984NED_herkomst_namen.csv.gz").changed_anything is False
    )


@pytest.mark.django_db
def test_origin_file_that_does_not_match_the_coded_rows_is_refused(small_file, tmp_path):
    cbs_import_file(path=small_file)
    header = '\ufeff"Wijken en buurten";"Regioaanduiding/Gemeentenaam (naam)";"Bevolking/Aantal inwoners (aantal)"\n'
    wrong = _write(
        tmp_path,
        "kwb2024_85984NED_herkomst.csv",
        header + '"Arnhem";"Arnhem";166000\n"Andere buurt";"Arnhem";2915\n"Klein Buurtje";"Arnhem";15\n',
    )
    with pytest.raises(CbsImportError, match="past niet bij rij"):
        cbs_import_file(path=wrong)


@pytest.mark.django_db
def test_going_back_to_an_earlier_file_compares_row_by_row(small_file, tmp_path):
    cbs_import_file(path=small_file)
    changed = _write(
        tmp_path, "kwb2024_85984NED_nieuw.csv", HEADER + ROWS[0] + ROWS[1].replace("2915", "2990") + ROWS[2]
    )
    cbs_import_file(path=changed)
    back = cbs_import_file(path=small_file)
    assert (back.created, back.updated, back.unchanged) == (0, 1, 2)
    assert CbsRecord.objects.get(region_code="BU02021990").population == 2915
