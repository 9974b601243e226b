"""Honest measurement: precision, recall and F1 per code on texts the engine did not learn from.

Two ways: k-fold cross-validation on one labelled file (each fold is scored by an engine trained on the
shipped knowledge plus the other folds), or a held-out file scored by an engine that never saw it.
Only the 13 top-level codes are scored; a child code counts as its parent.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .engine import CORE_CODES, Engine, Example, fold_of, top_level


@dataclass(frozen=True)
class CodeScore:
    code: str
    support: int  # texts that carry the code
    predicted: int  # texts the engine suggested it for
    precision: float
    recall: float
    f1: float


@dataclass(frozen=True)
class Report:
    codes: list[CodeScore]
    macro_f1: float
    texts: int
    seconds_scoring: float

    @property
    def per_second(self) -> float:
        return self.texts / self.seconds_scoring if self.seconds_scoring else float("inf")


def score_table(truth: Sequence[set[str]], predicted: Sequence[set[str]], seconds: float) -> Report:
    rows = []
    for code in CORE_CODES:
        t = np.array([code in {top_level(k) for k in labels} for labels in truth])
        p = np.array([code in {top_level(k) for k in labels} for labels in predicted])
        tp, fp, fn = int((t & p).sum()), int((~t & p).sum()), int((t & ~p).sum())
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        # A code nobody gave and the engine did not suggest is agreement, not a failure: F1 = 1.
        f1 = 1.0 if tp + fp + fn == 0 else 2 * tp / (2 * tp + fp + fn)
        rows.append(CodeScore(code, int(t.sum()), int(p.sum()), precision, recall, f1))
    macro = float(np.mean([row.f1 for row in rows]))
    return Report(rows, macro, len(truth), seconds)


def _predict(engine: Engine, texts: Sequence[str]) -> tuple[list[set[str]], float]:
    start = time.perf_counter()
    suggestions = engine.suggest(texts)
    seconds = time.perf_counter() - start
    return [{s.code for s in row if s.suggested} for row in suggestions], seconds


def cross_validate(
    make_engine: Callable[[], Engine],
    base: Sequence[Example],
    labelled: Sequence[Example],
    *,
    folds: int = 5,
) -> Report:
    if len(labelled) < folds:
        raise ValueError(f"Te weinig regels ({len(labelled)}) voor {folds} delen.")
    # Folds by source: fragments of one page or interview are scored by an engine that saw none of them.
    fold_ids = [fold_of(e, folds) for e in labelled]
    truth: list[set[str]] = [set()] * len(labelled)
    predicted: list[set[str]] = [set()] * len(labelled)
    seconds = 0.0
    for f in range(folds):
        test = {i for i, fold in enumerate(fold_ids) if fold == f}
        if not test:
            continue
        train = [e for i, e in enumerate(labelled) if i not in test]
        engine = make_engine().fit([*base, *train])
        test_rows = sorted(test)
        got, took = _predict(engine, [labelled[i].text for i in test_rows])
        seconds += took
        for i, labels in zip(test_rows, got, strict=True):
            truth[i] = set(labelled[i].labels)
            predicted[i] = labels
    return score_table(truth, predicted, seconds)


def held_out(engine: Engine, labelled: Sequence[Example]) -> Report:
    got, seconds = _predict(engine, [e.text for e in labelled])
    return score_table([set(e.labels) for e in labelled], got, seconds)


def format_report(report: Report, title: str, *, speed: bool = True) -> str:
    lines = [title, f"{'code':<24} {'n':>4} {'voorgesteld':>11} {'precisie':>9} {'recall':>7} {'F1':>6}"]
    for row in report.codes:
        lines.append(
            f"{row.code:<24} {row.support:>4} {row.predicted:>11} {row.precision:>9.2f} {row.recall:>7.2f} {row.f1:>6.2f}"
        )
    lines.append(
        f"macro-F1 over {len(report.codes)} codes: {report.macro_f1:.3f}  ({report.texts} fragmenten)"
    )
    if speed:
        lines.append(f"snelheid: {report.per_second:.0f} fragmenten per seconde (scoren, na het trainen)")
    else:
        # In cross-validation every text was already embedded while training the other folds.
        lines.append("snelheid: meet die met --held-out of benchmarks/suggest_speed.py (hier al ingebed)")
    return "\n".join(lines)
