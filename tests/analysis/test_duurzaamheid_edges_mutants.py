"""Duurzaamheid at the edges of its rules: which year's structures, who counts as community builder, the
thresholds of the risk signals, and the Dutch texts and evidence a reader of the Buurtbeeld sees."""

from __future__ import annotations

from dataclasses import replace

from django.utils import translation

from krachtvansamen.analysis.aanpak import activity_leadership
from krachtvansamen.analysis.data import AnalysisData
from krachtvansamen.analysis.duurzaamheid import (
    analyse_duurzaamheid,
    funding_horizon,
    risk_signals,
    structures,
)
from krachtvansamen.analysis.network import role_concentration
from krachtvansamen.analysis.parameters import DEFAULT_PARAMETERS
from krachtvansamen.analysis.rows import (
    ActivityRow,
    FragmentGroupRow,
    FundingRow,
    PersonRow,
    SustainabilityRow,
)

from .conftest import CODEBOOK, cid

PERSONS = {
    1: PersonRow(1, 1, "community_builder", "", "", ""),
    2: PersonRow(2, 1, "community_builder", "", "", ""),
    3: PersonRow(3, 1, "resident", "", "", ""),
}
# Funding that runs well beyond 2024: no funding signal gets in the way of the signal under test.
LASTING = (FundingRow(9, 1, 10, "Oranje Fonds", 2023, 2030),)


def quiet_risks(**changes):
    """``risk_signals`` for 2024 where nothing is wrong, except what ``changes`` sets."""
    arguments = {
        "year": 2024,
        "funding": funding_horizon(fundings=LASTING, year=2024),
        "structures": structures(codebook=CODEBOOK, assessments=[], year=2024),
        "factors": None,
        "continuity": (),
        "leadership": None,
        "concentration": None,
    }
    return risk_signals(**{**arguments, **changes})


# --- Structures: the analysed year, not an earlier one -----------------------------------------------------


def test_the_section_shows_the_structures_of_the_analysed_year_not_an_earlier_one(codebook_rows):
    policy, funding = cid("sustainability.vertical.policy"), cid("sustainability.vertical.funding")
    data = AnalysisData(
        years=(2022, 2023, 2024),
        codebook=codebook_rows,
        sustainability=(
            SustainabilityRow(1, 1, 2022, policy, "absent"),
            SustainabilityRow(2, 1, 2023, policy, "present"),  # in place the year before ...
            SustainabilityRow(3, 1, 2024, policy, "absent"),  # ... and no longer in 2024
            SustainabilityRow(4, 1, 2024, funding, "partly"),
        ),
        fundings=LASTING,
    )
    result = analyse_duurzaamheid(data, year=2024)

    vertical = {s.key.rsplit(".", 1)[1]: (s.status, s.assessment_id) for s in result.structures.vertical}
    assert vertical["policy"] == ("absent", 3)
    assert vertical["funding"] == ("partly", 4)
    assert result.structures.vertical_present == 0
    # The risk rests on the 2024 assessments: policy absent, funding only partly.
    assert [r.key for r in result.risks] == ["no_vertical_structure"]
    [risk] = result.risks
    assert (risk.key, risk.evidence_kind, risk.evidence_ids) == (
        "no_vertical_structure",
        "sustainability_assessment",
        (3, 4),
    )
    with translation.override("nl"):
        assert str(risk.message) == (
            "Steun van gemeente en organisaties (beleid, geld, werkwijzen) is nog nergens helemaal geregeld."
        )
        assert risk.title == "Weinig steun van gemeente en organisaties"


def test_structure_labels_follow_the_language_of_the_reader(codebook_rows):
    result = structures(
        codebook=codebook_rows,
        assessments=[SustainabilityRow(1, 1, 2024, cid("sustainability.vertical.policy"), "present")],
        year=2024,
    )
    policy = result.vertical[0]
    with translation.override("nl"):
        assert (policy.label, policy.status_label) == ("Gemeentelijk beleid", "aanwezig")
    with translation.override("en"):
        assert (policy.label, policy.status_label) == ("Municipal policy", "present")


# --- Funding ------------------------------------------------------------------------------------------------


def test_funding_lines_show_when_each_funding_started(codebook_rows):
    data = AnalysisData(
        years=(2024,),
        codebook=codebook_rows,
        fundings=(
            FundingRow(1, 1, 10, "Oranje Fonds", 2021, 2026),
            FundingRow(2, 1, 11, "Gemeente Arnhem", 2024, 2025),
        ),
    )
    lines = analyse_duurzaamheid(data, year=2024).funding.lines
    assert [(line.funder_name, line.start_year, line.end_year) for line in lines] == [
        ("Oranje Fonds", 2021, 2026),
        ("Gemeente Arnhem", 2024, 2025),
    ]


def test_no_funding_signal_names_the_funding_records_and_says_so_in_dutch(codebook_rows):
    data = AnalysisData(
        years=(2024,),
        codebook=codebook_rows,
        fundings=(FundingRow(1, 1, 10, "Oranje Fonds", 2020, 2023),),  # ended the year before
    )
    [risk] = analyse_duurzaamheid(data, year=2024).risks
    # The evidence page lists funding records (none: that is the point), and counts them as 0.
    assert (risk.key, risk.evidence_kind, risk.evidence_ids) == ("no_funding", "funding", ())
    with translation.override("nl"):
        assert risk.title == "Geen financiering"
        assert str(risk.message) == "Er is geen financiering bekend voor dit jaar of later."


def test_the_funding_threshold_of_the_parameters_reaches_the_risk_signals(codebook_rows):
    data = AnalysisData(
        years=(2024,), codebook=codebook_rows, fundings=(FundingRow(5, 1, 10, "Oranje Fonds", 2023, 2026),)
    )
    # Two years of funding left: no signal by default (1 year) ...
    assert analyse_duurzaamheid(data, year=2024).risks == ()
    # ... but a signal when a report asks to be warned two years ahead.
    ahead = replace(DEFAULT_PARAMETERS, funding_ends_within_years=2)
    risks = analyse_duurzaamheid(data, year=2024, parameters=ahead).risks
    assert [r.key for r in risks] == ["funding_ends"]
    [risk] = risks
    assert (risk.key, risk.evidence_ids) == ("funding_ends", (5,))
    with translation.override("nl"):
        assert str(risk.message) == "Alle financiering stopt uiterlijk in 2026."


# --- Continuity of the community builder --------------------------------------------------------------------


def test_a_resident_who_starts_an_activity_is_not_a_community_builder(codebook_rows):
    data = AnalysisData(
        years=(2023, 2024),
        codebook=codebook_rows,
        persons=PERSONS,
        fragment_groups=(FragmentGroupRow(1, 2023, "vragenlijst", 1, 1),),  # community builder 1 in 2023
        activities=(ActivityRow(1, 1, 2024, "residents", 3, 8),),  # in 2024 only resident 3 takes the lead
        fundings=LASTING,
    )
    result = analyse_duurzaamheid(data, year=2024)
    assert [(c.year, c.person_ids, c.status) for c in result.continuity] == [
        (2023, (1,), "first"),
        (2024, (), "none"),
    ]
    # Not "another community builder": there was none in 2024, while there was one in 2023.
    [risk] = result.risks
    assert (risk.key, risk.evidence_kind, risk.evidence_ids) == ("no_community_builder", "person", (1,))
    with translation.override("nl"):
        assert risk.title == "Geen community builder"
        assert str(risk.message) == "Dit jaar was er geen community builder actief. Vorig jaar wel."


def test_another_community_builder_says_so_in_dutch(codebook_rows):
    data = AnalysisData(
        years=(2023, 2024),
        codebook=codebook_rows,
        persons=PERSONS,
        fragment_groups=(
            FragmentGroupRow(1, 2023, "vragenlijst", 1, 1),
            FragmentGroupRow(1, 2024, "vragenlijst", 2, 1),
        ),
        fundings=LASTING,
    )
    [risk] = analyse_duurzaamheid(data, year=2024).risks
    assert (risk.key, risk.evidence_kind, risk.evidence_ids) == (
        "community_builder_changed",
        "person",
        (1, 2),
    )
    with translation.override("nl"):
        assert str(risk.message) == "Er is een andere community builder actief dan vorig jaar."


# --- Who leads the activities -------------------------------------------------------------------------------


def test_professionals_leading_exactly_half_of_the_activities_is_no_signal():
    half = activity_leadership(
        year=2024,
        activities=[
            ActivityRow(1, 1, 2024, "professionals", None, 5),
            ActivityRow(2, 1, 2024, "residents", 3, 5),
        ],
    )
    assert half.professional_share == 50.0
    assert quiet_risks(leadership=half) == ()  # "more than 50 percent", not "50 or more"


def test_with_a_zero_threshold_a_year_without_professional_led_activities_is_still_no_signal():
    every = replace(DEFAULT_PARAMETERS, professional_led_share=0.0)
    residents = activity_leadership(year=2024, activities=[ActivityRow(1, 1, 2024, "residents", 3, 5)])
    assert residents.professional_share == 0.0
    assert quiet_risks(leadership=residents, parameters=every) == ()
    # The same threshold does flag a single professional-led activity.
    one = activity_leadership(
        year=2024,
        activities=[
            ActivityRow(1, 1, 2024, "residents", 3, 5),
            ActivityRow(2, 1, 2024, "professionals", None, 5),
            ActivityRow(3, 1, 2024, "residents", 3, 5),
        ],
    )
    assert [s.key for s in quiet_risks(leadership=one, parameters=every)] == ["professional_led"]


# --- How concentrated the roles are -------------------------------------------------------------------------


def test_the_top_carrying_exactly_half_of_the_roles_is_a_signal_with_its_dutch_message():
    # Ten residents took part: the top 10% is one person, who carries 5 of the 10 roles: exactly 50 percent.
    concentration = role_concentration(role_counts={1: 5, 2: 3, 3: 2}, participants=set(range(1, 11)))
    assert (concentration.persons, concentration.top_count, concentration.top_share) == (10, 1, 50.0)
    risks = quiet_risks(concentration=concentration)
    assert [r.key for r in risks] == ["roles_concentrated"]  # "at least half": 50 percent counts
    [risk] = risks
    assert (risk.key, risk.evidence_kind, risk.evidence_ids) == ("roles_concentrated", "person", (1,))
    with translation.override("nl"):
        assert risk.title == "Rollen bij een kleine groep"
        assert str(risk.message) == (
            "Een kleine groep doet het meeste: 1 van de 10 bewoners hebben samen 50.0 procent van de rollen."
        )


def test_a_year_in_which_nobody_carried_a_role_is_no_concentration_even_at_a_low_threshold():
    concentration = role_concentration(role_counts={}, participants=set(range(1, 11)))
    assert (concentration.persons, concentration.roles, concentration.top_share) == (10, 0, None)
    low = replace(DEFAULT_PARAMETERS, roles_concentrated_share=1.0)
    assert quiet_risks(concentration=concentration, parameters=low) == ()


# --- The Aanpak and Verandering figures reach the risk signals ----------------------------------------------


def test_the_section_passes_leadership_and_concentration_on_to_the_risk_signals(codebook_rows):
    data = AnalysisData(years=(2024,), codebook=codebook_rows, fundings=LASTING)
    leadership = activity_leadership(
        year=2024,
        activities=[
            ActivityRow(21, 1, 2024, "professionals", None, 5),
            ActivityRow(22, 1, 2024, "professionals", None, 5),
            ActivityRow(23, 1, 2024, "residents", 3, 5),
        ],
    )
    concentration = role_concentration(role_counts={1: 20, 2: 1}, participants=set(range(1, 11)))
    result = analyse_duurzaamheid(data, year=2024, leadership=leadership, concentration=concentration)
    assert {r.key: r.evidence_ids for r in result.risks} == {
        "professional_led": (21, 22),
        "roles_concentrated": (1,),
    }
