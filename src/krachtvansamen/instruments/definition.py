"""The form definition: its schema, conditional questions, and checking answers against it.

A definition is JSON (stored in ``FormVersion.definition``; defaults in ``instruments/forms/*.yaml``)::

    {"title": {"nl": ..., "en": ...}, "description": {...}, "guidance": [{"nl": ..., "en": ...}, ...],
     "questions": [QUESTION, ...]}

    QUESTION = {"name": "abcd_residents_lead",        # XML name, unique in the form
                "type": "scale",                       # see TYPES
                "label": {"nl": ..., "en": ...}, "hint": {...},
                "required": true,
                "relevant": "${other} = 'yes'",        # XLSForm expression, see parse_relevant()
                "choices": [{"name": "yes", "label": {...}}],  # select_one / select_multiple
                "code_group": "vitality",              # codes: pick from this codebook group
                "multiple": true,                      # codes: several allowed
                "code": "abcd.residents_lead",         # scale: the code it measures; long_text: the code
                                                       # its fragment gets
                "fragment": true, "stance": "helps",   # long_text that becomes a fragment for coding
                "codes_from": "effects_social",        # ... also coded with the codes chosen there
                "tag_fragments": true,                 # codes: every fragment of the answers gets these
                "target": "asset",                     # repeat whose rows become domain records
                "min": 0, "max": 500, "max_length": 2000,
                "questions": [QUESTION, ...]}          # repeat only

The same shape maps one-to-one onto XLSForm (``instruments/xlsform.py``), so that forms round-trip.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from hashlib import sha256
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

TYPES = {
    "text", "long_text", "select_one", "select_multiple", "scale", "integer", "decimal", "date", "codes",
    "repeat", "note",
}  # fmt: skip
STANCES = {"value", "helps", "hinders", "neutral"}
TARGETS = {"asset", "factor", "sustainability"}
NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
TEXT_MAX = 500
LONG_TEXT_MAX = 5000
MAX_REPEAT_ROWS = 100


class DefinitionError(ValueError):
    """A form definition that cannot be used; the message is for the person who made the form."""


class AnswerError(ValueError):
    pass


def localised(value: Any) -> str:
    """The text in the current language (Dutch if there is no English)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    english = (get_language() or "nl").startswith("en")
    return (value.get("en") if english else None) or value.get("nl") or value.get("en") or ""


def canonical_hash(definition: dict) -> str:
    return sha256(json.dumps(definition, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def iter_questions(questions: list[dict]):
    for question in questions:
        yield question
        if question["type"] == "repeat":
            yield from iter_questions(question.get("questions", []))


# --- conditional questions: a small, safe subset of the XPath that XLSForm uses in "relevant" -------------

_TOKEN_RE = re.compile(
    r"\s*(?:(?P<ref>\$\{[A-Za-z_][A-Za-z0-9_]*\})|(?P<str>'[^']*'|\"[^\"]*\")|(?P<num>-?\d+(?:\.\d+)?)"
    r"|(?P<op>!=|>=|<=|=|>|<)|(?P<punct>[(),])|(?P<word>[A-Za-z][A-Za-z-]*))"
)


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    text = text.strip()
    while position < len(text):
        match = _TOKEN_RE.match(text, position)
        if not match or match.end() == position:
            raise DefinitionError(
                _("Cannot read the condition “%(text)s” near “%(rest)s”.")
                % {"text": text, "rest": text[position : position + 15]}
            )
        kind = match.lastgroup or ""  # every alternative of _TOKEN_RE is a named group
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


class _ConditionParser:
    """Recursive descent over the tokens of one condition: or > and > not/selected/brackets/comparison."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.position = 0

    def error(self) -> DefinitionError:
        return DefinitionError(_("Cannot read the condition “%(text)s”.") % {"text": self.text})

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self, kind: str | None = None, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None or (kind and token[0] != kind) or (value and token[1] != value):
            raise self.error()
        self.position += 1
        return token

    def reference(self) -> str:
        return self.take("ref")[1][2:-1]

    def operand(self) -> list:
        token = self.peek()
        if token is None:
            raise self.error()
        if token == ("word", "count-selected"):
            self.take()
            self.take("punct", "(")
            name = self.reference()
            self.take("punct", ")")
            return ["count", name]
        if token[0] not in ("ref", "str", "num"):
            raise self.error()
        self.take()
        if token[0] == "ref":
            return ["ref", token[1][2:-1]]
        return ["lit", token[1][1:-1] if token[0] == "str" else token[1]]

    def bracketed(self) -> list:
        self.take("punct", "(")
        inner = self.expression()
        self.take("punct", ")")
        return inner

    def selected(self) -> list:
        self.take("punct", "(")
        name = self.reference()
        self.take("punct", ",")
        value = self.operand()
        self.take("punct", ")")
        return ["selected", name, value[1]]

    def atom(self) -> list:
        token = self.peek()
        if token == ("word", "not"):
            self.take()
            return ["not", self.bracketed()]
        if token == ("word", "selected"):
            self.take()
            return self.selected()
        if token == ("punct", "("):
            return self.bracketed()
        left = self.operand()
        token = self.peek()
        if token and token[0] == "op":
            self.take()
            return ["cmp", token[1], left, self.operand()]
        return ["truthy", left]

    def conjunction(self) -> list:
        node = self.atom()
        while self.peek() == ("word", "and"):
            self.take()
            node = ["and", node, self.atom()]
        return node

    def expression(self) -> list:
        node = self.conjunction()
        while self.peek() == ("word", "or"):
            self.take()
            node = ["or", node, self.conjunction()]
        return node

    def parse(self) -> list:
        tree = self.expression()
        if self.position != len(self.tokens):
            raise self.error()
        return tree


def parse_relevant(text: str) -> list:
    """Parse an XLSForm condition into a JSON tree that Python and the browser evaluate the same way.

    Supported: ``${q} = 'a'``, ``!=``, ``>``, ``>=``, ``<``, ``<=`` (numbers compare as numbers),
    ``selected(${q}, 'a')``, ``count-selected(${q}) > 1``, ``not(...)``, ``and``, ``or``, brackets.
    """
    return _ConditionParser(text).parse()


def _refs(tree: list) -> set[str]:
    kind = tree[0]
    if kind in ("ref", "count"):
        return {tree[1]}
    if kind == "selected":
        return {tree[1]}
    if kind == "lit":
        return set()
    return set().union(*(_refs(child) for child in tree[1:] if isinstance(child, list)))


def _as_number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def evaluate(tree: list, answers: dict[str, Any]) -> bool | Any:
    kind = tree[0]
    if kind == "ref":
        value = answers.get(tree[1])
        return "" if value is None else value
    if kind == "lit":
        return tree[1]
    if kind == "count":
        value = answers.get(tree[1])
        return len(value) if isinstance(value, list) else (1 if value not in (None, "") else 0)
    if kind == "not":
        return not evaluate(tree[1], answers)
    if kind == "and":
        return bool(evaluate(tree[1], answers)) and bool(evaluate(tree[2], answers))
    if kind == "or":
        return bool(evaluate(tree[1], answers)) or bool(evaluate(tree[2], answers))
    if kind == "truthy":
        value = evaluate(tree[1], answers)
        return value not in ("", None, [], 0, "0")
    if kind == "selected":
        value = answers.get(tree[1])
        return tree[2] in value if isinstance(value, list) else value == tree[2]
    if kind == "cmp":
        operator = tree[1]
        left: Any = evaluate(tree[2], answers)
        right: Any = evaluate(tree[3], answers)
        if isinstance(left, list):
            left = " ".join(left)
        left_number, right_number = _as_number(left), _as_number(right)
        if left_number is not None and right_number is not None:
            left, right = left_number, right_number
        elif operator not in ("=", "!="):
            return False
        else:
            left, right = str(left), str(right)
        return {
            "=": left == right, "!=": left != right, ">": left > right, ">=": left >= right,
            "<": left < right, "<=": left <= right,
        }[operator]  # fmt: skip
    raise DefinitionError(f"unknown condition node {kind}")


# --- checking a definition ------------------------------------------------------------------------------


def validate_definition(definition: Any, *, code_keys: set[str] | None = None) -> dict:
    """Raise DefinitionError (Dutch) for anything a form could not be filled in with; return it unchanged.

    ``code_keys``: the codebook's keys, to check ``code`` and ``code_group`` links (skipped if None).
    """
    if not isinstance(definition, dict) or not isinstance(definition.get("questions"), list):
        raise DefinitionError(_("The form has no list of questions."))
    if not localised(definition.get("title")):
        raise DefinitionError(_("The form has no title."))
    seen: set[str] = set()
    _validate_questions(definition["questions"], seen, code_keys, top_level=True)
    if not definition["questions"]:
        raise DefinitionError(_("The form has no questions."))
    for question in iter_questions(definition["questions"]):
        if question.get("codes_from") and question["codes_from"] not in seen:
            raise DefinitionError(
                _("Question “%(name)s” takes codes from a question that does not exist: %(refs)s.")
                % {"name": question["name"], "refs": question["codes_from"]}
            )
        if question.get("relevant"):
            unknown = _refs(parse_relevant(question["relevant"])) - seen
            if unknown:
                raise DefinitionError(
                    _(
                        "The condition of question “%(name)s” refers to a question that does not exist: %(refs)s."
                    )
                    % {"name": question["name"], "refs": ", ".join(sorted(unknown))}
                )
    return definition


def _validate_questions(
    questions: list, seen: set[str], code_keys: set[str] | None, *, top_level: bool
) -> None:
    for question in questions:
        _validate_question(question, seen, code_keys, top_level=top_level)


def _validate_name(question: Any, seen: set[str]) -> str:
    if not isinstance(question, dict):
        raise DefinitionError(_("A question is not written correctly."))
    name = question.get("name", "")
    # Only text is a name: str(None) and str(True) would pass as "None" and "True".
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise DefinitionError(
            _("“%(name)s” cannot be a question name: use letters, digits and _ only, starting with a letter.")
            % {"name": name}
        )
    if name in seen:
        raise DefinitionError(_("The question name “%(name)s” is used twice.") % {"name": name})
    seen.add(name)
    return name


def _validate_links(question: dict, name: str, code_keys: set[str] | None) -> None:
    """The codebook links (``code``, ``code_group``) and the stance."""
    if question["type"] == "codes" and not question.get("code_group"):
        raise DefinitionError(
            _("Question “%(name)s” does not say which codebook group to choose from.") % {"name": name}
        )
    if code_keys is not None:
        for field in ("code", "code_group"):
            if question.get(field) and question[field] not in code_keys:
                raise DefinitionError(
                    _("Question “%(name)s” refers to the code “%(code)s”, which is not in the codebook.")
                    % {"name": name, "code": question[field]}
                )
    if question.get("stance") and question["stance"] not in STANCES:
        raise DefinitionError(_("Question “%(name)s” has an unknown stance.") % {"name": name})


def _validate_repeat(
    question: dict, name: str, seen: set[str], code_keys: set[str] | None, *, top_level: bool
) -> None:
    if not top_level:
        raise DefinitionError(
            _("A repeated group inside a repeated group is not supported (“%(name)s”).") % {"name": name}
        )
    if question.get("target") and question["target"] not in TARGETS:
        raise DefinitionError(_("Question “%(name)s” has an unknown target.") % {"name": name})
    children = question.get("questions") or []
    if not children:
        raise DefinitionError(_("The repeated group “%(name)s” has no questions.") % {"name": name})
    _validate_questions(children, seen, code_keys, top_level=False)


def _validate_question(question: Any, seen: set[str], code_keys: set[str] | None, *, top_level: bool) -> None:
    name = _validate_name(question, seen)
    kind = question.get("type")
    if kind not in TYPES:
        raise DefinitionError(
            _("Question “%(name)s” has an unknown type “%(type)s”.") % {"name": name, "type": kind}
        )
    if kind != "note" and not localised(question.get("label")):
        raise DefinitionError(_("Question “%(name)s” has no text.") % {"name": name})
    if kind in ("select_one", "select_multiple"):
        choices = question.get("choices") or []
        names = [c.get("name") for c in choices if isinstance(c, dict)]
        if not names or len(names) != len(set(names)) or not all(names):
            raise DefinitionError(
                _("Question “%(name)s” needs a list of choices, each with its own name.") % {"name": name}
            )
    _validate_links(question, name, code_keys)
    if kind == "repeat":
        _validate_repeat(question, name, seen, code_keys, top_level=top_level)


# --- checking answers -----------------------------------------------------------------------------------


@dataclass
class CheckedAnswers:
    answers: dict[str, Any]
    errors: dict[str, str]  # html field name -> Dutch message


def visible(question: dict, answers: dict[str, Any]) -> bool:
    condition = question.get("relevant")
    return not condition or bool(evaluate(parse_relevant(condition), answers))


CodeChoices = Callable[[str], list[str]]


def check_answers(
    definition: dict, raw: dict[str, Any], *, code_choices: CodeChoices, complete: bool
) -> CheckedAnswers:
    """Turn raw answers (strings and lists, as posted) into typed answers and Dutch error messages.

    Hidden questions (their condition is false) are dropped, so no answer to a question the person never saw
    is kept. ``complete``: check required questions (a draft may be incomplete, never of the wrong type).
    """
    checked = CheckedAnswers(answers={}, errors={})
    for question in definition["questions"]:
        name = question["name"]
        if question["type"] == "note" or not visible(question, checked.answers):
            continue
        if question["type"] == "repeat":
            _check_repeat(question, raw.get(name) or [], checked, code_choices, complete)
            continue
        value, error = _check_one(question, raw.get(name), code_choices, complete)
        if error:
            checked.errors[name] = error
        elif value is not None:
            checked.answers[name] = value
    return checked


def _check_repeat(
    question: dict, rows: Any, checked: CheckedAnswers, code_choices: CodeChoices, complete: bool
) -> None:
    """The rows of a repeated group: each row's answers checked, empty rows left out."""
    name = question["name"]
    if not isinstance(rows, list):
        checked.errors[name] = _("These answers are not in the right form.")
        return
    if len(rows) > MAX_REPEAT_ROWS:
        checked.errors[name] = _("At most %(n)s rows.") % {"n": MAX_REPEAT_ROWS}
        return
    kept_rows = []
    for index, row in enumerate(rows):
        row = row if isinstance(row, dict) else {}
        if all(_blank(value) for value in row.values()):
            continue  # an empty row the person added and left: not an answer
        kept: dict[str, Any] = {}
        scope = {**checked.answers, **kept}
        for child in question["questions"]:
            if child["type"] == "note" or not visible(child, {**scope, **kept}):
                continue
            value, error = _check_one(child, row.get(child["name"]), code_choices, complete)
            if error:
                checked.errors[f"{name}__{index}__{child['name']}"] = error
            elif value is not None:
                kept[child["name"]] = value
        kept_rows.append(kept)
    if kept_rows:
        checked.answers[name] = kept_rows
    elif complete and question.get("required"):
        checked.errors[name] = _("Add at least one.")


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == []


Checked = tuple[Any, str | None]  # (typed value or None, Dutch error or None)


def _check_text(question: dict, value: str) -> Checked:
    limit = question.get("max_length") or (LONG_TEXT_MAX if question["type"] == "long_text" else TEXT_MAX)
    if len(value) > limit:
        return None, _("This answer is too long: at most %(n)s characters.") % {"n": limit}
    return value, None


def _check_choice(question: dict, chosen: list[str], code_choices: CodeChoices, *, multiple: bool) -> Checked:
    kind = question["type"]
    allowed = (
        [c["name"] for c in question["choices"]] if kind != "codes" else code_choices(question["code_group"])
    )
    if any(v not in allowed for v in chosen):
        return None, _("Choose one of the options given.")
    return (list(dict.fromkeys(chosen)) if multiple else chosen[0]), None


def _check_scale(question: dict, value: str) -> Checked:
    if value not in {"1", "2", "3", "4", "5"}:
        return None, _("Choose a number from 1 to 5.")
    return int(value), None


def _check_number(question: dict, value: str) -> Checked:
    kind = question["type"]
    text = value.replace(",", ".") if kind == "decimal" else value
    try:
        number: int | float = int(text) if kind == "integer" else float(text)
    except ValueError:
        return None, (_("Fill in a whole number.") if kind == "integer" else _("Fill in a number."))
    low, high = question.get("min"), question.get("max")
    if (low is not None and number < low) or (high is not None and number > high):
        return None, _("Fill in a number from %(low)s to %(high)s.") % {
            "low": low if low is not None else "…",
            "high": high if high is not None else "…",
        }
    return number, None


def _check_date(question: dict, value: str) -> Checked:
    for pattern in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value, pattern).date().isoformat(), None
        except ValueError:
            continue
    return None, _("Fill in a date as day-month-year, for example 14-03-2025.")


_CHECKS: dict[str, Callable[[dict, str], Checked]] = {
    "text": _check_text, "long_text": _check_text, "scale": _check_scale, "integer": _check_number,
    "decimal": _check_number, "date": _check_date,
}  # fmt: skip


def _check_one(question: dict, value: Any, code_choices: CodeChoices, complete: bool) -> Checked:
    """(typed value or None, Dutch error or None) for one question."""
    kind = question["type"]
    multiple = kind == "select_multiple" or (kind == "codes" and bool(question.get("multiple")))
    if multiple:
        values = value if isinstance(value, list) else ([] if _blank(value) else str(value).split())
        values = [str(v).strip() for v in values if str(v).strip()]
    else:
        if isinstance(value, list):
            value = value[-1] if value else ""
        value = "" if value is None else str(value).strip()
        values = [value] if value else []
    if not values:
        if complete and question.get("required"):
            return None, (_("Choose at least one.") if multiple else _("Please fill this in."))
        return None, None
    if kind in ("select_one", "select_multiple", "codes"):
        return _check_choice(question, values, code_choices, multiple=multiple)
    check = _CHECKS.get(kind)
    return check(question, value) if check else (None, None)
