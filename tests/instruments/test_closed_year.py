"""Questionnaires, instrument forms and Kobo imports only go into an open measurement year (issue #13, row 8).

The refusal names the year and says it is closed; nothing is saved, not even a draft.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from krachtvansamen.instruments.answers_import import AnswersImportError, answers_import
from krachtvansamen.instruments.models import CodedAnswer, Submission
from krachtvansamen.instruments.services import (
    SubmissionYearClosed,
    submission_save_draft,
    submission_submit_or_keep_draft,
)
from krachtvansamen.neighbourhoods.models import MeasurementYear

pytestmark = pytest.mark.django_db

CLOSED = "Het jaar 2024 is gesloten: je kunt er geen nieuwe gegevens meer aan toevoegen."
SCALES = {
    "abcd_residents_lead": "4",
    "abcd_relations": "3",
    "abcd_whats_strong": "5",
    "abcd_from_within": "2",
    "abcd_everyone_welcome": "3",
}
KOBO_CSV = (
    b"abcd_residents_lead,abcd_relations,abcd_whats_strong,abcd_from_within,abcd_everyone_welcome,_uuid\n"
    b"4,3,5,2,3,x-1\n"
)


@pytest.fixture
def years(db):
    MeasurementYear.objects.create(year=2024, is_open=False)
    MeasurementYear.objects.create(year=2025, is_open=True)


def _nothing_saved() -> None:
    assert Submission.objects.count() == 0 and CodedAnswer.objects.count() == 0


@pytest.mark.parametrize("service", [submission_submit_or_keep_draft, submission_save_draft])
def test_the_services_refuse_a_closed_year_and_save_nothing(forms, builder, years, service):
    user, neighbourhood = builder
    with pytest.raises(SubmissionYearClosed) as refused:
        service(
            form_version=forms["vragenlijst"], neighbourhood=neighbourhood, year=2024, raw=SCALES, user=user
        )
    assert CLOSED in refused.value.message and refused.value.errors == {"jaar": refused.value.message}
    _nothing_saved()


def test_an_open_year_is_still_accepted(forms, builder, years):
    user, neighbourhood = builder
    submission, errors = submission_submit_or_keep_draft(
        form_version=forms["vragenlijst"], neighbourhood=neighbourhood, year=2025, raw=SCALES, user=user
    )
    assert errors == {} and submission.status == "submitted" and submission.year == 2025


@pytest.mark.parametrize("key", ["vragenlijst", "pas_op_de_plaats", "buurtscan", "wijkwaardenkaart"])
@pytest.mark.parametrize("action", ["versturen", "opslaan"])
def test_every_form_page_refuses_a_closed_year_with_the_year_named(
    client, forms, builder, years, key, action
):
    user, neighbourhood = builder
    client.force_login(user)
    response = client.post(
        f"/instrumenten/{key}/{neighbourhood.cbs_code}/", {**SCALES, "jaar": "2024", "actie": action}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert CLOSED in page
    # The error summary's link leads to the year question, which says what is wrong beside it.
    assert 'href="#vraag-jaar"' in page
    year_question = page.split('id="vraag-jaar"', 1)[1].split("</div>", 1)[0]
    assert CLOSED in year_question and 'aria-invalid="true"' in year_question
    _nothing_saved()


def test_autosave_into_a_closed_year_saves_nothing(client, forms, builder, years):
    user, neighbourhood = builder
    client.force_login(user)
    response = client.post(
        f"/instrumenten/vragenlijst/{neighbourhood.cbs_code}/", {"abcd_relations": "4", "jaar": "2024"},
        HTTP_X_AUTOSAVE="1",
    )  # fmt: skip
    assert response.status_code == 400
    assert response.json()["saved"] is False and CLOSED in response.json()["error"]
    _nothing_saved()


def test_the_form_page_offers_only_open_years(client, forms, builder, years):
    user, neighbourhood = builder
    client.force_login(user)
    page = client.get(f"/instrumenten/vragenlijst/{neighbourhood.cbs_code}/").content.decode()
    assert '<option value="2025" selected>2025</option>' in page
    assert '<option value="2024"' not in page


def test_kobo_import_refuses_a_closed_year(forms, builder, years):
    user, neighbourhood = builder
    with pytest.raises(AnswersImportError, match=CLOSED):
        answers_import(
            form_version=forms["vragenlijst"], content=KOBO_CSV, file_name="kobo.csv",
            neighbourhood=neighbourhood, year=2024, user=user,
        )  # fmt: skip
    _nothing_saved()


def test_kobo_import_page_refuses_a_closed_year(client, forms, builder, years):
    user, neighbourhood = builder
    client.force_login(user)
    response = client.post(
        f"/instrumenten/vragenlijst/{neighbourhood.cbs_code}/importeren/",
        {"jaar": "2024", "bestand": SimpleUploadedFile("kobo.csv", KOBO_CSV)},
    )
    assert response.status_code == 400 and CLOSED in response.content.decode()
    _nothing_saved()


def test_kvs_forms_import_answers_refuses_a_closed_year(forms, builder, years, tmp_path: Path):
    _user, neighbourhood = builder
    export = tmp_path / "kobo.csv"
    export.write_bytes(KOBO_CSV)
    with pytest.raises(CommandError, match=CLOSED):
        call_command(
            "forms", "import-answers", str(export), "--form", "vragenlijst",
            "--neighbourhood", neighbourhood.cbs_code, "--year", "2024",
        )  # fmt: skip
    _nothing_saved()
    call_command(
        "forms", "import-answers", str(export), "--form", "vragenlijst",
        "--neighbourhood", neighbourhood.cbs_code, "--year", "2025",
    )  # fmt: skip
    assert Submission.objects.get().year == 2025
