"""Edges of importing KoboToolbox/ODK answers: file formats, Dutch messages, and all rows or none."""

from __future__ import annotations

import datetime as dt
import io
import re
import uuid
import zipfile

import openpyxl
import pytest
from django.utils import translation

from krachtvansamen.instruments.answers_import import AnswersImportError, answers_import
from krachtvansamen.instruments.definition import canonical_hash, validate_definition
from krachtvansamen.instruments.models import Form, FormVersion, Submission

pytestmark = pytest.mark.django_db

DEFINITION = validate_definition({
    "title": {"nl": "Buurtteller", "en": "Neighbourhood counter"},
    "questions": [
        {"name": "place", "type": "text", "required": True, "label": {"nl": "Plek"}},
        {"name": "visitors", "type": "integer", "label": {"nl": "Bezoekers"}},
        {"name": "km", "type": "decimal", "label": {"nl": "Afstand"}},
        {"name": "visited_on", "type": "date", "label": {"nl": "Datum"}},
        {"name": "main_effect", "type": "codes", "code_group": "effect.social", "label": {"nl": "Grootste effect"}},
        {"name": "activities", "type": "repeat", "label": {"nl": "Activiteiten"}, "questions": [
            {"name": "activity", "type": "text", "required": True, "label": {"nl": "Activiteit"}},
            {"name": "participants", "type": "integer", "label": {"nl": "Deelnemers"}},
        ]},
    ],
})  # fmt: skip


@pytest.fixture
def counter(codebook):
    form = Form.objects.create(key="buurtteller", instrument="buurtscan")
    return FormVersion.objects.create(
        form=form, version=1, definition=DEFINITION, content_hash=canonical_hash(DEFINITION)
    )


@pytest.fixture
def run(counter, builder):
    """Import a file into the test form, as the community builder, with Dutch messages."""
    user, neighbourhood = builder

    def run(content: bytes, file_name: str = "export.csv"):
        with translation.override("nl"):
            return answers_import(
                form_version=counter, content=content, file_name=file_name,
                neighbourhood=neighbourhood, year=2024, user=user,
            )  # fmt: skip

    return run


def _refused(run, content: bytes, file_name: str = "export.csv") -> str:
    with pytest.raises(AnswersImportError) as refused:
        run(content, file_name)
    return str(refused.value)


def _workbook(*sheets: tuple[str, list[list]], without_dimensions: bool = False, cached: str = "") -> bytes:
    """An .xlsx with the given sheets; optionally without size information, or with a formula's cached value."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets:
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    if not without_dimensions and not cached:
        return buffer.getvalue()
    source, result = zipfile.ZipFile(io.BytesIO(buffer.getvalue())), io.BytesIO()
    with zipfile.ZipFile(result, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                if without_dimensions:
                    data = re.sub(rb"<dimension[^>]*/>", b"", data)
                if cached:  # what Excel stores next to a formula: the value it computed
                    data = data.replace(b"<v></v>", f"<v>{cached}</v>".encode())
            target.writestr(item, data)
    return result.getvalue()


# --- CSV -------------------------------------------------------------------------------------------------


def test_a_csv_with_a_bom_semicolons_and_decimal_commas_is_read_as_excel_writes_it(run):
    content = "\ufeffgroep/place;visitors;km;visited_on\nHet Plein;12;3,5;14-03-2025\n".encode()
    result = run(content)
    assert (result.rows, result.created, result.already_there) == (1, 1, 0)
    assert Submission.objects.get().answers == {
        "place": "Het Plein",
        "visitors": 12,
        "km": 3.5,
        "visited_on": "2025-03-14",
    }


def test_a_csv_with_a_single_column_is_read_as_one_column(run):
    run(b"place\nHet Plein\n")
    assert Submission.objects.get().answers == {"place": "Het Plein"}


def test_only_a_comma_semicolon_or_tab_separates_columns_never_a_letter(run):
    # one column (in group "blok_X") whose every line holds one "X": still one column, answers kept whole
    run(b"blok_X/place\nToren X\nKade X\nPlein X\n")
    assert sorted(s.answers["place"] for s in Submission.objects.all()) == ["Kade X", "Plein X", "Toren X"]


def test_a_tab_separated_export_is_read_too(run):
    run(b"place\tvisitors\nDe Kade\t7\n")
    assert Submission.objects.get().answers == {"place": "De Kade", "visitors": 7}


def test_a_csv_that_is_not_utf8_is_refused_with_advice(run):
    assert _refused(run, "place;visitors\nCafé;3\n".encode("latin-1")) == (
        "Dit CSV-bestand is niet in UTF-8. Exporteer het opnieuw als UTF-8."
    )


def test_a_csv_that_the_csv_reader_chokes_on_is_refused_with_advice(run):
    huge_cell = "x" * 200_000  # more than the CSV reader takes in one cell
    assert _refused(run, f"place,visitors\n{huge_cell},3\n".encode()) == (
        "Dit CSV-bestand is niet te lezen. Controleer of het een export uit KoboToolbox of ODK is."
    )


def test_a_csv_with_only_the_header_has_no_answers(run):
    assert _refused(run, b"place,visitors\n") == "Er staan geen antwoorden in dit bestand."
    assert _refused(run, b"place,visitors\n,\n ,  \n") == "Er staan geen antwoorden in dit bestand."


def test_at_most_5000_rows_are_imported_at_once(run):
    header = b"place,visitors\n"
    # 5000 rows is allowed: the import goes on to check them (and stops at the first wrong one).
    assert _refused(run, header + b"Plein,veel\n" * 5000) == (
        "Rij 2, vraag “visitors”: Vul een heel getal in. Er is niets ingelezen."
    )
    assert _refused(run, header + b"Plein,veel\n" * 5001) == "Te veel rijen: hoogstens 5000 per keer."
    assert Submission.objects.count() == 0


def test_the_export_of_another_form_is_refused_naming_this_form(run):
    assert _refused(run, b"naam;leeftijd\nAns;70\n") == (
        "Geen enkele kolom hoort bij een vraag van “Buurtteller”. Is dit wel de export van dit formulier?"
    )


def test_a_row_that_fails_halfway_leaves_nothing_behind(run):
    content = b"place,visitors,_uuid\nHet Plein,3,r1\nDe Kade,4,r2\nHet Hof,vier,r3\nDe Wei,5,r4\n"
    assert _refused(run, content) == "Rij 4, vraag “visitors”: Vul een heel getal in. Er is niets ingelezen."
    assert Submission.objects.count() == 0


def test_a_wrong_answer_in_a_repeated_row_names_the_group_row_and_question(run):
    content = _workbook(
        ("Buurtteller", [["place", "_index", "_uuid"], ["Het Plein", 1, "r1"]]),
        ("activities", [["activity", "participants", "_parent_index"], ["Buurtsoep", "veel", 1]]),
    )
    assert _refused(run, content, "export.xlsx") == (
        "Rij 2, vraag “activities 1 participants”: Vul een heel getal in. Er is niets ingelezen."
    )
    assert Submission.objects.count() == 0


def test_the_second_repeated_row_is_called_the_second(run):
    """Rows of a group are counted from 1, as in the sheet: the wrong answer in the second one says 2."""
    content = _workbook(
        ("Buurtteller", [["place", "_index", "_uuid"], ["Het Plein", 1, "r1"]]),
        ("activities", [
            ["activity", "participants", "_parent_index"], ["Buurtsoep", "12", 1], ["Repair café", "veel", 1],
        ]),
    )  # fmt: skip
    assert _refused(run, content, "export.xlsx") == (
        "Rij 2, vraag “activities 2 participants”: Vul een heel getal in. Er is niets ingelezen."
    )
    assert Submission.objects.count() == 0


def test_imported_answers_record_who_imported_them(run, builder):
    run(b"place\nHet Plein\n")
    assert Submission.objects.get().submitted_by == builder[0]


def test_a_text_answer_with_spaces_is_kept_whole(run):
    run(b"place,visitors\nHet Grote Plein aan de Kade,3\n")
    assert Submission.objects.get().answers["place"] == "Het Grote Plein aan de Kade"


def test_a_single_code_question_with_two_codes_is_refused(run):
    content = b"place,main_effect\nHet Plein,effect.social.contact effect.social.network\n"
    assert _refused(run, content) == (
        "Rij 2, vraag “main_effect”: Kies een van de mogelijkheden die er staan. Er is niets ingelezen."
    )
    run(b"place,main_effect\nHet Plein,effect.social.contact\n")
    assert Submission.objects.get().answers["main_effect"] == "effect.social.contact"


def test_a_column_named_after_a_repeated_group_is_not_taken_as_its_rows(run):
    # Exports may put the number of repeated rows in a column with the group's name.
    run(b"place,activities\nHet Plein,2\n")
    assert Submission.objects.get().answers == {"place": "Het Plein"}


# --- the same export twice -------------------------------------------------------------------------------


def test_an_export_without_ids_imported_twice_adds_nothing_the_second_time(run):
    content = b"place,visitors\nHet Plein,3\nDe Kade,4\n"
    first = run(content, "buurt.csv")
    second = run(content, "buurt.csv")
    assert (first.created, first.already_there) == (2, 0)
    assert (second.rows, second.created, second.already_there) == (2, 0, 2)
    assert Submission.objects.count() == 2


def test_an_odk_instance_id_becomes_the_submission_id(run):
    instance = "5b0c6a2e-8f3d-4a51-9c7e-2d4f6a8b1c03"
    run(f"place,meta/instanceID\nHet Plein,uuid:{instance}\n".encode(), "odk.csv")
    assert Submission.objects.get().client_id == uuid.UUID(instance)
    # The same ODK submission in an export with another name is recognised.
    again = run(f"place,meta/instanceID\nHet Plein,uuid:{instance}\n".encode(), "odk-week-2.csv")
    assert (again.created, again.already_there) == (0, 1)


# --- Excel -----------------------------------------------------------------------------------------------


def test_a_file_that_is_not_an_excel_workbook_is_refused_with_advice(run):
    assert _refused(run, b"PK not really a workbook", "export.xlsx") == (
        "Dit bestand kunnen we niet lezen als Excel-bestand (.xlsx)."
    )


def test_a_file_of_exactly_20_mb_is_not_too_big_but_one_byte_more_is(run):
    limit = 20 * 1024 * 1024
    assert _refused(run, b"\0" * limit, "export.xlsx") == (
        "Dit bestand kunnen we niet lezen als Excel-bestand (.xlsx)."
    )
    assert _refused(run, b"\0" * (limit + 1), "export.xlsx") == "Dit bestand is te groot (hoogstens 20 MB)."


def test_excel_dates_and_empty_cells_are_read_as_a_person_sees_them(run):
    content = _workbook(
        (
            "Buurtteller",
            [
                ["place", "visitors", "km", "visited_on", "_uuid"],
                ["Het Plein", None, None, dt.datetime(2025, 3, 14), "r1"],  # noqa: DTZ001 - Excel has no time zones
                ["De Kade", 4, 2.5, dt.date(2025, 3, 15), "r2"],
                [None, None, None, None, None],  # an empty row Excel kept
            ],
        )
    )
    result = run(content, "export.xlsx")
    assert (result.rows, result.created) == (2, 2)
    answers = [s.answers for s in Submission.objects.order_by("answers__place")]
    assert answers == [
        {"place": "De Kade", "visitors": 4, "km": 2.5, "visited_on": "2025-03-15"},
        {"place": "Het Plein", "visited_on": "2025-03-14"},
    ]


def test_a_number_computed_by_a_formula_is_imported_as_its_value(run):
    content = _workbook(("Buurtteller", [["place", "visitors"], ["Het Plein", "=2+3"]]), cached="5")
    run(content, "export.xlsx")
    assert Submission.objects.get().answers == {"place": "Het Plein", "visitors": 5}


def test_a_workbook_without_size_information_and_uneven_rows_is_read(run):
    content = _workbook(
        (
            "Buurtteller",
            [["place", "visitors"], ["Het Plein", 3, "een notitie zonder kolomnaam"], ["De Kade"]],
        ),
        without_dimensions=True,
    )
    assert run(content, "export.xlsx").created == 2
    assert sorted(s.answers["place"] for s in Submission.objects.all()) == ["De Kade", "Het Plein"]


def test_repeated_rows_after_an_empty_sheet_are_still_found(run):
    content = _workbook(
        ("Buurtteller", [["place", "_index", "_uuid"], ["Het Plein", 1, "r1"]]),
        ("leeg", []),
        ("activities", [["activities/activity", "_parent_index"], ["Buurtsoep", 1], ["Kleding ruilen", 1]]),
    )
    run(content, "export.xlsx")
    assert Submission.objects.get().answers["activities"] == [
        {"activity": "Buurtsoep"},
        {"activity": "Kleding ruilen"},
    ]


def test_repeated_rows_without_index_columns_belong_to_the_only_row(run):
    content = _workbook(
        ("Buurtteller", [["place"], ["Het Plein"]]),
        ("activities", [["activity"], ["Buurtsoep"]]),
    )
    run(content, "export.xlsx")
    assert Submission.objects.get().answers == {
        "place": "Het Plein",
        "activities": [{"activity": "Buurtsoep"}],
    }


def test_an_extra_sheet_named_after_a_plain_question_is_ignored(run):
    content = _workbook(
        ("Buurtteller", [["place", "visitors"], ["Het Plein", 3]]),
        ("visitors", [["notitie"], ["geteld bij de ingang"]]),
    )
    run(content, "export.xlsx")
    assert Submission.objects.get().answers == {"place": "Het Plein", "visitors": 3}
