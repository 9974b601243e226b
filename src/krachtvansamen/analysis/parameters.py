"""The thresholds of the analyses, in one place, so a report can say exactly what a label means."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AnalysisParameters:
    # ABCD principle strength (see aanpak.principle_strengths): points per source, then their mean.
    questionnaire_strong: float = 4.0  # mean answer (1–5) at or above this: 2 points
    questionnaire_medium: float = 3.0  # at or above this: 1 point; below: 0
    evidence_strong: int = 3  # coded fragments at or above this: 2 points
    evidence_medium: int = 1  # at or above this: 1 point; none: 0
    strength_strong: float = 1.5  # mean points at or above this: strong
    strength_medium: float = 0.75  # at or above this: medium; below: weak
    # Environment factors: stacking when this many types hinder in one neighbourhood and year.
    stacking_types: int = 3
    # Inclusion: a group is under- or over-represented when its share differs by more than this (points).
    inclusion_gap_points: float = 5.0
    # Network concentration: the share of roles carried by the top fraction and by the top N persons.
    top_fraction: float = 0.10
    top_persons: int = 5
    # Risk signals.
    funding_ends_within_years: int = 1  # the last funding ends this many years after the year, or sooner
    professional_led_share: float = 50.0  # activities led by professionals above this percentage
    roles_concentrated_share: float = 50.0  # the top fraction carries at least this percentage of the roles,
    roles_concentrated_min_persons: int = 10  # ... among at least this many residents (fewer say little)


DEFAULT_PARAMETERS = AnalysisParameters()
