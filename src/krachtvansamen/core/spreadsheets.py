"""Formula-safe spreadsheet cells: every CSV and XLSX the app writes goes through here.

Text that starts with = + - @, a tab or a carriage return is a formula to Excel, LibreOffice and Google Sheets
("CSV/formula injection"): ``=HYPERLINK(…)`` in an imported label would become a live link in a download.

- CSV has no types, so ``cell_safe`` puts a ' before such text: every spreadsheet then shows it as text.
- XLSX has types: ``xlsx_cell`` / ``xlsx_text_everywhere`` keep the text exactly as it is and store it as a
  string (``data_type "s"``, with the quote-prefix style Excel itself uses), never as a formula. That keeps an
  XLSForm valid for pyxform and KoboToolbox: the label stays the label, without a stray '.
"""

from __future__ import annotations

from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, WriteOnlyCell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def cell_safe(value: object) -> object:
    """A value for a CSV cell: text that looks like a formula gets a leading ', yes/no becomes 1/0 (every
    tool reads that), nothing becomes an empty cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    if looks_like_formula(value):
        return f"'{value}"
    return value


def _as_text(cell: Any) -> Any:
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def xlsx_cell(worksheet: Any, value: object) -> object:
    """A value for a row of a (write-only) worksheet: text never becomes a formula, characters XLSX cannot
    hold are left out, yes/no becomes 1/0 and nothing an empty cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if looks_like_formula(value):
        return _as_text(WriteOnlyCell(worksheet, value=value))
    return value


def xlsx_text_everywhere(workbook: Any) -> None:
    """Make every text cell of a (normal, not write-only) workbook a string: no formula anywhere."""
    for worksheet in workbook.worksheets:
        for row in worksheet.iter_rows():
            for cell in row:
                if looks_like_formula(cell.value):
                    _as_text(cell)
