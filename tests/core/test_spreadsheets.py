"""Formula-safe cells in every CSV and XLSX the app writes (core.spreadsheets)."""

from __future__ import annotations

import io

import openpyxl
import pytest

from krachtvansamen.coding.agreement.views import csv_safe
from krachtvansamen.coding.lists.export import safe_cell, xlsx_response
from krachtvansamen.core.spreadsheets import cell_safe, xlsx_cell, xlsx_text_everywhere

FORMULAS = ['=HYPERLINK("http://x","y")', "+1", "-1", "@SUM(A1)", "\tx", "\rx"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [*((text, "'" + text) for text in FORMULAS), ("gewoon", "gewoon"), ("", ""), (None, ""), (True, 1),
     (False, 0), (-3, -3), (2.5, 2.5)],
)  # fmt: skip
def test_cell_safe_quotes_text_that_a_spreadsheet_would_run(value, expected):
    assert cell_safe(value) == expected


def test_the_coding_downloads_use_the_shared_rule():
    assert safe_cell is cell_safe and csv_safe is cell_safe


def _reread(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


@pytest.mark.parametrize("text", FORMULAS)
def test_xlsx_cell_keeps_the_text_and_stores_it_as_a_string(text):
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("x")
    sheet.append(
        [xlsx_cell(sheet, text), xlsx_cell(sheet, "gewoon"), xlsx_cell(sheet, 7), xlsx_cell(sheet, None)]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    cells = next(_reread(buffer.getvalue())["x"].iter_rows())
    assert (cells[0].value, cells[0].data_type) == (text, "s")
    assert [cell.value for cell in cells[1:3]] == ["gewoon", 7]


def test_xlsx_text_everywhere_turns_every_formula_into_text():
    workbook = openpyxl.Workbook()
    workbook.active.append(["=1+1", "label"])
    workbook.create_sheet("tweede").append(['=HYPERLINK("http://x","y")'])
    assert workbook.active["A1"].data_type == "f"  # what openpyxl makes of it on its own
    xlsx_text_everywhere(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    again = _reread(buffer.getvalue())
    assert (again.active["A1"].value, again.active["A1"].data_type) == ("=1+1", "s")
    assert (again["tweede"]["A1"].value, again["tweede"]["A1"].data_type) == (
        '=HYPERLINK("http://x","y")',
        "s",
    )


def test_the_coding_xlsx_download_has_no_formula():
    response = xlsx_response(filename="x.xlsx", sheet="x", header=["tekst"], rows=[["=1+1"], ["@rené"]])
    sheet = _reread(response.content).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [(cell.value, cell.data_type) for cell in cells] == [("=1+1", "s"), ("@rené", "s")]
