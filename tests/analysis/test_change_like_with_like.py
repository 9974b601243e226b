"""Change between years compares like with like: only instruments used in both years; new ties apart from
ties recorded again; value rows from the effect codes; one definition of who took part."""

from __future__ import annotations

from django.utils import translation

from krachtvansamen.analysis.compare import instruments_by_year, year_comparisons
from krachtvansamen.analysis.network import network_years
from krachtvansamen.analysis.participants import attendances, participants_by_year
from krachtvansamen.analysis.rows import (
    ActivityParticipantRow,
    ActivityRow,
    CodingRow,
    FragmentGroupRow,
    PersonRow,
    RelationRow,
)
from krachtvansamen.analysis.value import value_beyond_counts
from krachtvansamen.analysis.verandering import effects_matrix

from .conftest import CODEBOOK, cid

TRUST = "effect.neighbourhood.institutional_trust"
CONTACT = "effect.social.contact"


def coding(fragment_id: int, key: str, year: int, instrument: str) -> CodingRow:
    return CodingRow(fragment_id, 1, year, cid(key), instrument)


# 2024: questionnaire and Wijkwaardenkaart. 2025: the same two, and interviews and a reflection session.
CODINGS = [
    coding(1, TRUST, 2024, "vragenlijst"),
    coding(2, CONTACT, 2024, "wijkwaardenkaart"),
    coding(3, TRUST, 2025, "vragenlijst"),
    coding(4, TRUST, 2025, "interview"),
    coding(5, TRUST, 2025, "interview"),
    coding(6, TRUST, 2025, "reflectiesessie"),
    coding(7, CONTACT, 2025, "wijkwaardenkaart"),
]


def test_interviews_only_in_2025_make_no_rise():
    matrix = effects_matrix(codebook=CODEBOOK, codings=CODINGS, years=(2024, 2025))
    trust = {r.key: r for r in matrix.rows}[TRUST]
    # 2025 has 4 trust fragments against 1, but 3 are from interviews and a reflection session that did not run
    # in 2024. Over the questionnaire alone (in both years): 1 against 1, so no rise (the old rule said +3).
    assert [(c.count, c.change) for c in trust.cells] == [(1, None), (4, 0)]
    neighbourhood = {r.key: r for r in matrix.levels}["effect.neighbourhood"]
    assert [c.change for c in neighbourhood.cells] == [None, 0]
    comparison = matrix.comparison(2025)
    assert comparison is not None
    assert comparison.instruments == ("vragenlijst", "wijkwaardenkaart")
    assert comparison.only_this_year == ("interview", "reflectiesessie")
    with translation.override("nl"):
        assert comparison.sentence == (
            "Vergeleken met 2024: alleen vragenlijst projectleiders/community builders en wijkwaardenkaart-gesprek, "
            "die in beide jaren zijn gebruikt. Niet meegeteld in de vergelijking: diepte-interview en reflectiesessie."
        )


def test_an_instrument_in_both_years_counts_and_one_in_one_year_does_not():
    # The boundary: the questionnaire is in both years, so its rise counts (+1); the interview is in 2025 only.
    codings = [
        coding(1, TRUST, 2024, "vragenlijst"),
        coding(2, TRUST, 2025, "vragenlijst"),
        coding(3, TRUST, 2025, "vragenlijst"),
        coding(4, TRUST, 2025, "interview"),
    ]
    trust = {r.key: r for r in effects_matrix(codebook=CODEBOOK, codings=codings, years=(2024, 2025)).rows}[
        TRUST
    ]
    assert [(c.count, c.change) for c in trust.cells] == [(1, None), (3, 1)]


def test_no_instrument_in_both_years_gives_no_difference_but_a_sentence():
    codings = [coding(1, TRUST, 2024, "vragenlijst"), coding(2, TRUST, 2025, "interview")]
    matrix = effects_matrix(codebook=CODEBOOK, codings=codings, years=(2024, 2025))
    trust = {r.key: r for r in matrix.rows}[TRUST]
    assert [c.change for c in trust.cells] == [None, None]
    comparison = matrix.comparison(2025)
    assert comparison is not None and not comparison.comparable
    with translation.override("nl"):
        assert "Geen enkel instrument is in zowel 2024 als 2025 gebruikt" in comparison.sentence


def test_instruments_used_are_those_with_coded_fragments():
    used = instruments_by_year(CODINGS)
    assert used == {
        2024: frozenset({"vragenlijst", "wijkwaardenkaart"}),
        2025: frozenset({"vragenlijst", "interview", "reflectiesessie", "wijkwaardenkaart"}),
    }
    assert set(year_comparisons(used, (2024, 2025))) == {2025}


def test_value_rows_follow_the_effect_codes():
    codings = [
        *CODINGS,
        coding(8, "value.trust", 2025, "vragenlijst"),  # the old second code set: no longer counted
        coding(9, "capital.linking", 2025, "vragenlijst"),  # cooperation: linking ties
        coding(10, "effect.individual.trust", 2025, "wijkwaardenkaart"),
    ]
    value = value_beyond_counts(codebook=CODEBOOK, codings=codings, years=(2024, 2025))
    rows = {r.key: r for r in value.rows}
    # More trust = institutional trust (1, 3, 4, 5, 6) and mutual trust (10): 2024 {1}, 2025 {3, 4, 5, 6, 10}.
    assert [c.fragment_ids for c in rows["value.trust"].cells] == [(1,), (3, 4, 5, 6, 10)]
    # Like with like (questionnaire and Wijkwaardenkaart): 2025 {3, 10} against 2024 {1} = +1.
    assert rows["value.trust"].change == 1
    assert [c.fragment_ids for c in rows["value.contact"].cells] == [(2,), (7,)]
    assert rows["value.contact"].change == 0
    assert rows["value.cooperation"].cells[-1].fragment_ids == (9,)
    assert value.fragment_ids(key="value.trust", year=2025) == (3, 4, 5, 6, 10)
    assert 8 not in value.fragment_ids(key="value", year=2025)
    # The funder's "More trust" is never below the Buurtbeeld's institutional trust.
    trust = {r.key: r for r in effects_matrix(codebook=CODEBOOK, codings=codings, years=(2024, 2025)).rows}[
        TRUST
    ]
    assert set(trust.cells[-1].fragment_ids) <= set(rows["value.trust"].cells[-1].fragment_ids)


def relation(
    rid: int, year: int, source: int, target: int | None, *, new: bool = True, org: int | None = None
):
    return RelationRow(rid, 1, year, source, target, "bonding", new, None, None, None, None, org)


def test_new_ties_are_told_apart_from_ties_recorded_again():
    relations = [
        relation(1, 2023, 1, 2),
        relation(2, 2023, 1, None, org=7),  # a tie with organisation 7
        relation(3, 2024, 2, 1),  # 1–2 again, the other way round, still marked new: recorded again
        relation(4, 2024, 1, None, org=7),  # 1–organisation 7 again
        relation(5, 2024, 1, None, org=8),  # 1–organisation 8: new
        relation(6, 2024, 3, 4),  # new
        relation(7, 2024, 3, 5, new=False),  # first recorded, but not new: a tie already there
    ]
    first, second = network_years(relations=relations, activities=[], participants={}, years=(2023, 2024))
    assert (first.new_ties, first.growth) == (2, None)
    assert second.relations == 5
    assert (second.new_ties, second.new_tie_ids) == (2, (5, 6))
    assert (second.recorded_again, second.recorded_again_ids) == (3, (3, 4, 7))
    # Growth = the new ties (2), not relations recorded minus last year's (5 - 2 = 3); 2 of the 2 pairs known.
    assert (second.growth, second.growth_percent) == (2, 100.0)


def test_participants_are_distinct_residents_and_attendances_are_something_else():
    persons = {
        1: PersonRow(1, 1, "resident", "", "", ""),
        2: PersonRow(2, 1, "resident", "", "", ""),
        9: PersonRow(9, 1, "community_builder", "", "", ""),
    }
    activities = [
        ActivityRow(50, 1, 2025, "residents", 1, 30),
        ActivityRow(51, 1, 2025, "professionals", 9, 12),
    ]
    found = participants_by_year(
        persons=persons,
        fragment_groups=[
            FragmentGroupRow(1, 2025, "interview", 2, 4),
            FragmentGroupRow(1, 2025, "vragenlijst", 1, 1),
        ],
        activities=activities,
        activity_participants=[
            ActivityParticipantRow(50, 1, 2025, 1),
            ActivityParticipantRow(50, 1, 2025, 2),
        ],
        relations=[],
    )
    # Persons 1 and 2 (the community builder is left out): 2 participants, against 42 attendances.
    assert found == {2025: {1, 2}}
    assert attendances(activities) == 42
