"""Between HTML forms and answers: read a POST into raw answers, and build what the template shows."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict

from krachtvansamen.framework.models import Code
from krachtvansamen.framework.selectors import codes_current_by_key
from krachtvansamen.instruments.definition import MAX_REPEAT_ROWS, localised, parse_relevant

MULTI = {"select_multiple"}


def _is_multiple(question: dict) -> bool:
    return question["type"] in MULTI or (question["type"] == "codes" and bool(question.get("multiple")))


def raw_from_post(definition: dict, post: QueryDict) -> dict[str, Any]:
    """The posted values in the shape check_answers() reads (lists for multiple choice, rows for repeats)."""
    raw: dict[str, Any] = {}
    for question in definition["questions"]:
        name = question["name"]
        if question["type"] == "repeat":
            try:
                count = min(int(post.get(f"{name}__rows", "0")), MAX_REPEAT_ROWS + 1)
            except ValueError:
                count = 0
            rows = []
            for index in range(max(count, 0)):
                row = {}
                for child in question["questions"]:
                    key = f"{name}__{index}__{child['name']}"
                    row[child["name"]] = post.getlist(key) if _is_multiple(child) else post.get(key, "")
                rows.append(row)
            raw[name] = rows
        elif _is_multiple(question):
            raw[name] = post.getlist(name)
        elif question["type"] != "note":
            raw[name] = post.get(name, "")
    return raw


@dataclass
class Option:
    value: str
    label: str
    checked: bool
    hint: str = ""


@dataclass
class Field:
    name: str  # the html name
    question: str
    kind: str
    label: str
    hint: str
    required: bool
    value: Any
    error: str
    condition: str  # JSON of the parsed condition, for the browser
    options: list[Option] = field(default_factory=list)
    rows: list[list[Field]] = field(default_factory=list)
    multiple: bool = False


CodeChoices = Callable[[str], list[str]]


def _options(question: dict, value: Any, codes: dict[str, Code], code_choices: CodeChoices) -> list[Option]:
    chosen = value if isinstance(value, list) else ([] if value in (None, "") else [str(value)])
    if question["type"] == "scale":
        items = [(str(n), str(n), "") for n in range(1, 6)]
    elif question["type"] == "codes":
        items = [
            (key, codes[key].label if key in codes else key, codes[key].definition if key in codes else "")
            for key in code_choices(question["code_group"])
        ]
    else:
        items = [(c["name"], localised(c.get("label")) or c["name"], "") for c in question.get("choices", [])]
    return [Option(value=v, label=label, checked=v in chosen, hint=hint) for v, label, hint in items]


def build_fields(
    definition: dict,
    values: dict[str, Any],
    errors: dict[str, str],
    *,
    code_choices: CodeChoices,
    extra_rows: dict[str, int],
) -> list[Field]:
    codes = codes_current_by_key()

    def one(question: dict, html_name: str, value: Any) -> Field:
        condition = json.dumps(parse_relevant(question["relevant"])) if question.get("relevant") else ""
        built = Field(
            name=html_name, question=question["name"], kind=question["type"],
            label=localised(question.get("label")), hint=localised(question.get("hint")),
            required=bool(question.get("required")), value="" if value is None else value,
            error=errors.get(html_name, ""), condition=condition, multiple=_is_multiple(question),
        )  # fmt: skip
        if question["type"] in ("select_one", "select_multiple", "scale", "codes"):
            built.options = _options(question, value, codes, code_choices)
        return built

    fields = []
    for question in definition["questions"]:
        name = question["name"]
        if question["type"] == "repeat":
            rows_values = values.get(name) or []
            rows_values = rows_values if isinstance(rows_values, list) else []
            count = max(len(rows_values), 1) + extra_rows.get(name, 0)
            container = one(question, name, None)
            for index in range(min(count, MAX_REPEAT_ROWS)):
                row_value = rows_values[index] if index < len(rows_values) else {}
                container.rows.append([
                    one(child, f"{name}__{index}__{child['name']}", row_value.get(child["name"]))
                    for child in question["questions"]
                ])  # fmt: skip
            fields.append(container)
        else:
            fields.append(one(question, name, values.get(name)))
    return fields
