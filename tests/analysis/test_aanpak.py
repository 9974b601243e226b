"""Aanpak: ABCD principle strength, who leads activities, the asset map, factor balance and stacking."""

from __future__ import annotations

from django.utils import translation

from krachtvansamen.analysis.aanpak import (
    activity_leadership,
    asset_composition,
    factor_balance,
    principle_strengths,
)
from krachtvansamen.analysis.parameters import AnalysisParameters
from krachtvansamen.analysis.rows import ActivityRow, AssetRow, CodingRow, FactorRow, ScaleAnswerRow

from .conftest import cid, shipped_codebook


def coding(fragment_id: int, key: str, year: int = 2024) -> CodingRow:
    return CodingRow(fragment_id, 1, year, cid(key), "vragenlijst")


def answer(submission_id: int, key: str, value: int) -> ScaleAnswerRow:
    return ScaleAnswerRow(submission_id, 1, 2024, key, value)


def test_principle_strength_combines_questionnaire_and_coded_evidence(codebook_rows):
    codings = [
        # residents_lead: 3 distinct fragments (fragment 1 coded twice, by two coders) → 2 evidence points
        coding(1, "abcd.residents_lead"),
        coding(1, "abcd.residents_lead"),
        coding(2, "abcd.residents_lead"),
        coding(3, "abcd.residents_lead"),
        # relations: 1 fragment → 1 point
        coding(4, "abcd.relations"),
    ]
    answers = [
        answer(10, "abcd.residents_lead", 4),
        answer(11, "abcd.residents_lead", 5),  # mean 4.5 → 2 points
        answer(10, "abcd.relations", 2),
        answer(11, "abcd.relations", 3),  # mean 2.5 → 0 points
        answer(10, "abcd.whats_strong", 3),  # mean 3.0 → 1 point, no fragments → 0 points
    ]
    result = {
        p.key: p
        for p in principle_strengths(
            codebook=codebook_rows, codings=codings, answers=answers, fragment_total=10, year=2024
        )
    }

    assert list(result) == [
        "abcd.residents_lead",
        "abcd.relations",
        "abcd.whats_strong",
        "abcd.from_within",
        "abcd.everyone_welcome",
    ]
    lead = result["abcd.residents_lead"]
    assert (lead.questionnaire_mean, lead.questionnaire_count, lead.submission_ids) == (4.5, 2, (10, 11))
    assert (lead.fragment_count, lead.fragment_share, lead.fragment_ids) == (3, 30.0, (1, 2, 3))
    # 3 fragments show it; 2 answers are too few to count, so they neither confirm nor block: strong.
    assert (lead.questionnaire_counts, lead.strength) == (False, "strong")
    # 2 answers (mean 2.5) and 1 fragment: too little data — never "weak" from 2 answers.
    assert result["abcd.relations"].strength == "unknown"
    assert result["abcd.whats_strong"].strength == "unknown"  # 1 answer, no fragments
    # No answers, no fragments (but the year has fragments): too little data, not "weak".
    assert result["abcd.from_within"].questionnaire_mean is None
    assert result["abcd.from_within"].strength == "unknown"
    with translation.override("en"):
        assert result["abcd.from_within"].strength_label == "too little data"


def test_principle_strength_medium_and_unknown(codebook_rows):
    medium = principle_strengths(
        codebook=codebook_rows,
        codings=[coding(1, "abcd.relations")],
        answers=[answer(i, "abcd.relations", v) for i, v in enumerate((3, 3, 4, 3, 4))],
        fragment_total=1,
        year=2024,
    )
    assert medium[1].strength == "medium"  # 5 answers, mean 17 / 5 = 3.4: between 3 and 4
    nothing = principle_strengths(codebook=codebook_rows, codings=[], answers=[], fragment_total=0, year=2024)
    assert {p.strength for p in nothing} == {"unknown"}
    assert nothing[0].fragment_share is None


def test_principle_strength_counts_a_users_own_subcode_for_its_principle():
    codebook = shipped_codebook(("abcd.residents_lead.buurtbudget", "abcd.residents_lead", "Buurtbudget"))
    own = CodingRow(7, 1, 2024, cid("abcd.residents_lead.buurtbudget", codebook), "vragenlijst")
    result = principle_strengths(codebook=codebook, codings=[own], answers=[], fragment_total=1, year=2024)
    assert result[0].fragment_ids == (7,)


def test_activity_leadership_shares_and_evidence():
    activities = [
        ActivityRow(1, 1, 2024, "residents", 5, 10),
        ActivityRow(2, 1, 2024, "residents", 6, 12),
        ActivityRow(3, 1, 2024, "professionals", None, 20),
        ActivityRow(4, 1, 2024, "together", 5, 8),
    ]
    result = activity_leadership(activities=activities, year=2024)
    assert (result.total, result.residents, result.professionals, result.together) == (4, 2, 1, 1)
    assert (result.resident_share, result.professional_share, result.together_share) == (50.0, 25.0, 25.0)
    assert result.resident_activity_ids == (1, 2)
    assert result.professional_activity_ids == (3,)
    assert result.participant_total == 50
    empty = activity_leadership(activities=[], year=2024)
    assert empty.resident_share is None


def test_asset_composition_is_the_inventory_up_to_the_year():
    assets = [
        AssetRow(1, 1, 2023, "talent_head", False),
        AssetRow(2, 1, 2023, "talent_hands", False),
        AssetRow(3, 1, 2024, "talent_heart", False),
        AssetRow(4, 1, 2024, "place", True),
        AssetRow(5, 1, 2025, "place", True),  # after the year: not yet there
    ]
    result = asset_composition(assets=assets, year=2024)
    assert result.total == 4
    assert (result.talent_count, result.talent_share) == (3, 75.0)
    assert (result.place_count, result.place_share) == (1, 25.0)
    assert result.meeting_place_ids == (4,)
    by_category = {c.category: c for c in result.categories}
    assert len(by_category) == 9  # every category, zeros included
    assert by_category["association"].count == 0
    assert by_category["place"].asset_ids == (4,)


def factor(observation_id: int, kind: str, direction: str) -> FactorRow:
    return FactorRow(observation_id, 1, 2024, cid(f"factor.{kind}"), direction, None)


def test_factor_balance_per_type(codebook_rows):
    rows = [
        factor(1, "governance", "hinders"),
        factor(2, "governance", "hinders"),
        factor(3, "governance", "helps"),
        factor(4, "relational", "helps"),
        factor(5, "physical", "helps"),
        factor(6, "physical", "hinders"),
    ]
    result = factor_balance(codebook=codebook_rows, factors=rows, year=2024)
    types = {t.key: t for t in result.types}
    assert (types["factor.governance"].helps, types["factor.governance"].hinders) == (1, 2)
    assert types["factor.governance"].balance == "hinders"
    assert types["factor.governance"].hinders_observation_ids == (1, 2)
    assert types["factor.relational"].balance == "helps"
    assert types["factor.physical"].balance == "even"
    assert types["factor.societal"].balance == "none"
    # Hindering as soon as one hindering observation is there: physical (1 helps, 1 hinders) hinders too.
    assert result.hindering_types == ("factor.governance", "factor.physical")
    assert result.stacking is False
    assert result.observation_ids == (1, 2, 3, 4, 5, 6)


def test_stacking_needs_three_hindering_types(codebook_rows):
    two = [
        factor(1, "governance", "hinders"),
        factor(2, "relational", "hinders"),
        factor(3, "physical", "helps"),
    ]
    assert factor_balance(codebook=codebook_rows, factors=two, year=2024).stacking is False

    three = [
        *two,
        factor(4, "physical", "hinders"),
        factor(5, "physical", "hinders"),
    ]  # physical: 2 hinder > 1 helps
    result = factor_balance(codebook=codebook_rows, factors=three, year=2024)
    assert result.hindering_types == ("factor.governance", "factor.relational", "factor.physical")
    assert result.stacking is True
    assert result.hindering_observation_ids == (1, 2, 4, 5)

    # A type that helps as much as it hinders still hinders: helping observations are not netted away.
    even = [*two, factor(4, "societal", "hinders"), factor(5, "societal", "helps")]
    assert factor_balance(codebook=codebook_rows, factors=even, year=2024).stacking is True


def test_stacking_threshold_is_a_parameter(codebook_rows):
    two = [factor(1, "governance", "hinders"), factor(2, "relational", "hinders")]
    result = factor_balance(
        codebook=codebook_rows, factors=two, year=2024, parameters=AnalysisParameters(stacking_types=2)
    )
    assert result.stacking is True
    assert result.stacking_threshold == 2
