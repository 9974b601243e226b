"""Import answers collected with KoboToolbox or ODK (their XLSX or CSV export) as submissions.

KoboToolbox names columns after the questions (``group/question`` for questions in groups), writes multiple
choices as space-separated names, adds metadata columns (``_uuid``, ``_submission_time`` …) and puts each repeated
group in its own sheet linked by ``_parent_index`` → ``_index``. Every row is checked like a form filled in here;
one wrong answer anywhere stops the whole import and nothing is saved. Answers only go into a year that is
open for new data. The same export imported twice adds
nothing (``_uuid`` becomes the submission's client id).
"""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass
from typing import Any

import openpyxl
from django.db import transaction
from django.utils.translation import gettext as _

from krachtvansamen.core.progress import ProgressCallback, progress_none
from krachtvansamen.instruments.definition import localised
from krachtvansamen.instruments.models import FormVersion, Submission
from krachtvansamen.instruments.services import SubmissionInvalid, submission_submit
from krachtvansamen.neighbourhoods.models import Neighbourhood
from krachtvansamen.neighbourhoods.years import YearClosed, year_check_open

MAX_ANSWER_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 5000
KVS_NAMESPACE = uuid.UUID("6f1d0a52-3c1e-4f59-9a43-0b3f3d1a7c11")


class AnswersImportError(ValueError):
    pass


@dataclass
class AnswersImportResult:
    rows: int
    created: int
    already_there: int


def _column_name(header: str) -> str:
    return header.strip().split("/")[-1]


def _records_from_csv(content: bytes) -> dict[str, list[dict[str, str]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise AnswersImportError(_("This CSV file is not in UTF-8. Export it again as UTF-8.")) from None
    try:
        dialect: type[csv.Dialect] | csv.Dialect = (
            csv.Sniffer().sniff(text[:4096], delimiters=",;\t") if text.strip() else csv.excel
        )
    except csv.Error:  # one column, or no separator in the sample: read it as plain CSV
        dialect = csv.excel
    try:
        rows = list(csv.reader(io.StringIO(text), dialect))
    except csv.Error:
        raise AnswersImportError(
            _("This CSV file cannot be read: check that it is an export of KoboToolbox or ODK.")
        ) from None
    if not rows:
        return {"": []}
    header = rows[0]
    return {
        "": [dict(zip(header, row, strict=False)) for row in rows[1:] if any(cell.strip() for cell in row)]
    }


def _records_from_xlsx(content: bytes) -> dict[str, list[dict[str, str]]]:
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a damaged or non-xlsx file
        raise AnswersImportError(_("This file cannot be read as an Excel workbook (.xlsx).")) from None
    sheets: dict[str, list[dict[str, str]]] = {}
    for index, name in enumerate(workbook.sheetnames):
        rows = list(workbook[name].iter_rows(values_only=True))
        if not rows:
            continue
        header = ["" if h is None else str(h) for h in rows[0]]
        records = []
        for row in rows[1:]:
            values = [
                "" if v is None else (v.isoformat()[:10] if hasattr(v, "isoformat") else str(v)) for v in row
            ]
            if any(value.strip() for value in values):
                records.append(dict(zip(header, values, strict=False)))
        sheets["" if index == 0 else name] = records
    return sheets


def _check_year_open(year: int) -> None:
    """Answers only go into a year open for new data (the web page and ``kvs forms import-answers``)."""
    try:
        year_check_open(year)
    except YearClosed as closed:
        raise AnswersImportError(str(closed)) from None


def answers_import(
    *,
    form_version: FormVersion,
    content: bytes,
    file_name: str,
    neighbourhood: Neighbourhood,
    year: int,
    user: Any,
    progress: ProgressCallback = progress_none,
) -> AnswersImportResult:
    if len(content) > MAX_ANSWER_FILE_BYTES:
        raise AnswersImportError(_("This file is too big (at most 20 MB)."))
    _check_year_open(year)
    sheets = _records_from_csv(content) if file_name.lower().endswith(".csv") else _records_from_xlsx(content)
    main = sheets.get("", [])
    if not main:
        raise AnswersImportError(_("There are no answers in this file."))
    if len(main) > MAX_ROWS:
        raise AnswersImportError(_("Too many rows: at most %(n)s per import.") % {"n": MAX_ROWS})
    definition = form_version.definition
    questions = {q["name"]: q for q in definition["questions"]}
    known_columns = {_column_name(h) for h in main[0]}
    if not known_columns & set(questions):
        raise AnswersImportError(
            _("None of the columns matches a question of “%(form)s”. Is this the export of this form?")
            % {"form": localised(definition.get("title"))}
        )
    # Repeated groups: sheet name = repeat name (KoboToolbox), rows linked to the main row by _parent_index.
    repeats: dict[str, dict[str, list[dict[str, str]]]] = {}
    for sheet_name, records in sheets.items():
        repeat = questions.get(sheet_name)
        if sheet_name and repeat and repeat["type"] == "repeat":
            for record in records:
                parent = record.get("_parent_index", "")
                repeats.setdefault(sheet_name, {}).setdefault(parent, []).append(
                    {_column_name(k): v for k, v in record.items()}
                )

    created = already = 0
    with transaction.atomic():
        for line, record in enumerate(main, start=2):
            progress(line - 2, len(main), _("Checking and saving answers"))
            raw: dict[str, Any] = {}
            for header, value in record.items():
                name = _column_name(header)
                question = questions.get(name)
                if question is None or question["type"] == "repeat":
                    continue
                # A multiple-choice cell stays one string ("a b"): the form check splits it, as it does
                # for a web form's answers.
                raw[name] = value
            for name, by_parent in repeats.items():
                raw[name] = by_parent.get(record.get("_index", ""), [])
            source_id = record.get("_uuid") or record.get("meta/instanceID") or f"{file_name}:{line}"
            try:
                client_id = uuid.UUID(source_id)  # "uuid:…" as Kobo writes it: UUID() strips the prefix
            except ValueError:
                client_id = uuid.uuid5(KVS_NAMESPACE, source_id)
            if Submission.objects.filter(client_id=client_id).exists():
                already += 1
                continue
            try:
                submission_submit(
                    form_version=form_version,
                    neighbourhood=neighbourhood,
                    year=year,
                    raw=raw,
                    user=user,
                    client_id=client_id,
                    source=Submission.Source.IMPORT,
                )
            except SubmissionInvalid as invalid:
                field, message = next(iter(invalid.errors.items()))
                raise AnswersImportError(
                    _("Row %(line)s, question “%(field)s”: %(message)s Nothing has been imported.")
                    % {"line": line, "field": _field_label(field), "message": message}
                ) from None
            created += 1
    return AnswersImportResult(rows=len(main), created=created, already_there=already)


def _field_label(field: str) -> str:
    """An error's question as a person counts: ``activities__0__participants`` → "activities 1 participants"
    (the form numbers repeated rows from 0; the first row in the sheet is the first, not the zeroth)."""
    return " ".join(str(int(part) + 1) if part.isdigit() else part for part in field.split("__"))
