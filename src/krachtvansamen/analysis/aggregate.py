"""The programme aggregate: across all analysed neighbourhoods, for the analysed year.

Pure. The additive figures (effects, palet, vitality, activities, assets, factor and network totals, the
value beyond counts) come from single passes over all loaded rows; the per-neighbourhood judgements
(strength, stacking, inclusion, risks) and the new ties (a tie is new against the neighbourhood's earlier
years) are counted from the summaries (``analysis.summary``). So 33 and 14,574 neighbourhoods cost the same
per row.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.utils.functional import Promise

from krachtvansamen.analysis.aanpak import (
    STRENGTH_LABELS,
    ActivityLeadership,
    AssetComposition,
    activity_leadership,
    asset_composition,
)
from krachtvansamen.analysis.data import AnalysisData
from krachtvansamen.analysis.duurzaamheid import RISK_TITLES, STATUS_LABELS
from krachtvansamen.analysis.figures import percent, rows_by_year
from krachtvansamen.analysis.inclusion import Inclusion, inclusion_total
from krachtvansamen.analysis.labels import CodeLabelMixin
from krachtvansamen.analysis.network import CAPITAL_TYPES
from krachtvansamen.analysis.parameters import DEFAULT_PARAMETERS, AnalysisParameters
from krachtvansamen.analysis.rows import CodingRow
from krachtvansamen.analysis.summary import NeighbourhoodSummary, TieYear
from krachtvansamen.analysis.value import ValueBeyondCounts, value_beyond_counts
from krachtvansamen.analysis.verandering import (
    EffectsMatrix,
    Palet,
    VitalityProfile,
    effects_matrix,
    palet,
    vitality_profile,
)
from krachtvansamen.network.models import Relation


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
    strengths: tuple[
        LabelCount, ...
    ]  # strong, medium, weak, unknown ("too little data": never counted as weak)
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
    hindering: LabelCount  # neighbourhoods with at least one hindering observation of this type (not netted)
    observation_ids: tuple[int, ...]


@dataclass(frozen=True)
class CapitalTotal:
    capital_type: str
    count: int
    share: float | None

    @property
    def label(self) -> str:
        return str(Relation.CapitalType(self.capital_type).label)


@dataclass(frozen=True)
class NetworkTotal:
    """The network of one year over all neighbourhoods. New ties and growth as per neighbourhood
    (``analysis.network.NetworkYear``): growth is the new ties, never relations minus last year's."""

    year: int
    relations: int  # recorded this year: new ties plus ties recorded again
    new_ties: int  # the sum of the neighbourhoods' new ties
    growth: int | None  # the new ties; None in the first loaded year
    growth_percent: float | None  # new ties as a percentage of the distinct ties known before this year
    capital: tuple[CapitalTotal, ...]  # bonding, bridging, linking
    relation_ids: tuple[int, ...]
    new_tie_ids: tuple[int, ...] = ()  # the relations counted in new_ties
    recorded_again: int = 0  # ties already there (known earlier, or not marked new)


@dataclass(frozen=True)
class YearTotal:
    """Records of one year over all neighbourhoods (relations and new ties: ``NetworkTotal``)."""

    year: int
    fragments: int  # recorded in the year, coded or not
    activities: int


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
    value: ValueBeyondCounts  # every loaded year
    year_totals: tuple[YearTotal, ...]  # every loaded year, oldest first


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
    years = data.years_through(year)
    codebook = data.codebook
    codings = [row for row in data.codings if row.year <= year]
    current_codings = [row for row in codings if row.year == year]
    judged = _Judgements.of(summaries)
    return ProgrammeAggregate(
        year=year,
        years=years,
        neighbourhood_count=len(summaries),
        focus_count=sum(1 for s in summaries if s.neighbourhood.is_focus),
        principles=_principle_summaries(data, year=year, codings=current_codings, judged=judged),
        leadership=activity_leadership(activities=[a for a in data.activities if a.year == year], year=year),
        assets=asset_composition(assets=data.assets, year=year),
        factor_types=_factor_type_summaries(data, year=year, judged=judged),
        stacking=_risk_count("factors_stack", judged.stacking_ids),
        stacking_share=percent(len(judged.stacking_ids), len(summaries)),
        effects=effects_matrix(codebook=codebook, codings=codings, years=years),
        palet=palet(codebook=codebook, codings=current_codings),
        network=_network_totals(data, summaries=summaries, years=years),
        concentration=ConcentrationSummary(
            median_gini=_median(s.concentration.gini for s in summaries),
            median_top_share=_median(s.concentration.top_share for s in summaries),
            # The same judgement as the risk signal, so the two never disagree.
            concentrated=_risk_count("roles_concentrated", judged.risk_ids["roles_concentrated"]),
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
        structures=_structure_summaries(data, judged=judged),
        funding_ends=_risk_count("funding_ends", judged.risk_ids["funding_ends"]),
        no_funding=_risk_count("no_funding", judged.risk_ids["no_funding"]),
        risks=tuple(
            sorted(
                (RiskSummary(key, len(ids), tuple(ids)) for key, ids in judged.risk_ids.items()),
                key=lambda r: (-r.count, r.key),
            )
        ),
        value=value_beyond_counts(codebook=codebook, codings=codings, years=years),
        year_totals=_year_totals(data, years=years),
    )


def _ids_by_key() -> defaultdict[str, list[int]]:
    return defaultdict(list)


@dataclass
class _Judgements:
    """The per-neighbourhood judgements: which neighbourhoods got which strength, status or risk."""

    strength_ids: defaultdict[str, defaultdict[str, list[int]]] = field(
        default_factory=lambda: defaultdict(_ids_by_key)
    )
    hindering_ids: defaultdict[str, list[int]] = field(default_factory=_ids_by_key)
    status_ids: defaultdict[str, defaultdict[str, list[int]]] = field(
        default_factory=lambda: defaultdict(_ids_by_key)
    )
    risk_ids: defaultdict[str, list[int]] = field(default_factory=_ids_by_key)
    stacking_ids: list[int] = field(default_factory=list)

    @classmethod
    def of(cls, summaries: Iterable[NeighbourhoodSummary]) -> _Judgements:
        """Counted from the summaries in one pass."""
        judged = cls()
        for summary in summaries:
            nid = summary.neighbourhood.neighbourhood_id
            for principle in summary.principles:
                judged.strength_ids[principle.key][principle.strength].append(nid)
            for kind in summary.factors.hindering_types:
                judged.hindering_ids[kind].append(nid)
            if summary.factors.stacking:
                judged.stacking_ids.append(nid)
            for structure in (*summary.structures.horizontal, *summary.structures.vertical):
                judged.status_ids[structure.key][structure.status].append(nid)
            for risk in summary.risks:
                judged.risk_ids[risk.key].append(nid)
        return judged


def _principle_summaries(
    data: AnalysisData, *, year: int, codings: Iterable[CodingRow], judged: _Judgements
) -> tuple[PrincipleSummary, ...]:
    """ABCD principles: questionnaire and coded evidence over everything, in one pass each."""
    principle_codes = data.codebook.children("abcd")
    rollup = data.codebook.rollup(p.key for p in principle_codes)
    answers: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for a in data.scale_answers:
        if a.year == year and (key := rollup[a.code_key]) is not None:
            answers[key].append((a.submission_id, a.value))
    evidence: dict[str, set[int]] = defaultdict(set)
    for row in codings:
        if (key := rollup[row.code_id]) is not None:
            evidence[key].add(row.fragment_id)
    return tuple(
        PrincipleSummary(
            key=p.key,
            label_nl=p.label_nl,
            label_en=p.label_en,
            strengths=_label_counts(STRENGTH_LABELS, judged.strength_ids[p.key]),
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


def _factor_type_summaries(
    data: AnalysisData, *, year: int, judged: _Judgements
) -> tuple[FactorTypeSummary, ...]:
    """Environment factors: totals over all observations of the year."""
    factor_codes = data.codebook.children("factor")
    factor_rollup = data.codebook.rollup(c.key for c in factor_codes)
    factor_rows: dict[str, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    for f in data.factors:
        if f.year == year and (key := factor_rollup[f.code_id]) is not None:
            factor_rows[key][f.direction == "hinders"].append(f.observation_id)
    hindering_ids = judged.hindering_ids
    return tuple(
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


def _network_totals(
    data: AnalysisData, *, summaries: Sequence[NeighbourhoodSummary], years: Sequence[int]
) -> tuple[NetworkTotal, ...]:
    """Network totals per year: relations and kinds of ties in one pass over all relations; new ties summed
    from the neighbourhoods' own (``NeighbourhoodSummary.ties``, the rule of ``is_new_tie``), so the
    programme's number is the sum of the neighbourhoods' numbers."""
    network = []
    relations_by_year = rows_by_year(data.relations)
    ties: dict[int, list[TieYear]] = defaultdict(list)
    for summary in summaries:
        for tie in summary.ties:
            ties[tie.year].append(tie)
    for index, y in enumerate(years):
        rows = relations_by_year.get(y, [])
        capital: dict[str, int] = dict.fromkeys(CAPITAL_TYPES, 0)
        for r in rows:
            capital[r.capital_type] = capital.get(r.capital_type, 0) + 1
        total = len(rows)
        new_ids = tuple(sorted(i for t in ties[y] for i in t.new_tie_ids))
        known_before = sum(t.known_before for t in ties[y])
        network.append(
            NetworkTotal(
                year=y,
                relations=total,
                new_ties=len(new_ids),
                growth=None if index == 0 else len(new_ids),
                growth_percent=None if index == 0 else percent(len(new_ids), known_before),
                capital=tuple(
                    CapitalTotal(kind, count, percent(count, total)) for kind, count in capital.items()
                ),
                relation_ids=tuple(sorted(r.relation_id for r in rows)),
                new_tie_ids=new_ids,
                recorded_again=total - len(new_ids),
            )
        )
    return tuple(network)


def _year_totals(data: AnalysisData, *, years: Sequence[int]) -> tuple[YearTotal, ...]:
    fragments: dict[int, int] = defaultdict(int)
    for group in data.fragment_groups:
        fragments[group.year] += group.fragment_count
    activities: dict[int, int] = defaultdict(int)
    for activity in data.activities:
        activities[activity.year] += 1
    return tuple(YearTotal(year=y, fragments=fragments[y], activities=activities[y]) for y in years)


def _structure_summaries(data: AnalysisData, *, judged: _Judgements) -> tuple[StructureSummary, ...]:
    return tuple(
        StructureSummary(
            key=code.key,
            label_nl=code.label_nl,
            label_en=code.label_en,
            dimension=dimension,
            statuses=_label_counts(STATUS_LABELS, judged.status_ids[code.key]),
        )
        for dimension in ("sustainability.horizontal", "sustainability.vertical")
        for code in data.codebook.children(dimension)
    )
