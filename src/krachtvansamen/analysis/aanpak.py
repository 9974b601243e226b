"""Aanpak (approach): how the ABCD principles show, who leads activities, the asset map, environment factors.

Pure functions over rows of ``analysis.rows``; no database access. Each function expects the rows of one
neighbourhood (and, where it says so, one year); ``analyse_aanpak`` does that grouping for one neighbourhood.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from krachtvansamen.analysis.data import AnalysisData, Codebook
from krachtvansamen.analysis.figures import percent, rows_by_year
from krachtvansamen.analysis.labels import CodeLabelMixin
from krachtvansamen.analysis.parameters import DEFAULT_PARAMETERS, AnalysisParameters
from krachtvansamen.analysis.rows import ActivityRow, AssetRow, CodingRow, FactorRow, ScaleAnswerRow
from krachtvansamen.assets.models import Asset

STRONG, MEDIUM, WEAK, UNKNOWN = "strong", "medium", "weak", "unknown"
# UNKNOWN: too little evidence for a verdict (never read as weak).
STRENGTH_LABELS = {STRONG: _("strong"), MEDIUM: _("medium"), WEAK: _("weak"), UNKNOWN: _("too little data")}
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
    """How strongly one ABCD principle shows in one neighbourhood and year, and on what it rests (its n)."""

    key: str
    label_nl: str
    label_en: str
    year: int
    questionnaire_mean: float | None  # mean of the 1–5 answers; None without answers (shown, with its n)
    questionnaire_count: int  # n: the answers behind the mean
    submission_ids: tuple[int, ...]
    fragment_count: int  # distinct fragments coded with the principle (or a user's code under it)
    fragment_share: float | None  # percent of all fragments of the neighbourhood and year
    fragment_ids: tuple[int, ...]
    strength: str  # strong / medium / weak / unknown (too little data)
    questionnaire_min_answers: int = DEFAULT_PARAMETERS.questionnaire_min_answers
    evidence_strong: int = DEFAULT_PARAMETERS.evidence_strong

    @property
    def strength_label(self) -> str:
        return str(STRENGTH_LABELS[self.strength])

    @property
    def questionnaire_counts(self) -> bool:
        """Enough answers for their mean to count towards the verdict."""
        return self.questionnaire_count >= self.questionnaire_min_answers


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

    Two sources; each counts only with enough behind it (see ``_strength``):

    - questionnaire: the mean of the 1–5 scale answers linked to the principle's code, only when at least
      ``questionnaire_min_answers`` (5) answers are there; fewer: the mean is kept, with its n, but not judged;
    - coded evidence: distinct fragments coded with the principle; at least ``evidence_strong`` (3) show it.

    A principle is never *weak* for lack of data: with too little evidence it is *unknown* ("too little data").
    ``fragment_total`` is kept for the share of fragments.
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
                strength=_strength(
                    mean=mean, answers=len(answered), evidence=len(evidence), parameters=parameters
                ),
                questionnaire_min_answers=parameters.questionnaire_min_answers,
                evidence_strong=parameters.evidence_strong,
            )
        )
    return tuple(result)


def _strength(*, mean: float | None, answers: int, evidence: int, parameters: AnalysisParameters) -> str:
    """The verdict on one principle, from what is known — never from what is missing.

    - *unknown* (too little data): fewer than ``questionnaire_min_answers`` answers and fewer than
      ``evidence_strong`` fragments;
    - *strong*: at least ``evidence_strong`` fragments, and — when there are enough answers — a mean of at
      least ``questionnaire_strong``;
    - *weak*: enough answers with a mean below ``questionnaire_medium``, and fewer than ``evidence_strong``
      fragments (coded fragments show the principle; they never show its absence);
    - *medium*: the rest (enough answers with a middle mean, or the two sources disagree).
    """
    answered = mean is not None and answers >= parameters.questionnaire_min_answers
    shown = evidence >= parameters.evidence_strong
    if not answered and not shown:
        return UNKNOWN
    if shown and (not answered or (mean is not None and mean >= parameters.questionnaire_strong)):
        return STRONG
    if answered and not shown and mean is not None and mean < parameters.questionnaire_medium:
        return WEAK
    return MEDIUM


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


@dataclass
class LeadershipTally:
    """The activities of a year by who took the initiative: mergeable across neighbourhoods
    (``analysis.tally``)."""

    by: dict[str, list[int]] = field(
        default_factory=lambda: {"residents": [], "professionals": [], "together": []}
    )
    participants: int = 0
    total: int = 0


def leadership_tally(*, activities: Sequence[ActivityRow]) -> LeadershipTally:
    tally = LeadershipTally()
    for row in activities:
        tally.by.setdefault(row.initiated_by, []).append(row.activity_id)
        tally.participants += row.participant_count
    tally.total = len(activities)
    return tally


def activity_leadership(*, activities: Sequence[ActivityRow], year: int) -> ActivityLeadership:
    return activity_leadership_from(leadership_tally(activities=activities), year=year)


def activity_leadership_from(tally: LeadershipTally, *, year: int) -> ActivityLeadership:
    by, total = tally.by, tally.total
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
        participant_total=tally.participants,
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


@dataclass
class AssetTally:
    """The assets recorded up to a year, by category: mergeable across neighbourhoods (``analysis.tally``)."""

    by_category: dict[str, list[int]] = field(
        default_factory=lambda: {value: [] for value in Asset.Category.values}
    )
    meeting: list[int] = field(default_factory=list)


def asset_tally(*, assets: Iterable[AssetRow], year: int) -> AssetTally:
    tally = AssetTally()
    for row in assets:
        if row.year > year:
            continue
        tally.by_category.setdefault(row.category, []).append(row.asset_id)
        if row.is_meeting_place:
            tally.meeting.append(row.asset_id)
    return tally


def asset_composition(*, assets: Iterable[AssetRow], year: int) -> AssetComposition:
    return asset_composition_from(asset_tally(assets=assets, year=year), year=year)


def asset_composition_from(tally: AssetTally, *, year: int) -> AssetComposition:
    by_category, meeting = tally.by_category, tally.meeting
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
    balance: str  # helps / hinders / even / none: for display only, never a verdict

    @property
    def is_hindering(self) -> bool:
        """At least one hindering observation: helping ones are shown beside it, never subtracted."""
        return self.hinders > 0

    @property
    def balance_label(self) -> str:
        return str(BALANCE_LABELS[self.balance])


@dataclass(frozen=True)
class FactorBalance:
    """Helping and hindering environment factors per type, in one neighbourhood-year.

    A type is *hindering* when it has at least one hindering observation, however many helping ones there are
    (those are counted beside it, never netted against it). ``stacking`` is the study's *stapeling*:
    hindering factors in at least ``stacking_threshold`` (default 3) of the five types at once.
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
    hindering = tuple(r.key for r in rows if r.is_hindering)
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
