"""Edges of Aanpak, inclusion and the year comparison that the other tests left open (found by mutation
testing): which CBS year is used, how neighbourhoods add up for the programme, the list of instruments in the
comparison sentence, the asset shares, and what ``analyse_aanpak`` picks from several years."""

from __future__ import annotations

from django.utils import translation

from krachtvansamen.analysis.aanpak import analyse_aanpak, asset_composition
from krachtvansamen.analysis.compare import instruments_by_year, year_comparisons
from krachtvansamen.analysis.data import AnalysisData
from krachtvansamen.analysis.inclusion import Inclusion, cbs_for_year, inclusion, inclusion_total
from krachtvansamen.analysis.parameters import DEFAULT_PARAMETERS, AnalysisParameters
from krachtvansamen.analysis.rows import (
    ActivityRow,
    AssetRow,
    CbsRow,
    CodingRow,
    FactorRow,
    FragmentGroupRow,
    NeighbourhoodRow,
    PersonRow,
    ScaleAnswerRow,
)

from .conftest import CODEBOOK, cid

LEAD = "abcd.residents_lead"


# --- Which CBS year -----------------------------------------------------------------------------------------


def cbs_row(record_id: int, year: int, **values: int | None) -> CbsRow:
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
    return CbsRow(record_id, f"BU{record_id:08d}", year, **base)  # type: ignore[arg-type]


def test_cbs_of_the_year_itself_wins_over_earlier_years():
    # Record ids do not follow the years (an older year imported later): the year decides, not the id.
    rows = (cbs_row(7, 2022), cbs_row(3, 2023), cbs_row(5, 2024))
    assert (cbs_for_year(rows, 2024).year, cbs_for_year(rows, 2024).record_id) == (2024, 5)
    assert (cbs_for_year(rows, 2023).year, cbs_for_year(rows, 2023).record_id) == (2023, 3)


def test_cbs_before_any_published_year_is_the_earliest_after_it():
    rows = (cbs_row(4, 2027), cbs_row(9, 2026))
    assert (cbs_for_year(rows, 2021).year, cbs_for_year(rows, 2021).record_id) == (2026, 9)


# --- Programme total of inclusion ---------------------------------------------------------------------------


def person(pid: int, age: str, origin: str, gender: str) -> PersonRow:
    return PersonRow(pid, 1, "resident", age, origin, gender)


def neighbourhood_inclusion(
    cbs: CbsRow | None, *persons: PersonRow, parameters: AnalysisParameters = DEFAULT_PARAMETERS
) -> Inclusion:
    return inclusion(
        participant_ids={p.person_id for p in persons},
        persons={p.person_id: p for p in persons},
        cbs=cbs,
        year=2024,
        parameters=parameters,
    )


def test_a_secret_age_group_leaves_the_others_shares_of_the_inhabitants_aged_15_or_over():
    # CBS keeps 15-25 secret; nobody under 15 took part, so the 20 children are left out of the population of
    # 100: the other groups are shares of the remaining 80.
    result = neighbourhood_inclusion(
        cbs_row(5, 2024, age_15_25=None),
        person(1, "65+", "netherlands", "woman"),
        person(2, "25-45", "netherlands", "man"),
    )
    age = {g.key: g for g in result.dimensions[0].groups}
    assert [(k, age[k].inhabitant_share) for k in ("15-25", "25-45", "45-65", "65+")] == [
        ("15-25", None),
        ("25-45", 37.5),  # 30 of 80
        ("45-65", 25.0),  # 20 of 80
        ("65+", 25.0),
    ]
    assert (age["65+"].participant_share, age["65+"].gap) == (50.0, 25.0)
    assert (age["0-15"].asked, age["0-15"].inhabitant_share) == (False, None)


def test_children_left_out_are_named_as_children():
    result = neighbourhood_inclusion(cbs_row(5, 2024), person(1, "65+", "netherlands", "woman"))
    (children,) = result.not_asked
    with translation.override("nl"):
        assert (children.dimension, children.key, children.label) == ("age", "0-15", "jonger dan 15")


def test_one_known_participant_has_a_range_too():
    # 1 of 1: p = 1, z²/n = 3.8416; centre 2.9208 / 4.8416 = 0.6033, half-width 1.9208 / 4.8416 = 0.3967.
    result = neighbourhood_inclusion(cbs_row(5, 2024), person(1, "65+", "netherlands", "woman"))
    gender = {g.key: g for g in result.dimensions[2].groups}
    assert (gender["woman"].participant_share, gender["woman"].share_low, gender["woman"].share_high) == (
        100.0,
        20.7,
        100.0,
    )
    assert (gender["man"].share_low, gender["man"].share_high) == (0.0, 79.3)


def test_the_width_of_the_range_is_a_parameter():
    # z = 1 (about 68%): 5 of 10 gives centre 0.55 / 1.1 = 0.5 and half-width √0.0275 / 1.1 = 0.1508.
    persons = [person(i, "45-65", "netherlands", "man" if i <= 5 else "woman") for i in range(1, 11)]
    result = neighbourhood_inclusion(
        cbs_row(5, 2024), *persons, parameters=AnalysisParameters(inclusion_z=1.0)
    )
    men = {g.key: g for g in result.dimensions[2].groups}["man"]
    assert (men.share_low, men.share_high) == (34.9, 65.1)


def test_a_range_exactly_at_the_threshold_is_no_verdict():
    # 10 women, no men, 10 known is enough. Men: 0–27.8%, exactly 22.2 points below 50%; women: 72.2–100%,
    # exactly 22.2 points above. Only *more* than the threshold is a verdict.
    parameters = AnalysisParameters(inclusion_min_known=10, inclusion_gap_points=22.2)
    persons = [person(i, "45-65", "netherlands", "woman") for i in range(1, 11)]
    result = neighbourhood_inclusion(cbs_row(5, 2024), *persons, parameters=parameters)
    gender = {g.key: g for g in result.dimensions[2].groups}
    assert (gender["man"].share_high, gender["man"].under_represented) == (27.8, False)
    assert (gender["woman"].share_low, gender["woman"].over_represented) == (72.2, False)
    assert ("gender", "man") not in [(g.dimension, g.key) for g in result.not_reached]
    # Just beyond it (a threshold of 22.1 points) both are a verdict.
    beyond = neighbourhood_inclusion(
        cbs_row(5, 2024),
        *persons,
        parameters=AnalysisParameters(inclusion_min_known=10, inclusion_gap_points=22.1),
    )
    gender = {g.key: g for g in beyond.dimensions[2].groups}
    assert (gender["man"].under_represented, gender["woman"].over_represented) == (True, True)


def test_neighbourhood_inclusion_judges_with_the_given_parameters():
    # Ten women aged 65+ born in the Netherlands; here 10 known is enough, and the gap must exceed 20 points.
    parameters = AnalysisParameters(inclusion_min_known=10, inclusion_gap_points=20)
    result = neighbourhood_inclusion(
        cbs_row(5, 2024),
        *(person(i, "65+", "netherlands", "woman") for i in range(1, 11)),
        parameters=parameters,
    )
    # The reading guide states the threshold the verdicts used.
    assert (result.year, result.threshold) == (2024, 20.0)
    assert (result.cbs_record_id, result.cbs_record_ids) == (5, (5,))
    # 0 men of 10 (0–27.8%) against 50%: more than 20 points below.
    assert [(g.dimension, g.key) for g in result.not_reached] == [("gender", "man")]
    assert result.dimensions[2].too_few is False
    without_cbs = neighbourhood_inclusion(None, person(1, "65+", "netherlands", "woman"))
    assert (without_cbs.cbs_record_id, without_cbs.cbs_record_ids) == (None, ())


def test_programme_total_adds_up_only_neighbourhoods_where_cbs_publishes_the_dimension():
    # A: CBS keeps the number born in Europe secret, so A is left out of the origin total (not of the others).
    a = neighbourhood_inclusion(
        cbs_row(1, 2024, origin_europe=None),
        person(1, "65+", "netherlands", "woman"),
        person(2, "", "", ""),  # no consented demographics
        person(3, "45-65", "netherlands", "other"),
    )
    # B: CBS publishes every origin group; nobody there was born in Europe (0 is a number, not a secret).
    b = neighbourhood_inclusion(
        cbs_row(2, 2024, origin_netherlands=70, origin_europe=0, origin_outside_europe=30),
        person(11, "65+", "outside_europe", "man"),
        person(12, "", "", ""),
        person(13, "25-45", "netherlands", "other"),
    )
    total = inclusion_total([a, b], year=2024)
    assert (total.year, total.participants, total.person_ids) == (2024, 6, (1, 2, 3, 11, 12, 13))
    assert total.cbs_record_ids == (1, 2)
    age, origin, gender = total.dimensions

    # Gender: both neighbourhoods count. The unknown and "other" of both are added up and listed.
    assert (gender.neighbourhoods, gender.known) == (2, 2)
    assert (gender.unknown, gender.unknown_person_ids) == (2, (2, 12))
    assert (gender.other, gender.other_person_ids) == (2, (3, 13))
    # 2 known is below the 30 needed: too few to say who takes part less.
    assert gender.too_few is True

    # Origin: B only (the secret in A comes first and must not stop B from being added).
    assert (origin.neighbourhoods, origin.known, origin.unknown_person_ids) == (1, 2, (12,))
    assert [(g.key, g.inhabitants, g.inhabitant_share) for g in origin.groups] == [
        ("netherlands", 70, 70.0),
        ("europe", 0, 0.0),  # 0 of 100, not 1
        ("outside_europe", 30, 30.0),
    ]
    assert [g.participant_share for g in origin.groups] == [50.0, 0.0, 50.0]

    # Age: both; 65+ has one participant in each neighbourhood.
    assert age.neighbourhoods == 2
    assert {g.key: g.person_ids for g in age.groups}["65+"] == (1, 11)


def test_programme_total_judges_with_the_given_parameters():
    # Five women aged 65+ born in the Netherlands in each of two neighbourhoods; at least 10 known is enough.
    parameters = AnalysisParameters(inclusion_min_known=10, inclusion_gap_points=20)
    a = neighbourhood_inclusion(
        cbs_row(1, 2024),
        *(person(i, "65+", "netherlands", "woman") for i in range(1, 6)),
        parameters=parameters,
    )
    b = neighbourhood_inclusion(
        cbs_row(2, 2024),
        *(person(i, "65+", "netherlands", "woman") for i in range(11, 16)),
        parameters=parameters,
    )
    # Five known each: too few in either neighbourhood alone.
    assert a.not_reached == () and b.not_reached == ()

    total = inclusion_total([a, b], year=2024, parameters=parameters)
    assert total.threshold == 20.0
    # 0 men of 10: Wilson interval 0–27.8%, wholly more than 20 points below the 100 of 200 (50%) men.
    men = {g.key: g for g in total.dimensions[2].groups}["man"]
    assert (men.share_low, men.share_high, men.inhabitant_share) == (0.0, 27.8, 50.0)
    assert [(g.dimension, g.key) for g in total.not_reached] == [("gender", "man")]
    # 10 of 10: interval 72.2–100%. Aged 65+: 40 of the 160 inhabitants aged 15 or over (25%); women: 50%.
    # Both lie more than 20 points below 72.2. Born in the Netherlands (120 of 200, 60%) does not: 72.2 < 80.
    assert [(g.dimension, g.key) for g in total.over_represented] == [("age", "65+"), ("gender", "woman")]
    assert total.dimensions[2].too_few is False


# --- The comparison sentence --------------------------------------------------------------------------------


def test_comparison_sentence_lists_three_instruments_in_dutch():
    codings = [
        CodingRow(1, 1, 2024, cid(LEAD), "vragenlijst"),
        CodingRow(2, 1, 2024, cid(LEAD), "wijkwaardenkaart"),
        CodingRow(3, 1, 2024, cid(LEAD), "effectenplein"),
        CodingRow(4, 1, 2025, cid(LEAD), "effectenplein"),
        CodingRow(5, 1, 2025, cid(LEAD), "wijkwaardenkaart"),
        CodingRow(6, 1, 2025, cid(LEAD), "vragenlijst"),
        CodingRow(7, 1, 2025, cid(LEAD), "interview"),
    ]
    comparison = year_comparisons(instruments_by_year(codings), (2024, 2025))[2025]
    with translation.override("nl"):
        assert comparison.sentence == (
            "Vergeleken met 2024: alleen vragenlijst projectleiders/community builders, wijkwaardenkaart-gesprek "
            "en effectenplein, die in beide jaren zijn gebruikt. "
            "Niet meegeteld in de vergelijking: diepte-interview."
        )


# --- Asset map ----------------------------------------------------------------------------------------------


def test_asset_shares_meeting_places_and_evidence():
    assets = [
        AssetRow(1, 1, 2023, "talent_head", False),
        AssetRow(2, 1, 2024, "place", True),
        AssetRow(3, 1, 2024, "place", False),
        AssetRow(4, 1, 2024, "nature", True),  # a park where people meet
        AssetRow(5, 1, 2025, "place", True),  # after the year: not yet there
    ]
    result = asset_composition(assets=assets, year=2024)
    assert (result.year, result.total) == (2024, 4)
    shares = {c.category: c.share for c in result.categories}
    assert (shares["place"], shares["talent_head"], shares["nature"], shares["association"]) == (
        50.0,
        25.0,
        25.0,
        0.0,
    )
    assert (result.meeting_place_count, result.meeting_place_ids) == (2, (2, 4))
    assert result.asset_ids == (1, 2, 3, 4)
    empty = asset_composition(assets=[], year=2024)
    assert {c.share for c in empty.categories} == {None}


# --- analyse_aanpak over several years ----------------------------------------------------------------------


def data(**rows) -> AnalysisData:
    return AnalysisData(
        neighbourhoods=(NeighbourhoodRow(1, "BU00000001", "Buurt 1", "Arnhem", 1, True),),
        codebook=CODEBOOK,
        **rows,
    )


def lead(fragment_id: int, year: int) -> CodingRow:
    return CodingRow(fragment_id, 1, year, cid(LEAD), "vragenlijst")


def test_fragment_share_is_over_all_fragments_of_the_year():
    result = analyse_aanpak(
        data(
            years=(2024, 2025),
            codings=(lead(1, 2024), lead(2, 2024)),
            fragment_groups=(
                FragmentGroupRow(1, 2024, "vragenlijst", 10, 3),
                FragmentGroupRow(1, 2024, "wijkwaardenkaart", None, 5),
            ),
        ),
        year=2025,
    )
    # 2024: 2 of the 3 + 5 = 8 fragments show residents leading: 25%.
    first, last = result.principle_history
    assert (first[0].key, first[0].fragment_count, first[0].fragment_share) == (LEAD, 2, 25.0)
    # 2025 has no fragments at all: no share (not 0%).
    assert (last[0].fragment_count, last[0].fragment_share) == (0, None)


def factor(observation_id: int, kind: str, year: int, direction: str = "hinders") -> FactorRow:
    return FactorRow(observation_id, 1, year, cid(f"factor.{kind}"), direction, None)


def test_analyse_aanpak_passes_its_parameters_on():
    result = analyse_aanpak(
        data(
            years=(2024,),
            codings=(lead(1, 2024), lead(2, 2024)),
            factors=(factor(1, "governance", 2024), factor(2, "physical", 2024)),
        ),
        year=2024,
        parameters=AnalysisParameters(evidence_strong=2, stacking_types=2),
    )
    assert result.year == 2024  # the year the asset chart's title names ("up to 2024")
    # Two fragments are enough here (by default three are needed): strong.
    assert (result.principles[0].fragment_count, result.principles[0].strength) == (2, "strong")
    # Two hindering types are stacking here (by default three).
    assert (result.factors.hindering_count, result.factors.stacking) == (2, True)
    assert result.factors.stacking_threshold == 2


def test_analyse_aanpak_shows_the_analysed_year_and_every_year_before_it():
    result = analyse_aanpak(
        data(
            years=(2022, 2023, 2024, 2025),
            codings=(
                lead(1, 2022),
                lead(2, 2023),
                lead(3, 2023),
                lead(4, 2024),
                lead(5, 2024),
                lead(6, 2024),
            ),
            activities=(
                ActivityRow(1, 1, 2022, "residents", None, 5),
                ActivityRow(2, 1, 2023, "residents", None, 5),
                ActivityRow(3, 1, 2023, "together", None, 5),
                ActivityRow(4, 1, 2024, "residents", None, 5),
                ActivityRow(5, 1, 2024, "professionals", None, 5),
                ActivityRow(6, 1, 2024, "together", None, 5),
                ActivityRow(7, 1, 2025, "professionals", None, 5),  # after the year: not shown
            ),
            factors=(
                factor(1, "governance", 2023),
                factor(2, "governance", 2024),
                factor(3, "relational", 2024),
                factor(4, "physical", 2024),
            ),
        ),
        year=2024,
    )
    # The analysed year, 2024: 3 fragments (strong), 3 activities (one of each kind), stacking.
    assert (result.principles[0].year, result.principles[0].fragment_count) == (2024, 3)
    assert result.principles[0].strength == "strong"
    leadership = result.leadership
    assert (leadership.year, leadership.total, leadership.resident_share) == (2024, 3, 33.3)
    assert (
        leadership.resident_activity_ids,
        leadership.professional_activity_ids,
        leadership.together_activity_ids,
    ) == ((4,), (5,), (6,))
    assert (result.factors.year, result.factors.hindering_count, result.factors.stacking) == (2024, 3, True)
    # The trend: every loaded year up to 2024, oldest first.
    assert [(p[0].year, p[0].fragment_count) for p in result.principle_history] == [
        (2022, 1),
        (2023, 2),
        (2024, 3),
    ]
    assert [(yl.year, yl.total) for yl in result.leadership_history] == [(2022, 1), (2023, 2), (2024, 3)]
    assert [(f.year, f.hindering_count) for f in result.factor_history] == [(2022, 0), (2023, 1), (2024, 3)]
    assert (result.assets.year, result.assets.total) == (2024, 0)


# --- Principle strengths and the factor balance: what a reader sees of them ---------------------------------


def test_a_principle_shows_its_label_year_mean_to_two_decimals_and_the_threshold_it_was_judged_by():
    from krachtvansamen.analysis.aanpak import principle_strengths

    answers = [ScaleAnswerRow(s, 1, 2025, LEAD, v) for s, v in ((1, 4), (2, 4), (3, 5))]  # mean 4.333…
    parameters = AnalysisParameters(evidence_strong=2)
    codings = [CodingRow(f, 1, 2025, cid(LEAD), "interview") for f in (10, 11)]
    lead = next(
        p
        for p in principle_strengths(
            codebook=CODEBOOK,
            codings=codings,
            answers=answers,
            fragment_total=4,
            year=2025,
            parameters=parameters,
        )
        if p.key == LEAD
    )
    assert lead.questionnaire_mean == 4.33 and lead.year == 2025
    assert lead.evidence_strong == 2  # the note under the table names the threshold that was used
    assert lead.strength == "strong"  # 2 fragments reach the lowered threshold
    with translation.override("nl"):
        assert lead.label == CODEBOOK.get(LEAD).label_nl and lead.label
    with translation.override("en"):
        assert lead.label == CODEBOOK.get(LEAD).label_en and lead.label != CODEBOOK.get(LEAD).label_nl


def test_the_factor_balance_counts_every_factor_after_one_outside_the_factor_types():
    from krachtvansamen.analysis.aanpak import factor_balance

    governance = CODEBOOK.children("factor")[0]
    factors = [
        FactorRow(1, 1, 2025, cid(LEAD), "helps", None),  # not an environment factor: skipped, not the end
        FactorRow(2, 1, 2025, governance.code_id, "helps", 20),
        FactorRow(3, 1, 2025, governance.code_id, "hinders", None),
        FactorRow(4, 1, 2025, governance.code_id, "helps", None),
    ]
    balance = factor_balance(codebook=CODEBOOK, factors=factors, year=2025)
    row = next(r for r in balance.types if r.key == governance.key)
    assert (row.helps, row.hinders, row.balance) == (2, 1, "helps")
    assert row.helps_observation_ids == (2, 4) and row.hinders_observation_ids == (3,)  # the evidence links
    assert balance.year == 2025 and balance.observation_ids == (2, 3, 4)
    with translation.override("nl"):
        assert row.label == governance.label_nl and row.label
    with translation.override("en"):
        assert row.label == governance.label_en
