"""Reading the JSON-lines files (clear errors with line numbers) and the measurement table (worked by hand)."""

from __future__ import annotations

import pytest

from krachtvansamen.coding.suggest.evaluate import score_table
from krachtvansamen.coding.suggest.jsonl import LineError, read_rows

KNOWN = {"factor.governance", "effect.individual", "effect.individual.trust"}


def write(tmp_path, *lines: str):
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_rows_keep_their_order_ids_and_line_numbers_and_blank_lines_are_skipped(tmp_path):
    path = write(tmp_path, '{"id": 7, "text": "Een."}', "", '{"id": "b", "text": "Twee.", "extra": 1}')
    rows = read_rows(path, labelled=False)
    assert [(r.line, r.id, r.text) for r in rows] == [(1, 7, "Een."), (3, "b", "Twee.")]


@pytest.mark.parametrize(
    "line, message",
    [
        ('{"id": 1, "text": "ok"', "regel 2: geen geldige JSON"),
        ('["id", "text"]', "regel 2: verwacht een object"),
        ('{"text": "geen id"}', 'regel 2: "id" ontbreekt'),
        ('{"id": 2}', 'regel 2: "text" ontbreekt'),
        ('{"id": 2, "text": 5}', 'regel 2: "text" ontbreekt of is geen tekst'),
    ],
)
def test_a_malformed_line_is_named_with_its_number(tmp_path, line, message):
    path = write(tmp_path, '{"id": 1, "text": "goed"}', line, '{"id": 3, "text": "goed"}')
    with pytest.raises(LineError, match=message):
        read_rows(path, labelled=False)


@pytest.mark.parametrize(
    "labels, message",
    [
        ('"factor.governance"', "moet een lijst"),
        ("[1]", "moet een lijst"),
        ('["factor.onbekend"]', "onbekende code 'factor.onbekend'"),
    ],
)
def test_labels_must_be_a_list_of_codebook_keys(tmp_path, labels, message):
    path = write(tmp_path, f'{{"id": 1, "text": "t", "labels": {labels}}}')
    with pytest.raises(LineError, match=f"regel 1: .*{message}"):
        read_rows(path, labelled=True, known_codes=KNOWN)


def test_labelled_rows_accept_child_codes_and_no_labels(tmp_path):
    path = write(
        tmp_path,
        '{"id": 1, "text": "t", "labels": ["effect.individual.trust"]}',
        '{"id": 2, "text": "u", "labels": []}',
    )
    assert [r.labels for r in read_rows(path, labelled=True, known_codes=KNOWN)] == [
        ("effect.individual.trust",),
        (),
    ]


def test_the_score_table_by_hand():
    truth = [
        {"factor.governance"},
        {"factor.governance", "effect.individual.trust"},
        set(),
        {"effect.individual"},
    ]
    predicted = [{"factor.governance"}, {"effect.individual"}, {"factor.governance"}, set()]
    report = score_table(truth, predicted, seconds=2.0)
    rows = {r.code: r for r in report.codes}
    governance = rows["factor.governance"]  # tp 1, fp 1, fn 1
    assert (governance.support, governance.predicted) == (2, 2)
    assert (governance.precision, governance.recall, governance.f1) == (0.5, 0.5, 0.5)
    individual = rows["effect.individual"]  # the child counts as its parent: tp 1, fn 1
    assert (individual.precision, individual.recall) == (1.0, 0.5)
    assert individual.f1 == pytest.approx(2 / 3)
    # Eleven codes nobody gave and nothing suggested agree perfectly.
    assert rows["abcd.relations"].f1 == 1.0
    assert report.macro_f1 == pytest.approx((0.5 + 2 / 3 + 11) / 13)
    assert report.per_second == 2.0


def test_a_code_suggested_where_nobody_gave_it_scores_zero():
    report = score_table([set()], [{"factor.societal"}], seconds=1.0)
    assert {r.code: r.f1 for r in report.codes}["factor.societal"] == 0.0
