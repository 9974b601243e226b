"""Inclusion: who takes part compared with who lives there (CBS), per age group, origin and gender; for one
neighbourhood, and added up over neighbourhoods.

Pure functions over rows of ``analysis.rows``; no database access. Part of Verandering (change).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext

from krachtvansamen.analysis.figures import percent
from krachtvansamen.analysis.parameters import DEFAULT_PARAMETERS, AnalysisParameters
from krachtvansamen.analysis.rows import CbsRow, PersonRow
from krachtvansamen.people.models import AgeBand, Gender, Origin

INCLUSION_DIMENSIONS: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    (
        "age",
        "age_band",
        (
            ("0-15", "age_0_15"),
            ("15-25", "age_15_25"),
            ("25-45", "age_25_45"),
            ("45-65", "age_45_65"),
            ("65+", "age_65_plus"),
        ),
    ),
    (
        "origin",
        "origin",
        (
            ("netherlands", "origin_netherlands"),
            ("europe", "origin_europe"),
            ("outside_europe", "origin_outside_europe"),
        ),
    ),
    ("gender", "gender", (("man", "men"), ("woman", "women"))),
)

# Groups no instrument reaches (children are not asked by any questionnaire, conversation or register): they
# are left out of the comparison, unless participants of that group were recorded in the neighbourhood.
NOT_ASKED: dict[str, tuple[str, ...]] = {"age": ("0-15",)}


@dataclass(frozen=True)
class InclusionGroup:
    dimension: str  # age / origin / gender
    key: str  # the Person field's value: "65+", "netherlands", "woman" ...
    participants: int
    participant_share: float | None  # percent of participants whose value is known
    inhabitants: int | None  # CBS; None when CBS keeps it secret or does not publish it
    inhabitant_share: float | None
    gap: float | None  # participant share minus inhabitant share, in percentage points
    under_represented: bool  # the whole interval lies more than the threshold below: "wie doet nog niet mee"
    over_represented: bool  # the whole interval lies more than the threshold above
    person_ids: tuple[int, ...]
    share_low: float | None = None  # the 95% (Wilson) interval of the participant share, in percent
    share_high: float | None = None
    asked: bool = True  # False: no instrument reaches this group here, so it is not compared

    @property
    def label(self) -> str:
        choices = {"age": AgeBand, "origin": Origin, "gender": Gender}[self.dimension]
        return str(choices(self.key).label)


@dataclass(frozen=True)
class InclusionDimension:
    key: str  # age / origin / gender
    groups: tuple[InclusionGroup, ...]
    known: int  # participants with a value CBS also counts
    unknown: int  # participants without a (consented) value: counted, never dropped
    unknown_person_ids: tuple[int, ...]
    other: int  # a value CBS does not count (gender "other"): shown, not compared
    other_person_ids: tuple[int, ...]
    neighbourhoods: int = 1  # how many neighbourhoods were compared (programme totals)
    min_known: int = 0  # fewer known participants than this: no group is called under- or over-represented

    @property
    def too_few(self) -> bool:
        """Too few known participants to conclude who takes part less or more."""
        return self.known < self.min_known

    @property
    def not_asked(self) -> tuple[InclusionGroup, ...]:
        return tuple(g for g in self.groups if not g.asked)

    @property
    def label(self) -> str:
        return {"age": gettext("age group"), "origin": gettext("origin"), "gender": gettext("gender")}[
            self.key
        ]


@dataclass(frozen=True)
class Inclusion:
    """Who takes part compared with who lives there (CBS), per dimension.

    Participant shares are over the participants whose value is known (the unknown are reported next to
    it), inhabitant shares over the CBS groups of that dimension (or over the population when CBS keeps
    one group secret), leaving out the groups no instrument reaches (``NOT_ASKED``). ``not_reached`` lists
    the groups whose whole 95% interval of the share among participants lies more than the threshold
    (default 5 points) below their share among inhabitants, in dimensions with at least ``min_known`` (30)
    known participants.
    """

    year: int
    cbs_year: int | None  # the CBS year used: the latest up to ``year``, else the earliest after it
    cbs_record_id: int | None
    participants: int
    person_ids: tuple[int, ...]
    dimensions: tuple[InclusionDimension, ...]
    threshold: float
    cbs_record_ids: tuple[
        int, ...
    ] = ()  # every CBS record compared with (programme totals: one per neighbourhood)

    @property
    def not_reached(self) -> tuple[InclusionGroup, ...]:
        return tuple(g for d in self.dimensions for g in d.groups if g.under_represented)

    @property
    def over_represented(self) -> tuple[InclusionGroup, ...]:
        return tuple(g for d in self.dimensions for g in d.groups if g.over_represented)

    @property
    def not_asked(self) -> tuple[InclusionGroup, ...]:
        return tuple(g for d in self.dimensions for g in d.not_asked)


def wilson_interval(count: int, total: int, z: float = 1.96) -> tuple[float, float] | None:
    """The Wilson score interval of the share ``count / total``, in percent (one decimal); None for no total."""
    if total <= 0:
        return None
    p = count / total
    denominator = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denominator
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denominator
    return round(max(0.0, centre - half) * 100, 1), round(min(1.0, centre + half) * 100, 1)


def cbs_for_year(rows: Sequence[CbsRow], year: int) -> CbsRow | None:
    """The CBS record for a year: that year, else the latest before it, else the earliest after it."""
    before = [r for r in rows if r.year <= year]
    if before:
        return max(before, key=lambda r: r.year)
    return min(rows, key=lambda r: r.year) if rows else None


def inclusion_groups(
    *,
    dimension: str,
    counts: Mapping[str, int],
    inhabitants: Mapping[str, int | None],
    population: int | None,
    person_ids: Mapping[str, Sequence[int]],
    threshold: float,
    parameters: AnalysisParameters = DEFAULT_PARAMETERS,
) -> tuple[InclusionGroup, ...]:
    """The comparison for one dimension, from counts (also used to add neighbourhoods up).

    A group of ``NOT_ASKED`` without participants is left out: no share, no verdict, and its inhabitants are
    left out of the other groups' shares. A verdict needs ``inclusion_min_known`` known participants and the
    whole 95% interval of the participant share beyond the threshold.
    """
    not_asked = {k for k in NOT_ASKED.get(dimension, ()) if k in counts and counts[k] == 0}
    known = sum(counts.values())
    asked_living = [v for k, v in inhabitants.items() if k not in not_asked]
    left_out = [inhabitants.get(k) for k in not_asked]
    if all(v is not None for v in asked_living):
        denominator: int | None = sum(v for v in asked_living if v is not None)
    elif population is not None and all(v is not None for v in left_out):
        denominator = population - sum(v for v in left_out if v is not None)
    else:
        denominator = None
    judged = known >= parameters.inclusion_min_known
    groups = []
    for key, count in counts.items():
        living = inhabitants.get(key)
        if key in not_asked:
            groups.append(
                InclusionGroup(
                    dimension=dimension, key=key, participants=0, participant_share=None, inhabitants=living,
                    inhabitant_share=None, gap=None, under_represented=False, over_represented=False,
                    person_ids=(), asked=False,
                )
            )  # fmt: skip
            continue
        share = percent(count, known)
        interval = wilson_interval(count, known, parameters.inclusion_z)
        living_share = percent(living, denominator) if living is not None and denominator else None
        gap = round(share - living_share, 1) if share is not None and living_share is not None else None
        low, high = interval if interval else (None, None)
        under = over = False
        if judged and living_share is not None and low is not None and high is not None:
            under, over = high < living_share - threshold, low > living_share + threshold
        groups.append(
            InclusionGroup(
                dimension=dimension,
                key=key,
                participants=count,
                participant_share=share,
                inhabitants=living,
                inhabitant_share=living_share,
                gap=gap,
                under_represented=under,
                over_represented=over,
                person_ids=tuple(sorted(person_ids.get(key, ()))),
                share_low=low,
                share_high=high,
            )
        )
    return tuple(groups)


def inclusion(
    *,
    participant_ids: Collection[int],
    persons: Mapping[int, PersonRow],
    cbs: CbsRow | None,
    year: int,
    parameters: AnalysisParameters = DEFAULT_PARAMETERS,
) -> Inclusion:
    dimensions = []
    for dimension, person_field, groups in INCLUSION_DIMENSIONS:
        ids: dict[str, list[int]] = {value: [] for value, _cbs_field in groups}
        unknown: list[int] = []
        other: list[int] = []
        for pid in participant_ids:
            person = persons.get(pid)
            value = getattr(person, person_field) if person is not None else ""
            if not value:
                unknown.append(pid)
            elif value in ids:
                ids[value].append(pid)
            else:
                other.append(pid)
        dimensions.append(
            InclusionDimension(
                key=dimension,
                groups=inclusion_groups(
                    dimension=dimension,
                    counts={value: len(found) for value, found in ids.items()},
                    inhabitants={
                        value: getattr(cbs, cbs_field) if cbs else None for value, cbs_field in groups
                    },
                    population=cbs.population if cbs else None,
                    person_ids=ids,
                    threshold=parameters.inclusion_gap_points,
                    parameters=parameters,
                ),
                known=sum(len(found) for found in ids.values()),
                unknown=len(unknown),
                unknown_person_ids=tuple(sorted(unknown)),
                other=len(other),
                other_person_ids=tuple(sorted(other)),
                min_known=parameters.inclusion_min_known,
            )
        )
    return Inclusion(
        year=year,
        cbs_year=cbs.year if cbs else None,
        cbs_record_id=cbs.record_id if cbs else None,
        participants=len(participant_ids),
        person_ids=tuple(sorted(participant_ids)),
        dimensions=tuple(dimensions),
        threshold=parameters.inclusion_gap_points,
        cbs_record_ids=(cbs.record_id,) if cbs else (),
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
                    parameters=parameters,
                ),
                known=sum(counts.values()),
                unknown=len(unknown),
                unknown_person_ids=tuple(sorted(unknown)),
                other=len(other),
                other_person_ids=tuple(sorted(other)),
                neighbourhoods=compared,
                min_known=parameters.inclusion_min_known,
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
