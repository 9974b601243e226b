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

from krachtvansamen.core.spreadsheets import xlsx_text_everywhere
from krachtvansamen.framework.selectors import codes_current_by_key
from krachtvansamen.instruments.definition import DefinitionError, validate_definition
from krachtvansamen.instruments.selectors import code_choices

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


def _constraint_columns(question: dict) -> dict[str, str]:
    """XLSForm's own check for our min, max and max_length, so KoboToolbox/ODK check them too."""
    constraints = []
    if question.get("min") is not None:
        constraints.append(f". >= {question['min']}")
    if question.get("max") is not None:
        constraints.append(f". <= {question['max']}")
    if question.get("max_length"):
        constraints.append(f"string-length(.) <= {question['max_length']}")
    if not constraints:
        return {}
    return {
        "constraint": " and ".join(constraints),
        "constraint_message::Nederlands (nl)": "Dit antwoord past niet.",
        "constraint_message::English (en)": "This answer does not fit.",
    }


def _survey_row(question: dict, kind: str, **extra: str) -> list[Any]:
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
    values |= _constraint_columns(question)
    return [values.get(column, "") for column in SURVEY_COLUMNS]


class _XlsformWriter:
    """Writes the survey and choices sheets of one form."""

    def __init__(self, workbook: Any) -> None:
        self.survey = workbook.active
        self.survey.title = "survey"
        self.survey.append(SURVEY_COLUMNS)
        self.choices = workbook.create_sheet("choices")
        self.choices.append(["list_name", "name", "label::Nederlands (nl)", "label::English (en)"])
        self.written_lists: set[str] = set()
        self.codes = codes_current_by_key()

    def add_list(self, name: str, items: list[tuple[str, str, str]]) -> None:
        if name in self.written_lists:
            return
        self.written_lists.add(name)
        for item in items:
            self.choices.append([name, *item])

    def row(self, question: dict, kind: str, **extra: str) -> None:
        self.survey.append(_survey_row(question, kind, **extra))

    def write(self, questions: list[dict]) -> None:
        for question in questions:
            self.question(question)

    def question(self, question: dict) -> None:
        kind = question["type"]
        if kind == "repeat":
            self.row(question, "begin_repeat")
            self.write(question["questions"])
            self.survey.append(["end_repeat", question["name"]] + [""] * (len(SURVEY_COLUMNS) - 2))
        elif kind == "long_text":
            self.row(question, "text", appearance="multiline")
        elif kind in ("select_one", "select_multiple"):
            list_name = question["name"]
            self.add_list(list_name, [
                (c["name"], _label(c.get("label"), "nl"), _label(c.get("label"), "en")) for c in question["choices"]
            ])  # fmt: skip
            self.row(question, f"{kind} {list_name}")
        elif kind == "scale":
            self.add_list(SCALE_LIST, [(str(n), str(n), str(n)) for n in range(1, 6)])
            self.row(question, f"select_one {SCALE_LIST}", appearance="likert")
        elif kind == "codes":
            self.codes_question(question)
        else:
            self.row(question, kind)

    def codes_question(self, question: dict) -> None:
        list_name = _codes_list(question["code_group"])
        self.add_list(list_name, [
            (k, self.codes[k].label_nl, self.codes[k].label_en) for k in code_choices(question["code_group"])
        ])  # fmt: skip
        self.row(question, f"{'select_multiple' if question.get('multiple') else 'select_one'} {list_name}")


def definition_to_xlsform(*, key: str, instrument: str, version: int, definition: dict) -> bytes:
    """An XLSForm workbook (xlsx bytes) for one form version."""
    workbook = openpyxl.Workbook()
    _XlsformWriter(workbook).write(definition["questions"])
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
    xlsx_text_everywhere(workbook)  # an imported label "=HYPERLINK(…)" stays text, never a live formula
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def pyxform_check(content: bytes) -> list[str]:
    """Convert with pyxform (as KoboToolbox and ODK do); return its warnings, raise DefinitionError on error."""
    # pyxform is heavy and only needed here (exports from the command line, imports of forms).
    from pyxform.errors import PyXFormError  # noqa: PLC0415
    from pyxform.xls2xform import convert  # noqa: PLC0415

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


def _open_workbook(content: bytes) -> Any:
    if len(content) > MAX_XLSFORM_BYTES:
        raise DefinitionError(_("This file is too big for a form (at most 5 MB)."))
    try:
        return openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a damaged or non-xlsx file
        raise DefinitionError(_("This file cannot be read as an Excel workbook (.xlsx).")) from None


def _choice_lists(workbook: Any) -> dict[str, list[dict]]:
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
    return lists


def _common(record: dict[str, Any]) -> dict[str, Any]:
    """What every question has: name, texts, required, condition."""
    question: dict[str, Any] = {"name": record.get("name", "")}
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
    return question


def _select_type(
    question: dict[str, Any], record: dict[str, Any], kind: str, list_name: str, lists: dict, line: int
) -> None:
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


class _SurveyReader:
    """Reads the survey sheet's rows into (nested) questions; groups are flattened, metadata skipped."""

    def __init__(self, lists: dict[str, list[dict]]) -> None:
        self.lists = lists
        self.root: list[dict] = []
        self.stack: list[list[dict]] = [self.root]
        self.warnings: list[str] = []

    def read(self, survey: list[dict[str, Any]]) -> list[dict]:
        for line, record in enumerate(survey, start=2):
            self.line(line, record)
        if len(self.stack) > 1:
            raise DefinitionError(_("A “begin_repeat” has no “end_repeat”."))
        return self.root

    def line(self, line: int, record: dict[str, Any]) -> None:
        kind_text = re.sub(r"\s+", " ", record.get("type", "")).strip()
        normalised = kind_text.lower().replace(" ", "_")
        kind, _sep, list_name = kind_text.partition(" ")
        kind = kind.lower()
        if normalised in ("begin_group", "end_group"):
            return  # groups only arrange questions on screen
        if normalised == "end_repeat":
            if len(self.stack) == 1:
                raise DefinitionError(
                    _("Line %(line)s: “end_repeat” without “begin_repeat”.") % {"line": line}
                )
            self.stack.pop()
            return
        if not kind or kind in METADATA_TYPES:
            return
        question = _common(record)
        if normalised == "begin_repeat":
            self.begin_repeat(line, question, record)
        elif self.typed(line, question, record, kind, list_name):
            _extras(question, record)
            self.stack[-1].append(question)

    def begin_repeat(self, line: int, question: dict[str, Any], record: dict[str, Any]) -> None:
        question["type"] = "repeat"
        question["questions"] = []
        self.stack[-1].append(question)
        if len(self.stack) > 1:
            raise DefinitionError(
                _("Line %(line)s: a repeated group inside a repeated group is not supported.")
                % {"line": line}
            )
        self.stack.append(question["questions"])
        _extras(question, record)

    def typed(
        self, line: int, question: dict[str, Any], record: dict[str, Any], kind: str, list_name: str
    ) -> bool:
        """Give the question its type; False (with a warning) for a type we do not support."""
        if kind == "text":
            question["type"] = "long_text" if "multiline" in record.get("appearance", "") else "text"
        elif kind in ("integer", "decimal", "date", "note"):
            question["type"] = kind
        elif kind in ("select_one", "select_multiple"):
            _select_type(question, record, kind, list_name, self.lists, line)
        else:
            self.warnings.append(
                _("Line %(line)s: question type “%(type)s” is not supported here and was skipped.")
                % {"line": line, "type": kind}
            )
            return False
        return True


def _texts_of_form(
    settings: dict[str, Any], meta_rows: list[dict[str, Any]], file_name: str
) -> dict[str, Any]:
    """Title, description and guidance: from the kvs_meta sheet, else the settings sheet or the file name."""
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
    definition: dict[str, Any] = {"title": title or {"nl": Path(file_name).stem}}
    if description:
        definition["description"] = description
    if guidance:
        definition["guidance"] = guidance
    return definition


def xlsform_to_definition(content: bytes, *, file_name: str = "form.xlsx") -> ImportedForm:
    """Read an XLSForm workbook into a form definition. Raises DefinitionError with a Dutch message."""
    workbook = _open_workbook(content)
    survey = _sheet_rows(workbook, "survey")
    if not survey:
        raise DefinitionError(_("This workbook has no “survey” sheet with questions: it is not an XLSForm."))
    reader = _SurveyReader(_choice_lists(workbook))
    settings = (_sheet_rows(workbook, "settings") or [{}])[0]
    meta_rows = _sheet_rows(workbook, "kvs_meta")
    questions = reader.read(survey)
    definition = _texts_of_form(settings, meta_rows, file_name)
    definition["questions"] = questions
    key = re.sub(r"[^a-z0-9_-]+", "_", (settings.get("form_id") or Path(file_name).stem).lower()).strip("_")
    validate_definition(definition)
    return ImportedForm(
        key=key or "formulier",
        instrument=settings.get("kvs_instrument") or None,
        definition=definition,
        warnings=reader.warnings,
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
