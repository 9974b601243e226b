"""Edges of checking answers and conditions: what a person filling in a form sees (Dutch messages)."""

from __future__ import annotations

import hashlib

import pytest
from django.utils import translation

from krachtvansamen.instruments.definition import (
    DefinitionError,
    canonical_hash,
    check_answers,
    evaluate,
    parse_relevant,
    validate_definition,
)


def _one(question: dict, value: str):
    """Check one answer to one required question; returns (answers, errors)."""
    definition = {
        "title": {"nl": "T"},
        "questions": [{"label": {"nl": "Vraag"}, "required": True, **question}],
    }
    with translation.override("nl"):
        checked = check_answers(
            definition, {question["name"]: value}, code_choices=lambda group: [], complete=True
        )
    return checked.answers, checked.errors


# --- numbers ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "expected"), [("3,5", 3.5), ("3.5", 3.5), ("-0,25", -0.25), ("7", 7.0)])
def test_a_decimal_accepts_a_dutch_decimal_comma(typed, expected):
    assert _one({"name": "km", "type": "decimal"}, typed) == ({"km": expected}, {})


def test_a_decimal_that_is_not_a_number_gets_the_number_message_not_the_whole_number_one():
    assert _one({"name": "km", "type": "decimal"}, "drie") == ({}, {"km": "Vul een getal in."})


@pytest.mark.parametrize("typed", ["2.5", "2,5"])
def test_a_whole_number_question_refuses_a_fraction(typed):
    assert _one({"name": "people", "type": "integer"}, typed) == ({}, {"people": "Vul een heel getal in."})


def test_a_whole_number_is_kept_as_a_whole_number():
    answers, errors = _one({"name": "people", "type": "integer"}, "12")
    assert errors == {} and answers == {"people": 12} and type(answers["people"]) is int


@pytest.mark.parametrize(("typed", "expected"), [("0", 0), ("100", 100), ("50", 50)])
def test_the_min_and_max_of_a_number_are_themselves_allowed(typed, expected):
    assert _one({"name": "n", "type": "integer", "min": 0, "max": 100}, typed) == ({"n": expected}, {})


@pytest.mark.parametrize(("typed", "expected"), [("1,5", 1.5), ("2,5", 2.5)])
def test_the_bounds_of_a_decimal_are_inclusive_too(typed, expected):
    assert _one({"name": "x", "type": "decimal", "min": 1.5, "max": 2.5}, typed) == ({"x": expected}, {})


@pytest.mark.parametrize("typed", ["-1", "101"])
def test_just_outside_the_range_is_refused_with_both_bounds(typed):
    assert _one({"name": "n", "type": "integer", "min": 0, "max": 100}, typed) == (
        {},
        {"n": "Vul een getal in van 0 tot 100."},
    )


def test_a_range_with_only_a_maximum_shows_an_open_lower_end():
    assert _one({"name": "n", "type": "integer", "max": 10}, "11") == (
        {},
        {"n": "Vul een getal in van … tot 10."},
    )


def test_a_range_with_only_a_minimum_shows_an_open_upper_end():
    assert _one({"name": "n", "type": "integer", "min": 1}, "0") == (
        {},
        {"n": "Vul een getal in van 1 tot …."},
    )


# --- dates -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["2025-03-14", "14-03-2025", "14/03/2025", "14-3-2025", "14/3/2025"])
def test_a_date_is_accepted_in_the_usual_ways_of_writing_it(typed):
    assert _one({"name": "when", "type": "date"}, typed) == ({"when": "2025-03-14"}, {})


@pytest.mark.parametrize(
    "typed", ["31-02-2025", "14/03/25", "25-03-14", "2025/03/14", "14 maart 2025", "32-01-2025"]
)
def test_an_impossible_or_unclear_date_is_refused_with_the_dutch_message(typed):
    assert _one({"name": "when", "type": "date"}, typed) == (
        {},
        {"when": "Vul een datum in als dag-maand-jaar, bijvoorbeeld 14-03-2025."},
    )


# --- text lengths ----------------------------------------------------------------------------------------


def test_a_short_text_may_be_500_characters_and_no_more():
    assert _one({"name": "t", "type": "text"}, "x" * 500) == ({"t": "x" * 500}, {})
    assert _one({"name": "t", "type": "text"}, "x" * 501) == (
        {},
        {"t": "Dit antwoord is te lang: hoogstens 500 tekens."},
    )


def test_a_long_text_may_be_5000_characters_and_no_more():
    assert _one({"name": "story", "type": "long_text"}, "x" * 5000) == ({"story": "x" * 5000}, {})
    assert _one({"name": "story", "type": "long_text"}, "x" * 5001) == (
        {},
        {"story": "Dit antwoord is te lang: hoogstens 5000 tekens."},
    )


def test_a_text_of_exactly_its_own_maximum_length_is_accepted():
    assert _one({"name": "t", "type": "text", "max_length": 10}, "abcdefghij") == ({"t": "abcdefghij"}, {})


# --- conditions ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "condition",
    [
        "${a} =",
        "not(${a} = 'x',",  # a comma typed for the closing bracket
        "not,${a} = 'x')",  # a comma typed for the opening bracket
        "not)${a} = 'x')",
        "selected,${a}, 'x')",
        "selected(${a}) 'x')",
        "selected(${a}('x')",
        "selected(${a}, 'x',",
        "selected(${a}, 'x'(",
    ],
)
def test_a_condition_with_a_wrong_bracket_or_comma_is_refused_not_guessed(condition):
    with translation.override("nl"), pytest.raises(DefinitionError) as refused:
        parse_relevant(condition)
    assert str(refused.value) == f"De voorwaarde “{condition}” is niet te lezen."


@pytest.mark.parametrize(("condition", "answers", "expected"), [
    ("${a} = ''", {}, True),  # an unanswered question counts as empty text
    ("${a} != ''", {}, False),
    ("${a} = ''", {"a": "ja"}, False),
    ("count-selected(${m}) > 1", {"m": ["x", "y"]}, True),
    ("count-selected(${m}) = 2", {"m": ["x", "y"]}, True),
    ("count-selected(${m}) > 0", {}, False),
    ("count-selected(${m}) > 0", {"m": ""}, False),
    ("count-selected(${m}) = 0", {"m": None}, True),
    ("count-selected(${s}) = 1", {"s": "a"}, True),  # a single answer counts as one
])  # fmt: skip
def test_empty_answers_and_counting_choices_in_conditions(condition, answers, expected):
    assert evaluate(parse_relevant(condition), answers) is expected


@pytest.mark.parametrize("condition", [
    "count-selected(${ghost}) > 0",
    "selected(${ghost}, 'a')",
    "not(${ghost} = 'a')",
    "${ghost} = 'a' and ${a} = 'b'",
    "${a} = 'b' or ${ghost}",
])  # fmt: skip
def test_a_condition_about_a_question_that_does_not_exist_is_refused(condition):
    definition = {"title": {"nl": "T"}, "questions": [
        {"name": "a", "type": "select_one", "label": {"nl": "A"},
         "choices": [{"name": "a", "label": {"nl": "A"}}, {"name": "b", "label": {"nl": "B"}}]},
        {"name": "b", "type": "text", "label": {"nl": "B"}, "relevant": condition},
    ]}  # fmt: skip
    with translation.override("nl"), pytest.raises(DefinitionError) as refused:
        validate_definition(definition)
    assert str(refused.value) == ("De voorwaarde bij vraag “b” gaat over een vraag die niet bestaat: ghost.")


def test_a_condition_on_an_existing_choice_is_accepted():
    definition = {"title": {"nl": "T"}, "questions": [
        {"name": "a", "type": "select_multiple", "label": {"nl": "A"}, "choices": [{"name": "x", "label": {"nl": "X"}}]},
        {"name": "b", "type": "text", "label": {"nl": "B"}, "relevant": "selected(${a}, 'x')"},
    ]}  # fmt: skip
    assert validate_definition(definition) is definition


def test_the_content_hash_ignores_key_order_and_is_of_the_utf8_json_text():
    # Hashes are stored with each form version; the same form must give the same hash in every release.
    one = {"title": {"nl": "Eén", "en": "One"}, "questions": []}
    other = {"questions": [], "title": {"en": "One", "nl": "Eén"}}
    written_out = '{"questions": [], "title": {"en": "One", "nl": "Eén"}}'
    assert canonical_hash(one) == canonical_hash(other) == hashlib.sha256(written_out.encode()).hexdigest()


# --- repeated groups -------------------------------------------------------------------------------------

ACTIVITIES = {"title": {"nl": "T"}, "questions": [
    {"name": "activities", "type": "repeat", "required": True, "label": {"nl": "Activiteiten"}, "questions": [
        {"name": "tip", "type": "note", "required": True, "label": {"nl": "Alleen wat echt gebeurde."}},
        {"name": "what", "type": "text", "required": True, "label": {"nl": "Wat"}},
        {"name": "paid", "type": "select_one", "label": {"nl": "Betaald?"},
         "choices": [{"name": "yes", "label": {"nl": "Ja"}}, {"name": "no", "label": {"nl": "Nee"}}]},
        {"name": "cost", "type": "decimal", "label": {"nl": "Kosten"}, "relevant": "${paid} = 'yes'"},
        {"name": "people", "type": "integer", "label": {"nl": "Mensen"}},
    ]},
]}  # fmt: skip


def _rows(rows, complete=True):
    with translation.override("nl"):
        return check_answers(
            ACTIVITIES, {"activities": rows}, code_choices=lambda group: [], complete=complete
        )


def test_rows_after_an_empty_row_are_kept_and_a_note_in_a_row_is_never_asked():
    checked = _rows([{"what": "Soep"}, {"what": "", "people": ""}, {"what": "Ruilen", "people": "8"}])
    assert checked.errors == {}
    assert checked.answers == {"activities": [{"what": "Soep"}, {"what": "Ruilen", "people": 8}]}


def test_a_hidden_question_in_a_row_does_not_stop_the_questions_after_it():
    checked = _rows([{"what": "Soep", "paid": "no", "cost": "3,5", "people": "12"}])
    assert checked.errors == {}
    assert checked.answers == {"activities": [{"what": "Soep", "paid": "no", "people": 12}]}


def test_a_row_that_is_not_a_set_of_answers_is_left_out():
    checked = _rows(["rommel", {"what": "Soep"}])
    assert (checked.answers, checked.errors) == ({"activities": [{"what": "Soep"}]}, {})


def test_rows_that_are_not_a_list_are_refused():
    assert _rows("Soep").errors == {"activities": "Deze antwoorden hebben niet de goede vorm."}


def test_a_repeated_group_takes_at_most_100_rows():
    assert _rows([{"what": f"Activiteit {i}"} for i in range(100)]).errors == {}
    assert _rows([{"what": f"Activiteit {i}"} for i in range(101)]).errors == {
        "activities": "Hoogstens 100 regels."
    }


def test_a_required_repeated_group_needs_one_row_but_a_draft_does_not():
    assert _rows([{"what": ""}]).errors == {"activities": "Vul er minstens één in."}
    assert _rows([], complete=False).errors == {}


@pytest.mark.parametrize(("condition", "answers", "expected"), [
    ("${a} = 'x' and ${b} = 'y'", {"a": "n", "b": "y"}, False),  # both sides count
    ("${a} = 'x' and ${b} = 'y'", {"a": "x", "b": "y"}, True),
    ("${a}", {"a": "ja"}, True),  # a bare question: true once it has an answer
    ("${a}", {"a": ["x"]}, True),
    ("${a}", {"a": 1}, True),
    ("${a}", {}, False),
    ("${a}", {"a": ""}, False),
    ("${a}", {"a": []}, False),
    ("${a}", {"a": 0}, False),  # zero counts as no, as in XPath
    ("${a}", {"a": "0"}, False),
    ("not(${a})", {"a": "ja"}, False),
    ("selected(${s}, 'a')", {"s": "a"}, True),  # selected() works on a single choice too
    ("selected(${s}, 'a')", {"s": "ab"}, False),  # ... and then means that exact choice, not a part of it
    ("selected(${s}, 'a')", {}, False),
])  # fmt: skip
def test_both_sides_of_and_bare_questions_and_selected_on_one_choice(condition, answers, expected):
    assert bool(evaluate(parse_relevant(condition), answers)) is expected
