"""Verandering: effects matrix, palet (co-occurrence), network, concentration, inclusion, vitality."""

from __future__ import annotations

import pytest

from krachtvansamen.analysis.inclusion import cbs_for_year, inclusion
from krachtvansamen.analysis.network import gini, network_years, role_concentration
from krachtvansamen.analysis.parameters import AnalysisParameters
from krachtvansamen.analysis.rows import (
    ActivityParticipantRow,
    ActivityRow,
    CbsRow,
    CodingRow,
    FactorRow,
    FragmentGroupRow,
    FragmentStanceRow,
    PersonRow,
    RelationRow,
)
from krachtvansamen.analysis.verandering import effects_matrix, palet, participants_by_year, vitality_profile

from .conftest import cid, shipped_codebook


def coding(fragment_id: int, key: str, year: int = 2024, instrument: str = "effectenplein") -> CodingRow:
    return CodingRow(fragment_id, 1, year, cid(key), instrument)


CONFIDENCE, PARTICIPATION, WELLBEING = (
    "effect.individual.confidence",
    "effect.individual.participation",
    "effect.individual.wellbeing",
)
CONTACT = "effect.social.contact"


def test_effects_matrix_counts_distinct_fragments_per_indicator_and_year():
    codebook = shipped_codebook(("effect.social.contact.neighbours", CONTACT, "Buren"))
    codings = [
        coding(1, CONFIDENCE, 2023),
        coding(1, CONTACT, 2023),
        coding(2, CONFIDENCE),
        coding(3, CONFIDENCE),
        coding(3, CONFIDENCE),  # fragment 3: two coders
        coding(4, "effect.individual"),  # the level itself
        # a user's own code rolls up to its indicator
        CodingRow(5, 1, 2024, cid("effect.social.contact.neighbours", codebook), "effectenplein"),
        coding(6, "abcd.relations"),  # not an effect
    ]
    matrix = effects_matrix(codebook=codebook, codings=codings, years=(2023, 2024, 2025))

    assert len(matrix.rows) == 14
    assert [r.key for r in matrix.levels] == ["effect.individual", "effect.social", "effect.neighbourhood"]
    rows = {r.key: r for r in matrix.rows}
    confidence = rows[CONFIDENCE]
    assert confidence.level_key == "effect.individual"
    assert [(c.year, c.count, c.change) for c in confidence.cells] == [
        (2023, 1, None),
        (2024, 2, 1),
        # Nothing was coded in 2025, so no instrument ran in both 2024 and 2025: no change (was -2).
        (2025, 0, None),
    ]
    assert confidence.cells[1].fragment_ids == (2, 3)
    assert confidence.total == 3
    assert [(c.count, c.fragment_ids) for c in rows[CONTACT].cells[:2]] == [(1, (1,)), (1, (5,))]
    assert rows[CONTACT].cells[1].change == 0
    individual = matrix.levels[0]
    assert [c.fragment_ids for c in individual.cells] == [(1,), (2, 3, 4), ()]
    assert individual.is_level
    assert [r.key for r in matrix.rows_of_level("effect.social")] == [
        "effect.social.activities",
        "effect.social.contact",
        "effect.social.network",
        "effect.social.diversity",
    ]


def test_palet_counts_fragments_coded_with_both_effects(codebook_rows):
    codings = [
        coding(1, CONFIDENCE),
        coding(1, PARTICIPATION),
        coding(1, CONTACT),
        coding(2, CONFIDENCE),
        coding(2, CONTACT),
        coding(2, "vitality.nature"),
        coding(3, WELLBEING),
    ]
    result = palet(codebook=codebook_rows, codings=codings)

    assert [(p.key_a, p.key_b, p.count, p.fragment_ids) for p in result.pairs] == [
        (CONFIDENCE, CONTACT, 2, (1, 2)),
        (CONFIDENCE, PARTICIPATION, 1, (1,)),
        (PARTICIPATION, CONTACT, 1, (1,)),
    ]
    assert (result.fragment_count, result.multi_effect_count, result.fragment_ids) == (3, 2, (1, 2, 3))
    index = {key: i for i, key in enumerate(result.keys)}
    matrix = {row.key: row.counts for row in result.matrix}
    assert matrix[CONFIDENCE][index[CONFIDENCE]] == 2  # the diagonal: fragments with the effect
    assert matrix[CONFIDENCE][index[CONTACT]] == matrix[CONTACT][index[CONFIDENCE]] == 2  # symmetric
    assert matrix[WELLBEING][index[CONFIDENCE]] == 0
    assert len(result.matrix) == len(result.keys) == 14


def test_gini_by_hand():
    # sorted 0,0,0,0,0,0,1,1,2,6: 2·(7+8+18+60)/(10·10) − 11/10 = 0.76
    assert gini([6, 2, 1, 1, 0, 0, 0, 0, 0, 0]) == pytest.approx(0.76)
    assert gini([3, 3, 3]) == 0
    assert gini([0, 0]) is None


def test_role_concentration_counts_everyone_who_took_part():
    result = role_concentration(role_counts={1: 6, 2: 2, 3: 1, 4: 1}, participants=set(range(1, 11)))
    assert (result.persons, result.roles, result.top_count) == (10, 10, 1)
    assert result.top_share == 60.0  # the top 10% (one person) carries 6 of 10 roles
    assert result.top_persons_share == 100.0  # the top 5 carry them all
    assert result.gini == pytest.approx(0.76)
    assert result.top_person_ids == (1,)
    wider = role_concentration(
        role_counts={1: 6, 2: 2, 3: 1, 4: 1},
        participants=set(range(1, 11)),
        parameters=AnalysisParameters(top_fraction=0.2, top_persons=2),
    )
    assert (wider.top_count, wider.top_share, wider.top_persons_share) == (2, 80.0, 80.0)


PERSONS = {
    1: PersonRow(1, 1, "resident", "65+", "netherlands", "woman"),
    2: PersonRow(2, 1, "connector", "45-65", "netherlands", "man"),
    3: PersonRow(3, 1, "resident", "", "", ""),
    99: PersonRow(99, 1, "community_builder", "25-45", "netherlands", "woman"),
}


def test_participants_are_residents_who_took_part_in_any_way():
    found = participants_by_year(
        persons=PERSONS,
        fragment_groups=[
            FragmentGroupRow(1, 2024, "vragenlijst", 99, 4),
            FragmentGroupRow(1, 2024, "wijkwaardenkaart", 3, 1),
            FragmentGroupRow(1, 2024, "buurtbezoek", None, 2),
        ],
        activities=[ActivityRow(1, 1, 2023, "residents", 2, 10)],
        activity_participants=[ActivityParticipantRow(1, 1, 2023, 1), ActivityParticipantRow(1, 1, 2023, 99)],
        relations=[RelationRow(1, 1, 2024, 1, None, "linking", True, None, None, 2)],
    )
    assert found[2023] == {1, 2}  # participant and initiator; the community builder is left out
    assert found[2024] == {1, 2, 3}  # speaker, relation end and haakje


def relation(
    rid: int,
    year: int,
    source: int,
    target: int | None,
    capital: str = "bonding",
    *,
    new: bool = True,
    activity: int | None = None,
    hook_person: int | None = None,
) -> RelationRow:
    return RelationRow(rid, 1, year, source, target, capital, new, activity, None, hook_person)


def test_network_growth_shares_and_hooks():
    relations = [
        relation(1, 2023, 1, 2),
        relation(2, 2023, 1, 3, "bridging", new=False),
        relation(3, 2024, 1, 2, activity=50),
        relation(4, 2024, 2, 3, "bridging", hook_person=1),
        relation(5, 2024, 1, None, "linking"),
    ]
    activities = [
        ActivityRow(50, 1, 2024, "residents", 1, 10),
        ActivityRow(51, 1, 2024, "professionals", 99, 5),
    ]
    participants = {2023: {1, 2, 3}, 2024: {1, 2, 3}}
    first, second = network_years(
        relations=relations, activities=activities, participants=participants, years=(2023, 2024)
    )

    assert (first.relations, first.new_ties, first.new_tie_ids, first.growth) == (2, 1, (1,), None)
    # Growth is new ties only (it was relations 3 minus 2 = 1): relation 3 is the pair 1–2 of 2023 recorded
    # again; 4 (2–3) is a new pair, 5 has no known second end and counts by its mark. 2 new ties against the 2
    # pairs known before 2024 = 100%.
    assert (second.relations, second.growth, second.growth_percent) == (3, 2, 100.0)
    assert (second.new_tie_ids, second.recorded_again_ids) == ((4, 5), (3,))
    capital = {c.capital_type: c for c in second.capital}
    assert [(k, capital[k].count, capital[k].share) for k in ("bonding", "bridging", "linking")] == [
        ("bonding", 1, 33.3),
        ("bridging", 1, 33.3),
        ("linking", 1, 33.3),
    ]
    assert capital["linking"].relation_ids == (5,)
    hooks = {h.kind: h.relation_ids for h in second.hooks}
    assert hooks == {"activity": (3,), "place": (), "person": (4,), "none": (5,)}
    assert second.persons_in_ties == 3
    # Roles in 2024: person 1 — initiated 50, ends of 3 and 5, haakje of 4 = 4; person 2: 2; person 3: 1.
    # The community builder's initiation (99) is not a resident's role.
    assert (second.concentration.persons, second.concentration.roles) == (3, 7)
    assert second.concentration.top_person_ids == (1,)
    assert second.concentration.top_share == 57.1


def cbs(year: int = 2024, **values: int | None) -> CbsRow:
    base = {
        "population": 100,
        "men": 50,
        "women": 50,
        "age_0_15": 20,
        "age_15_25": 10,
        "age_25_45": 30,
        "age_45_65": 20,
        "age_65_plus": 20,
        "origin_netherlands": 60,
        "origin_europe": None,
        "origin_outside_europe": 30,
    }
    base.update(values)
    return CbsRow(record_id=500 + year, region_code="BU00000001", year=year, **base)  # type: ignore[arg-type]


def test_inclusion_gap_per_dimension_and_who_is_not_reached():
    ages = ["65+"] * 5 + ["45-65"] * 3 + ["25-45"] * 2
    genders = ["man"] * 4 + ["woman"] * 5 + ["other"]
    persons = {
        i + 1: PersonRow(i + 1, 1, "resident", age, "netherlands", gender)
        for i, (age, gender) in enumerate(zip(ages, genders, strict=True))
    }
    persons[11] = PersonRow(11, 1, "resident", "", "", "")  # no consented demographics
    result = inclusion(participant_ids=set(range(1, 13)), persons=persons, cbs=cbs(), year=2024)
    # person 12 is not loaded at all: counted as unknown too

    assert (result.participants, result.cbs_year, result.cbs_record_id) == (12, 2024, 2524)
    age = {d.key: d for d in result.dimensions}["age"]
    assert (age.known, age.unknown, age.unknown_person_ids) == (10, 2, (11, 12))
    groups = {g.key: g for g in age.groups}
    # Nobody under 15 took part and no instrument asks children: 0-15 is left out, and the other age
    # groups are compared with the 80 inhabitants aged 15 or over (65+: 20 of 80 = 25%).
    assert (groups["65+"].participant_share, groups["65+"].inhabitant_share, groups["65+"].gap) == (
        50.0,
        25.0,
        25.0,
    )
    assert (groups["0-15"].asked, groups["0-15"].participant_share, groups["0-15"].gap) == (False, None, None)
    assert not groups["0-15"].under_represented
    assert groups["25-45"].gap == -17.5  # 20% against 30 of 80 = 37.5%
    assert groups["25-45"].person_ids == (9, 10)
    # 95% interval of 5 of 10: 23.7–76.3%.
    assert (groups["65+"].share_low, groups["65+"].share_high) == (23.7, 76.3)
    # Only 10 known: too few (at least 30) to say who takes part less or more.
    assert age.too_few
    assert result.not_reached == () and result.over_represented == ()

    origin = {g.key: g for g in result.dimensions[1].groups}
    # CBS keeps Europe secret: that group is not compared, the others are shares of the population.
    assert (origin["europe"].inhabitants, origin["europe"].inhabitant_share, origin["europe"].gap) == (
        None,
        None,
        None,
    )
    assert (origin["netherlands"].inhabitant_share, origin["netherlands"].gap) == (60.0, 40.0)
    assert origin["outside_europe"].gap == -30.0

    gender = result.dimensions[2]
    assert (gender.known, gender.other, gender.other_person_ids) == (9, 1, (10,))
    assert [g.participant_share for g in gender.groups] == [44.4, 55.6]
    assert [g.gap for g in gender.groups] == [-5.6, 5.6]  # just past the 5-point threshold


def test_inclusion_threshold_is_a_parameter_and_without_cbs_nothing_is_compared():
    # 40 women aged 65+ born in the Netherlands: 0 of 40 men has the interval 0–8.8%.
    persons = {i: PersonRow(i, 1, "resident", "65+", "netherlands", "woman") for i in range(1, 41)}
    lenient = inclusion(
        participant_ids=set(persons),
        persons=persons,
        cbs=cbs(),
        year=2024,
        parameters=AnalysisParameters(inclusion_gap_points=25),
    )
    # Only where the whole interval lies more than 25 points below: 25-45 (up to 8.8% vs 37.5% of the 15+:
    # 8.8 < 12.5) and men (8.8 < 25). Not born outside Europe (30%: 8.8 is not below 5), 15-25 or 45-65.
    assert [(g.dimension, g.key) for g in lenient.not_reached] == [("age", "25-45"), ("gender", "man")]
    nothing = inclusion(participant_ids={1}, persons=persons, cbs=None, year=2024)
    assert nothing.not_reached == () and nothing.cbs_record_id is None
    assert all(g.gap is None for d in nothing.dimensions for g in d.groups)


def test_cbs_record_for_a_year():
    rows = (cbs(2022), cbs(2024))
    assert cbs_for_year(rows, 2023).year == 2022  # the latest before
    assert cbs_for_year(rows, 2025).year == 2024
    assert cbs_for_year(rows, 2021).year == 2022  # nothing before: the earliest after
    assert cbs_for_year((), 2024) is None


def test_vitality_profile_from_wijkwaardenkaart_fragments(codebook_rows):
    wwk = "wijkwaardenkaart"
    codings = [
        coding(1, "vitality.social_contact", instrument=wwk),
        coding(1, "vitality.nature", instrument=wwk),
        coding(2, "vitality.social_contact", instrument=wwk),
        coding(3, "vitality.environment", instrument="vragenlijst"),  # not a conversation
        coding(4, "vitality.environment", instrument=wwk),
        coding(5, "vitality.housing", 2023, instrument=wwk),  # another year
    ]
    factors = [
        FactorRow(1, 1, 2024, cid("factor.physical"), "helps", 1),
        FactorRow(2, 1, 2024, cid("factor.societal"), "hinders", 2),
        FactorRow(3, 1, 2024, cid("factor.physical"), "helps", 4),
        FactorRow(4, 1, 2024, cid("factor.governance"), "hinders", 4),
    ]
    groups = [
        FragmentGroupRow(1, 2024, wwk, 7, 3),
        FragmentGroupRow(1, 2024, wwk, None, 1),
        FragmentGroupRow(1, 2024, "vragenlijst", 8, 5),
    ]
    result = vitality_profile(
        codebook=codebook_rows, codings=codings, factors=factors, fragment_groups=groups, years={2024}
    )

    assert (result.conversation_fragments, result.speakers) == (4, 1)
    themes = {t.key: t for t in result.themes}
    assert len(themes) == 7
    assert (themes["vitality.social_contact"].count, themes["vitality.social_contact"].fragment_ids) == (
        2,
        (1, 2),
    )
    assert (themes["vitality.social_contact"].helps_ids, themes["vitality.social_contact"].hinders_ids) == (
        (1,),
        (2,),
    )
    assert (themes["vitality.environment"].fragment_ids, themes["vitality.environment"].hinders) == ((4,), 1)
    assert themes["vitality.environment"].helps == 0  # hinders wins when a fragment has both
    assert themes["vitality.housing"].count == 0


def test_vitality_direction_from_the_question_asked(codebook_rows):
    wwk = "wijkwaardenkaart"
    codings = [coding(1, "vitality.nature", instrument=wwk), coding(2, "vitality.nature", instrument=wwk)]
    factors = [FactorRow(1, 1, 2024, cid("factor.physical"), "helps", 1)]
    stances = [FragmentStanceRow(1, 1, 2024, "hinders"), FragmentStanceRow(2, 1, 2024, "helps")]
    result = vitality_profile(
        codebook=codebook_rows,
        codings=codings,
        factors=factors,
        fragment_groups=[],
        years={2024},
        stances=stances,
    )
    nature = {t.key: t for t in result.themes}["vitality.nature"]
    # Fragment 1 answered "what hinders": that outweighs the helping factor observation recorded from it.
    assert (nature.helps_ids, nature.hinders_ids) == ((2,), (1,))
