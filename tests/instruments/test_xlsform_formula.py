"""A label that looks like a spreadsheet formula stays text in the XLSForm download (issue #13, row 9)."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from krachtvansamen.instruments.selectors import form_version_current
from krachtvansamen.instruments.xlsform import pyxform_check, xlsform_to_definition
from krachtvansamen.people.models import Role
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

LABEL = '=HYPERLINK("http://x","y")'


def _xlsform_with_formula_label() -> bytes:
    """An XLSForm as KoboToolbox exports it: the label is a text cell that starts with '='."""
    workbook = openpyxl.Workbook()
    survey = workbook.active
    survey.title = "survey"
    survey.append(["type", "name", "label"])
    survey.append(["text", "website", LABEL])
    survey["C2"].data_type = "s"  # text, not a formula
    settings = workbook.create_sheet("settings")
    settings.append(["form_title", "form_id", "kvs_instrument"])
    settings.append(["Formuletest", "formuletest", "vragenlijst"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_an_imported_formula_label_downloads_as_text_and_still_converts(client, forms, builder):
    researcher = UserFactory()
    MembershipFactory(user=researcher, role=Role.RESEARCHER)
    client.force_login(researcher)
    response = client.post(
        "/instrumenten/formulier-importeren/",
        {"bestand": SimpleUploadedFile("formuletest.xlsx", _xlsform_with_formula_label())},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert form_version_current(key="formuletest").definition["questions"][0]["label"] == {"nl": LABEL}

    client.force_login(builder[0])  # a community builder downloads it for KoboToolbox
    download = client.get("/instrumenten/formuletest/xlsform/")
    assert download.status_code == 200
    survey = openpyxl.load_workbook(io.BytesIO(download.content))["survey"]
    cells = [cell for row in survey.iter_rows() for cell in row if cell.value == LABEL]
    assert cells, "the label is in the download"
    assert all(cell.data_type == "s" for cell in cells)  # a string: no live formula, the text unchanged
    assert not [cell for row in survey.iter_rows() for cell in row if cell.data_type == "f"]

    pyxform_check(download.content)  # KoboToolbox/ODK still take the file
    again = xlsform_to_definition(download.content, file_name="formuletest.xlsx")
    assert again.definition["questions"][0]["label"]["nl"] == LABEL
