"""The analysed year's key figures of one neighbourhood: what a programme synthesis lists and compares.

Pure, from the rows of one neighbourhood (``AnalysisData.split_by_neighbourhood``), with the same functions as
the full analysis (``analysis.synthesis.neighbourhood_analysis``), built for every neighbourhood in one pass
over its rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from krachtvansamen.analysis.aanpak import (
    ActivityLeadership,
    FactorBalance,
    PrincipleStrength,
    activity_leadership,
    factor_balance,
    principle_strengths,
)
from krachtvansamen.analysis.data import AnalysisData
from krachtvansamen.analysis.duurzaamheid import (
    ContinuityYear,
    FundingHorizon,
    RiskSignal,
    Structures,
    continuity,
    funding_horizon,
    risk_signals,
    structures,
)
from krachtvansamen.analysis.figures import rows_by_year
from krachtvansamen.analysis.inclusion import Inclusion, cbs_for_year, inclusion
from krachtvansamen.analysis.network import (
    RoleConcentration,
    network_years,
    resident_role_counts,
    role_concentration,
)
from krachtvansamen.analysis.parameters import DEFAULT_PARAMETERS, AnalysisParameters
from krachtvansamen.analysis.rows import NeighbourhoodRow
from krachtvansamen.analysis.verandering import participants_by_year


@dataclass(frozen=True)
class TieYear:
    """New ties and ties recorded again in one year: the tie figures of the neighbourhood's ``NetworkYear``
    (``analysis.network``), the same rule (``is_new_tie``), so a programme total is the sum of these."""

    year: int
    relations: int  # recorded this year: new ties plus ties recorded again
    new_tie_ids: tuple[int, ...]
    recorded_again_ids: tuple[int, ...]
    growth: int | None  # the new ties; None in the first loaded year
    known_before: int  # distinct pairs recorded in earlier years (what growth_percent is taken of)

    @property
    def new_ties(self) -> int:
        return len(self.new_tie_ids)


def tie_years(data: AnalysisData, *, years: tuple[int, ...]) -> tuple[TieYear, ...]:
    """The tie figures per year of ONE neighbourhood, from ``network_years`` (its other figures are not kept:
    they are not what a summary needs)."""
    network = network_years(relations=data.relations, activities=(), participants={}, years=years)
    by_year = rows_by_year(data.relations)
    # The pairs known before each year, counted as ``network_years`` does (its ``growth_percent``).
    known = {
        r.pair for y, rows in by_year.items() if years and y < years[0] for r in rows if r.pair is not None
    }
    known_before: dict[int, int] = {}
    for y in years:
        known_before[y] = len(known)
        known.update(r.pair for r in by_year.get(y, ()) if r.pair is not None)
    return tuple(
        TieYear(
            year=n.year,
            relations=n.relations,
            new_tie_ids=n.new_tie_ids,
            recorded_again_ids=n.recorded_again_ids,
            growth=n.growth,
            known_before=known_before[n.year],
        )
        for n in network
    )


@dataclass(frozen=True)
class NeighbourhoodSummary:
    """The analysed year's key figures of one neighbourhood (the same functions as the full analysis)."""

    neighbourhood: NeighbourhoodRow
    year: int
    fragments: int  # fragments recorded in the year, coded or not
    principles: tuple[PrincipleStrength, ...]
    leadership: ActivityLeadership
    factors: FactorBalance
    relations: int
    new_ties: int  # the analysed year's new ties (``is_new_tie``), not the relations marked new
    growth: int | None  # the new ties (never relations minus last year's); None without a previous year
    concentration: RoleConcentration
    inclusion: Inclusion
    structures: Structures
    funding: FundingHorizon
    continuity: tuple[ContinuityYear, ...]
    risks: tuple[RiskSignal, ...]
    ties: tuple[TieYear, ...] = ()  # every loaded year up to the analysed one, oldest first

    @property
    def risk_keys(self) -> tuple[str, ...]:
        return tuple(r.key for r in self.risks)


def neighbourhood_summary(
    data: AnalysisData, *, year: int, parameters: AnalysisParameters = DEFAULT_PARAMETERS
) -> NeighbourhoodSummary:
    neighbourhood = data.only_neighbourhood()
    years = data.years_through(year)
    codebook = data.codebook
    groups = rows_by_year(data.fragment_groups).get(year, [])
    fragments = sum(g.fragment_count for g in groups)
    activities = rows_by_year(data.activities).get(year, [])
    relations_by_year = rows_by_year(data.relations)
    relations = relations_by_year.get(year, [])
    participants = participants_by_year(
        persons=data.persons,
        fragment_groups=groups,
        activities=activities,
        activity_participants=rows_by_year(data.activity_participants).get(year, []),
        relations=relations,
    ).get(year, set())
    leadership = activity_leadership(activities=activities, year=year)
    factors = factor_balance(
        codebook=codebook, factors=rows_by_year(data.factors).get(year, []), year=year, parameters=parameters
    )
    concentration = role_concentration(
        role_counts=resident_role_counts(
            relations=relations, activities=activities, participants=participants
        ),
        participants=participants,
        parameters=parameters,
    )
    assessed = structures(codebook=codebook, assessments=data.sustainability, year=year)
    horizon = funding_horizon(fundings=data.fundings, year=year)
    continuity_years = continuity(
        persons=data.persons,
        fragment_groups=data.fragment_groups,
        activities=data.activities,
        relations=data.relations,
        years=years[-2:],
    )
    ties = tie_years(data, years=years)
    current_ties = ties[-1]
    return NeighbourhoodSummary(
        neighbourhood=neighbourhood,
        year=year,
        fragments=fragments,
        principles=principle_strengths(
            codebook=codebook,
            codings=rows_by_year(data.codings).get(year, []),
            answers=rows_by_year(data.scale_answers).get(year, []),
            fragment_total=fragments,
            year=year,
            parameters=parameters,
        ),
        leadership=leadership,
        factors=factors,
        relations=len(relations),
        new_ties=current_ties.new_ties,
        growth=current_ties.growth,
        concentration=concentration,
        inclusion=inclusion(
            participant_ids=participants,
            persons=data.persons,
            year=year,
            parameters=parameters,
            cbs=cbs_for_year(data.cbs.get(neighbourhood.cbs_code, ()), year),
        ),
        structures=assessed,
        funding=horizon,
        continuity=continuity_years,
        risks=risk_signals(
            year=year,
            funding=horizon,
            structures=assessed,
            factors=factors,
            continuity=continuity_years,
            leadership=leadership,
            concentration=concentration,
            parameters=parameters,
        ),
        ties=ties,
    )
