"""The form definition's rules, each pinned where a small slip would change what a person sees.

Found by mutation testing (``instruments.definition``): which definitions a form maker gets refused and with
which Dutch message, the condition tree the browser evaluates (``instruments/static/instruments/form.js``),
and which answers are kept, refused or asked for.
"""

from __future__ import annotations

import pytest
from django.utils import translation

from krachtvansamen.instruments.definition import (
    DefinitionError,
    check_answers,
    evaluate,
    localised,
    parse_relevant,
    validate_definition,
)

YES_NO = [{"name": "yes", "label": {"nl": "Ja"}}, {"name": "no", "label": {"nl": "Nee"}}]


def _form(*questions) -> dict:
    return {"title": {"nl": "Formulier"}, "questions": list(questions)}


def _q(name: str, kind: str = "text", **extra) -> dict:
    return {"name": name, "type": kind, "label": {"nl": name.capitalize()}, **extra}


def _refused(definition, code_keys: set[str] | None = None) -> str:
    with translation.override("nl"), pytest.raises(DefinitionError) as refused:
        validate_definition(definition, code_keys=code_keys)
    return str(refused.value)


def _accepted(definition, code_keys: set[str] | None = None) -> bool:
    with translation.override("nl"):
        return validate_definition(definition, code_keys=code_keys) is definition


def _check(questions, raw, *, complete=True, groups=None):
    """(answers, errors) for raw answers to a form of these questions, in Dutch."""
    groups = groups or {}
    with translation.override("nl"):
        checked = check_answers(
            _form(*questions), raw, code_choices=lambda group: groups.get(group, []), complete=complete
        )
    return checked.answers, checked.errors


# --- texts in the person's language ---------------------------------------------------------------------


@pytest.mark.parametrize(("language", "value", "expected"), [
    ("nl", {"nl": "Hallo", "en": "Hello"}, "Hallo"),
    ("en", {"nl": "Hallo", "en": "Hello"}, "Hello"),
    ("en-gb", {"nl": "Hallo", "en": "Hello"}, "Hello"),
    ("en", {"nl": "Hallo"}, "Hallo"),  # no English: the Dutch text
    ("en", {"nl": "Hallo", "en": ""}, "Hallo"),
    ("nl", {"en": "Hello"}, "Hello"),  # no Dutch: the English text rather than nothing
    ("nl", {"nl": "", "en": "Hello"}, "Hello"),
    ("nl", {}, ""),
    ("en", {}, ""),
    ("nl", None, ""),
    ("en", "Gewoon tekst", "Gewoon tekst"),
])  # fmt: skip
def test_a_text_is_shown_in_the_current_language_falling_back_to_the_other(language, value, expected):
    with translation.override(language):
        assert localised(value) == expected


def test_without_an_active_language_a_text_is_shown_in_dutch():
    with translation.override(None):
        assert localised({"nl": "Hallo", "en": "Hello"}) == "Hallo"


# --- refusing a definition: the form maker's Dutch message ----------------------------------------------


@pytest.mark.parametrize("definition", [None, [], "vragen", {"title": {"nl": "T"}}, {"questions": "a, b"}])
def test_a_definition_without_a_list_of_questions_is_refused(definition):
    assert _refused(definition) == "Het formulier heeft geen lijst met vragen."


@pytest.mark.parametrize("title", [None, {}, {"nl": ""}, ""])
def test_a_form_without_a_title_is_refused(title):
    assert _refused({"title": title, "questions": [_q("a")]}) == "Het formulier heeft geen titel."


def test_a_form_with_only_an_english_title_is_accepted():
    assert _accepted({"title": {"en": "Form"}, "questions": [_q("a")]})


def test_a_form_without_questions_is_refused():
    assert _refused(_form()) == "Het formulier heeft geen vragen."


@pytest.mark.parametrize("question", ["a", ["a"], None])
def test_a_question_that_is_not_a_set_of_fields_is_refused(question):
    assert _refused(_form(question)) == "Een vraag is niet goed opgeschreven."


@pytest.mark.parametrize(
    ("name", "shown"), [("1x", "1x"), ("a-b", "a-b"), ("", ""), (None, "None"), (True, "True"), (7, "7")]
)
def test_a_question_name_that_is_not_an_xml_name_is_refused(name, shown):
    assert _refused(_form({**_q("a"), "name": name})) == (
        f"“{shown}” kan geen naam van een vraag zijn: gebruik alleen letters, cijfers en _, "
        "en begin met een letter."
    )


def test_a_question_without_a_name_is_refused():
    question = _q("a")
    del question["name"]
    assert _refused(_form(question)) == (
        "“” kan geen naam van een vraag zijn: gebruik alleen letters, cijfers en _, en begin met een letter."
    )


def test_a_name_used_twice_is_refused_also_when_one_is_inside_a_repeated_group():
    assert _refused(_form(_q("a"), _q("a"))) == "De naam “a” wordt voor twee vragen gebruikt."
    assert _refused(_form(_q("a"), _q("rows", "repeat", questions=[_q("a")]))) == (
        "De naam “a” wordt voor twee vragen gebruikt."
    )


@pytest.mark.parametrize(("kind", "shown"), [("photo", "photo"), (None, "None"), ("Text", "Text")])
def test_an_unknown_question_type_is_refused_naming_it(kind, shown):
    assert _refused(_form(_q("a", kind))) == f"Vraag “a” heeft een onbekend soort “{shown}”."


def test_a_question_without_text_is_refused_but_a_note_needs_none():
    assert _refused(_form(_q("a", label={"nl": ""}))) == "Vraag “a” heeft geen tekst."
    assert _refused(_form({"name": "a", "type": "scale"})) == "Vraag “a” heeft geen tekst."
    assert _accepted(_form({"name": "tip", "type": "note"}, _q("a")))


@pytest.mark.parametrize("kind", ["select_one", "select_multiple"])
@pytest.mark.parametrize("choices", [
    None,
    [],
    ["yes", "no"],  # not written as choices
    [{"name": "yes"}, {"name": "yes"}],
    [{"name": "yes"}, {"name": ""}],
    [{"name": "yes"}, {"label": {"nl": "Zonder naam"}}],
])  # fmt: skip
def test_a_choice_question_needs_choices_each_with_its_own_name(kind, choices):
    assert _refused(_form(_q("a", kind, choices=choices))) == (
        "Vraag “a” heeft een lijst met keuzes nodig, elk met een eigen naam."
    )


@pytest.mark.parametrize("kind", ["select_one", "select_multiple"])
def test_a_choice_question_with_named_choices_is_accepted(kind):
    assert _accepted(_form(_q("a", kind, choices=YES_NO)))


def test_a_codes_question_must_say_which_codebook_group_to_choose_from():
    assert _refused(_form(_q("a", "codes"))) == (
        "Bij vraag “a” staat niet uit welke groep van het codeboek je kiest."
    )
    assert _accepted(_form(_q("a", "codes", code_group="vitality")))


@pytest.mark.parametrize("field", ["code", "code_group"])
def test_a_link_to_a_code_that_is_not_in_the_codebook_is_refused(field):
    question = {**_q("a", "codes", code_group="vitality"), field: "ghost"}
    assert _refused(_form(question), code_keys={"vitality", "abcd.lead"}) == (
        "Vraag “a” gaat over de code “ghost”, maar die staat niet in het codeboek."
    )
    assert _accepted(_form(question))  # without the codebook's keys the links are not checked


def test_links_to_codes_that_are_in_the_codebook_are_accepted():
    questions = [_q("a", "codes", code_group="vitality"), _q("b", "scale", code="abcd.lead")]
    assert _accepted(_form(*questions), code_keys={"vitality", "abcd.lead"})


def test_a_code_link_inside_a_repeated_group_is_checked_too():
    rows = _q("rows", "repeat", questions=[_q("score", "scale", code="ghost")])
    assert _refused(_form(rows), code_keys={"vitality"}) == (
        "Vraag “score” gaat over de code “ghost”, maar die staat niet in het codeboek."
    )


def test_an_unknown_stance_is_refused_and_the_known_ones_accepted():
    assert _refused(_form(_q("a", "long_text", stance="maybe"))) == (
        "Vraag “a” heeft een onbekende soort antwoord (helpt/hindert)."
    )
    for stance in ("value", "helps", "hinders", "neutral"):
        assert _accepted(_form(_q("a", "long_text", stance=stance)))


def test_a_repeated_group_inside_a_repeated_group_is_refused():
    inner = _q("inner", "repeat", questions=[_q("b")])
    assert _refused(_form(_q("outer", "repeat", questions=[_q("a"), inner]))) == (
        "Een herhaalde groep binnen een herhaalde groep kan niet (“inner”)."
    )


def test_an_unknown_target_of_a_repeated_group_is_refused_and_the_known_ones_accepted():
    assert _refused(_form(_q("rows", "repeat", target="person", questions=[_q("a")]))) == (
        "Vraag “rows” heeft een onbekend doel."
    )
    for target in ("asset", "factor", "sustainability"):
        assert _accepted(_form(_q("rows", "repeat", target=target, questions=[_q("a")])))


@pytest.mark.parametrize("children", [None, []])
def test_a_repeated_group_without_questions_is_refused(children):
    assert _refused(_form(_q("rows", "repeat", questions=children))) == (
        "De herhaalde groep “rows” heeft geen vragen."
    )


def test_codes_taken_from_a_question_that_does_not_exist_are_refused_also_inside_a_repeated_group():
    message = "Vraag “story” haalt codes uit een vraag die niet bestaat: ghost."
    assert _refused(_form(_q("story", "long_text", codes_from="ghost"))) == message
    rows = _q("rows", "repeat", questions=[_q("story", "long_text", codes_from="ghost")])
    assert _refused(_form(rows)) == message


def test_codes_taken_from_an_existing_question_are_accepted():
    effects = _q("effects", "codes", code_group="vitality", multiple=True)
    assert _accepted(_form(effects, _q("story", "long_text", codes_from="effects")))


def test_a_condition_inside_a_repeated_group_about_a_question_that_does_not_exist_is_refused():
    rows = _q("rows", "repeat", questions=[_q("a"), _q("b", relevant="${ghost} = 'x' or ${a} = ${other}")])
    assert _refused(_form(rows)) == (
        "De voorwaarde bij vraag “b” gaat over een vraag die niet bestaat: ghost, other."
    )


def test_a_condition_inside_a_repeated_group_about_the_questions_around_it_is_accepted():
    rows = _q("rows", "repeat", questions=[_q("a"), _q("b", relevant="${a} = 'x' and ${top} != ''")])
    assert _accepted(_form(_q("top"), rows))


# --- the condition tree the browser evaluates -----------------------------------------------------------

A, B, C = (["truthy", ["ref", name]] for name in "abc")


@pytest.mark.parametrize(("condition", "tree"), [
    ("${a} = 'x'", ["cmp", "=", ["ref", "a"], ["lit", "x"]]),
    ('${a} != "x y"', ["cmp", "!=", ["ref", "a"], ["lit", "x y"]]),
    ("${a}='x'", ["cmp", "=", ["ref", "a"], ["lit", "x"]]),
    ("  ${a} = 'x'  ", ["cmp", "=", ["ref", "a"], ["lit", "x"]]),  # spaces around are not part of it
    ("${n} > 10", ["cmp", ">", ["ref", "n"], ["lit", "10"]]),
    ("${n} >= -2.5", ["cmp", ">=", ["ref", "n"], ["lit", "-2.5"]]),
    ("${n} < 3", ["cmp", "<", ["ref", "n"], ["lit", "3"]]),
    ("${n} <= ${m}", ["cmp", "<=", ["ref", "n"], ["ref", "m"]]),
    ("'x' = ${a}", ["cmp", "=", ["lit", "x"], ["ref", "a"]]),
    ("${Long_name_2}", ["truthy", ["ref", "Long_name_2"]]),
    ("count-selected(${m}) > 1", ["cmp", ">", ["count", "m"], ["lit", "1"]]),
    ("count-selected(${m})", ["truthy", ["count", "m"]]),
    ("selected(${m}, 'x')", ["selected", "m", "x"]),
    ("selected(${m},'x y')", ["selected", "m", "x y"]),
    ("not(${a})", ["not", A]),
    ("not(selected(${m}, 'x'))", ["not", ["selected", "m", "x"]]),
    ("(${a})", A),
    ("${a} and ${b}", ["and", A, B]),
    ("${a} or ${b}", ["or", A, B]),
    ("${a} and ${b} and ${c}", ["and", ["and", A, B], C]),
    ("${a} or ${b} or ${c}", ["or", ["or", A, B], C]),
    ("${a} or ${b} and ${c}", ["or", A, ["and", B, C]]),  # "and" binds more tightly than "or"
    ("${a} and ${b} or ${c}", ["or", ["and", A, B], C]),
    ("(${a} or ${b}) and ${c}", ["and", ["or", A, B], C]),
    ("${a} and (${b} or ${c})", ["and", A, ["or", B, C]]),
])  # fmt: skip
def test_a_condition_becomes_the_tree_that_python_and_the_browser_evaluate(condition, tree):
    assert parse_relevant(condition) == tree


@pytest.mark.parametrize("condition", [
    "",
    "${a} = 'x' ${b}",  # something left over
    "${a} = 'x')",
    "(${a} = 'x'",
    "${a} = ",
    "= 'x'",
    "and ${a}",
    "${a} and",
    "${a} or",
    "not ${a}",
    "not(${a}",
    "selected ${a}, 'x'",
    "selected('a', 'x')",  # selected() takes a question, not a text
    "selected(${a}, 'x'",
    "count-selected('a') > 1",
    "count-selected(${a} > 1",
    "count-selected ${a} > 1",
    "count-selected,${a}) > 1",  # a comma typed for a bracket
    "count-selected(${a}, > 1",
    "count-selected(${a}( > 1",
    "${a} = and",
    "x = 'y'",  # a bare word is not a question
    "${a} = = 'x'",
    "${a} , 'x'",
])  # fmt: skip
def test_a_condition_that_is_not_complete_or_not_well_formed_is_refused(condition):
    with translation.override("nl"), pytest.raises(DefinitionError) as refused:
        parse_relevant(condition)
    assert str(refused.value) == f"De voorwaarde “{condition}” is niet te lezen."


@pytest.mark.parametrize(("condition", "shown", "rest"), [
    ("${a} ~ 'x'", "${a} ~ 'x'", " ~ 'x'"),
    ("  ${a} = 'x' ~  ", "${a} = 'x' ~", " ~"),  # spaces around are left out
    ("${a} = 'x' & ${b} = 'een hele lange tekst'", "${a} = 'x' & ${b} = 'een hele lange tekst'",
     " & ${b} = 'een "),  # the first 15 characters from where it went wrong
    ("${1a} = 'x'", "${1a} = 'x'", "${1a} = 'x'"),
    ("${a} = 'x", "${a} = 'x", " 'x"),
    ("${a} = 2.", "${a} = 2.", "."),
])  # fmt: skip
def test_a_condition_with_a_sign_that_means_nothing_is_refused_showing_where(condition, shown, rest):
    with translation.override("nl"), pytest.raises(DefinitionError) as refused:
        parse_relevant(condition)
    assert str(refused.value) == f"De voorwaarde “{shown}” is niet te lezen bij “{rest}”."


# --- evaluating conditions ------------------------------------------------------------------------------


@pytest.mark.parametrize(("condition", "answers", "expected"), [
    ("${a} or ${b}", {"a": "ja"}, True),  # one side of "or" is enough
    ("${a} or ${b}", {"b": "ja"}, True),
    ("${a} or ${b}", {}, False),
    ("${a} and ${b}", {"a": "ja"}, False),
    ("${a} and ${b}", {"b": "ja"}, False),
    ("${a} and ${b}", {"a": "ja", "b": "ja"}, True),
    ("not(${a})", {}, True),
    ("not(${a} = 'x' or ${b} = 'y')", {"b": "y"}, False),
    ("'x'", {}, True),  # a text on its own counts as yes
    ("'0'", {}, False),
    ("0", {}, False),
    ("count-selected(${m})", {"m": ["x"]}, True),
    ("count-selected(${m})", {"m": []}, False),
    ("selected(${m}, 'x')", {"m": ["y"]}, False),
    ("selected(${m}, 'x')", {"m": ["y", "x"]}, True),
    ("selected(${m}, 'x')", {"m": "x"}, True),
    ("selected(${m}, 'x')", {"m": ["xy"]}, False),
])  # fmt: skip
def test_and_or_not_and_selected_decide_like_xlsform(condition, answers, expected):
    assert bool(evaluate(parse_relevant(condition), answers)) is expected


@pytest.mark.parametrize(("operator", "below", "equal", "above"), [
    ("=", False, True, False),
    ("!=", True, False, True),
    (">", False, False, True),
    (">=", False, True, True),
    ("<", True, False, False),
    ("<=", True, True, False),
])  # fmt: skip
def test_each_comparison_decides_at_its_boundary(operator, below, equal, above):
    tree = parse_relevant(f"${{n}} {operator} 10")
    assert [evaluate(tree, {"n": n}) for n in (9, 10, 11)] == [below, equal, above]
    assert [evaluate(tree, {"n": text}) for text in ("9.5", "10.0", "10.5")] == [below, equal, above]


@pytest.mark.parametrize(("condition", "answers", "expected"), [
    ("${n} = 3", {"n": "3.0"}, True),  # numbers compare as numbers
    ("${n} != 3", {"n": 3.0}, False),
    ("${n} > 9", {"n": "10"}, True),  # not as text, where "10" < "9"
    ("${n} < ${m}", {"n": "9", "m": "10"}, True),
    ("${n} = ${m}", {"n": 3, "m": 3}, True),
    ("${a} = 'ja'", {"a": "ja"}, True),  # text compares as text
    ("${a} = 'ja'", {"a": "Ja"}, False),
    ("${a} != 'ja'", {"a": "nee"}, True),
    ("${a} != 'ja'", {"a": "ja"}, False),
    ("${a} = 3", {"a": "drie"}, False),
    ("${a} != 3", {"a": "drie"}, True),
    ("${d} = '2025-03-14'", {"d": "2025-03-14"}, True),
    ("${a} > 3", {"a": "drie"}, False),  # ordering text against a number: never true
    ("${a} >= 3", {"a": "drie"}, False),
    ("${a} < 3", {"a": "drie"}, False),
    ("${a} <= 3", {"a": "drie"}, False),
    ("${a} < 'b'", {"a": "a"}, False),  # nor text against text
    ("${a} > 3", {}, False),
    ("${m} = 'x y'", {"m": ["x", "y"]}, True),  # several choices compare as "x y", as in XLSForm
    ("${m} = 'x'", {"m": ["x"]}, True),
    ("${m} != 'x y'", {"m": ["y", "x"]}, True),
    ("${m} = ''", {"m": []}, True),
    ("${m} > 1", {"m": ["5"]}, True),
    ("count-selected(${m}) >= 2", {"m": ["x", "y"]}, True),
    ("count-selected(${m}) >= 2", {"m": ["x"]}, False),
    ("count-selected(${m}) = 1", {"m": "x"}, True),
    ("count-selected(${m}) = 0", {"m": ""}, True),
])  # fmt: skip
def test_comparisons_of_numbers_texts_and_choices(condition, answers, expected):
    assert evaluate(parse_relevant(condition), answers) is expected


def test_a_condition_tree_that_is_not_known_is_refused_not_taken_as_true():
    with pytest.raises(DefinitionError, match="unknown condition node nonsense"):
        evaluate(["nonsense", ["ref", "a"]], {"a": "x"})


# --- checking answers -----------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [{"a": "ja"}, {"tip": "x", "a": "ja"}])
def test_a_note_is_never_asked_and_an_answer_sent_for_it_is_not_kept(raw):
    questions = [{"name": "tip", "type": "note", "required": True}, _q("a")]
    assert _check(questions, raw) == ({"a": "ja"}, {})


def test_the_questions_after_a_repeated_group_are_checked_too():
    questions = [_q("rows", "repeat", questions=[_q("b")]), _q("after", "integer", required=True)]
    assert _check(questions, {"rows": [{"b": "x"}]}) == ({"rows": [{"b": "x"}]}, {"after": "Vul dit in."})
    assert _check(questions, {"after": "3"}) == ({"after": 3}, {})


def test_codes_in_a_repeated_group_are_chosen_from_the_codebook_group_too():
    rows = _q("rows", "repeat", questions=[_q("c", "codes", code_group="vitality", multiple=True)])
    groups = {"vitality": ["v.one", "v.two"]}
    assert _check([rows], {"rows": [{"c": ["v.two"]}]}, groups=groups) == ({"rows": [{"c": ["v.two"]}]}, {})
    assert _check([rows], {"rows": [{"c": ["o.one"]}]}, groups=groups)[1] == {
        "rows__0__c": "Kies een van de mogelijkheden die er staan."
    }


def test_an_unanswered_optional_question_is_left_out_of_the_answers():
    assert _check([_q("a"), _q("b")], {"a": "ja", "b": "  "}) == ({"a": "ja"}, {})


def test_a_refused_answer_does_not_show_the_questions_that_depend_on_it():
    questions = [
        _q("helped", "select_one", choices=YES_NO),
        _q("how", required=True, relevant="${helped} = 'yes'"),
    ]
    assert _check(questions, {"helped": "yes"}) == ({"helped": "yes"}, {"how": "Vul dit in."})
    assert _check(questions, {"helped": "ja"}) == (
        {},
        {"helped": "Kies een van de mogelijkheden die er staan."},
    )


def test_a_condition_uses_the_typed_answer_to_an_earlier_question():
    questions = [_q("n", "integer"), _q("why", required=True, relevant="${n} > 2")]
    assert _check(questions, {"n": " 3 "}) == ({"n": 3}, {"why": "Vul dit in."})
    assert _check(questions, {"n": "2"}) == ({"n": 2}, {})


@pytest.mark.parametrize("rows", [None, "", []])
def test_a_required_repeated_group_without_rows_asks_for_one(rows):
    questions = [_q("rows", "repeat", required=True, questions=[_q("a")])]
    assert _check(questions, {"rows": rows}) == ({}, {"rows": "Vul er minstens één in."})
    assert _check(questions, {"rows": rows}, complete=False) == ({}, {})


def test_a_hidden_repeated_group_is_not_asked_for():
    questions = [_q("a"), _q("rows", "repeat", required=True, relevant="${a} = 'ja'", questions=[_q("b")])]
    assert _check(questions, {"a": "nee", "rows": [{"b": "x"}]}) == ({"a": "nee"}, {})


@pytest.mark.parametrize(("kind", "message"), [
    ("text", "Vul dit in."),
    ("long_text", "Vul dit in."),
    ("scale", "Vul dit in."),
    ("integer", "Vul dit in."),
    ("decimal", "Vul dit in."),
    ("date", "Vul dit in."),
    ("select_one", "Vul dit in."),
    ("select_multiple", "Kies er minstens één."),
])  # fmt: skip
@pytest.mark.parametrize("value", [None, "", "   ", [], [""], ["  "]])
def test_a_required_question_left_empty_gets_its_message_but_not_in_a_draft(kind, message, value):
    question = _q("a", kind, required=True, choices=YES_NO)
    assert _check([question], {"a": value}) == ({}, {"a": message})
    assert _check([question], {"a": value}, complete=False) == ({}, {})
    assert _check([{**question, "required": False}], {"a": value}) == ({}, {})


def test_a_required_codes_question_asks_to_choose_at_least_one_only_when_several_are_allowed():
    single = _q("a", "codes", code_group="g", required=True)
    assert _check([single], {}) == ({}, {"a": "Vul dit in."})
    assert _check([{**single, "multiple": True}], {}) == ({}, {"a": "Kies er minstens één."})


@pytest.mark.parametrize(("value", "expected"), [
    (" ja ", "ja"),  # spaces around are not part of the answer
    (["eerst", " later "], "later"),  # the last of several values sent for one question
    (12, "12"),
])  # fmt: skip
def test_a_single_answer_is_trimmed_and_one_value_is_kept(value, expected):
    assert _check([_q("a")], {"a": value}) == ({"a": expected}, {})


@pytest.mark.parametrize(("value", "expected"), [
    (["b", "a"], ["b", "a"]),  # in the order chosen
    (["b", "a", "b"], ["b", "a"]),  # each once
    ([" a ", "", "  ", "b"], ["a", "b"]),
    ("a b", ["a", "b"]),  # one text (an import, a single form field): one choice per word
    ("  b  ", ["b"]),
    ("a", ["a"]),
])  # fmt: skip
def test_several_choices_are_kept_once_each_in_order(value, expected):
    question = _q("m", "select_multiple", choices=[{"name": "a"}, {"name": "b"}])
    assert _check([question], {"m": value}) == ({"m": expected}, {})


@pytest.mark.parametrize("value", [["a", "c"], "a c", ["A"], "yes"])
def test_a_choice_that_is_not_given_is_refused(value):
    question = _q("m", "select_multiple", choices=[{"name": "a"}, {"name": "b"}])
    assert _check([question], {"m": value}) == ({}, {"m": "Kies een van de mogelijkheden die er staan."})


def test_a_single_choice_keeps_the_chosen_name_and_refuses_others():
    question = _q("a", "select_one", choices=YES_NO)
    assert _check([question], {"a": "no"}) == ({"a": "no"}, {})
    assert _check([question], {"a": ["yes", "no"]}) == ({"a": "no"}, {})
    assert _check([question], {"a": "yes no"}) == ({}, {"a": "Kies een van de mogelijkheden die er staan."})


def test_codes_are_chosen_from_the_codebook_group_of_the_question():
    groups = {"vitality": ["v.one", "v.two"], "other": ["o.one"]}
    several = _q("c", "codes", code_group="vitality", multiple=True)
    assert _check([several], {"c": ["v.two", "v.one"]}, groups=groups) == ({"c": ["v.two", "v.one"]}, {})
    assert _check([several], {"c": "v.one v.two"}, groups=groups) == ({"c": ["v.one", "v.two"]}, {})
    assert _check([several], {"c": ["o.one"]}, groups=groups) == (
        {},
        {"c": "Kies een van de mogelijkheden die er staan."},
    )
    one = _q("c", "codes", code_group="vitality")
    assert _check([one], {"c": "v.two"}, groups=groups) == ({"c": "v.two"}, {})
    assert _check([one], {"c": "v.one v.two"}, groups=groups) == (
        {},
        {"c": "Kies een van de mogelijkheden die er staan."},
    )


@pytest.mark.parametrize(("value", "expected"), [("1", 1), ("5", 5), (" 3 ", 3), (4, 4)])
def test_a_scale_answer_from_1_to_5_is_kept_as_a_number(value, expected):
    assert _check([_q("s", "scale")], {"s": value}) == ({"s": expected}, {})


@pytest.mark.parametrize("value", ["0", "6", "3.0", "drie", "-1"])
def test_a_scale_answer_outside_1_to_5_is_refused(value):
    assert _check([_q("s", "scale")], {"s": value}) == ({}, {"s": "Kies een getal van 1 tot en met 5."})


@pytest.mark.parametrize(("kind", "limit"), [("text", 500), ("long_text", 5000)])
def test_a_text_limit_set_in_the_form_replaces_the_usual_one(kind, limit):
    question = _q("t", kind, max_length=20)
    assert _check([question], {"t": "x" * 20}) == ({"t": "x" * 20}, {})
    assert _check([question], {"t": "x" * 21}) == ({}, {"t": "Dit antwoord is te lang: hoogstens 20 tekens."})
    assert _check([_q("t", kind, max_length=0)], {"t": "x" * limit}) == ({"t": "x" * limit}, {})


@pytest.mark.parametrize(("value", "expected"), [("1e3", 1000.0), (" 2,5 ", 2.5), ("-3", -3.0)])
def test_a_decimal_is_read_as_a_number(value, expected):
    answers, errors = _check([_q("x", "decimal")], {"x": value})
    assert (answers, errors) == ({"x": expected}, {}) and type(answers["x"]) is float


@pytest.mark.parametrize("value", ["2,5", "drie", "1 000", "3.0"])
def test_a_whole_number_question_refuses_what_is_not_a_whole_number(value):
    assert _check([_q("n", "integer")], {"n": value}) == ({}, {"n": "Vul een heel getal in."})


@pytest.mark.parametrize(("value", "message"), [
    ("-1", "Vul een getal in van 0 tot 10."),
    ("11", "Vul een getal in van 0 tot 10."),
    ("0", None),
    ("10", None),
])  # fmt: skip
def test_a_range_from_zero_is_a_real_bound(value, message):
    answers, errors = _check([_q("n", "integer", min=0, max=10)], {"n": value})
    assert errors == ({"n": message} if message else {})


def test_a_range_up_to_zero_is_a_real_bound():
    assert _check([_q("n", "decimal", max=0)], {"n": "0,5"}) == ({}, {"n": "Vul een getal in van … tot 0."})
    assert _check([_q("n", "decimal", max=0)], {"n": "0"}) == ({"n": 0.0}, {})


@pytest.mark.parametrize(("value", "expected"), [("2025-3-4", "2025-03-04"), (" 4/3/2025 ", "2025-03-04")])
def test_a_date_is_kept_in_one_way_of_writing(value, expected):
    assert _check([_q("d", "date")], {"d": value}) == ({"d": expected}, {})
