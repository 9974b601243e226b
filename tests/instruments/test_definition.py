"""The form engine's pure parts: conditions and checking answers."""

from __future__ import annotations

import pytest
from django.utils import translation

from krachtvansamen.instruments.definition import (
    DefinitionError,
    check_answers,
    evaluate,
    parse_relevant,
    validate_definition,
)


@pytest.mark.parametrize(("condition", "answers", "expected"), [
    ("${a} = 'yes'", {"a": "yes"}, True),
    ("${a} = 'yes'", {"a": "no"}, False),
    ("${a} != 'none'", {}, True),
    ("${n} >= 3", {"n": 4}, True),
    ("${n} >= 3", {"n": "2"}, False),
    ("${n} > 10", {"n": 9}, False),  # numbers compare as numbers, not as text ("9" > "10")
    ("selected(${m}, 'x')", {"m": ["y", "x"]}, True),
    ("not(selected(${m}, 'x'))", {"m": ["y"]}, True),
    ("count-selected(${m}) > 1", {"m": ["y"]}, False),
    ("${a} = 'yes' and (${n} < 2 or selected(${m}, 'z'))", {"a": "yes", "n": 5, "m": ["z"]}, True),
    ("${a} = 'yes' and ${n} < 2", {"a": "yes", "n": 5}, False),
])  # fmt: skip
def test_conditions_follow_xlsform_meaning(condition, answers, expected):
    assert bool(evaluate(parse_relevant(condition), answers)) is expected


@pytest.mark.parametrize("condition", ["${a} =", "${a} = 'x' and", "selected(${a})", "${a} ~ 3", "foo(${a})"])
def test_a_condition_that_cannot_be_read_is_refused_with_a_message(condition):
    with pytest.raises(DefinitionError):
        parse_relevant(condition)


FORM = {
    "title": {"nl": "Test"},
    "questions": [
        {"name": "name", "type": "text", "required": True, "label": {"nl": "Naam"}, "max_length": 10},
        {"name": "score", "type": "scale", "required": True, "label": {"nl": "Cijfer"}},
        {"name": "why", "type": "long_text", "required": True, "label": {"nl": "Waarom?"},
         "relevant": "${score} <= 2"},
        {"name": "count", "type": "integer", "label": {"nl": "Aantal"}, "min": 0, "max": 100},
        {"name": "when", "type": "date", "label": {"nl": "Datum"}},
        {"name": "pick", "type": "select_multiple", "label": {"nl": "Kies"},
         "choices": [{"name": "a", "label": {"nl": "A"}}, {"name": "b", "label": {"nl": "B"}}]},
        {"name": "rows", "type": "repeat", "label": {"nl": "Regels"}, "questions": [
            {"name": "row_name", "type": "text", "required": True, "label": {"nl": "Naam"}},
            {"name": "row_n", "type": "integer", "label": {"nl": "Getal"}},
        ]},
    ],
}  # fmt: skip


def _check(raw, complete=True):
    return check_answers(FORM, raw, code_choices=lambda group: [], complete=complete)


def test_good_answers_are_typed():
    result = _check(
        {
            "name": "Ans",
            "score": "2",
            "why": "Omdat",
            "count": "12",
            "when": "14-03-2025",
            "pick": ["b", "a"],
            "rows": [{"row_name": "x", "row_n": "3"}, {"row_name": "", "row_n": ""}],
        }
    )
    assert result.errors == {}
    assert result.answers == {
        "name": "Ans",
        "score": 2,
        "why": "Omdat",
        "count": 12,
        "when": "2025-03-14",
        "pick": ["b", "a"],
        "rows": [{"row_name": "x", "row_n": 3}],
    }


def test_wrong_types_get_dutch_messages():
    result = _check(
        {
            "name": "veel te lange naam",
            "score": "7",
            "count": "twaalf",
            "when": "31-02-2025",
            "pick": ["c"],
            "rows": [{"row_name": "", "row_n": "3"}],
        }
    )
    assert result.errors == {
        "name": "Dit antwoord is te lang: hoogstens 10 tekens.",
        "score": "Kies een getal van 1 tot en met 5.",
        "count": "Vul een heel getal in.",
        "when": "Vul een datum in als dag-maand-jaar, bijvoorbeeld 14-03-2025.",
        "pick": "Kies een van de mogelijkheden die er staan.",
        "rows__0__row_name": "Vul dit in.",
    }


def test_a_number_out_of_range_is_refused():
    assert _check({"name": "A", "score": "3", "count": "101"}).errors == {
        "count": "Vul een getal in van 0 tot 100."
    }


def test_a_hidden_question_is_not_kept_and_not_required():
    # "why" is required, but shown only for a score of 2 or lower.
    result = _check({"name": "Ans", "score": "3", "why": "dit zag de persoon nooit"})
    assert "why" not in result.answers and result.errors == {}
    # Shown (the boundary score 2): now it is required, and kept when answered.
    assert _check({"name": "Ans", "score": "2"}).errors == {"why": "Vul dit in."}
    assert _check({"name": "Ans", "score": "2", "why": "Te weinig groen"}).answers["why"] == "Te weinig groen"


def test_a_draft_may_be_incomplete_but_never_of_the_wrong_type():
    assert _check({"name": ""}, complete=False).errors == {}
    assert _check({"score": "x"}, complete=False).errors == {"score": "Kies een getal van 1 tot en met 5."}


@pytest.mark.parametrize(("change", "message"), [
    ({"questions": []}, "The form has no questions."),
    ({"questions": [{"name": "1x", "type": "text", "label": {"nl": "x"}}]}, "cannot be a question name"),
    ({"questions": [{"name": "a", "type": "text", "label": {"nl": "x"}},
                    {"name": "a", "type": "text", "label": {"nl": "y"}}]}, "used twice"),
    ({"questions": [{"name": "a", "type": "photo", "label": {"nl": "x"}}]}, "unknown type"),
    ({"questions": [{"name": "a", "type": "select_one", "label": {"nl": "x"}, "choices": []}]}, "list of choices"),
    ({"questions": [{"name": "a", "type": "text", "label": {"nl": "x"}, "relevant": "${b} = 1"}]}, "does not exist"),
])  # fmt: skip
def test_a_broken_definition_is_refused(change, message, settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"), pytest.raises(DefinitionError, match=message):
        validate_definition({"title": {"nl": "T"}, **change})
