"""The thresholds of the analyses, in one place, so a report can say exactly what a label means."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AnalysisParameters:
    # ABCD principle strength (see aanpak.principle_strengths). A source only counts with enough behind it:
    questionnaire_min_answers: int = 5  # fewer answers: their mean is shown with its n, never judged
    questionnaire_strong: float = 4.0  # mean answer (1–5) at or above this: the questionnaire says strong
    questionnaire_medium: float = 3.0  # below this: the questionnaire says weak
    evidence_strong: int = 3  # coded fragments at or above this: the fragments say strong
    # Environment factors: stacking when this many types have at least one hindering observation (helping
    # observations are shown beside them, never subtracted) in one neighbourhood and year.
    stacking_types: int = 3
    # Inclusion: a group is under- or over-represented when the whole 95% (Wilson) interval of its share
    # among participants lies more than this many points below (above) its share among inhabitants ...
    inclusion_gap_points: float = 5.0
    inclusion_min_known: int = 30  # ... and at least this many participants' value is known in the dimension
    inclusion_z: float = 1.96  # the interval: 1.96 gives 95%
    # Network concentration: the share of roles carried by the top fraction and by the top N persons.
    top_fraction: float = 0.10
    top_persons: int = 5
    # Risk signals.
    funding_ends_within_years: int = 1  # the last funding ends this many years after the year, or sooner
    professional_led_share: float = 50.0  # activities led by professionals above this percentage
    roles_concentrated_share: float = 50.0  # the top fraction carries at least this percentage of the roles,
    roles_concentrated_min_persons: int = 10  # ... among at least this many residents (fewer say little)


DEFAULT_PARAMETERS = AnalysisParameters()
