"""Aanpak (approach): how the ABCD principles show, who leads activities, the asset map, environment factors.

Pure functions over rows of ``analysis.rows``; no database access. Each function expects the rows of one
neighbourhood (and, where it says so, one year); ``analyse_aanpak`` does that grouping for one neighbourhood.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from krachtvansamen.analysis.data import AnalysisData, Codebook
from krachtvansamen.analysis.figures import percent, rows_by_year
from krachtvansamen.analysis.labels import CodeLabelMixin
from krachtvansamen.analysis.parameters import DEFAULT_PARAMETERS, AnalysisParameters
from krachtvansamen.analysis.rows import ActivityRow, AssetRow, CodingRow, FactorRow, ScaleAnswerRow
from krachtvansamen.assets.models import Asset

STRONG, MEDIUM, WEAK, UNKNOWN = "strong", "medium", "weak", "unknown"
STRENGTH_LABELS = {STRONG: _("strong"), MEDIUM: _("medium"), WEAK: _("weak"), UNKNOWN: _("no data")}
HELPS, HINDERS, EVEN, NONE = "helps", "hinders", "even", "none"
BALANCE_LABELS = {
    HELPS: _("mostly helps"),
    HINDERS: _("mostly hinders"),
    EVEN: _("as much helps as hinders"),
    NONE: _("not observed"),
}
TALENT_CATEGORIES = ("talent_head", "talent_heart", "talent_hands")


# --- ABCD principles ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PrincipleStrength(CodeLabelMixin):
    """How strongly one ABCD principle shows in one neighbourhood and year, and on what it rests."""

    key: str
    label_nl: str
    label_en: str
    year: int
    questionnaire_mean: float | None  # mean of the 1–5 answers; None without answers
    questionnaire_count: int
    submission_ids: tuple[int, ...]
    fragment_count: int  # distinct fragments coded with the principle (or a user's code under it)
    fragment_share: float | None  # percent of all fragments of the neighbourhood and year
    fragment_ids: tuple[int, ...]
    questionnaire_points: int | None
    evidence_points: int
    strength: str  # strong / medium / weak / unknown

    @property
    def strength_label(self) -> str:
        return str(STRENGTH_LABELS[self.strength])


def principle_strengths(
    *,
    codebook: Codebook,
    codings: Iterable[CodingRow],
    answers: Iterable[ScaleAnswerRow],
    fragment_total: int,
    year: int,
    parameters: AnalysisParameters = DEFAULT_PARAMETERS,
) -> tuple[PrincipleStrength, ...]:
    """Strength of each ``abcd.*`` principle in one neighbourhood-year (pass only that year's rows).

    Two sources, each turned into points, then averaged:

    - questionnaire: the mean of the 1–5 scale answers linked to the principle's code:
      mean ≥ 4.0 → 2 points, ≥ 3.0 → 1, lower → 0; no answers → the source is left out;
    - coded evidence: distinct fragments coded with the principle: ≥ 3 → 2 points, 1–2 → 1, none → 0.

    Mean points ≥ 1.5 → *strong*, ≥ 0.75 → *medium*, lower → *weak* (so both sources must agree for
    strong, unless one source is missing). *unknown* when there are neither answers nor fragments at all
    in that neighbourhood-year. All thresholds are ``AnalysisParameters`` fields.
    """
    principles = codebook.children("abcd")
    rollup = codebook.rollup(p.key for p in principles)
    fragments: dict[str, set[int]] = defaultdict(set)
    for row in codings:
        key = rollup[row.code_id]
        if key is not None:
            fragments[key].add(row.fragment_id)
    values: dict[str, list[int]] = defaultdict(list)
    submissions: dict[str, set[int]] = defaultdict(set)
    for answer in answers:
        key = rollup[answer.code_key]
        if key is not None:
            values[key].append(answer.value)
            submissions[key].add(answer.submission_id)
    result = []
    for principle in principles:
        answered = values.get(principle.key, [])
        mean = round(sum(answered) / len(answered), 2) if answered else None
        evidence = fragments.get(principle.key, set())
        q_points, e_points, strength = _strength(
            mean=mean, evidence=len(evidence), fragment_total=fragment_total, parameters=parameters
        )
        result.append(
            PrincipleStrength(
                key=principle.key,
                label_nl=principle.label_nl,
                label_en=principle.label_en,
                year=year,
                questionnaire_mean=mean,
                questionnaire_count=len(answered),
                submission_ids=tuple(sorted(submissions.get(principle.key, ()))),
                fragment_count=len(evidence),
                fragment_share=percent(len(evidence), fragment_total),
                fragment_ids=tuple(sorted(evidence)),
                questionnaire_points=q_points,
                evidence_points=e_points,
                strength=strength,
            )
        )
    return tuple(result)


def _strength(
    *, mean: float | None, evidence: int, fragment_total: int, parameters: AnalysisParameters
) -> tuple[int | None, int, str]:
    """Questionnaire points, evidence points and the strength they give (see ``principle_strengths``)."""
    q_points = (
        None
        if mean is None
        else (
            2
            if mean >= parameters.questionnaire_strong
            else 1
            if mean >= parameters.questionnaire_medium
            else 0
        )
    )
    e_points = (
        2 if evidence >= parameters.evidence_strong else 1 if evidence >= parameters.evidence_medium else 0
    )
    if mean is None and fragment_total == 0:
        return q_points, e_points, UNKNOWN
    points = e_points if q_points is None else (q_points + e_points) / 2
    strength = (
        STRONG
        if points >= parameters.strength_strong
        else MEDIUM
        if points >= parameters.strength_medium
        else WEAK
    )
    return q_points, e_points, strength


# --- Who leads activities -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityLeadership:
    """Who initiated the activities of one neighbourhood-year: residents, professionals, or together."""

    year: int
    total: int
    residents: int
    professionals: int
    together: int
    resident_share: float | None  # percent of all activities, led by residents alone
    together_share: float | None
    professional_share: float | None
    resident_activity_ids: tuple[int, ...]
    professional_activity_ids: tuple[int, ...]
    together_activity_ids: tuple[int, ...]
    participant_total: int  # sum of the activities' participant counts (registered or not)


def activity_leadership(*, activities: Sequence[ActivityRow], year: int) -> ActivityLeadership:
    by: dict[str, list[int]] = {"residents": [], "professionals": [], "together": []}
    participants = 0
    for row in activities:
        by.setdefault(row.initiated_by, []).append(row.activity_id)
        participants += row.participant_count
    total = len(activities)
    return ActivityLeadership(
        year=year,
        total=total,
        residents=len(by["residents"]),
        professionals=len(by["professionals"]),
        together=len(by["together"]),
        resident_share=percent(len(by["residents"]), total),
        together_share=percent(len(by["together"]), total),
        professional_share=percent(len(by["professionals"]), total),
        resident_activity_ids=tuple(sorted(by["residents"])),
        professional_activity_ids=tuple(sorted(by["professionals"])),
        together_activity_ids=tuple(sorted(by["together"])),
        participant_total=participants,
    )


# --- Asset map ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AssetCategoryCount:
    category: str  # an Asset.Category value
    count: int
    share: float | None  # percent of all assets
    asset_ids: tuple[int, ...]

    @property
    def label(self) -> str:
        return str(Asset.Category(self.category).label)


@dataclass(frozen=True)
class AssetComposition:
    """The asset inventory up to and including a year (assets stay once recorded), by category.

    The study found a focus on people's talents over physical places: compare ``talent_share`` with
    ``place_share``.
    """

    year: int
    total: int
    categories: tuple[AssetCategoryCount, ...]  # every category, in the model's order, zeros included
    talent_count: int
    talent_share: float | None
    place_count: int
    place_share: float | None
    meeting_place_count: int
    meeting_place_ids: tuple[int, ...]
    asset_ids: tuple[int, ...]


def asset_composition(*, assets: Iterable[AssetRow], year: int) -> AssetComposition:
    by_category: dict[str, list[int]] = {value: [] for value in Asset.Category.values}
    meeting: list[int] = []
    for row in assets:
        if row.year > year:
            continue
        by_category.setdefault(row.category, []).append(row.asset_id)
        if row.is_meeting_place:
            meeting.append(row.asset_id)
    total = sum(len(ids) for ids in by_category.values())
    talents = sum(len(by_category[c]) for c in TALENT_CATEGORIES)
    places = len(by_category["place"])
    return AssetComposition(
        year=year,
        total=total,
        categories=tuple(
            AssetCategoryCount(
                category=c, count=len(ids), share=percent(len(ids), total), asset_ids=tuple(sorted(ids))
            )
            for c, ids in by_category.items()
        ),
        talent_count=talents,
        talent_share=percent(talents, total),
        place_count=places,
        place_share=percent(places, total),
        meeting_place_count=len(meeting),
        meeting_place_ids=tuple(sorted(meeting)),
        asset_ids=tuple(sorted(i for ids in by_category.values() for i in ids)),
    )


# --- Environment factors and stacking -----------------------------------------------------------------------


@dataclass(frozen=True)
class FactorTypeBalance(CodeLabelMixin):
    key: str  # factor.governance, factor.relational, factor.professional, factor.societal, factor.physical
    label_nl: str
    label_en: str
    helps: int
    hinders: int
    helps_observation_ids: tuple[int, ...]
    hinders_observation_ids: tuple[int, ...]
    balance: str  # helps / hinders / even / none

    @property
    def is_hindering(self) -> bool:
        return self.balance == HINDERS

    @property
    def balance_label(self) -> str:
        return str(BALANCE_LABELS[self.balance])


@dataclass(frozen=True)
class FactorBalance:
    """Helping against hindering environment factors per type, in one neighbourhood-year.

    A type is *hindering* when it has more hindering than helping observations. ``stacking`` is the study's
    *stapeling*: hindering types in at least ``stacking_threshold`` (default 3) of the five types at once.
    """

    year: int
    types: tuple[FactorTypeBalance, ...]
    hindering_types: tuple[str, ...]
    stacking: bool
    stacking_threshold: int
    observation_ids: tuple[int, ...]

    @property
    def hindering_count(self) -> int:
        return len(self.hindering_types)

    @property
    def hindering_observation_ids(self) -> tuple[int, ...]:
        return tuple(sorted(i for t in self.types if t.is_hindering for i in t.hinders_observation_ids))


def factor_balance(
    *,
    codebook: Codebook,
    factors: Iterable[FactorRow],
    year: int,
    parameters: AnalysisParameters = DEFAULT_PARAMETERS,
) -> FactorBalance:
    """Balance per factor type for one neighbourhood-year (pass only that neighbourhood's and year's rows)."""
    types = codebook.children("factor")
    rollup = codebook.rollup(t.key for t in types)
    helps: dict[str, list[int]] = defaultdict(list)
    hinders: dict[str, list[int]] = defaultdict(list)
    observations: list[int] = []
    for row in factors:
        key = rollup[row.code_id]
        if key is None:
            continue
        (hinders if row.direction == HINDERS else helps)[key].append(row.observation_id)
        observations.append(row.observation_id)
    rows = []
    for code in types:
        h, d = helps.get(code.key, []), hinders.get(code.key, [])
        balance = (
            NONE if not h and not d else HINDERS if len(d) > len(h) else HELPS if len(h) > len(d) else EVEN
        )
        rows.append(
            FactorTypeBalance(
                key=code.key,
                label_nl=code.label_nl,
                label_en=code.label_en,
                helps=len(h),
                hinders=len(d),
                helps_observation_ids=tuple(sorted(h)),
                hinders_observation_ids=tuple(sorted(d)),
                balance=balance,
            )
        )
    hindering = tuple(r.key for r in rows if r.balance == HINDERS)
    observations.sort()
    return FactorBalance(
        year=year,
        types=tuple(rows),
        hindering_types=hindering,
        stacking=len(hindering) >= parameters.stacking_types,
        stacking_threshold=parameters.stacking_types,
        observation_ids=tuple(observations),
    )


# --- The section for one neighbourhood ----------------------------------------------------------------------


@dataclass(frozen=True)
class AanpakResult:
    """Aanpak for one neighbourhood: the analysed year, and every loaded year up to it for trends."""

    year: int
    principles: tuple[PrincipleStrength, ...]  # the analysed year, one per principle
    principle_history: tuple[tuple[PrincipleStrength, ...], ...]  # per loaded year ≤ year, oldest first
    leadership: ActivityLeadership
    leadership_history: tuple[ActivityLeadership, ...]
    assets: AssetComposition
    factors: FactorBalance
    factor_history: tuple[FactorBalance, ...]


def analyse_aanpak(
    data: AnalysisData, *, year: int, parameters: AnalysisParameters = DEFAULT_PARAMETERS
) -> AanpakResult:
    """The Aanpak section for the ONE neighbourhood in ``data`` (see ``split_by_neighbourhood``)."""
    years = [y for y in sorted({*data.years, year}) if y <= year]
    codings = rows_by_year(data.codings)
    answers = rows_by_year(data.scale_answers)
    activities = rows_by_year(data.activities)
    factors = rows_by_year(data.factors)
    fragment_totals: dict[int, int] = defaultdict(int)
    for group in data.fragment_groups:
        fragment_totals[group.year] += group.fragment_count
    principle_history = tuple(
        principle_strengths(
            codebook=data.codebook,
            codings=codings.get(y, ()),
            answers=answers.get(y, ()),
            fragment_total=fragment_totals.get(y, 0),
            year=y,
            parameters=parameters,
        )
        for y in years
    )
    leadership_history = tuple(activity_leadership(activities=activities.get(y, []), year=y) for y in years)
    factor_history = tuple(
        factor_balance(codebook=data.codebook, factors=factors.get(y, ()), year=y, parameters=parameters)
        for y in years
    )
    return AanpakResult(
        year=year,
        principles=principle_history[-1],
        principle_history=principle_history,
        leadership=leadership_history[-1],
        leadership_history=leadership_history,
        assets=asset_composition(assets=data.assets, year=year),
        factors=factor_history[-1],
        factor_history=factor_history,
    )
