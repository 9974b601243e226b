"""The three sections together: per neighbourhood, and for a programme (any number of neighbourhoods).

Pure: everything here works on an ``AnalysisData`` already loaded.

For a programme, three layers, so that 33 and 14,574 neighbourhoods cost the same per row:

- ``ProgrammeAggregate`` — across all neighbourhoods: the additive figures (effects, palet, vitality,
  activities, assets, factor and network totals) in single passes over all loaded rows; the
  per-neighbourhood judgements (strength, stacking, inclusion, risks) counted from the summaries;
- ``NeighbourhoodSummary`` — per neighbourhood, the analysed year's key figures and risk signals, built
  for every neighbourhood in one pass over its rows (what a synthesis lists and compares);
- ``NeighbourhoodAnalysis`` — the full picture of one neighbourhood (every section, trends over the
  years), built on first access from the rows already in memory: no queries, and no cost for the
  thousands of neighbourhoods nobody opens.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import overload

from django.utils.functional import Promise

from krachtvansamen.analysis.aanpak import (
    STRENGTH_LABELS,
    AanpakResult,
    ActivityLeadership,
    AssetComposition,
    FactorBalance,
    PrincipleStrength,
    activity_leadership,
    analyse_aanpak,
    asset_composition,
    factor_balance,
    principle_strengths,
)
from krachtvansamen.analysis.data import AnalysisData, NeighbourhoodRow, gc_paused
from krachtvansamen.analysis.duurzaamheid import (
    RISK_TITLES,
    STATUS_LABELS,
    ContinuityYear,
    DuurzaamheidResult,
    FundingHorizon,
    RiskSignal,
    Structures,
    analyse_duurzaamheid,
    continuity,
    funding_horizon,
    risk_signals,
    structures,
)
from krachtvansamen.analysis.figures import percent, rows_by_year
from krachtvansamen.analysis.labels import CodeLabelMixin
from krachtvansamen.analysis.parameters import DEFAULT_PARAMETERS, AnalysisParameters
from krachtvansamen.analysis.verandering import (
    CAPITAL_TYPES,
    INCLUSION_DIMENSIONS,
    EffectsMatrix,
    Inclusion,
    InclusionDimension,
    Palet,
    RoleConcentration,
    VeranderingResult,
    VitalityProfile,
    analyse_verandering,
    cbs_for_year,
    effects_matrix,
    inclusion,
    inclusion_groups,
    palet,
    participants_by_year,
    resident_role_counts,
    role_concentration,
    vitality_profile,
)

# --- One neighbourhood, in full -----------------------------------------------------------------------------


@dataclass(frozen=True)
class NeighbourhoodAnalysis:
    neighbourhood: NeighbourhoodRow
    year: int  # the analysed year
    years: tuple[int, ...]  # the loaded years up to it (trends, changes)
    aanpak: AanpakResult
    verandering: VeranderingResult
    duurzaamheid: DuurzaamheidResult


def _years_up_to(data: AnalysisData, year: int) -> tuple[int, ...]:
    return tuple(y for y in sorted({*data.years, year}) if y <= year)


def _one(data: AnalysisData) -> NeighbourhoodRow:
    if len(data.neighbourhoods) != 1:
        raise ValueError(
            "this analysis needs the data of exactly one neighbourhood (see split_by_neighbourhood)"
        )
    return data.neighbourhoods[0]


def neighbourhood_analysis(
    data: AnalysisData, *, year: int, parameters: AnalysisParameters = DEFAULT_PARAMETERS
) -> NeighbourhoodAnalysis:
    """All three sections for the ONE neighbourhood in ``data`` (see ``split_by_neighbourhood``)."""
    neighbourhood = _one(data)
    participants = participants_by_year(
        persons=data.persons,
        fragment_groups=data.fragment_groups,
        activities=data.activities,
        activity_participants=data.activity_participants,
        relations=data.relations,
    )
    aanpak = analyse_aanpak(data, year=year, parameters=parameters)
    verandering = analyse_verandering(data, year=year, parameters=parameters, participants=participants)
    duurzaamheid = analyse_duurzaamheid(
        data,
        year=year,
        factors=aanpak.factors,
        leadership=aanpak.leadership,
        concentration=verandering.network_current.concentration,
        parameters=parameters,
    )
    return NeighbourhoodAnalysis(
        neighbourhood=neighbourhood,
        year=year,
        years=_years_up_to(data, year),
        aanpak=aanpak,
        verandering=verandering,
        duurzaamheid=duurzaamheid,
    )


# --- One neighbourhood, its key figures ---------------------------------------------------------------------


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
    new_ties: int
    growth: int | None  # relations minus the previous loaded year's; None without a previous year
    concentration: RoleConcentration
    inclusion: Inclusion
    structures: Structures
    funding: FundingHorizon
    continuity: tuple[ContinuityYear, ...]
    risks: tuple[RiskSignal, ...]

    @property
    def risk_keys(self) -> tuple[str, ...]:
        return tuple(r.key for r in self.risks)


def neighbourhood_summary(
    data: AnalysisData, *, year: int, parameters: AnalysisParameters = DEFAULT_PARAMETERS
) -> NeighbourhoodSummary:
    neighbourhood = _one(data)
    years = _years_up_to(data, year)
    previous_year = years[-2] if len(years) > 1 else None
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
    previous = len(relations_by_year.get(previous_year, [])) if previous_year is not None else None
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
        new_ties=sum(1 for r in relations if r.is_new),
        growth=None if previous is None else len(relations) - previous,
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
    )


# --- Programme aggregate ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LabelCount:
    """How many neighbourhoods got a label (a strength, a status, a risk), and which."""

    key: str
    count: int
    neighbourhood_ids: tuple[int, ...]
    label: str | Promise = ""  # a lazy translated text, where the key has one (strengths, statuses, risks)


@dataclass(frozen=True)
class PrincipleSummary(CodeLabelMixin):
    key: str
    label_nl: str
    label_en: str
    strengths: tuple[LabelCount, ...]  # strong, medium, weak, unknown
    questionnaire_mean: float | None  # over all answers of the year
    questionnaire_count: int
    submission_ids: tuple[int, ...]
    fragment_count: int
    fragment_ids: tuple[int, ...]

    def count(self, strength: str) -> int:
        return next((s.count for s in self.strengths if s.key == strength), 0)


@dataclass(frozen=True)
class FactorTypeSummary(CodeLabelMixin):
    key: str
    label_nl: str
    label_en: str
    helps: int  # observations over all neighbourhoods
    hinders: int
    hindering: LabelCount  # neighbourhoods where this type hinders
    observation_ids: tuple[int, ...]


@dataclass(frozen=True)
class CapitalTotal:
    capital_type: str
    count: int
    share: float | None

    @property
    def label(self) -> str:
        from krachtvansamen.network.models import Relation

        return str(Relation.CapitalType(self.capital_type).label)


@dataclass(frozen=True)
class NetworkTotal:
    year: int
    relations: int
    new_ties: int
    growth: int | None
    growth_percent: float | None
    capital: tuple[CapitalTotal, ...]  # bonding, bridging, linking
    relation_ids: tuple[int, ...]


@dataclass(frozen=True)
class ConcentrationSummary:
    """How concentrated roles are, over neighbourhoods (the analysed year)."""

    median_gini: float | None  # over neighbourhoods with at least one role
    median_top_share: float | None
    concentrated: LabelCount  # neighbourhoods where the top 10% carry at least half the roles


@dataclass(frozen=True)
class StructureSummary(CodeLabelMixin):
    key: str
    label_nl: str
    label_en: str
    dimension: str
    statuses: tuple[LabelCount, ...]  # present, partly, absent, unknown


@dataclass(frozen=True)
class RiskSummary:
    key: str
    count: int
    neighbourhood_ids: tuple[int, ...]

    @property
    def title(self) -> str:
        return str(RISK_TITLES[self.key])


@dataclass(frozen=True)
class ProgrammeAggregate:
    """Across all analysed neighbourhoods, for the analysed year (effects and network: every loaded year)."""

    year: int
    years: tuple[int, ...]
    neighbourhood_count: int
    focus_count: int
    principles: tuple[PrincipleSummary, ...]
    leadership: ActivityLeadership
    assets: AssetComposition
    factor_types: tuple[FactorTypeSummary, ...]
    stacking: LabelCount
    stacking_share: float | None  # percent of the neighbourhoods
    effects: EffectsMatrix
    palet: Palet
    network: tuple[NetworkTotal, ...]
    concentration: ConcentrationSummary
    inclusion: Inclusion
    vitality: VitalityProfile
    structures: tuple[StructureSummary, ...]
    funding_ends: LabelCount  # neighbourhoods whose funding ends within the risk horizon
    no_funding: LabelCount
    risks: tuple[RiskSummary, ...]  # most frequent first


class LazyAnalyses(Sequence[NeighbourhoodAnalysis]):
    """The full analysis of each neighbourhood, built from the loaded rows the first time it is asked for."""

    def __init__(
        self,
        split: dict[int, AnalysisData],
        order: Sequence[int],
        *,
        year: int,
        parameters: AnalysisParameters,
    ) -> None:
        self._split, self._order, self._year, self._parameters = split, list(order), year, parameters
        self._built: dict[int, NeighbourhoodAnalysis] = {}

    def by_id(self, neighbourhood_id: int) -> NeighbourhoodAnalysis | None:
        if neighbourhood_id not in self._split:
            return None
        if neighbourhood_id not in self._built:
            self._built[neighbourhood_id] = neighbourhood_analysis(
                self._split[neighbourhood_id], year=self._year, parameters=self._parameters
            )
        return self._built[neighbourhood_id]

    def __len__(self) -> int:
        return len(self._order)

    @overload
    def __getitem__(self, index: int) -> NeighbourhoodAnalysis: ...
    @overload
    def __getitem__(self, index: slice) -> list[NeighbourhoodAnalysis]: ...
    def __getitem__(self, index: int | slice) -> NeighbourhoodAnalysis | list[NeighbourhoodAnalysis]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        result = self.by_id(self._order[index])
        assert result is not None
        return result

    def __iter__(self) -> Iterator[NeighbourhoodAnalysis]:
        return (self[i] for i in range(len(self)))


@dataclass(frozen=True)
class ProgrammeAnalysis:
    year: int
    years: tuple[int, ...]
    summaries: tuple[NeighbourhoodSummary, ...]  # one per neighbourhood, by neighbourhood id
    aggregate: ProgrammeAggregate
    neighbourhoods: LazyAnalyses = field(repr=False)  # full analyses, same order, built when asked for

    def get(self, neighbourhood_id: int) -> NeighbourhoodAnalysis | None:
        """The full analysis of one of the neighbourhoods (None if it was not analysed)."""
        return self.neighbourhoods.by_id(neighbourhood_id)


def programme_analysis(
    data: AnalysisData, *, year: int | None = None, parameters: AnalysisParameters = DEFAULT_PARAMETERS
) -> ProgrammeAnalysis:
    """Every neighbourhood in ``data`` for ``year`` (default: the latest loaded year): summaries, the
    aggregate over them, and full analyses on demand. Linear in the number of rows."""
    loaded = tuple(sorted(data.years))
    if year is None:
        year = loaded[-1] if loaded else 0
    with gc_paused():
        split = data.split_by_neighbourhood()
        order = [n.neighbourhood_id for n in data.neighbourhoods]
        summaries = tuple(
            neighbourhood_summary(split[nid], year=year, parameters=parameters) for nid in order
        )
        aggregate = programme_aggregate(data, summaries=summaries, year=year, parameters=parameters)
    return ProgrammeAnalysis(
        year=year,
        years=_years_up_to(data, year),
        summaries=summaries,
        aggregate=aggregate,
        neighbourhoods=LazyAnalyses(split, order, year=year, parameters=parameters),
    )


def _label_counts(labels: Mapping[str, str | Promise], found: dict[str, list[int]]) -> tuple[LabelCount, ...]:
    return tuple(
        LabelCount(key=k, count=len(found.get(k, ())), neighbourhood_ids=tuple(found.get(k, ())), label=label)
        for k, label in labels.items()
    )


def _risk_count(key: str, ids: Sequence[int]) -> LabelCount:
    return LabelCount(key=key, count=len(ids), neighbourhood_ids=tuple(ids), label=RISK_TITLES[key])


def _median(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return round(statistics.median(present), 3) if present else None


def programme_aggregate(
    data: AnalysisData,
    *,
    summaries: Sequence[NeighbourhoodSummary],
    year: int,
    parameters: AnalysisParameters = DEFAULT_PARAMETERS,
) -> ProgrammeAggregate:
    years = _years_up_to(data, year)
    codebook = data.codebook
    codings = [row for row in data.codings if row.year <= year]
    current_codings = [row for row in codings if row.year == year]

    # Per-neighbourhood judgements, counted from the summaries in one pass.
    strength_ids: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    hindering_ids: dict[str, list[int]] = defaultdict(list)
    status_ids: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    risk_ids: dict[str, list[int]] = defaultdict(list)
    stacking_ids: list[int] = []
    for summary in summaries:
        nid = summary.neighbourhood.neighbourhood_id
        for principle in summary.principles:
            strength_ids[principle.key][principle.strength].append(nid)
        for kind in summary.factors.hindering_types:
            hindering_ids[kind].append(nid)
        if summary.factors.stacking:
            stacking_ids.append(nid)
        for structure in (*summary.structures.horizontal, *summary.structures.vertical):
            status_ids[structure.key][structure.status].append(nid)
        for risk in summary.risks:
            risk_ids[risk.key].append(nid)

    # ABCD principles: questionnaire and coded evidence over everything, in one pass each.
    principle_codes = codebook.children("abcd")
    rollup = codebook.rollup(p.key for p in principle_codes)
    answers: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for a in data.scale_answers:
        if a.year == year and (key := rollup[a.code_key]) is not None:
            answers[key].append((a.submission_id, a.value))
    evidence: dict[str, set[int]] = defaultdict(set)
    for row in current_codings:
        if (key := rollup[row.code_id]) is not None:
            evidence[key].add(row.fragment_id)
    principles = tuple(
        PrincipleSummary(
            key=p.key,
            label_nl=p.label_nl,
            label_en=p.label_en,
            strengths=_label_counts(STRENGTH_LABELS, strength_ids[p.key]),
            questionnaire_mean=round(sum(v for _s, v in answers[p.key]) / len(answers[p.key]), 2)
            if answers[p.key]
            else None,
            questionnaire_count=len(answers[p.key]),
            submission_ids=tuple(sorted({s for s, _v in answers[p.key]})),
            fragment_count=len(evidence[p.key]),
            fragment_ids=tuple(sorted(evidence[p.key])),
        )
        for p in principle_codes
    )

    # Environment factors: totals over all observations of the year.
    factor_codes = codebook.children("factor")
    factor_rollup = codebook.rollup(c.key for c in factor_codes)
    factor_rows: dict[str, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    for f in data.factors:
        if f.year == year and (key := factor_rollup[f.code_id]) is not None:
            factor_rows[key][f.direction == "hinders"].append(f.observation_id)
    factor_types = tuple(
        FactorTypeSummary(
            key=code.key,
            label_nl=code.label_nl,
            label_en=code.label_en,
            helps=len(factor_rows[code.key][0]),
            hinders=len(factor_rows[code.key][1]),
            hindering=LabelCount(code.key, len(hindering_ids[code.key]), tuple(hindering_ids[code.key])),
            observation_ids=tuple(sorted(factor_rows[code.key][0] + factor_rows[code.key][1])),
        )
        for code in factor_codes
    )

    # Network totals per year, one pass over all relations.
    network = []
    previous_total: int | None = None
    relations_by_year = rows_by_year(data.relations)
    for y in years:
        rows = relations_by_year.get(y, [])
        capital: dict[str, int] = dict.fromkeys(CAPITAL_TYPES, 0)
        new = 0
        for r in rows:
            capital[r.capital_type] = capital.get(r.capital_type, 0) + 1
            new += bool(r.is_new)
        total = len(rows)
        network.append(
            NetworkTotal(
                year=y,
                relations=total,
                new_ties=new,
                growth=None if previous_total is None else total - previous_total,
                growth_percent=None
                if previous_total is None
                else percent(total - previous_total, previous_total),
                capital=tuple(
                    CapitalTotal(kind, count, percent(count, total)) for kind, count in capital.items()
                ),
                relation_ids=tuple(sorted(r.relation_id for r in rows)),
            )
        )
        previous_total = total

    structure_summaries = tuple(
        StructureSummary(
            key=code.key,
            label_nl=code.label_nl,
            label_en=code.label_en,
            dimension=dimension,
            statuses=_label_counts(STATUS_LABELS, status_ids[code.key]),
        )
        for dimension in ("sustainability.horizontal", "sustainability.vertical")
        for code in codebook.children(dimension)
    )
    return ProgrammeAggregate(
        year=year,
        years=years,
        neighbourhood_count=len(summaries),
        focus_count=sum(1 for s in summaries if s.neighbourhood.is_focus),
        principles=principles,
        leadership=activity_leadership(activities=[a for a in data.activities if a.year == year], year=year),
        assets=asset_composition(assets=data.assets, year=year),
        factor_types=factor_types,
        stacking=_risk_count("factors_stack", stacking_ids),
        stacking_share=percent(len(stacking_ids), len(summaries)),
        effects=effects_matrix(codebook=codebook, codings=codings, years=years),
        palet=palet(codebook=codebook, codings=current_codings),
        network=tuple(network),
        concentration=ConcentrationSummary(
            median_gini=_median(s.concentration.gini for s in summaries),
            median_top_share=_median(s.concentration.top_share for s in summaries),
            # The same judgement as the risk signal, so the two never disagree.
            concentrated=_risk_count("roles_concentrated", risk_ids["roles_concentrated"]),
        ),
        inclusion=inclusion_total([s.inclusion for s in summaries], year=year, parameters=parameters),
        vitality=vitality_profile(
            codebook=codebook,
            codings=current_codings,
            factors=data.factors,
            fragment_groups=data.fragment_groups,
            years={year},
            stances=data.stances,
        ),
        structures=structure_summaries,
        funding_ends=_risk_count("funding_ends", risk_ids["funding_ends"]),
        no_funding=_risk_count("no_funding", risk_ids["no_funding"]),
        risks=tuple(
            sorted(
                (RiskSummary(key, len(ids), tuple(ids)) for key, ids in risk_ids.items()),
                key=lambda r: (-r.count, r.key),
            )
        ),
    )


def inclusion_total(
    inclusions: Sequence[Inclusion], *, year: int, parameters: AnalysisParameters = DEFAULT_PARAMETERS
) -> Inclusion:
    """Participants and inhabitants added up over neighbourhoods, per dimension.

    A neighbourhood counts for a dimension only when CBS publishes every group of it there (small
    neighbourhoods often have secret figures): otherwise its inhabitants could not be added up fairly.
    ``InclusionDimension.neighbourhoods`` says how many neighbourhoods were compared.
    """
    dimensions = []
    for index, (key, _field, groups) in enumerate(INCLUSION_DIMENSIONS):
        counts = {value: 0 for value, _cbs in groups}
        inhabitants: dict[str, int | None] = {value: 0 for value, _cbs in groups}
        ids: dict[str, list[int]] = {value: [] for value, _cbs in groups}
        unknown: list[int] = []
        other: list[int] = []
        compared = 0
        for result in inclusions:
            dimension = result.dimensions[index]
            if any(g.inhabitants is None for g in dimension.groups):
                continue
            compared += 1
            for group in dimension.groups:
                counts[group.key] += group.participants
                inhabitants[group.key] = (inhabitants[group.key] or 0) + (group.inhabitants or 0)
                ids[group.key].extend(group.person_ids)
            unknown.extend(dimension.unknown_person_ids)
            other.extend(dimension.other_person_ids)
        dimensions.append(
            InclusionDimension(
                key=key,
                groups=inclusion_groups(
                    dimension=key,
                    counts=counts,
                    inhabitants=inhabitants,
                    population=None,
                    person_ids=ids,
                    threshold=parameters.inclusion_gap_points,
                ),
                known=sum(counts.values()),
                unknown=len(unknown),
                unknown_person_ids=tuple(sorted(unknown)),
                other=len(other),
                other_person_ids=tuple(sorted(other)),
                neighbourhoods=compared,
            )
        )
    return Inclusion(
        year=year,
        cbs_year=None,
        cbs_record_id=None,
        participants=sum(i.participants for i in inclusions),
        person_ids=tuple(sorted(p for i in inclusions for p in i.person_ids)),
        dimensions=tuple(dimensions),
        threshold=parameters.inclusion_gap_points,
        cbs_record_ids=tuple(sorted(i.cbs_record_id for i in inclusions if i.cbs_record_id is not None)),
    )
