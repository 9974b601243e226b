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
    AssetTally,
    LeadershipTally,
    activity_leadership_from,
    asset_composition_from,
    asset_tally,
    leadership_tally,
)
from krachtvansamen.analysis.data import AnalysisData, Codebook
from krachtvansamen.analysis.duurzaamheid import RISK_TITLES, STATUS_LABELS
from krachtvansamen.analysis.figures import percent
from krachtvansamen.analysis.inclusion import Inclusion, inclusion_total
from krachtvansamen.analysis.labels import CodeLabelMixin
from krachtvansamen.analysis.network import CAPITAL_TYPES
from krachtvansamen.analysis.parameters import DEFAULT_PARAMETERS, AnalysisParameters
from krachtvansamen.analysis.rows import CodingRow
from krachtvansamen.analysis.summary import NeighbourhoodSummary, TieYear
from krachtvansamen.analysis.value import ValueBeyondCounts, ValueTally, value_beyond_counts_from, value_tally
from krachtvansamen.analysis.verandering import (
    EffectsMatrix,
    EffectsTally,
    Palet,
    PaletTally,
    VitalityProfile,
    VitalityTally,
    effects_matrix_from,
    effects_tally,
    palet_from,
    palet_tally,
    vitality_profile_from,
    vitality_tally,
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


@dataclass
class AggregateTally:
    """The counting half of the programme aggregate: one pass over the rows of some neighbourhoods, mergeable
    with the tallies of others (``analysis.tally``). ``programme_aggregate_from`` finishes it."""

    answers: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # principle → (submission, value)
    evidence: dict[str, set[int]] = field(default_factory=dict)  # principle → fragment ids
    leadership: LeadershipTally = field(default_factory=LeadershipTally)
    assets: AssetTally = field(default_factory=AssetTally)
    factors: dict[str, tuple[list[int], list[int]]] = field(default_factory=dict)  # type → (helps, hinders)
    effects: EffectsTally = field(default_factory=EffectsTally)
    palet: PaletTally = field(default_factory=PaletTally)
    vitality: VitalityTally = field(default_factory=VitalityTally)
    value: ValueTally = field(default_factory=ValueTally)
    # year → capital type → relation ids (the relations of the year, by kind of tie)
    relations: dict[int, dict[str, list[int]]] = field(default_factory=dict)
    fragments: dict[int, int] = field(default_factory=dict)  # year → fragments recorded
    activities: dict[int, int] = field(default_factory=dict)  # year → activities


def aggregate_tally(data: AnalysisData, *, year: int) -> AggregateTally:
    """The tally of the neighbourhoods in ``data`` for ``year`` (codings and network: every loaded year up
    to it)."""
    codebook = data.codebook
    codings = [row for row in data.codings if row.year <= year]
    current_codings = [row for row in codings if row.year == year]
    answers, evidence = _principle_tally(data, year=year, codings=current_codings)
    fragments: dict[int, int] = defaultdict(int)
    for group in data.fragment_groups:
        fragments[group.year] += group.fragment_count
    activities: dict[int, int] = defaultdict(int)
    for activity in data.activities:
        activities[activity.year] += 1
    effects = effects_tally(codebook=codebook, codings=codings)
    relations: dict[int, dict[str, list[int]]] = {}
    for r in data.relations:
        relations.setdefault(r.year, {}).setdefault(r.capital_type, []).append(r.relation_id)
    return AggregateTally(
        answers=answers,
        evidence=evidence,
        leadership=leadership_tally(activities=[a for a in data.activities if a.year == year]),
        assets=asset_tally(assets=data.assets, year=year),
        factors=_factor_tally(data, year=year),
        effects=effects,
        palet=palet_tally(codebook=codebook, codings=current_codings),
        vitality=vitality_tally(
            codebook=codebook,
            codings=current_codings,
            factors=data.factors,
            fragment_groups=data.fragment_groups,
            years={year},
            stances=data.stances,
        ),
        value=value_tally(codebook=codebook, codings=codings, instruments=effects.instruments),
        relations=relations,
        fragments=dict(fragments),
        activities=dict(activities),
    )


def programme_aggregate(
    data: AnalysisData,
    *,
    summaries: Sequence[NeighbourhoodSummary],
    year: int,
    parameters: AnalysisParameters = DEFAULT_PARAMETERS,
) -> ProgrammeAggregate:
    return programme_aggregate_from(
        aggregate_tally(data, year=year),
        codebook=data.codebook,
        summaries=summaries,
        year=year,
        years=data.years_through(year),
        parameters=parameters,
    )


def programme_aggregate_from(
    tally: AggregateTally,
    *,
    codebook: Codebook,
    summaries: Sequence[NeighbourhoodSummary],
    year: int,
    years: tuple[int, ...],
    parameters: AnalysisParameters = DEFAULT_PARAMETERS,
) -> ProgrammeAggregate:
    """The aggregate from the (merged) tally of every neighbourhood and their summaries."""
    judged = _Judgements.of(summaries)
    return ProgrammeAggregate(
        year=year,
        years=years,
        neighbourhood_count=len(summaries),
        focus_count=sum(1 for s in summaries if s.neighbourhood.is_focus),
        principles=_principle_summaries(codebook, tally=tally, judged=judged),
        leadership=activity_leadership_from(tally.leadership, year=year),
        assets=asset_composition_from(tally.assets, year=year),
        factor_types=_factor_type_summaries(codebook, tally=tally, judged=judged),
        stacking=_risk_count("factors_stack", judged.stacking_ids),
        stacking_share=percent(len(judged.stacking_ids), len(summaries)),
        effects=effects_matrix_from(tally.effects, codebook=codebook, years=years),
        palet=palet_from(tally.palet, codebook=codebook),
        network=_network_totals(tally.relations, summaries=summaries, years=years),
        concentration=ConcentrationSummary(
            median_gini=_median(s.concentration.gini for s in summaries),
            median_top_share=_median(s.concentration.top_share for s in summaries),
            # The same judgement as the risk signal, so the two never disagree.
            concentrated=_risk_count("roles_concentrated", judged.risk_ids["roles_concentrated"]),
        ),
        inclusion=inclusion_total([s.inclusion for s in summaries], year=year, parameters=parameters),
        vitality=vitality_profile_from(tally.vitality, codebook=codebook, years={year}),
        structures=_structure_summaries(codebook, judged=judged),
        funding_ends=_risk_count("funding_ends", judged.risk_ids["funding_ends"]),
        no_funding=_risk_count("no_funding", judged.risk_ids["no_funding"]),
        risks=tuple(
            sorted(
                (RiskSummary(key, len(ids), tuple(ids)) for key, ids in judged.risk_ids.items()),
                key=lambda r: (-r.count, r.key),
            )
        ),
        value=value_beyond_counts_from(tally.value, codebook=codebook, years=years),
        year_totals=tuple(
            YearTotal(year=y, fragments=tally.fragments.get(y, 0), activities=tally.activities.get(y, 0))
            for y in years
        ),
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


def _principle_tally(
    data: AnalysisData, *, year: int, codings: Iterable[CodingRow]
) -> tuple[dict[str, list[tuple[int, int]]], dict[str, set[int]]]:
    """ABCD principles: questionnaire answers and coded evidence, in one pass each."""
    rollup = data.codebook.rollup(p.key for p in data.codebook.children("abcd"))
    answers: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for a in data.scale_answers:
        if a.year == year and (key := rollup[a.code_key]) is not None:
            answers[key].append((a.submission_id, a.value))
    evidence: dict[str, set[int]] = defaultdict(set)
    for row in codings:
        if (key := rollup[row.code_id]) is not None:
            evidence[key].add(row.fragment_id)
    return dict(answers), dict(evidence)


def _principle_summaries(
    codebook: Codebook, *, tally: AggregateTally, judged: _Judgements
) -> tuple[PrincipleSummary, ...]:
    summaries = []
    for p in codebook.children("abcd"):
        answers, evidence = tally.answers.get(p.key, []), tally.evidence.get(p.key, set())
        summaries.append(
            PrincipleSummary(
                key=p.key,
                label_nl=p.label_nl,
                label_en=p.label_en,
                strengths=_label_counts(STRENGTH_LABELS, judged.strength_ids[p.key]),
                questionnaire_mean=round(sum(v for _s, v in answers) / len(answers), 2) if answers else None,
                questionnaire_count=len(answers),
                submission_ids=tuple(sorted({s for s, _v in answers})),
                fragment_count=len(evidence),
                fragment_ids=tuple(sorted(evidence)),
            )
        )
    return tuple(summaries)


def _factor_tally(data: AnalysisData, *, year: int) -> dict[str, tuple[list[int], list[int]]]:
    """Environment factors: observation ids of the year per type, (helps, hinders)."""
    factor_rollup = data.codebook.rollup(c.key for c in data.codebook.children("factor"))
    factor_rows: dict[str, tuple[list[int], list[int]]] = {}
    for f in data.factors:
        if f.year == year and (key := factor_rollup[f.code_id]) is not None:
            factor_rows.setdefault(key, ([], []))[f.direction == "hinders"].append(f.observation_id)
    return factor_rows


def _factor_type_summaries(
    codebook: Codebook, *, tally: AggregateTally, judged: _Judgements
) -> tuple[FactorTypeSummary, ...]:
    """Environment factors: totals over all observations of the year."""
    hindering_ids = judged.hindering_ids
    result = []
    for code in codebook.children("factor"):
        helps, hinders = tally.factors.get(code.key, ([], []))
        result.append(
            FactorTypeSummary(
                key=code.key,
                label_nl=code.label_nl,
                label_en=code.label_en,
                helps=len(helps),
                hinders=len(hinders),
                hindering=LabelCount(code.key, len(hindering_ids[code.key]), tuple(hindering_ids[code.key])),
                observation_ids=tuple(sorted(helps + hinders)),
            )
        )
    return tuple(result)


def _network_totals(
    relations: Mapping[int, Mapping[str, list[int]]],
    *,
    summaries: Sequence[NeighbourhoodSummary],
    years: Sequence[int],
) -> tuple[NetworkTotal, ...]:
    """Network totals per year: relations and kinds of ties (``relations``: year → capital type → relation
    ids); new ties summed from the neighbourhoods' own (``NeighbourhoodSummary.ties``, the rule of
    ``is_new_tie``), so the programme's number is the sum of the neighbourhoods' numbers."""
    network = []
    ties: dict[int, list[TieYear]] = defaultdict(list)
    for summary in summaries:
        for tie in summary.ties:
            ties[tie.year].append(tie)
    for index, y in enumerate(years):
        by_kind = relations.get(y, {})
        capital: dict[str, int] = dict.fromkeys(CAPITAL_TYPES, 0)
        for kind, ids in by_kind.items():
            capital[kind] = capital.get(kind, 0) + len(ids)
        total = sum(len(ids) for ids in by_kind.values())
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
                relation_ids=tuple(sorted(i for ids in by_kind.values() for i in ids)),
                new_tie_ids=new_ids,
                recorded_again=total - len(new_ids),
            )
        )
    return tuple(network)


def _structure_summaries(codebook: Codebook, *, judged: _Judgements) -> tuple[StructureSummary, ...]:
    return tuple(
        StructureSummary(
            key=code.key,
            label_nl=code.label_nl,
            label_en=code.label_en,
            dimension=dimension,
            statuses=_label_counts(STATUS_LABELS, judged.status_ids[code.key]),
        )
        for dimension in ("sustainability.horizontal", "sustainability.vertical")
        for code in codebook.children(dimension)
    )
