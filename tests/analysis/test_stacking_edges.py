"""The edges of stacking (``analysis.aanpak.factor_balance`` and the ``factors_stack`` risk signal): a factor type
is hindering from ONE hindering observation; helping observations are shown beside it and never subtracted; the
count "N van de 5 soorten" moves by one when one more type gets its first hindering observation, and stacking
starts at exactly 3 of the 5 types."""

from __future__ import annotations

import pytest
from django.utils import translation

from krachtvansamen.analysis.aanpak import factor_balance
from krachtvansamen.analysis.duurzaamheid import funding_horizon, risk_signals, structures
from krachtvansamen.analysis.rows import FactorRow, FundingRow

from .conftest import cid, shipped_codebook

TYPES = ("governance", "relational", "professional", "societal", "physical")


def factor(observation_id: int, kind: str, direction: str, *, codebook=None) -> FactorRow:
    code_id = cid(f"factor.{kind}", codebook) if codebook else cid(f"factor.{kind}")
    return FactorRow(observation_id, 1, 2024, code_id, direction, None)


def balance(rows, codebook):
    return factor_balance(codebook=codebook, factors=rows, year=2024)


def stack_message(rows, codebook) -> str | None:
    """The Dutch risk message about stacking for these observations, or None when there is none."""
    signals = risk_signals(
        year=2024,
        funding=funding_horizon(fundings=[FundingRow(1, 1, 10, "Oranje Fonds", 2023, 2030)], year=2024),
        structures=structures(codebook=codebook, assessments=[], year=2024),
        factors=balance(rows, codebook),
        continuity=(),
        leadership=None,
        concentration=None,
    )
    with translation.override("nl"):
        return next((str(s.message) for s in signals if s.key == "factors_stack"), None)


def test_no_observation_and_only_helping_observations_make_no_type_hindering(codebook_rows):
    assert balance([], codebook_rows).hindering_types == ()
    helping = [factor(n, kind, "helps") for n, kind in enumerate(TYPES, 1)]
    result = balance(helping, codebook_rows)
    assert result.hindering_types == () and result.hindering_count == 0
    assert all(t.helps == 1 and not t.is_hindering for t in result.types)


def test_one_hindering_observation_makes_its_type_hindering(codebook_rows):
    result = balance([factor(1, "societal", "hinders")], codebook_rows)
    assert result.hindering_types == ("factor.societal",)
    assert result.hindering_count == 1
    assert result.hindering_observation_ids == (1,)


@pytest.mark.parametrize("helping", [1, 2, 5])
def test_helping_observations_never_cancel_a_single_hindering_one(codebook_rows, helping):
    rows = [factor(1, "physical", "hinders"), *(factor(10 + n, "physical", "helps") for n in range(helping))]
    physical = {t.key: t for t in balance(rows, codebook_rows).types}["factor.physical"]
    assert (physical.helps, physical.hinders) == (helping, 1)  # shown beside each other
    assert physical.is_hindering
    assert physical.balance == ("even" if helping == 1 else "helps")  # the display may lean, the verdict not
    assert balance(rows, codebook_rows).hindering_types == ("factor.physical",)


def test_helping_observations_in_other_types_do_not_cancel_either(codebook_rows):
    rows = [
        factor(1, "governance", "hinders"),
        factor(2, "relational", "hinders"),
        factor(3, "professional", "hinders"),
        *(factor(10 + n, kind, "helps") for n, kind in enumerate(TYPES * 3)),  # 15 helping observations
    ]
    result = balance(rows, codebook_rows)
    assert result.hindering_count == 3 and result.stacking is True
    assert result.hindering_observation_ids == (1, 2, 3)


def test_the_count_of_types_moves_by_one_with_each_types_first_hindering_observation(codebook_rows):
    rows: list[FactorRow] = []
    counts = []
    for number, kind in enumerate(TYPES, 1):
        rows.append(factor(number, kind, "hinders"))
        counts.append(balance(rows, codebook_rows).hindering_count)
    assert counts == [1, 2, 3, 4, 5]
    # A second hindering observation in a type already hindering does not count as another type.
    rows.append(factor(99, "physical", "hinders"))
    assert balance(rows, codebook_rows).hindering_count == 5


def test_stacking_starts_at_exactly_three_of_the_five_types_and_says_so_in_dutch(codebook_rows):
    two = [
        factor(1, "governance", "hinders"),
        factor(2, "relational", "hinders"),
        factor(3, "physical", "helps"),
    ]
    assert balance(two, codebook_rows).stacking is False
    assert stack_message(two, codebook_rows) is None

    three = [*two, factor(4, "physical", "hinders")]  # physical: 1 helps, 1 hinders
    assert balance(three, codebook_rows).stacking is True
    assert stack_message(three, codebook_rows) == (
        "Belemmeringen stapelen zich op: bij 3 van de 5 soorten zijn belemmeringen genoemd."
    )

    four = [*three, factor(5, "societal", "hinders")]
    assert stack_message(four, codebook_rows) == (
        "Belemmeringen stapelen zich op: bij 4 van de 5 soorten zijn belemmeringen genoemd."
    )


def test_a_hindering_observation_on_a_users_own_subcode_counts_for_its_type():
    codebook = shipped_codebook(("factor.physical.geluidsoverlast", "factor.physical", "Geluidsoverlast"))
    rows = [
        factor(1, "governance", "hinders", codebook=codebook),
        factor(2, "relational", "hinders", codebook=codebook),
        factor(3, "physical.geluidsoverlast", "hinders", codebook=codebook),
    ]
    result = balance(rows, codebook)
    assert result.hindering_types == ("factor.governance", "factor.relational", "factor.physical")
    assert result.stacking is True
