"""Honest verdicts: every verdict rests on enough evidence, and says so when it does not.

- ABCD principles: a questionnaire mean counts from ``questionnaire_min_answers`` (5) answers; "strong" needs
  ``evidence_strong`` (3) coded fragments; "weak" needs enough answers with a low mean; too little evidence is
  "too little data", never "weak".
- Inclusion: a verdict needs ``inclusion_min_known`` (30) known participants and the whole 95% (Wilson)
  interval beyond the threshold; children (0-15), whom no instrument asks, are left out unless recorded.
- Stacking: a type hinders from one hindering observation; helping ones are shown, never subtracted.

Every expected value is worked out by hand in the comment next to it.
"""

from __future__ import annotations

import pytest
from django.utils import translation

from krachtvansamen.analysis.aanpak import factor_balance, principle_strengths
from krachtvansamen.analysis.duurzaamheid import funding_horizon, risk_signals, structures
from krachtvansamen.analysis.inclusion import inclusion, inclusion_total, wilson_interval
from krachtvansamen.analysis.parameters import DEFAULT_PARAMETERS, AnalysisParameters
from krachtvansamen.analysis.rows import CbsRow, CodingRow, FactorRow, PersonRow, ScaleAnswerRow
from krachtvansamen.analysis.synthesis import programme_analysis

from .conftest import cid
from .test_synthesis import build

LEAD = "abcd.residents_lead"


def codings(count: int, key: str = LEAD) -> list[CodingRow]:
    return [CodingRow(i + 1, 1, 2024, cid(key), "vragenlijst") for i in range(count)]


def answers(*values: int, key: str = LEAD) -> list[ScaleAnswerRow]:
    return [ScaleAnswerRow(100 + i, 1, 2024, key, v) for i, v in enumerate(values)]


def lead(codebook, *, fragments: int = 0, values: tuple[int, ...] = (), **parameters):
    result = principle_strengths(
        codebook=codebook,
        codings=codings(fragments),
        answers=answers(*values),
        fragment_total=10,
        year=2024,
        parameters=AnalysisParameters(**parameters),
    )
    return result[0]


# --- ABCD principles ---------------------------------------------------------------------------------------


def test_the_parameters_state_the_minimums():
    assert DEFAULT_PARAMETERS.questionnaire_min_answers == 5
    assert DEFAULT_PARAMETERS.evidence_strong == 3
    assert DEFAULT_PARAMETERS.inclusion_min_known == 30
    assert DEFAULT_PARAMETERS.stacking_types == 3


def test_one_answer_of_4_is_not_strong_and_keeps_its_n(codebook_rows):
    # The case: one answer (4.0) and one fragment used to read "strong".
    p = lead(codebook_rows, fragments=1, values=(4,))
    assert (p.questionnaire_mean, p.questionnaire_count, p.fragment_count) == (4.0, 1, 1)
    assert (p.questionnaire_counts, p.strength) == (False, "unknown")
    with translation.override("nl"):
        assert p.strength_label == "te weinig gegevens"


@pytest.mark.parametrize(
    ("values", "counts", "strength"),
    [
        ((5, 5, 5, 5), False, "unknown"),  # n = 4 = minimum − 1: not judged, however high the mean
        ((5, 5, 5, 5, 5), True, "medium"),  # n = 5: counts; mean 5 but no fragments, so not strong
        ((1, 1, 1, 1), False, "unknown"),  # n = 4, mean 1: too few to call weak
        ((2, 2, 2, 2, 2), True, "weak"),  # n = 5, mean 2 < 3: the evidence shows weakness
        ((3, 3, 3, 3, 3), True, "medium"),  # mean exactly 3.0: not below 3, so not weak
        ((3, 3, 3, 2, 3), True, "weak"),  # mean 14 / 5 = 2.8
    ],
)
def test_questionnaire_minimum_answers_boundary(codebook_rows, values, counts, strength):
    p = lead(codebook_rows, values=values)
    assert (p.questionnaire_count, p.questionnaire_counts, p.strength) == (len(values), counts, strength)


@pytest.mark.parametrize(
    ("fragments", "strength"), [(0, "unknown"), (2, "unknown"), (3, "strong"), (4, "strong")]
)
def test_strong_needs_three_fragments(codebook_rows, fragments, strength):
    # No answers at all: the fragments alone decide; 2 fragments is too little data, 3 shows the principle.
    assert lead(codebook_rows, fragments=fragments).strength == strength


@pytest.mark.parametrize(
    ("fragments", "values", "strength"),
    [
        (3, (4, 4, 4, 4, 4), "strong"),  # both agree: mean exactly 4.0
        (3, (4, 4, 4, 4, 3), "medium"),  # mean 19 / 5 = 3.8: below 4, so the questionnaire holds it back
        (2, (4, 4, 4, 4, 4), "medium"),  # 2 fragments: never strong, however high the mean
        (3, (2, 2, 2, 2, 2), "medium"),  # the sources disagree: fragments show it, answers are low
        (3, (1, 1), "strong"),  # 2 answers are too few to count: they neither confirm nor block
    ],
)
def test_both_sources_together(codebook_rows, fragments, values, strength):
    assert lead(codebook_rows, fragments=fragments, values=values).strength == strength


def test_weak_is_never_read_from_missing_data(codebook_rows):
    result = principle_strengths(
        codebook=codebook_rows, codings=codings(3), answers=[], fragment_total=50, year=2024
    )
    # Only the first principle was coded; the other four have nothing: too little data, not weak.
    assert [p.strength for p in result] == ["strong", "unknown", "unknown", "unknown", "unknown"]


def test_the_minimum_is_a_parameter(codebook_rows):
    p = lead(codebook_rows, fragments=3, values=(4,), questionnaire_min_answers=1)
    assert (p.questionnaire_counts, p.questionnaire_min_answers, p.strength) == (True, 1, "strong")


def test_too_little_data_is_counted_apart_from_weak_over_neighbourhoods(codebook_rows):
    # test_synthesis.build: three neighbourhoods without questionnaire answers or ABCD codings.
    aggregate = programme_analysis(build(codebook_rows)).aggregate
    first = aggregate.principles[0]
    assert [(s.key, s.count) for s in first.strengths] == [
        ("strong", 0),
        ("medium", 0),
        ("weak", 0),
        ("unknown", 3),
    ]
    with translation.override("en"):
        assert str(first.strengths[-1].label) == "too little data"


# --- Stacking ----------------------------------------------------------------------------------------------


def factor(observation_id: int, kind: str, direction: str) -> FactorRow:
    return FactorRow(observation_id, 1, 2024, cid(f"factor.{kind}"), direction, None)


def test_one_hinder_against_five_helps_is_hindering(codebook_rows):
    rows = [factor(1, "governance", "hinders"), *(factor(i, "governance", "helps") for i in range(2, 7))]
    result = factor_balance(codebook=codebook_rows, factors=rows, year=2024)
    governance = result.types[0]
    assert (governance.key, governance.helps, governance.hinders) == ("factor.governance", 5, 1)
    assert governance.is_hindering is True  # not netted away by the 5 helping observations
    assert governance.balance == "helps"  # the balance stays, for display
    assert result.hindering_types == ("factor.governance",)
    assert result.hindering_observation_ids == (1,)


def netted(types: int) -> list[FactorRow]:
    """``types`` factor types, each with 1 hindering and 2 helping observations."""
    kinds = ("governance", "relational", "professional", "societal", "physical")[:types]
    return [
        factor(t * 10 + j, kind, "hinders" if j == 0 else "helps")
        for t, kind in enumerate(kinds)
        for j in range(3)
    ]


def test_stacking_at_exactly_the_threshold(codebook_rows):
    two = factor_balance(codebook=codebook_rows, factors=netted(2), year=2024)
    three = factor_balance(codebook=codebook_rows, factors=netted(3), year=2024)
    assert (two.hindering_count, two.stacking) == (2, False)  # 2 = stacking_types − 1
    assert (three.hindering_count, three.stacking) == (
        3,
        True,
    )  # 3 = stacking_types, every type "mostly helps"
    assert {t.balance for t in three.types if t.hinders} == {"helps"}
    assert three.hindering_observation_ids == (0, 10, 20)
    stricter = factor_balance(
        codebook=codebook_rows, factors=netted(3), year=2024, parameters=AnalysisParameters(stacking_types=4)
    )
    assert stricter.stacking is False


def test_stacking_of_netted_types_is_a_risk_signal(codebook_rows):
    factors = factor_balance(codebook=codebook_rows, factors=netted(3), year=2024)
    risks = risk_signals(
        year=2024,
        funding=funding_horizon(fundings=[], year=2024),
        structures=structures(codebook=codebook_rows, assessments=[], year=2024),
        factors=factors,
        continuity=(),
        leadership=None,
        concentration=None,
    )
    signal = {r.key: r for r in risks}["factors_stack"]
    with translation.override("nl"):
        assert (
            str(signal.message)
            == "Belemmeringen stapelen zich op: bij 3 van de 5 soorten zijn belemmeringen genoemd."
        )
    assert signal.evidence_ids == (0, 10, 20)


# --- Inclusion ---------------------------------------------------------------------------------------------


def cbs(**values: int | None) -> CbsRow:
    base: dict[str, int | None] = {
        "population": 100,
        "men": 50,
        "women": 50,
        "age_0_15": 20,
        "age_15_25": 10,
        "age_25_45": 30,
        "age_45_65": 20,
        "age_65_plus": 20,
        "origin_netherlands": 60,
        "origin_europe": 10,
        "origin_outside_europe": 30,
    }
    base.update(values)
    return CbsRow(record_id=1, region_code="BU00000001", year=2024, **base)  # type: ignore[arg-type]


def people(*groups: tuple[int, str, str]) -> dict[int, PersonRow]:
    """(how many, age band, gender): residents born in the Netherlands."""
    persons: dict[int, PersonRow] = {}
    for count, age, gender in groups:
        for _ in range(count):
            pid = len(persons) + 1
            persons[pid] = PersonRow(pid, 1, "resident", age, "netherlands", gender)
    return persons


def compare(persons: dict[int, PersonRow], **parameters):
    return inclusion(
        participant_ids=set(persons),
        persons=persons,
        cbs=cbs(),
        year=2024,
        parameters=AnalysisParameters(**parameters),
    )


def groups(result, dimension: str) -> dict:
    return {g.key: g for d in result.dimensions if d.key == dimension for g in d.groups}


def test_wilson_interval_by_hand():
    # 10 of 30: p = 1/3, z² / n = 3.8416 / 30; centre 0.3523, half-width 0.1600 → 19.2–51.2%.
    assert wilson_interval(10, 30) == (19.2, 51.2)
    assert wilson_interval(0, 30) == (0.0, 11.4)  # centre = half-width = 0.0568
    assert wilson_interval(0, 0) is None


def test_no_verdict_below_the_minimum_of_known_participants():
    # No man among the participants, against 50% men among the inhabitants.
    below = compare(people((29, "45-65", "woman")))
    at = compare(people((30, "45-65", "woman")))
    gender_below = next(d for d in below.dimensions if d.key == "gender")
    assert (gender_below.known, gender_below.too_few) == (29, True)  # 29 = minimum − 1
    assert below.not_reached == ()
    # 30 known: 0 of 30 men has the interval 0–11.4%, wholly more than 5 points below 50%.
    men = groups(at, "gender")["man"]
    assert (men.share_low, men.share_high, men.under_represented) == (0.0, 11.4, True)
    assert ("gender", "man") in [(g.dimension, g.key) for g in at.not_reached]


def test_a_gap_inside_the_range_is_no_verdict():
    # 10 men of 30 (33.3%) against 50%: the gap is −16.7 points, but the interval 19.2–51.2% reaches up to
    # 51.2, which is not more than 5 points below 50. So: no verdict.
    result = compare(people((10, "45-65", "man"), (20, "45-65", "woman")))
    men = groups(result, "gender")["man"]
    assert (men.participant_share, men.gap, men.share_high) == (33.3, -16.7, 51.2)
    assert men.under_represented is False


def test_children_are_left_out_when_no_instrument_reached_them():
    # 30 adults, nobody under 15: the 20 children among 100 inhabitants are left out of the age comparison.
    result = compare(people((10, "25-45", "man"), (10, "45-65", "woman"), (10, "65+", "woman")))
    age = groups(result, "age")
    assert (age["0-15"].asked, age["0-15"].under_represented, age["0-15"].inhabitant_share) == (
        False,
        False,
        None,
    )
    # Shares over the 80 inhabitants aged 15 or over: 25-45 is 30 of 80 = 37.5%.
    assert age["25-45"].inhabitant_share == 37.5
    assert ("age", "0-15") not in [(g.dimension, g.key) for g in result.not_reached]
    assert [g.key for g in result.not_asked] == ["0-15"]
    # 15-25: 0 of 30 (0–11.4%) against 10 of 80 = 12.5%: 11.4 is not more than 5 below 12.5: no verdict.
    assert age["15-25"].under_represented is False


def test_children_are_compared_when_they_were_recorded():
    # 30 participants of whom 1 child: 0-15 is compared (1 of 30 = 3.3%, interval 0.6–16.7% against 20%).
    result = compare(people((1, "0-15", "woman"), (29, "45-65", "woman")))
    age = groups(result, "age")
    assert (age["0-15"].asked, age["0-15"].participant_share, age["0-15"].inhabitant_share) == (
        True,
        3.3,
        20.0,
    )
    assert (age["0-15"].share_low, age["0-15"].share_high) == (0.6, 16.7)
    assert age["0-15"].under_represented is False  # 16.7 is not more than 5 below 20
    assert result.not_asked == ()


def test_programme_total_leaves_children_out_too():
    one = compare(people((30, "65+", "woman")))
    two = compare(people((30, "65+", "man")))
    total = inclusion_total([one, two], year=2024)
    age = groups(total, "age")
    # 60 known, all 65+: 40 of the 160 inhabitants aged 15 or over (25%); children left out.
    assert (age["0-15"].asked, age["65+"].inhabitant_share, age["65+"].participant_share) == (
        False,
        25.0,
        100.0,
    )
    assert age["65+"].over_represented is True  # 60 of 60: interval 94.0–100%
    assert wilson_interval(60, 60)[0] == 94.0
