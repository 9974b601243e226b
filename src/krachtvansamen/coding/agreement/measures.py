"""Agreement between coders, per code and overall: pure functions on what the selectors loaded (no queries).

The unit of analysis is the fragment and each code is judged present or absent in it (a code given to a
part of the fragment counts as present). A code a coder did not give counts as *absent* only when that
coder has a pass on the fragment (``CodingPass``); a coder without a pass is *missing* there, never "absent".

The figures come from well-kept libraries, as the annotation tool INCEpTION does (it uses DKPro Agreement):

- Krippendorff's alpha (nominal) — ``krippendorff.alpha``: any number of coders, missing values allowed.
- Cohen's kappa — ``sklearn.metrics.cohen_kappa_score``: exactly two coders, fragments both coded.
- Gwet's AC1 — ``agreement.metrics.gwets_gamma`` (identity kernel): two or more coders. It stays meaningful
  for rare codes, where kappa and alpha drop towards 0 although the coders agree that the code is absent.
- Observed agreement — ``agreement.metrics.observed_agreement``: the share of coder pairs that agree.

A figure that cannot be computed is ``None`` with a reason (``Why``), never 0 or NaN.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

import krippendorff
import numpy as np
from agreement.metrics import gwets_gamma, observed_agreement
from agreement.utils.transform import pivot_table_frequency
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from sklearn.metrics import cohen_kappa_score

# Below this many fragments a figure is shown with a warning: it can swing a lot with one fragment more.
FEW_FRAGMENTS = 10
# The usual reading of alpha, kappa and AC1 (Krippendorff 2004): guidance, not a verdict.
GOOD = 0.8
TENTATIVE = 0.667

ABSENT, PRESENT = 0, 1


class Why(StrEnum):
    """Why a figure cannot be computed."""

    NOBODY_GAVE = "nobody_gave"
    ONE_CODER = "one_coder"
    NOT_TWO_CODERS = "not_two_coders"
    TOO_FEW = "too_few"
    NO_VARIATION = "no_variation"
    NONE_DEFINED = "none_defined"


WHY_TEXT: dict[Why, Promise] = {
    Why.NOBODY_GAVE: _("None of these coders gave this code, so there is nothing to compare."),
    Why.ONE_CODER: _("Choose at least two coders to compare."),
    Why.NOT_TWO_CODERS: _("Kappa compares exactly two coders: see the table of pairs below."),
    Why.TOO_FEW: _(
        "Too few fragments: fewer than two fragments were coded by more than one of these coders."
    ),
    Why.NO_VARIATION: _(
        "Every answer was the same (the code always absent, or always present), so this measure cannot be "
        "computed. Look at AC1 and the percentage of agreement."
    ),
    Why.NONE_DEFINED: _("No code has this figure."),
}
WHY_SHORT: dict[Why, Promise] = {
    Why.NOBODY_GAVE: _("not given"),
    Why.ONE_CODER: _("one coder"),
    Why.NOT_TWO_CODERS: _("only for two coders"),
    Why.TOO_FEW: _("too few fragments"),
    Why.NO_VARIATION: _("always the same answer"),
    Why.NONE_DEFINED: _("none"),
}


@dataclass(frozen=True)
class AgreementInput:
    """What the measures need: the coders to compare, the fragments, and for each (fragment, coder) that has
    a pass the keys of the codes that coder gave there (empty: a pass without codes)."""

    coders: tuple[int, ...]
    fragments: tuple[int, ...]
    given: Mapping[tuple[int, int], frozenset[str]]
    codes: tuple[str, ...]


@dataclass(frozen=True)
class Figure:
    """One agreement figure and the number of fragments behind it; ``value`` None: see ``why``."""

    value: float | None
    n: int
    why: Why | None = None

    @property
    def defined(self) -> bool:
        return self.value is not None

    @property
    def few(self) -> bool:
        """Computed, but on fewer fragments than ``FEW_FRAGMENTS``."""
        return self.value is not None and self.n < FEW_FRAGMENTS

    @property
    def reason(self) -> str:
        return str(WHY_TEXT[self.why]) if self.why else ""

    @property
    def short_reason(self) -> str:
        return str(WHY_SHORT[self.why]) if self.why else ""

    @property
    def percent(self) -> float | None:
        return None if self.value is None else self.value * 100

    @property
    def reading(self) -> str:
        """The usual reading band: ``good`` (≥ 0.8), ``tentative`` (0.667–0.8), ``discuss`` (below)."""
        if self.value is None:
            return ""
        if self.value >= GOOD:
            return "good"
        return "tentative" if self.value >= TENTATIVE else "discuss"


def _undefined(why: Why, n: int = 0) -> Figure:
    return Figure(value=None, n=n, why=why)


@dataclass(frozen=True)
class CodeAgreement:
    """The figures of one code (or, for the pooled figures, of all codes taken together)."""

    code: str
    alpha: Figure
    kappa: Figure
    ac1: Figure
    observed: Figure
    fragments: int  # fragments that at least two of the coders coded: the n behind alpha, AC1 and observed
    given: int  # how often the coders gave the code on those fragments
    given_by: tuple[tuple[int, int], ...]  # (coder, how often) in the order of the coders


@dataclass(frozen=True)
class MeanFigure:
    """The mean of a figure over the codes where it is defined, and over how many codes."""

    value: float | None
    codes: int
    why: Why | None = None

    @property
    def reason(self) -> str:
        return str(WHY_TEXT[self.why]) if self.why else ""

    @property
    def short_reason(self) -> str:
        return str(WHY_SHORT[self.why]) if self.why else ""


@dataclass(frozen=True)
class Means:
    alpha: MeanFigure
    kappa: MeanFigure
    ac1: MeanFigure


@dataclass(frozen=True)
class PairKappa:
    first: int
    second: int
    kappa: Figure  # pooled over the compared codes; n = fragments both coders coded


@dataclass(frozen=True)
class Agreement:
    coders: tuple[int, ...]
    fragments: int  # fragments at least two of the coders coded
    per_code: tuple[CodeAgreement, ...]  # every code asked for, in the order asked
    pooled: CodeAgreement  # every (fragment, code) of the codes some coder gave as one unit
    pooled_codes: int  # how many codes the pooled figures cover
    means: Means
    pairs: tuple[PairKappa, ...]

    @property
    def compared(self) -> tuple[CodeAgreement, ...]:
        """The codes at least one of the coders gave."""
        return tuple(row for row in self.per_code if row.given)

    @property
    def never_given(self) -> tuple[CodeAgreement, ...]:
        return tuple(row for row in self.per_code if not row.given)

    def pair(self, first: int, second: int) -> PairKappa | None:
        for pair in self.pairs:
            if {pair.first, pair.second} == {first, second}:
                return pair
        return None


# --- the measures on a matrix of 0/1 answers (units × coders, NaN = no pass) ------------------------------


def _finite(value: float) -> float | None:
    return None if value is None or math.isnan(value) or math.isinf(value) else float(value)


def _alpha(matrix: np.ndarray) -> Figure:
    n = len(matrix)
    if n < 2:
        return _undefined(Why.TOO_FEW, n)
    values = matrix[~np.isnan(matrix)]
    if len(np.unique(values)) < 2:
        return _undefined(Why.NO_VARIATION, n)
    value = krippendorff.alpha(
        reliability_data=matrix.T, level_of_measurement="nominal", value_domain=[ABSENT, PRESENT]
    )
    return (
        Figure(value=_finite(value), n=n) if _finite(value) is not None else _undefined(Why.NO_VARIATION, n)
    )


def _kappa(first: np.ndarray, second: np.ndarray) -> Figure:
    both = ~np.isnan(first) & ~np.isnan(second)
    a, b = first[both].astype(int), second[both].astype(int)
    n = int(both.sum())
    if n < 2:
        return _undefined(Why.TOO_FEW, n)
    # Expected agreement is 1 (kappa is 0/0) when both coders gave one and the same answer throughout.
    if len(np.unique(a)) == 1 and len(np.unique(b)) == 1 and a[0] == b[0]:
        return _undefined(Why.NO_VARIATION, n)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = _finite(cohen_kappa_score(a, b, labels=[ABSENT, PRESENT]))
    return Figure(value=value, n=n) if value is not None else _undefined(Why.NO_VARIATION, n)


def _answers_matrix(matrix: np.ndarray) -> np.ndarray:
    """Units × categories (absent, present): how many coders gave each answer, for ``agreement``."""
    units, coders = np.nonzero(~np.isnan(matrix))
    answers = matrix[units, coders].astype(int)
    return pivot_table_frequency(units, answers, values=np.array([ABSENT, PRESENT]))


def _ac1_and_observed(matrix: np.ndarray) -> tuple[Figure, Figure]:
    n = len(matrix)
    if n < 2:
        return _undefined(Why.TOO_FEW, n), _undefined(Why.TOO_FEW, n)
    counts = _answers_matrix(matrix)
    with np.errstate(all="ignore"):
        ac1 = _finite(gwets_gamma(counts))
        observed = _finite(observed_agreement(counts))
    return (
        Figure(value=ac1, n=n) if ac1 is not None else _undefined(Why.NO_VARIATION, n),
        Figure(value=observed, n=n) if observed is not None else _undefined(Why.TOO_FEW, n),
    )


def _figures(code: str, matrix: np.ndarray, coders: tuple[int, ...], fragments: int) -> CodeAgreement:
    """All figures of one code, or of the pooled units: ``matrix`` is units × coders (NaN = no pass), its
    rows from the ``fragments`` fragments that at least two of the coders coded."""
    present = np.nan_to_num(matrix, nan=0.0)
    given_by = tuple((coder, int(present[:, i].sum())) for i, coder in enumerate(coders))
    given = sum(times for _coder, times in given_by)
    why = Why.ONE_CODER if len(coders) < 2 else Why.NOBODY_GAVE if not given else None
    why = why or (Why.TOO_FEW if fragments < 2 else None)
    if why:
        none = _undefined(why, fragments)
        return CodeAgreement(code, none, none, none, none, fragments, given, given_by)
    kappa = _kappa(matrix[:, 0], matrix[:, 1]) if len(coders) == 2 else _undefined(Why.NOT_TWO_CODERS)
    alpha = _alpha(matrix)
    ac1, observed = _ac1_and_observed(matrix)
    # Pooled figures rest on (fragment, code) units, but their n, like everywhere, counts fragments.
    alpha, kappa, ac1, observed = (Figure(f.value, fragments, f.why) for f in (alpha, kappa, ac1, observed))
    return CodeAgreement(code, alpha, kappa, ac1, observed, fragments, given, given_by)


def _mean(rows: Iterable[CodeAgreement], figure: Callable[[CodeAgreement], Figure]) -> MeanFigure:
    values = [v for v in (figure(row).value for row in rows) if v is not None]
    if not values:
        return MeanFigure(value=None, codes=0, why=Why.NONE_DEFINED)
    return MeanFigure(value=float(np.mean(values)), codes=len(values))


def _answers(data: AgreementInput, fragments: Sequence[int], codes: Sequence[str]) -> np.ndarray:
    """Codes × fragments × coders: 1 the coder gave the code, 0 the coder has a pass without it, NaN no pass."""
    answers = np.full((len(codes), len(fragments), len(data.coders)), np.nan)
    code_index = {code: i for i, code in enumerate(codes)}
    fragment_index = {fragment: i for i, fragment in enumerate(fragments)}
    for column, coder in enumerate(data.coders):
        for fragment, row in fragment_index.items():
            given = data.given.get((fragment, coder))
            if given is None:
                continue
            answers[:, row, column] = ABSENT
            for code in given:
                if code in code_index:
                    answers[code_index[code], row, column] = PRESENT
    return answers


def agreement_measure(data: AgreementInput) -> Agreement:
    """Alpha, kappa (two coders), AC1 and observed agreement per code, pooled over all codes, their mean
    over the codes, and kappa for every pair of coders. See the module's docstring for the rules."""
    coders = tuple(dict.fromkeys(data.coders))
    codes = tuple(dict.fromkeys(data.codes))
    data = AgreementInput(coders=coders, fragments=data.fragments, given=data.given, codes=codes)
    # Only fragments that at least two of the coders coded can show (dis)agreement.
    fragments = [
        fragment
        for fragment in dict.fromkeys(data.fragments)
        if sum((fragment, coder) in data.given for coder in coders) >= 2
    ]
    answers = _answers(data, fragments, codes)
    per_code = tuple(_figures(code, answers[i], coders, len(fragments)) for i, code in enumerate(codes))
    # Codes nobody gave would only add agreement on absence: the pooled figures leave them out.
    compared = [i for i, row in enumerate(per_code) if row.given]
    pooled_answers = answers[compared].reshape(-1, len(coders))
    pooled = _figures("", pooled_answers, coders, len(fragments))
    means = Means(
        alpha=_mean(per_code, lambda row: row.alpha),
        kappa=_mean(per_code, lambda row: row.kappa),
        ac1=_mean(per_code, lambda row: row.ac1),
    )
    pairs = tuple(
        _pair_kappa(answers[compared], coders, first, second)
        for first, second in itertools.combinations(range(len(coders)), 2)
    )
    return Agreement(
        coders=coders,
        fragments=len(fragments),
        per_code=per_code,
        pooled=pooled,
        pooled_codes=len(compared),
        means=means,
        pairs=pairs,
    )


def _pair_kappa(answers: np.ndarray, coders: tuple[int, ...], first: int, second: int) -> PairKappa:
    """Kappa of two coders over all (fragment, code) units of the compared codes on the fragments both
    coded; n = those fragments."""
    pair = answers[:, :, [first, second]]  # codes × fragments × 2
    both = ~np.isnan(pair).any(axis=(0, 2)) if len(pair) else np.zeros(pair.shape[1], dtype=bool)
    fragments = int(both.sum())
    if not len(pair):
        figure = _undefined(Why.NOBODY_GAVE, fragments)
    elif fragments < 2:
        figure = _undefined(Why.TOO_FEW, fragments)
    else:
        units = pair[:, both, :].reshape(-1, 2)
        kappa = _kappa(units[:, 0], units[:, 1])
        figure = Figure(kappa.value, fragments, kappa.why)
    return PairKappa(first=coders[first], second=coders[second], kappa=figure)
