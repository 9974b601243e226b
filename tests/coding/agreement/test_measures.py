"""The agreement measures on hand-worked examples (pure functions: no database)."""

from __future__ import annotations

import pytest
from django.utils import translation

from krachtvansamen.coding.agreement.measures import AgreementInput, Why, agreement_measure

ANNA, BAS, CHRIS = 1, 2, 3


def two_coders(a: list[int], b: list[int], code: str = "x") -> AgreementInput:
    """Two coders who both went through every fragment; 1 = gave ``code``."""
    given = {}
    for fragment, (first, second) in enumerate(zip(a, b, strict=True)):
        given[(fragment, ANNA)] = frozenset({code} if first else set())
        given[(fragment, BAS)] = frozenset({code} if second else set())
    return AgreementInput(coders=(ANNA, BAS), fragments=tuple(range(len(a))), given=given, codes=(code,))


# The worked example: 20 fragments; both give the code on fragment 0, only Anna on fragment 19.
# Observed agreement 19/20 = 0.95. Kappa: expected (2/20·1/20 + 18/20·19/20) = 0.86 → (0.95-0.86)/0.14.
# AC1: π = 3/40 = 0.075, expected 2·0.075·0.925 = 0.13875 → (0.95-0.13875)/(1-0.13875) = 0.9419.
# Alpha: 40 values, 3 present; D_o = 2/40, D_e = 2·3·37/(40·39) → 1 - D_o/D_e = 0.6486.
EXAMPLE_A = [1] + [0] * 18 + [1]
EXAMPLE_B = [1] + [0] * 18 + [0]


def test_the_worked_example_gives_kappa_alpha_ac1_and_agreement_on_20_fragments():
    row = agreement_measure(two_coders(EXAMPLE_A, EXAMPLE_B)).per_code[0]
    assert row.kappa.value == pytest.approx(0.6429, abs=1e-4)
    assert row.alpha.value == pytest.approx(0.6486, abs=1e-4)
    assert row.ac1.value == pytest.approx(0.9419, abs=1e-4)
    assert row.observed.value == pytest.approx(0.95)
    assert (row.kappa.n, row.alpha.n, row.ac1.n, row.fragments) == (20, 20, 20, 20)
    assert row.given == 3 and row.given_by == ((ANNA, 2), (BAS, 1))
    assert not row.kappa.few


def test_a_rare_code_the_coders_agree_is_absent_has_kappa_near_0_but_a_high_ac1():
    # Each gives the code once, on different fragments; both agree it is absent on the other 18.
    a = [1, 0] + [0] * 18
    b = [0, 1] + [0] * 18
    row = agreement_measure(two_coders(a, b)).per_code[0]
    assert row.observed.value == pytest.approx(0.90)
    # Kappa: expected 0.05·0.05 + 0.95·0.95 = 0.905 → (0.90 - 0.905)/0.095.
    assert row.kappa.value == pytest.approx(-0.0526, abs=1e-4)
    # Alpha: 40 values, 2 present; D_o = 4/40, D_e = 2·2·38/(40·39) → 1 - 0.1/0.0974 = -0.0263.
    assert row.alpha.value == pytest.approx(-0.0263, abs=1e-4)
    # AC1: π = 0.05, expected 2·0.05·0.95 = 0.095 → (0.90 - 0.095)/0.905.
    assert row.ac1.value == pytest.approx(0.8895, abs=1e-4)
    assert row.kappa.reading == "discuss" and row.ac1.reading == "good"


def test_a_fragment_a_coder_has_no_pass_on_is_missing_for_that_coder_not_absent():
    data = two_coders(EXAMPLE_A, EXAMPLE_B)
    # Bas also coded 10 more fragments (without the code) that Anna never went through.
    given = dict(data.given)
    for fragment in range(20, 30):
        given[(fragment, BAS)] = frozenset()
    more = AgreementInput(coders=data.coders, fragments=tuple(range(30)), given=given, codes=data.codes)
    result = agreement_measure(more)
    row = result.per_code[0]
    # Were "no pass" counted as "absent", these would be 30 fragments and kappa 0.7674.
    assert result.fragments == 20 and row.fragments == 20
    assert row.kappa.value == pytest.approx(0.6429, abs=1e-4)
    assert row.alpha.value == pytest.approx(0.6486, abs=1e-4)
    assert row.ac1.value == pytest.approx(0.9419, abs=1e-4)


def test_alpha_uses_every_fragment_two_of_three_coders_did():
    # Chris went through the first 10 fragments only and agrees with Anna there.
    data = two_coders(EXAMPLE_A, EXAMPLE_B)
    given = dict(data.given)
    for fragment in range(10):
        given[(fragment, CHRIS)] = frozenset({"x"} if EXAMPLE_A[fragment] else set())
    three = AgreementInput(coders=(ANNA, BAS, CHRIS), fragments=data.fragments, given=given, codes=("x",))
    row = agreement_measure(three).per_code[0]
    assert row.fragments == 20
    assert row.kappa.value is None and row.kappa.why == Why.NOT_TWO_CODERS
    # 50 values, 4 present; only fragment 19 has a disagreement (one pair: Anna 1, Bas 0).
    # D_o = 2/50; D_e = 2·4·46/(50·49) → alpha = 1 - (2/50)/(368/2450) = 0.7337.
    assert row.alpha.value == pytest.approx(0.7337, abs=1e-4)
    assert row.ac1.value is not None and row.observed.value == pytest.approx(0.95)


def test_undefined_figures_are_none_with_a_reason_never_0_or_nan():
    # Both coders say "absent" on every fragment: kappa's expected agreement is 1, alpha has no variation.
    data = two_coders([0] * 12, [0] * 12)
    data = AgreementInput(
        coders=data.coders, fragments=data.fragments, given=data.given | {(0, ANNA): frozenset({"y"})},
        codes=("x", "y", "z"),
    )  # fmt: skip
    result = agreement_measure(data)
    x, y, z = result.per_code
    assert x.given == 0 and x.kappa.value is None and x.kappa.why == Why.NOBODY_GAVE
    with translation.override("en"):
        assert x.ac1.value is None and "nothing to compare" in x.kappa.reason
    # y: Anna gave it once in 12 fragments. Kappa: expected 11/12 = observed → 0.
    # AC1: π = 1/24, expected 2·(1/24)·(23/24) = 0.0799 → (11/12 - 0.0799)/(1 - 0.0799) = 0.9094.
    assert y.given == 1 and y.kappa.value == pytest.approx(0.0)
    assert y.ac1.value == pytest.approx(0.9094, abs=1e-4)
    assert z.alpha.why == Why.NOBODY_GAVE
    # Pooled over the codes someone gave (only y): codes nobody gave do not inflate it.
    assert result.pooled_codes == 1 and result.pooled.kappa.value == pytest.approx(0.0)
    # Mean per code: only y has figures.
    assert result.means.kappa.codes == 1 and result.means.alpha.codes == 1


def test_same_answer_everywhere_kappa_and_alpha_undefined_ac1_perfect():
    data = two_coders([1] * 5, [1] * 5)
    row = agreement_measure(data).per_code[0]
    assert row.kappa.value is None and row.kappa.why == Why.NO_VARIATION
    assert row.alpha.value is None and row.alpha.why == Why.NO_VARIATION
    with translation.override("en"):
        assert "cannot be computed" in row.alpha.reason
    assert row.ac1.value == pytest.approx(1.0) and row.observed.value == pytest.approx(1.0)
    assert row.ac1.few and row.ac1.n == 5


def test_one_fragment_or_one_coder_is_too_few():
    one_fragment = agreement_measure(two_coders([1], [0])).per_code[0]
    assert one_fragment.kappa.value is None and one_fragment.kappa.why == Why.TOO_FEW
    assert one_fragment.ac1.why == Why.TOO_FEW and one_fragment.observed.why == Why.TOO_FEW
    data = two_coders(EXAMPLE_A, EXAMPLE_B)
    alone = AgreementInput(coders=(ANNA,), fragments=data.fragments, given=data.given, codes=("x",))
    result = agreement_measure(alone)
    assert result.fragments == 0 and result.pairs == ()
    assert result.per_code[0].alpha.value is None


def test_pairwise_kappa_for_three_coders_pools_the_codes_on_the_fragments_each_pair_shares():
    # Anna and Bas: the worked example on code x (fragments 0-19). Chris did fragments 0-9 like Anna,
    # and fragments 20-21 alone with Bas.
    data = two_coders(EXAMPLE_A, EXAMPLE_B)
    given = dict(data.given)
    for fragment in range(10):
        given[(fragment, CHRIS)] = frozenset({"x"} if EXAMPLE_A[fragment] else set())
    given[(20, CHRIS)], given[(20, BAS)] = frozenset({"x"}), frozenset({"x"})
    given[(21, CHRIS)], given[(21, BAS)] = frozenset(), frozenset({"x"})
    three = AgreementInput(coders=(ANNA, BAS, CHRIS), fragments=tuple(range(22)), given=given, codes=("x",))
    result = agreement_measure(three)
    assert len(result.pairs) == 3
    anna_bas = result.pair(ANNA, BAS).kappa
    assert anna_bas.n == 20 and anna_bas.value == pytest.approx(0.6429, abs=1e-4)
    anna_chris = result.pair(CHRIS, ANNA).kappa
    assert anna_chris.n == 10 and anna_chris.value == pytest.approx(1.0)
    bas_chris = result.pair(BAS, CHRIS).kappa
    # Fragments 0-9 (all agree: 1,0×9) and 20 (both 1), 21 (Bas 1, Chris 0): 12 fragments.
    # po = 11/12; Bas 3/12 present, Chris 2/12 → pe = 3/12·2/12 + 9/12·10/12 = 96/144 → kappa 0.75.
    assert bas_chris.n == 12 and bas_chris.value == pytest.approx(0.75)
    assert not bas_chris.few  # 12 fragments: not "few" (below 10)
