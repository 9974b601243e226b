"""A list page as a download: the same rows the page shows, as CSV or as an Excel file (XLSX).

A view that offers a download asks ``export_format(request)``; when it answers "csv" or "xlsx" the view builds
its header and rows from the very queryset or selector it renders (so the page's access rule and filters
hold, and no second rule exists) and returns ``export_response``. ``export_links`` gives the template the two
addresses, keeping the page's filters; ``core/_download_links.html`` shows them.

Choices, for Dutch Excel first:

- CSV separated by ``;`` and numbers with a decimal comma. Excel with Dutch regional settings splits a CSV on
  its list separator, which is ``;`` because the comma is the decimal sign; a ``,`` file opens as one column.
  R (``read.csv2``), SPSS and pandas (``sep=";", decimal=","``) read this form too. No ``sep=;`` line:
  with it, Excel ignores the byte order mark and shows accents wrong.
- UTF-8 with a byte order mark, so Excel reads "één" and "café" right.
- Formula-safe (OWASP "CSV injection", the shared rule of ``core.spreadsheets``): in the CSV a text cell that
  starts with = + - @, a tab or a carriage return gets a leading '; in the XLSX such text is stored as a
  string, never as a formula. A well-kept library (``defusedcsv``, ``tablib``) would add a dependency for the
  same ten lines, and ``tablib`` does not escape formulas at all.
- Dates as dates: in the XLSX as real dates (in the Netherlands' time), in the CSV as 2025-03-01 14:05.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from decimal import Decimal
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from openpyxl import Workbook

from krachtvansamen.core.spreadsheets import cell_safe, xlsx_cell

EXPORT_FORMATS = ("csv", "xlsx")
# The query parameter that asks for a download; the same name the coding lists use.
FORMAT_PARAMETER = "format"
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_SEPARATOR = ";"
# Query parameters that page through a list: a download has every row of the filtered list, not one page.
PAGE_PARAMETERS = ("pagina", "page", "formulieren")


def export_format(request: HttpRequest) -> str | None:
    """ "csv" or "xlsx" when the request asks for a download, else None (the page itself)."""
    wanted = request.GET.get(FORMAT_PARAMETER, "")
    return wanted if wanted in EXPORT_FORMATS else None


def export_links(request: HttpRequest, **extra: object) -> dict[str, str]:
    """The two download addresses of this page: its query (filters, year) without the page number, with the
    ``extra`` parameters (e.g. which list of a page with several), and the format."""
    params: dict[str, object] = {
        name: value
        for name, value in request.GET.items()
        if name not in PAGE_PARAMETERS and name != FORMAT_PARAMETER
    }
    params.update(extra)
    return {kind: f"?{urlencode({**params, FORMAT_PARAMETER: kind})}" for kind in EXPORT_FORMATS}


def export_filename(*parts: object) -> str:
    """A file name anyone can save: "relaties kronenburg 2025" → "relaties-kronenburg-2025" (no accents,
    no spaces, nothing a header or a file system chokes on)."""
    words = []
    for part in parts:
        if part is None or part == "":
            continue
        text = unicodedata.normalize("NFKD", str(part)).encode("ascii", "ignore").decode("ascii")
        text = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()
        if text:
            words.append(text)
    return "-".join(words)[:120].strip("-") or "lijst"


def _local(value: datetime.datetime) -> datetime.datetime:
    # XLSX knows no time zones: write the time as people here read it.
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(tzinfo=None, microsecond=0)


def _csv_value(value: object) -> object:
    if isinstance(value, datetime.datetime):
        return _local(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, (float, Decimal)):
        return str(value).replace(".", ",")
    if value is not None and not isinstance(value, (str, int)):
        value = str(value)  # a lazy translation, a model: its text
    return cell_safe(value)


def _xlsx_value(worksheet: object, value: object) -> object:
    if isinstance(value, datetime.datetime):
        return _local(value)
    if isinstance(value, Decimal):
        return float(value)
    if value is not None and not isinstance(value, (str, int, float, datetime.date)):
        value = str(value)
    return xlsx_cell(worksheet, value)


def csv_content(header: Sequence[object], rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=CSV_SEPARATOR, lineterminator="\r\n")
    writer.writerow([_csv_value(name) for name in header])
    for row in rows:
        writer.writerow([_csv_value(value) for value in row])
    return buffer.getvalue().encode("utf-8")


def xlsx_content(header: Sequence[object], rows: Iterable[Sequence[object]], *, sheet: str) -> bytes:
    workbook = Workbook(write_only=True)
    # A sheet title may not hold []:*?/\ and has at most 31 characters.
    worksheet = workbook.create_sheet(title=re.sub(r"[\[\]:*?/\\]", " ", sheet)[:31] or "lijst")
    worksheet.append([_xlsx_value(worksheet, name) for name in header])
    for row in rows:
        worksheet.append([_xlsx_value(worksheet, value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def export_response(
    kind: str, *, name: str, header: Sequence[object], rows: Iterable[Sequence[object]], sheet: str = ""
) -> HttpResponse:
    """The list as a download: ``kind`` "csv" or "xlsx", ``name`` the file name without extension (see
    ``export_filename``), ``header`` the translated column names, ``rows`` one sequence per row."""
    if kind not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {kind!r}")
    if kind == "csv":
        response = HttpResponse(csv_content(header, rows), content_type=CSV_TYPE)
    else:
        response = HttpResponse(xlsx_content(header, rows, sheet=sheet or name), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{export_filename(name)}.{kind}"'
    return response


def export_or_none(
    request: HttpRequest, *, name: str, header: Sequence[object], rows: Iterable[Sequence[object]]
) -> HttpResponse | None:
    """The download when the request asks for one, else None: for views whose rows are cheap to describe
    (a generator: nothing is read unless a download is asked for)."""
    kind = export_format(request)
    return export_response(kind, name=name, header=header, rows=rows) if kind else None
