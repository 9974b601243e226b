"""Duurzaamheid: structures, funding horizon, continuity of the community builder, risk signals."""

from __future__ import annotations

from django.utils import translation

from krachtvansamen.analysis.aanpak import activity_leadership, factor_balance
from krachtvansamen.analysis.duurzaamheid import continuity, funding_horizon, risk_signals, structures
from krachtvansamen.analysis.network import role_concentration
from krachtvansamen.analysis.rows import (
    ActivityRow,
    FactorRow,
    FragmentGroupRow,
    FundingRow,
    PersonRow,
    RelationRow,
    SustainabilityRow,
)

from .conftest import cid


def test_structures_status_per_horizontal_and_vertical_structure(codebook_rows):
    rows = [
        SustainabilityRow(1, 1, 2024, cid("sustainability.horizontal.networks"), "present"),
        SustainabilityRow(2, 1, 2024, cid("sustainability.horizontal.meeting_places"), "partly"),
        SustainabilityRow(3, 1, 2024, cid("sustainability.vertical.funding"), "absent"),
        SustainabilityRow(4, 1, 2023, cid("sustainability.vertical.policy"), "present"),  # another year
    ]
    result = structures(codebook=codebook_rows, assessments=rows, year=2024)
    assert [s.key.rsplit(".", 1)[1] for s in result.horizontal] == [
        "networks",
        "meeting_places",
        "buurtmakers",
        "informal_cooperation",
    ]
    assert [s.key.rsplit(".", 1)[1] for s in result.vertical] == [
        "policy",
        "funding",
        "procedures",
        "fixed_contacts",
        "shared_vision",
    ]
    status = {
        s.key.rsplit(".", 1)[1]: (s.status, s.assessment_id) for s in (*result.horizontal, *result.vertical)
    }
    assert status["networks"] == ("present", 1)
    assert status["funding"] == ("absent", 3)
    assert status["policy"] == ("unknown", None)
    assert (result.horizontal_present, result.vertical_present, result.assessment_ids) == (1, 0, (1, 2, 3))


def test_funding_horizon_per_funder():
    fundings = [
        FundingRow(1, 1, 10, "Oranje Fonds", 2023, 2025),
        FundingRow(2, 1, 11, "Gemeente Arnhem", 2024, 2027),
        FundingRow(3, 1, 12, "Woonstede", 2021, 2023),  # ended before the year
    ]
    result = funding_horizon(fundings=fundings, year=2024)
    assert [(line.funder_name, line.years_left) for line in result.lines] == [
        ("Gemeente Arnhem", 3),
        ("Oranje Fonds", 1),
    ]
    assert (result.horizon_years, result.last_year, result.funding_ids) == (3, 2027, (1, 2))
    none = funding_horizon(fundings=fundings[2:], year=2024)
    assert (none.horizon_years, none.lines) == (None, ())


PERSONS = {
    1: PersonRow(1, 1, "community_builder", "", "", ""),
    2: PersonRow(2, 1, "community_builder", "", "", ""),
    3: PersonRow(3, 1, "resident", "", "", ""),
}


def test_continuity_of_the_community_builder():
    result = continuity(
        persons=PERSONS,
        fragment_groups=[
            FragmentGroupRow(1, 2022, "vragenlijst", 1, 2),
            FragmentGroupRow(1, 2023, "vragenlijst", 1, 1),
            FragmentGroupRow(1, 2023, "vragenlijst", 3, 1),
        ],
        activities=[ActivityRow(1, 1, 2024, "professionals", 2, 5)],
        relations=[RelationRow(1, 1, 2025, 3, 2, "bonding", True, None, None, 1)],
        years=(2022, 2023, 2024, 2025, 2026, 2027),
    )
    assert [(c.year, c.person_ids, c.status) for c in result] == [
        (2022, (1,), "first"),
        (2023, (1,), "same"),
        (2024, (2,), "changed"),
        (2025, (1, 2), "partly_changed"),  # 2 as a relation end, 1 as the haakje
        (2026, (), "none"),
        (2027, (), "none"),
    ]


def test_risk_signals_with_their_evidence(codebook_rows):
    funding = funding_horizon(fundings=[FundingRow(7, 1, 10, "Oranje Fonds", 2023, 2025)], year=2024)
    assessed = structures(
        codebook=codebook_rows,
        assessments=[
            SustainabilityRow(1, 1, 2024, cid("sustainability.vertical.funding"), "partly"),
            SustainabilityRow(2, 1, 2024, cid("sustainability.horizontal.networks"), "present"),
        ],
        year=2024,
    )
    factors = factor_balance(
        codebook=codebook_rows,
        year=2024,
        factors=[
            FactorRow(11, 1, 2024, cid("factor.governance"), "hinders", None),
            FactorRow(12, 1, 2024, cid("factor.relational"), "hinders", None),
            FactorRow(13, 1, 2024, cid("factor.physical"), "hinders", None),
            FactorRow(14, 1, 2024, cid("factor.societal"), "helps", None),
        ],
    )
    leadership = activity_leadership(
        year=2024,
        activities=[
            ActivityRow(21, 1, 2024, "professionals", None, 5),
            ActivityRow(22, 1, 2024, "professionals", None, 5),
            ActivityRow(23, 1, 2024, "residents", 3, 5),
        ],
    )
    concentration = role_concentration(role_counts={1: 20, 2: 1}, participants=set(range(1, 11)))
    years = continuity(
        persons=PERSONS,
        activities=[],
        relations=[],
        years=(2023, 2024),
        fragment_groups=[
            FragmentGroupRow(1, 2023, "vragenlijst", 1, 1),
            FragmentGroupRow(1, 2024, "vragenlijst", 2, 1),
        ],
    )
    signals = risk_signals(
        year=2024,
        funding=funding,
        structures=assessed,
        factors=factors,
        continuity=years,
        leadership=leadership,
        concentration=concentration,
    )

    found = {s.key: (s.evidence_kind, s.evidence_ids) for s in signals}
    assert found == {
        "funding_ends": ("funding", (7,)),
        "no_vertical_structure": ("sustainability_assessment", (1,)),
        "factors_stack": ("factor_observation", (11, 12, 13)),
        "community_builder_changed": ("person", (1, 2)),
        "professional_led": ("activity", (21, 22)),
        "roles_concentrated": ("person", (1,)),
    }
    with translation.override("en"):
        messages = {s.key: str(s.message) for s in signals}
    assert messages["funding_ends"] == "All recorded funding ends in 2025 at the latest."
    assert messages["factors_stack"] == "Hindering factors stack up: 3 of 5 types have hindering factors."
    assert messages["professional_led"] == "Professionals lead 66.7 percent of the activities."
    with translation.override("nl"):
        assert str(signals[0].message) == "Alle financiering stopt uiterlijk in 2025."
        assert signals[0].title == "Financiering stopt binnenkort"


def test_no_risk_signals_when_things_are_in_place(codebook_rows):
    funding = funding_horizon(fundings=[FundingRow(7, 1, 10, "Oranje Fonds", 2023, 2028)], year=2024)
    assessed = structures(
        codebook=codebook_rows,
        year=2024,
        assessments=[SustainabilityRow(1, 1, 2024, cid("sustainability.vertical.policy"), "present")],
    )
    years = continuity(
        persons=PERSONS,
        activities=[],
        relations=[],
        years=(2023, 2024),
        fragment_groups=[
            FragmentGroupRow(1, 2023, "vragenlijst", 1, 1),
            FragmentGroupRow(1, 2024, "vragenlijst", 1, 1),
        ],
    )
    assert (
        risk_signals(
            year=2024,
            funding=funding,
            structures=assessed,
            factors=None,
            continuity=years,
            leadership=None,
            concentration=None,
        )
        == ()
    )
    no_funding = risk_signals(
        year=2024,
        funding=funding_horizon(fundings=[], year=2024),
        structures=assessed,
        factors=None,
        continuity=years,
        leadership=None,
        concentration=None,
    )
    assert [s.key for s in no_funding] == ["no_funding"]
