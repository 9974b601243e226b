"""CSV and XLSX downloads for R, SPSS or Excel: one header row, then one row per record.

Formula-safe (``core.spreadsheets``): in the CSV a text cell that starts with = + - @, a tab or a carriage
return gets a leading ' so that a spreadsheet shows it as text instead of running it; in the XLSX such a cell
is stored as text, never as a formula. Yes/no becomes 1/0, which every tool reads. The CSV is
UTF-8 with a byte order mark (Excel then reads the accents right) and is streamed in batches.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain

from django.http import HttpResponse, StreamingHttpResponse
from openpyxl import Workbook

from krachtvansamen.core.spreadsheets import cell_safe, xlsx_cell

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BATCH = 500
CSV_TYPE = "text/csv; charset=utf-8"
# Up to this many bytes a CSV is sent in one piece; a bigger one is streamed while it is read.
IN_ONE_PIECE = 8_000_000


# The shared rule (core.spreadsheets); the name stays for the callers and tests of this module.
safe_cell = cell_safe


def _csv_chunks(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """The CSV in pieces. The rows come ready (``safe_cell`` applied, e.g. by ``lists.selectors.export_rows``):
    once per cell in Python costs more than the rest of the download."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(header)
    for count, row in enumerate(rows, start=1):
        writer.writerow(row)
        if count % BATCH == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_response(
    *, filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> HttpResponse | StreamingHttpResponse:
    """The CSV as a download: in one piece (with its length) when it is small enough, else streamed."""
    chunks = _csv_chunks(header, rows)
    head = []
    size = 0
    for chunk in chunks:
        head.append(chunk.encode("utf-8"))
        size += len(head[-1])
        if size > IN_ONE_PIECE:
            response: HttpResponse | StreamingHttpResponse = StreamingHttpResponse(
                chain(head, (chunk.encode("utf-8") for chunk in chunks)), content_type=CSV_TYPE
            )
            break
    else:
        response = HttpResponse(b"".join(head), content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(
    *, filename: str, sheet: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> HttpResponse:
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(title=sheet[:31])
    worksheet.append(list(header))
    for row in rows:
        worksheet.append([xlsx_cell(worksheet, value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
