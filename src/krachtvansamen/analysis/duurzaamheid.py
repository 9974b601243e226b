"""Duurzaamheid (sustainability): structures present, funding horizon, continuity, risk signals.

Pure functions over rows of ``analysis.rows``; no database access. ``risk_signals`` also reads results of
the Aanpak and Verandering sections (stacking, who leads activities, how concentrated roles are).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from krachtvansamen.analysis.aanpak import ActivityLeadership, FactorBalance
from krachtvansamen.analysis.data import AnalysisData, Codebook
from krachtvansamen.analysis.labels import CodeLabelMixin
from krachtvansamen.analysis.network import RoleConcentration
from krachtvansamen.analysis.parameters import DEFAULT_PARAMETERS, AnalysisParameters
from krachtvansamen.analysis.rows import (
    ActivityRow,
    FragmentGroupRow,
    FundingRow,
    PersonRow,
    RelationRow,
    SustainabilityRow,
)

HORIZONTAL, VERTICAL = "sustainability.horizontal", "sustainability.vertical"
PRESENT, PARTLY, ABSENT, UNKNOWN = "present", "partly", "absent", "unknown"
STATUS_LABELS = {
    PRESENT: _("present"),
    PARTLY: _("partly present"),
    ABSENT: _("absent"),
    UNKNOWN: _("not assessed"),
}
COMMUNITY_BUILDER = "community_builder"


# --- Structures ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StructureStatus(CodeLabelMixin):
    key: str  # sustainability.horizontal.networks ...
    label_nl: str
    label_en: str
    dimension: str  # sustainability.horizontal / sustainability.vertical
    status: str  # present / partly / absent / unknown (not assessed that year)
    assessment_id: int | None

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


@dataclass(frozen=True)
class Structures:
    year: int
    horizontal: tuple[StructureStatus, ...]
    vertical: tuple[StructureStatus, ...]

    @property
    def horizontal_present(self) -> int:
        return sum(1 for s in self.horizontal if s.status == PRESENT)

    @property
    def vertical_present(self) -> int:
        return sum(1 for s in self.vertical if s.status == PRESENT)

    @property
    def assessment_ids(self) -> tuple[int, ...]:
        return tuple(sorted(s.assessment_id for s in (*self.horizontal, *self.vertical) if s.assessment_id))


def structures(*, codebook: Codebook, assessments: Iterable[SustainabilityRow], year: int) -> Structures:
    """Status of every horizontal and vertical structure of the codebook in one neighbourhood-year."""
    found = {codebook.key_of(row.code_id): row for row in assessments if row.year == year}

    def statuses(dimension: str) -> tuple[StructureStatus, ...]:
        out = []
        for code in codebook.children(dimension):
            row = found.get(code.key)
            out.append(
                StructureStatus(
                    key=code.key,
                    label_nl=code.label_nl,
                    label_en=code.label_en,
                    dimension=dimension,
                    status=row.status if row else UNKNOWN,
                    assessment_id=row.assessment_id if row else None,
                )
            )
        return tuple(out)

    return Structures(year=year, horizontal=statuses(HORIZONTAL), vertical=statuses(VERTICAL))


# --- Funding horizon ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FundingLine:
    funding_id: int
    funder_id: int
    funder_name: str  # an organisation, not a person
    start_year: int
    end_year: int
    years_left: int  # funded years after the analysed year (0: this is the last year)


@dataclass(frozen=True)
class FundingHorizon:
    """Funding that runs in or after the analysed year, per funder; the horizon is the furthest end."""

    year: int
    lines: tuple[FundingLine, ...]  # one per funding, furthest end first
    horizon_years: (
        int | None
    )  # the most years left of any funding; None when nothing runs in or after the year
    last_year: int | None
    funding_ids: tuple[int, ...]


def funding_horizon(*, fundings: Iterable[FundingRow], year: int) -> FundingHorizon:
    lines = sorted(
        (
            FundingLine(
                funding_id=f.funding_id,
                funder_id=f.funder_id,
                funder_name=f.funder_name,
                start_year=f.start_year,
                end_year=f.end_year,
                years_left=f.end_year - year,
            )
            for f in fundings
            if f.end_year >= year
        ),
        key=lambda line: (-line.end_year, line.funder_name, line.funding_id),
    )
    return FundingHorizon(
        year=year,
        lines=tuple(lines),
        horizon_years=lines[0].years_left if lines else None,
        last_year=lines[0].end_year if lines else None,
        funding_ids=tuple(sorted(line.funding_id for line in lines)),
    )


# --- Continuity of the community builder --------------------------------------------------------------------

FIRST, SAME, CHANGED, PARTLY_CHANGED, STARTED, NONE = (
    "first",
    "same",
    "changed",
    "partly_changed",
    "started",
    "none",
)
CONTINUITY_LABELS = {
    FIRST: _("first year recorded"),
    SAME: _("same community builder"),
    CHANGED: _("other community builder"),
    PARTLY_CHANGED: _("partly other community builders"),
    STARTED: _("community builder started"),
    NONE: _("no community builder active"),
}


@dataclass(frozen=True)
class ContinuityYear:
    """Which community builders were active in a year, compared with the year before.

    Active = a person with the role community builder who spoke in a fragment, initiated an activity, or is
    an end or the *haakje* of a relation that year. (Memberships carry no years, so they cannot show a
    change over time.)
    """

    year: int
    person_ids: tuple[int, ...]
    status: str  # first / same / changed / partly_changed / started / none

    @property
    def status_label(self) -> str:
        return str(CONTINUITY_LABELS[self.status])


def continuity(
    *,
    persons: Mapping[int, PersonRow],
    fragment_groups: Iterable[FragmentGroupRow],
    activities: Iterable[ActivityRow],
    relations: Iterable[RelationRow],
    years: Sequence[int],
) -> tuple[ContinuityYear, ...]:
    active: dict[int, set[int]] = defaultdict(set)
    get = persons.get
    # Inlined rather than a helper per person reference: this runs for every row of every neighbourhood.
    for group in fragment_groups:
        if (
            (pid := group.speaker_id) is not None
            and (p := get(pid)) is not None
            and p.role == COMMUNITY_BUILDER
        ):
            active[group.year].add(pid)
    for activity in activities:
        pid = activity.initiator_person_id
        if pid is not None and (p := get(pid)) is not None and p.role == COMMUNITY_BUILDER:
            active[activity.year].add(pid)
    for relation in relations:
        for pid in (relation.source_person_id, relation.target_person_id, relation.hook_person_id):
            if pid is not None and (p := get(pid)) is not None and p.role == COMMUNITY_BUILDER:
                active[relation.year].add(pid)
    out: list[ContinuityYear] = []
    for year in years:
        now = active.get(year, set())
        before = set(out[-1].person_ids) if out else None
        if not now:
            status = NONE
        elif before is None:
            status = FIRST
        elif not before:
            status = STARTED
        elif now == before:
            status = SAME
        elif now & before:
            status = PARTLY_CHANGED
        else:
            status = CHANGED
        out.append(ContinuityYear(year=year, person_ids=tuple(sorted(now)), status=status))
    return tuple(out)


# --- Risk signals -------------------------------------------------------------------------------------------


RISK_TITLES = {
    "no_funding": _("No funding"),
    "funding_ends": _("Funding ends soon"),
    "no_vertical_structure": _("No vertical structure"),
    "factors_stack": _("Hindering factors stack up"),
    "community_builder_changed": _("Community builder changed"),
    "no_community_builder": _("No community builder"),
    "professional_led": _("Activities mostly led by professionals"),
    "roles_concentrated": _("Roles carried by a small group"),
}


@dataclass(frozen=True)
class RiskSignal:
    """A reason to worry about whether the work lasts, with the records it rests on."""

    key: str  # no_funding, funding_ends, no_vertical_structure, factors_stack, community_builder_changed,
    # no_community_builder, professional_led, roles_concentrated
    message: str | Promise  # a lazy translated text
    evidence_kind: str  # funding / sustainability_assessment / factor_observation / person / activity
    evidence_ids: tuple[int, ...]

    @property
    def title(self) -> str:
        return str(RISK_TITLES[self.key])


def risk_signals(
    *,
    year: int,
    funding: FundingHorizon,
    structures: Structures,
    factors: FactorBalance | None,
    continuity: Sequence[ContinuityYear],
    leadership: ActivityLeadership | None,
    concentration: RoleConcentration | None,
    parameters: AnalysisParameters = DEFAULT_PARAMETERS,
) -> tuple[RiskSignal, ...]:
    """The risk signals of one neighbourhood-year, each with a key, a message and its evidence.

    - ``no_funding``: no funding runs in or after the year;
    - ``funding_ends``: all funding ends within ``funding_ends_within_years`` (default 1) after the year;
    - ``no_vertical_structure``: vertical structures were assessed and not one (policy, funding,
      procedures, fixed contacts, shared vision) is present — the study: horizontal strength without
      vertical support is fragile;
    - ``factors_stack``: hindering environment factors stack (see ``FactorBalance``);
    - ``community_builder_changed`` / ``no_community_builder``: from the continuity of the year;
    - ``professional_led``: more than ``professional_led_share`` (default 50) percent of the activities
      are led by professionals alone;
    - ``roles_concentrated``: the top 10% of the residents who took part (at least 10 of them) carry at
      least half of the roles — the study: a small group of active residents carries most roles.
    """
    signals = [
        *_funding_risks(funding, parameters),
        *_structure_risks(structures),
        *_factor_risks(factors),
        *_continuity_risks(year, continuity),
        *_leadership_risks(leadership, parameters),
        *_concentration_risks(concentration, parameters),
    ]
    return tuple(signals)


def _funding_risks(funding: FundingHorizon, parameters: AnalysisParameters) -> list[RiskSignal]:
    if funding.horizon_years is None:
        return [RiskSignal("no_funding", _("No funding is recorded for this year or later."), "funding", ())]
    if funding.horizon_years <= parameters.funding_ends_within_years:
        return [
            RiskSignal(
                "funding_ends",
                format_lazy(_("All recorded funding ends in {year} at the latest."), year=funding.last_year),
                "funding",
                funding.funding_ids,
            )
        ]
    return []


def _structure_risks(structures: Structures) -> list[RiskSignal]:
    # Only when the vertical structures were assessed at all: a blank year says nothing.
    if any(s.status != UNKNOWN for s in structures.vertical) and structures.vertical_present == 0:
        return [
            RiskSignal(
                "no_vertical_structure",
                _("No vertical structure (policy, funding, procedures) is fully in place."),
                "sustainability_assessment",
                tuple(sorted(s.assessment_id for s in structures.vertical if s.assessment_id)),
            )
        ]
    return []


def _factor_risks(factors: FactorBalance | None) -> list[RiskSignal]:
    if factors is None or not factors.stacking:
        return []
    return [
        RiskSignal(
            "factors_stack",
            format_lazy(
                _("Hindering factors stack up: {count} of {total} types have hindering factors."),
                count=factors.hindering_count,
                total=len(factors.types),
            ),
            "factor_observation",
            factors.hindering_observation_ids,
        )
    ]


def _continuity_risks(year: int, continuity: Sequence[ContinuityYear]) -> list[RiskSignal]:
    current = next((c for c in continuity if c.year == year), None)
    previous = next((c for c in reversed(continuity) if c.year < year), None)
    if current is not None and current.status == CHANGED:
        return [
            RiskSignal(
                "community_builder_changed",
                _("Another community builder is active than the year before."),
                "person",
                tuple(sorted({*current.person_ids, *(previous.person_ids if previous else ())})),
            )
        ]
    if current is not None and current.status == NONE and previous is not None and previous.person_ids:
        return [
            RiskSignal(
                "no_community_builder",
                _("No community builder was active this year, while there was one before."),
                "person",
                previous.person_ids,
            )
        ]
    return []


def _leadership_risks(
    leadership: ActivityLeadership | None, parameters: AnalysisParameters
) -> list[RiskSignal]:
    if leadership is None or (leadership.professional_share or 0) <= parameters.professional_led_share:
        return []
    return [
        RiskSignal(
            "professional_led",
            format_lazy(
                _("Professionals lead {share} percent of the activities."),
                share=leadership.professional_share,
            ),
            "activity",
            leadership.professional_activity_ids,
        )
    ]


def _concentration_risks(
    concentration: RoleConcentration | None, parameters: AnalysisParameters
) -> list[RiskSignal]:
    if (
        concentration is None
        or concentration.persons < parameters.roles_concentrated_min_persons
        or (concentration.top_share or 0) < parameters.roles_concentrated_share
    ):
        return []
    return [
        RiskSignal(
            "roles_concentrated",
            format_lazy(
                _("A small group carries most roles: {top} of {persons} residents carry {share} percent."),
                top=concentration.top_count,
                persons=concentration.persons,
                share=concentration.top_share,
            ),
            "person",
            concentration.top_person_ids,
        )
    ]


# --- The section for one neighbourhood ----------------------------------------------------------------------


@dataclass(frozen=True)
class DuurzaamheidResult:
    year: int
    structures: Structures  # the analysed year
    structure_history: tuple[Structures, ...]  # every loaded year up to it
    funding: FundingHorizon
    continuity: tuple[ContinuityYear, ...]
    risks: tuple[RiskSignal, ...]


def analyse_duurzaamheid(
    data: AnalysisData,
    *,
    year: int,
    factors: FactorBalance | None = None,
    leadership: ActivityLeadership | None = None,
    concentration: RoleConcentration | None = None,
    parameters: AnalysisParameters = DEFAULT_PARAMETERS,
) -> DuurzaamheidResult:
    """The Duurzaamheid section for the ONE neighbourhood in ``data``; pass the Aanpak/Verandering results
    whose figures feed the risk signals."""
    years = tuple(y for y in sorted({*data.years, year}) if y <= year)
    history = tuple(
        structures(codebook=data.codebook, assessments=data.sustainability, year=y) for y in years
    )
    horizon = funding_horizon(fundings=data.fundings, year=year)
    continuity_years = continuity(
        persons=data.persons,
        fragment_groups=data.fragment_groups,
        activities=data.activities,
        relations=data.relations,
        years=years,
    )
    return DuurzaamheidResult(
        year=year,
        structures=history[-1],
        structure_history=history,
        funding=horizon,
        continuity=continuity_years,
        risks=risk_signals(
            year=year,
            funding=horizon,
            structures=history[-1],
            factors=factors,
            continuity=continuity_years,
            leadership=leadership,
            concentration=concentration,
            parameters=parameters,
        ),
    )
