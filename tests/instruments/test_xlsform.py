"""XLSForm: export converts with pyxform, import gives the same form back; KoboToolbox answers import."""

from __future__ import annotations

import io

import openpyxl
import pytest

from krachtvansamen.instruments.answers_import import AnswersImportError, answers_import
from krachtvansamen.instruments.definition import DefinitionError
from krachtvansamen.instruments.models import Submission
from krachtvansamen.instruments.xlsform import definition_to_xlsform, pyxform_check, xlsform_to_definition

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("key", ["buurtscan", "vragenlijst", "wijkwaardenkaart", "pas_op_de_plaats"])
def test_every_default_form_round_trips_through_xlsform(forms, key):
    version = forms[key]
    content = definition_to_xlsform(
        key=key, instrument=version.form.instrument, version=version.version, definition=version.definition
    )
    pyxform_check(content)  # raises on an error, as KoboToolbox would refuse the file
    imported = xlsform_to_definition(content, file_name=f"{key}.xlsx")
    assert imported.key == key and imported.instrument == version.form.instrument
    assert imported.definition == version.definition
    assert imported.warnings == []


def _workbook(survey: list[list[str]], choices: list[list[str]] | None = None) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "survey"
    for row in survey:
        sheet.append(row)
    if choices:
        sheet = workbook.create_sheet("choices")
        for row in choices:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_plain_kobo_form_imports_with_groups_flattened_and_unsupported_types_skipped(codebook):
    content = _workbook(
        [
            ["type", "name", "label", "required", "relevant"],
            ["start", "start", "", "", ""],
            ["begin_group", "g1", "Deel 1", "", ""],
            ["select_one yn", "likes", "Woon je hier graag?", "yes", ""],
            ["text", "why", "Waarom?", "", "${likes} = 'yes'"],
            ["geopoint", "where", "Waar?", "", ""],
            ["end_group", "", "", "", ""],
        ],
        [["list_name", "name", "label"], ["yn", "yes", "Ja"], ["yn", "no", "Nee"]],
    )
    imported = xlsform_to_definition(content, file_name="Buurt Enquete.xlsx")
    assert imported.key == "buurt_enquete"
    assert [(q["name"], q["type"]) for q in imported.definition["questions"]] == [
        ("likes", "select_one"),
        ("why", "text"),
    ]
    assert imported.warnings == ["Regel 6: het soort vraag “geopoint” kan hier niet en is overgeslagen."]


@pytest.mark.parametrize(("content", "message"), [
    (b"PK\x03\x04 not really a zip", "kunnen we niet lezen als Excel-bestand"),
    (b"", "kunnen we niet lezen als Excel-bestand"),
])  # fmt: skip
def test_a_damaged_file_gets_a_dutch_message(content, message):
    with pytest.raises(DefinitionError, match=message):
        xlsform_to_definition(content)


def test_a_workbook_without_survey_sheet_is_not_an_xlsform(codebook):
    workbook = openpyxl.Workbook()
    workbook.active.append(["naam", "leeftijd"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(DefinitionError, match="geen blad “survey”"):
        xlsform_to_definition(buffer.getvalue())


def test_a_missing_choice_list_names_the_line(codebook):
    content = _workbook([["type", "name", "label"], ["select_one nope", "q", "Vraag"]])
    with pytest.raises(DefinitionError, match="Regel 2: de lijst met keuzes “nope” ontbreekt"):
        xlsform_to_definition(content)


def _kobo_export(rows: list[dict[str, str]], factors: list[dict[str, str]] | None = None) -> bytes:
    workbook = openpyxl.Workbook()
    main = workbook.active
    main.title = "Jaarlijkse vragenlijst"
    header = [
        "start",
        "abcd_residents_lead",
        "abcd_relations",
        "abcd_whats_strong",
        "abcd_from_within",
        "abcd_everyone_welcome",
        "deel2/effects_social",
        "_id",
        "_uuid",
        "_index",
    ]
    main.append(header)
    for row in rows:
        main.append([row.get(h, "") for h in header])
    if factors:
        sheet = workbook.create_sheet("factors")
        sheet.append(["factor_type", "factor_direction", "factor_description", "_parent_index"])
        for row in factors:
            sheet.append(
                [row["factor_type"], row["factor_direction"], row["factor_description"], row["_parent_index"]]
            )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


ROW = {
    "abcd_residents_lead": "4",
    "abcd_relations": "3",
    "abcd_whats_strong": "5",
    "abcd_from_within": "2",
    "abcd_everyone_welcome": "3",
    "deel2/effects_social": "effect.social.contact effect.social.network",
}


def test_kobo_answers_import_whole_with_repeats_and_not_twice(forms, builder):
    user, neighbourhood = builder
    content = _kobo_export(
        [
            {**ROW, "_uuid": "0d7b3a4e-7d51-4b7e-9a7c-1c2f8f7e1a01", "_index": "1"},
            {**ROW, "abcd_relations": "5", "_uuid": "0d7b3a4e-7d51-4b7e-9a7c-1c2f8f7e1a02", "_index": "2"},
        ],
        factors=[
            {
                "factor_type": "factor.physical",
                "factor_direction": "helps",
                "factor_description": "Nieuw plein",
                "_parent_index": "2",
            }
        ],
    )
    kwargs = {
        "form_version": forms["vragenlijst"],
        "content": content,
        "file_name": "export.xlsx",
        "neighbourhood": neighbourhood,
        "year": 2024,
        "user": user,
    }
    result = answers_import(**kwargs)
    assert (result.rows, result.created, result.already_there) == (2, 2, 0)
    second = Submission.objects.get(answers__abcd_relations=5)
    assert second.source == "import" and second.answers["effects_social"] == [
        "effect.social.contact",
        "effect.social.network",
    ]
    assert second.answers["factors"] == [
        {"factor_type": "factor.physical", "factor_direction": "helps", "factor_description": "Nieuw plein"}
    ]
    again = answers_import(**kwargs)
    assert (again.created, again.already_there) == (0, 2) and Submission.objects.count() == 2


def test_one_wrong_answer_stops_the_whole_import(forms, builder):
    user, neighbourhood = builder
    content = _kobo_export(
        [
            {**ROW, "_uuid": "a", "_index": "1"},
            {**ROW, "abcd_from_within": "zes", "_uuid": "b", "_index": "2"},
        ]
    )
    with pytest.raises(
        AnswersImportError, match="Rij 3, vraag “abcd_from_within”: Kies een getal van 1 tot en met 5."
    ):
        answers_import(
            form_version=forms["vragenlijst"],
            content=content,
            file_name="export.xlsx",
            neighbourhood=neighbourhood,
            year=2024,
            user=user,
        )
    assert Submission.objects.count() == 0


def test_csv_export_of_another_form_is_recognised_as_such(forms, builder):
    user, neighbourhood = builder
    with pytest.raises(AnswersImportError, match="Geen enkele kolom hoort bij een vraag"):
        answers_import(
            form_version=forms["vragenlijst"],
            content=b"naam;leeftijd\nAns;70\n",
            file_name="x.csv",
            neighbourhood=neighbourhood,
            year=2024,
            user=user,
        )
