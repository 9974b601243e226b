"""A question that is required AND conditional is required only while it is shown (``instruments.definition``).

Hidden (its condition is false): no answer is asked for, and an answer sent for it anyway is dropped, so no answer
to a question the person never saw is kept. Shown: a missing answer gets a Dutch message. The rule follows the
controlling answer when that changes, also at the boundary of a numeric condition.
"""

from __future__ import annotations

import pytest

from krachtvansamen.instruments.definition import check_answers
from krachtvansamen.instruments.models import Submission
from krachtvansamen.instruments.services import SubmissionInvalid, form_version_add, submission_submit

FORM = {
    "title": {"nl": "Buurtvragen"},
    "questions": [
        {"name": "helped", "type": "select_one", "required": True, "label": {"nl": "Heeft iemand u geholpen?"},
         "choices": [{"name": "yes", "label": {"nl": "Ja"}}, {"name": "no", "label": {"nl": "Nee"}}]},
        {"name": "how", "type": "long_text", "required": True, "label": {"nl": "Hoe hielp die persoon u?"},
         "relevant": "${helped} = 'yes'"},
        {"name": "score", "type": "scale", "required": True, "label": {"nl": "Cijfer voor de buurt"}},
        {"name": "why_low", "type": "long_text", "required": True, "label": {"nl": "Waarom zo laag?"},
         "relevant": "${score} <= 2"},
        {"name": "helpers", "type": "repeat", "label": {"nl": "Wie hielpen er?"}, "questions": [
            {"name": "kind", "type": "select_one", "required": True, "label": {"nl": "Wie"},
             "choices": [{"name": "neighbour", "label": {"nl": "Buur"}}, {"name": "other", "label": {"nl": "Anders"}}]},
            {"name": "kind_other", "type": "text", "required": True, "label": {"nl": "Wie dan?"},
             "relevant": "${kind} = 'other'"},
        ]},
    ],
}  # fmt: skip


def check(raw: dict, *, complete: bool = True):
    return check_answers(FORM, raw, code_choices=lambda group: [], complete=complete)


# --- hidden -----------------------------------------------------------------------------------------------


def test_a_hidden_required_question_is_not_asked_for():
    result = check({"helped": "no", "score": "4"})
    assert result.errors == {}
    assert result.answers == {"helped": "no", "score": 4}


def test_an_answer_sent_for_a_hidden_question_is_dropped_not_kept():
    result = check({"helped": "no", "how": "Mijn buurvrouw deed boodschappen.", "score": "4", "why_low": "x"})
    assert result.errors == {}
    assert result.answers == {"helped": "no", "score": 4}


def test_without_the_controlling_answer_the_question_stays_hidden():
    # "helped" missing: the only error is for "helped" itself, not for the question behind it.
    assert check({"score": "4"}).errors == {"helped": "Vul dit in."}


# --- shown ------------------------------------------------------------------------------------------------


def test_a_shown_required_question_without_an_answer_gets_a_dutch_message():
    result = check({"helped": "yes", "score": "4"})
    assert result.errors == {"how": "Vul dit in."}


def test_a_shown_required_question_with_only_spaces_is_still_missing():
    assert check({"helped": "yes", "how": "   ", "score": "4"}).errors == {"how": "Vul dit in."}


def test_a_shown_required_question_with_an_answer_is_kept():
    result = check({"helped": "yes", "how": "Ze bracht soep.", "score": "4"})
    assert result.errors == {}
    assert result.answers == {"helped": "yes", "how": "Ze bracht soep.", "score": 4}


def test_a_draft_may_leave_a_shown_required_question_open():
    assert check({"helped": "yes", "score": "4"}, complete=False).errors == {}


# --- the controlling answer changes ---------------------------------------------------------------------------


def test_the_rule_follows_when_the_controlling_answer_changes():
    raw = {"helped": "yes", "how": "Ze bracht soep.", "score": "4"}
    assert check(raw).answers["how"] == "Ze bracht soep."
    raw["helped"] = "no"  # the person changes their mind: the follow-up question disappears
    assert "how" not in check(raw).answers and check(raw).errors == {}
    raw["helped"], raw["how"] = "yes", ""  # and back: now it is required again
    assert check(raw).errors == {"how": "Vul dit in."}


@pytest.mark.parametrize(
    ("score", "why_low_required"),
    [("1", True), ("2", True), ("3", False), ("5", False)],
)
def test_the_numeric_condition_shows_the_question_up_to_and_including_its_boundary(score, why_low_required):
    result = check({"helped": "no", "score": score})
    assert result.errors == ({"why_low": "Vul dit in."} if why_low_required else {})
    with_reason = check({"helped": "no", "score": score, "why_low": "Te weinig groen."})
    assert with_reason.errors == {}
    assert ("why_low" in with_reason.answers) is why_low_required


# --- inside a repeated group ----------------------------------------------------------------------------------


def test_in_a_row_the_question_is_required_only_in_the_rows_that_show_it():
    result = check({
        "helped": "no", "score": "4",
        "helpers": [{"kind": "neighbour", "kind_other": "weggegooid"}, {"kind": "other", "kind_other": ""}],
    })  # fmt: skip
    assert result.errors == {"helpers__1__kind_other": "Vul dit in."}
    result = check({
        "helped": "no", "score": "4",
        "helpers": [{"kind": "neighbour", "kind_other": "weggegooid"}, {"kind": "other", "kind_other": "De wijkagent"}],
    })  # fmt: skip
    assert result.errors == {}
    assert result.answers["helpers"] == [
        {"kind": "neighbour"},
        {"kind": "other", "kind_other": "De wijkagent"},
    ]


# --- what is saved --------------------------------------------------------------------------------------------


@pytest.fixture
def form_version(db):
    version, _created = form_version_add(key="buurtvragen", instrument="vragenlijst", definition=FORM)
    return version


def test_submitting_saves_no_answer_to_a_hidden_question(form_version, builder):
    user, neighbourhood = builder
    submission = submission_submit(
        form_version=form_version, neighbourhood=neighbourhood, year=2025, user=user,
        raw={"helped": "no", "how": "Dit zag de persoon nooit.", "score": "4"},
    )  # fmt: skip
    assert Submission.objects.get(pk=submission.pk).answers == {"helped": "no", "score": 4}


def test_submitting_without_the_shown_required_answer_saves_nothing(form_version, builder):
    user, neighbourhood = builder
    with pytest.raises(SubmissionInvalid) as invalid:
        submission_submit(
            form_version=form_version, neighbourhood=neighbourhood, year=2025, user=user,
            raw={"helped": "yes", "score": "2", "why_low": "Te weinig groen."},
        )  # fmt: skip
    assert invalid.value.errors == {"how": "Vul dit in."}
    assert not Submission.objects.exists()
