"""XLSForm (the spreadsheet form standard of KoboToolbox and ODK) to and from our form definitions.

Export writes a workbook that pyxform converts without error, so organisations can collect with KoboToolbox or
ODK Collect (also offline). Our own extras travel in ``kvs_*`` columns and a ``kvs_meta`` sheet, which XLSForm
tools ignore; importing the file back gives exactly the same definition. A plain XLSForm made elsewhere imports
too: groups are flattened, metadata (start, end, deviceid …) is skipped, unsupported question types are
skipped with a warning.
"""

from __future__ import annotations

import io
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from django.utils.translation import gettext as _

from krachtvansamen.framework.models import Code
from krachtvansamen.instruments.definition import DefinitionError, validate_definition

LANGUAGES = {"nl": "Nederlands (nl)", "en": "English (en)"}
SURVEY_COLUMNS = [
    "type", "name", "label::Nederlands (nl)", "label::English (en)", "hint::Nederlands (nl)", "hint::English (en)",
    "required", "relevant", "appearance", "constraint", "constraint_message::Nederlands (nl)",
    "constraint_message::English (en)", "kvs_code", "kvs_code_group", "kvs_fragment", "kvs_stance", "kvs_target",
    "kvs_codes_from", "kvs_tag_fragments", "kvs_min", "kvs_max", "kvs_max_length",
]  # fmt: skip
SCALE_LIST = "kvs_scale5"
METADATA_TYPES = {
    "start",
    "end",
    "today",
    "deviceid",
    "subscriberid",
    "simserial",
    "phonenumber",
    "username",
    "email",
    "audit",
    "start-geopoint",
    "background-audio",
    "calculate",
    "hidden",
}
MAX_XLSFORM_BYTES = 5 * 1024 * 1024


def _codes_list(group: str) -> str:
    return "kvs_codes_" + group.replace(".", "_")


def _label(value: Any, language: str) -> str:
    if isinstance(value, dict):
        return value.get(language) or ""
    return value or "" if language == "nl" else ""


def definition_to_xlsform(*, key: str, instrument: str, version: int, definition: dict) -> bytes:
    """An XLSForm workbook (xlsx bytes) for one form version."""
    from krachtvansamen.instruments.services import code_choices

    workbook = openpyxl.Workbook()
    survey = workbook.active
    survey.title = "survey"
    survey.append(SURVEY_COLUMNS)
    choices = workbook.create_sheet("choices")
    choices.append(["list_name", "name", "label::Nederlands (nl)", "label::English (en)"])
    written_lists: set[str] = set()
    code_labels = {c.key: c for c in Code.objects.filter(codebook__is_current=True)}

    def add_list(name: str, items: list[tuple[str, str, str]]) -> None:
        if name in written_lists:
            return
        written_lists.add(name)
        for item in items:
            choices.append([name, *item])

    def row(question: dict, kind: str, **extra: str) -> None:
        values = {
            "type": kind, "name": question["name"],
            "label::Nederlands (nl)": _label(question.get("label"), "nl"),
            "label::English (en)": _label(question.get("label"), "en"),
            "hint::Nederlands (nl)": _label(question.get("hint"), "nl"),
            "hint::English (en)": _label(question.get("hint"), "en"),
            "required": "yes" if question.get("required") else "",
            "relevant": question.get("relevant", ""),
            "kvs_code": question.get("code", ""), "kvs_code_group": question.get("code_group", ""),
            "kvs_fragment": "yes" if question.get("fragment") else "", "kvs_stance": question.get("stance", ""),
            "kvs_target": question.get("target", ""), "kvs_codes_from": question.get("codes_from", ""),
            "kvs_tag_fragments": "yes" if question.get("tag_fragments") else "",
            "kvs_min": question.get("min", ""), "kvs_max": question.get("max", ""),
            "kvs_max_length": question.get("max_length", ""),
            **extra,
        }  # fmt: skip
        constraints = []
        if question.get("min") is not None:
            constraints.append(f". >= {question['min']}")
        if question.get("max") is not None:
            constraints.append(f". <= {question['max']}")
        if question.get("max_length"):
            constraints.append(f"string-length(.) <= {question['max_length']}")
        if constraints:
            values["constraint"] = " and ".join(constraints)
            values["constraint_message::Nederlands (nl)"] = "Dit antwoord past niet."
            values["constraint_message::English (en)"] = "This answer does not fit."
        survey.append([values.get(column, "") for column in SURVEY_COLUMNS])

    def write(questions: list[dict]) -> None:
        for question in questions:
            kind = question["type"]
            if kind == "repeat":
                row(question, "begin_repeat")
                write(question["questions"])
                survey.append(["end_repeat", question["name"]] + [""] * (len(SURVEY_COLUMNS) - 2))
            elif kind == "long_text":
                row(question, "text", appearance="multiline")
            elif kind in ("select_one", "select_multiple"):
                list_name = question["name"]
                add_list(
                    list_name,
                    [
                        (c["name"], _label(c.get("label"), "nl"), _label(c.get("label"), "en"))
                        for c in question["choices"]
                    ],
                )
                row(question, f"{kind} {list_name}")
            elif kind == "scale":
                add_list(SCALE_LIST, [(str(n), str(n), str(n)) for n in range(1, 6)])
                row(question, f"select_one {SCALE_LIST}", appearance="likert")
            elif kind == "codes":
                list_name = _codes_list(question["code_group"])
                add_list(
                    list_name,
                    [
                        (k, code_labels[k].label_nl, code_labels[k].label_en)
                        for k in code_choices(question["code_group"])
                    ],
                )
                row(
                    question, f"{'select_multiple' if question.get('multiple') else 'select_one'} {list_name}"
                )
            else:
                row(question, kind)

    write(definition["questions"])
    settings = workbook.create_sheet("settings")
    settings.append(["form_title", "form_id", "version", "default_language", "kvs_instrument"])
    settings.append([_label(definition.get("title"), "nl"), key, str(version), LANGUAGES["nl"], instrument])
    meta = workbook.create_sheet("kvs_meta")
    meta.append(["key", "nl", "en"])
    meta.append(["title", _label(definition.get("title"), "nl"), _label(definition.get("title"), "en")])
    meta.append(
        [
            "description",
            _label(definition.get("description"), "nl"),
            _label(definition.get("description"), "en"),
        ]
    )
    for item in definition.get("guidance", []):
        meta.append(["guidance", _label(item, "nl"), _label(item, "en")])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def pyxform_check(content: bytes) -> list[str]:
    """Convert with pyxform (as KoboToolbox and ODK do); return its warnings, raise DefinitionError on error."""
    from pyxform.errors import PyXFormError
    from pyxform.xls2xform import convert

    with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
        handle.write(content)
        handle.flush()
        try:
            return list(convert(xlsform=handle.name).warnings)
        except PyXFormError as error:
            raise DefinitionError(
                _("This XLSForm does not work in KoboToolbox/ODK: %(error)s") % {"error": error}
            ) from error


# --- import ---------------------------------------------------------------------------------------------


@dataclass
class ImportedForm:
    key: str
    instrument: str | None
    definition: dict
    warnings: list[str] = field(default_factory=list)


def _language_of(column: str) -> str | None:
    """'label::Nederlands (nl)' -> 'nl'; 'label' -> 'nl' (our default); other languages -> None."""
    if "::" not in column:
        return "nl"
    tail = column.split("::", 1)[1].strip().lower()
    match = re.search(r"\((\w+)\)", tail)
    code = match.group(1) if match else tail
    return {"nl": "nl", "dutch": "nl", "nederlands": "nl", "en": "en", "english": "en", "engels": "en"}.get(
        code
    )


def _sheet_rows(workbook: Any, name: str) -> list[dict[str, Any]]:
    sheet = next((workbook[s] for s in workbook.sheetnames if s.strip().lower() == name), None)
    if sheet is None:
        return []
    rows = list(sheet.iter_rows(values_only=True))
    if not rows:
        return []
    header = [str(h).strip() if h is not None else "" for h in rows[0]]
    result = []
    for values in rows[1:]:
        record = {h: ("" if v is None else str(v).strip()) for h, v in zip(header, values, strict=False) if h}
        if any(record.values()):
            result.append(record)
    return result


def _texts(record: dict[str, Any], column: str) -> dict[str, str] | None:
    texts: dict[str, str] = {}
    for name, value in record.items():
        if (name == column or name.startswith(column + "::")) and value:
            language = _language_of(name)
            if language and language not in texts:
                texts[language] = value
    return texts or None


def xlsform_to_definition(content: bytes, *, file_name: str = "form.xlsx") -> ImportedForm:
    """Read an XLSForm workbook into a form definition. Raises DefinitionError with a Dutch message."""
    if len(content) > MAX_XLSFORM_BYTES:
        raise DefinitionError(_("This file is too big for a form (at most 5 MB)."))
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a damaged or non-xlsx file
        raise DefinitionError(_("This file cannot be read as an Excel workbook (.xlsx).")) from None
    survey = _sheet_rows(workbook, "survey")
    if not survey:
        raise DefinitionError(_("This workbook has no “survey” sheet with questions: it is not an XLSForm."))
    lists: dict[str, list[dict]] = {}
    for record in _sheet_rows(workbook, "choices"):
        list_name = record.get("list_name") or record.get("list name") or ""
        if list_name:
            lists.setdefault(list_name, []).append(
                {
                    "name": record.get("name", ""),
                    "label": _texts(record, "label") or {"nl": record.get("name", "")},
                }
            )
    settings = (_sheet_rows(workbook, "settings") or [{}])[0]
    meta_rows = _sheet_rows(workbook, "kvs_meta")
    warnings: list[str] = []

    root: list[dict] = []
    stack: list[list[dict]] = [root]
    for line, record in enumerate(survey, start=2):
        kind_text = re.sub(r"\s+", " ", record.get("type", "")).strip()
        name = record.get("name", "")
        normalised = kind_text.lower().replace(" ", "_")
        kind, _sep, list_name = kind_text.partition(" ")
        kind = kind.lower()
        if normalised in ("begin_group", "end_group"):
            continue  # groups only arrange questions on screen
        if normalised == "end_repeat":
            if len(stack) == 1:
                raise DefinitionError(
                    _("Line %(line)s: “end_repeat” without “begin_repeat”.") % {"line": line}
                )
            stack.pop()
            continue
        if not kind:
            continue
        if kind in METADATA_TYPES:
            continue
        question: dict[str, Any] = {"name": name}
        label = _texts(record, "label")
        if label:
            question["label"] = label
        hint = _texts(record, "hint")
        if hint:
            question["hint"] = hint
        if record.get("required", "").lower() in ("yes", "true", "true()", "1", "ja"):
            question["required"] = True
        if record.get("relevant"):
            question["relevant"] = record["relevant"]
        appearance = record.get("appearance", "")
        if normalised == "begin_repeat":
            question["type"] = "repeat"
            question["questions"] = []
            stack[-1].append(question)
            if len(stack) > 1:
                raise DefinitionError(
                    _("Line %(line)s: a repeated group inside a repeated group is not supported.")
                    % {"line": line}
                )
            stack.append(question["questions"])
            _extras(question, record)
            continue
        if kind == "text":
            question["type"] = "long_text" if "multiline" in appearance else "text"
        elif kind in ("integer", "decimal", "date", "note"):
            question["type"] = kind
        elif kind in ("select_one", "select_multiple"):
            if list_name == SCALE_LIST:
                question["type"] = "scale"
            elif record.get("kvs_code_group"):
                question["type"] = "codes"
                if kind == "select_multiple":
                    question["multiple"] = True
            else:
                if list_name not in lists:
                    raise DefinitionError(
                        _("Line %(line)s: the list of choices “%(list)s” is missing.")
                        % {"line": line, "list": list_name}
                    )
                question["type"] = kind
                question["choices"] = lists[list_name]
        else:
            warnings.append(
                _("Line %(line)s: question type “%(type)s” is not supported here and was skipped.")
                % {"line": line, "type": kind}
            )
            continue
        _extras(question, record)
        stack[-1].append(question)
    if len(stack) > 1:
        raise DefinitionError(_("A “begin_repeat” has no “end_repeat”."))

    definition: dict[str, Any] = {}
    title = {"nl": settings.get("form_title", "")} if settings.get("form_title") else None
    description = None
    guidance = []
    for record in meta_rows:
        texts = {lang: record[lang] for lang in ("nl", "en") if record.get(lang)}
        if record.get("key") == "title":
            title = texts
        elif record.get("key") == "description":
            description = texts
        elif record.get("key") == "guidance":
            guidance.append(texts)
    definition["title"] = title or {"nl": Path(file_name).stem}
    if description:
        definition["description"] = description
    if guidance:
        definition["guidance"] = guidance
    definition["questions"] = root
    key = re.sub(r"[^a-z0-9_-]+", "_", (settings.get("form_id") or Path(file_name).stem).lower()).strip("_")
    validate_definition(definition)
    return ImportedForm(
        key=key or "formulier",
        instrument=settings.get("kvs_instrument") or None,
        definition=definition,
        warnings=warnings,
    )


def _extras(question: dict[str, Any], record: dict[str, Any]) -> None:
    for column, target in (
        ("kvs_code", "code"),
        ("kvs_code_group", "code_group"),
        ("kvs_stance", "stance"),
        ("kvs_target", "target"),
        ("kvs_codes_from", "codes_from"),
    ):
        if record.get(column):
            question[target] = record[column]
    for column, target in (("kvs_fragment", "fragment"), ("kvs_tag_fragments", "tag_fragments")):
        if record.get(column, "").lower() == "yes":
            question[target] = True
    for column, target in (("kvs_min", "min"), ("kvs_max", "max"), ("kvs_max_length", "max_length")):
        if record.get(column):
            try:
                number = float(record[column])
            except ValueError:
                raise DefinitionError(
                    _("Question “%(name)s”: “%(value)s” is not a number.")
                    % {"name": question["name"], "value": record[column]}
                ) from None
            question[target] = int(number) if number.is_integer() else number
