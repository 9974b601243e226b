"""The network of one neighbourhood per year: relations, new ties, kinds of ties, what brought them about (the
*haakje*), and how concentrated the residents' roles are.

Pure functions over rows of ``analysis.rows``; no database access. Part of Verandering (change).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from krachtvansamen.analysis.figures import percent, rows_by_year
from krachtvansamen.analysis.parameters import DEFAULT_PARAMETERS, AnalysisParameters
from krachtvansamen.analysis.rows import ActivityRow, RelationRow
from krachtvansamen.network.models import Relation

CAPITAL_TYPES = ("bonding", "bridging", "linking")
HOOK_KINDS = ("activity", "place", "person", "none")
HOOK_LABELS = {
    "activity": _("an activity"),
    "place": _("a meeting place"),
    "person": _("a person"),
    "none": _("not recorded"),
}


@dataclass(frozen=True)
class RoleConcentration:
    """How concentrated the active roles are among the residents who took part.

    A role is an activity initiated, an end of a relation, or being the *haakje* of a relation. Everyone who
    took part that year counts (with zero roles too), so the figures say what the study saw: whether a small
    group carries most roles. ``gini`` is 0 when everyone carries as many roles, near 1 when one person
    carries all.
    """

    persons: int
    roles: int
    top_count: int  # the top fraction of persons (default 10%, at least 1)
    top_share: float | None  # percent of all roles carried by them
    top_persons_share: float | None  # percent carried by the top N persons (default 5)
    gini: float | None
    top_person_ids: tuple[int, ...]


def gini(values: Sequence[int]) -> float | None:
    """Gini coefficient of non-negative counts (0 = equal, towards 1 = one carries all); None if all zero."""
    total = sum(values)
    n = len(values)
    if not n or not total:
        return None
    weighted = sum(i * x for i, x in enumerate(sorted(values), start=1))
    return round(2 * weighted / (n * total) - (n + 1) / n, 3)


def role_concentration(
    *,
    role_counts: Mapping[int, int],
    participants: Collection[int],
    parameters: AnalysisParameters = DEFAULT_PARAMETERS,
) -> RoleConcentration:
    population = set(participants) | set(role_counts)
    counts = sorted(((role_counts.get(pid, 0), pid) for pid in population), key=lambda c: (-c[0], c[1]))
    roles = sum(c for c, _pid in counts)
    top_count = max(1, math.ceil(parameters.top_fraction * len(counts))) if counts else 0
    top = counts[:top_count]
    return RoleConcentration(
        persons=len(counts),
        roles=roles,
        top_count=top_count,
        top_share=percent(sum(c for c, _ in top), roles),
        top_persons_share=percent(sum(c for c, _ in counts[: parameters.top_persons]), roles),
        gini=gini([c for c, _ in counts]),
        top_person_ids=tuple(pid for c, pid in top if c),
    )


@dataclass(frozen=True)
class CapitalShare:
    capital_type: str  # bonding / bridging / linking
    count: int
    share: float | None
    relation_ids: tuple[int, ...]

    @property
    def label(self) -> str:
        return str(Relation.CapitalType(self.capital_type).label)


@dataclass(frozen=True)
class HookCount:
    kind: str  # activity / place / person / none: what led to the tie (the haakje)
    count: int
    relation_ids: tuple[int, ...]

    @property
    def label(self) -> str:
        return str(HOOK_LABELS[self.kind])


@dataclass(frozen=True)
class NetworkYear:
    """The network of one year.

    Relations are recorded per year, so the number of relations says as much about how much was recorded as
    about the network. A *new tie* is a relation marked new (``is_new``) between a pair not recorded in an
    earlier year; every other relation of the year is *recorded again* (a tie already there). Growth is the
    new ties only, never the difference in relations recorded.
    """

    year: int
    relations: int  # recorded this year: new ties plus ties recorded again
    relation_ids: tuple[int, ...]
    new_ties: int
    new_tie_ids: tuple[int, ...]
    # New ties (the growth of the network; None in the first year, when there is nothing to grow from).
    growth: int | None
    growth_percent: float | None  # new ties as a percentage of the distinct ties known before this year
    capital: tuple[CapitalShare, ...]  # bonding, bridging, linking
    hooks: tuple[HookCount, ...]
    persons_in_ties: int
    concentration: RoleConcentration
    recorded_again: int = 0  # ties already there (known earlier, or not marked new)
    recorded_again_ids: tuple[int, ...] = ()


def is_new_tie(relation: RelationRow, earlier_pairs: Collection[object]) -> bool:
    """New: marked new, and the pair was not recorded in an earlier year (a pair with an unknown end counts
    by its mark alone)."""
    pair = relation.pair
    return relation.is_new and (pair is None or pair not in earlier_pairs)


def resident_role_counts(
    *, relations: Iterable[RelationRow], activities: Iterable[ActivityRow], participants: Collection[int]
) -> dict[int, int]:
    """Roles per resident in one year (pass that year's rows): activities initiated, relation ends, haakjes.

    Only persons among ``participants`` count: a professional's roles are not residents' roles.
    """
    roles: dict[int, int] = defaultdict(int)
    for activity in activities:
        if activity.initiator_person_id is not None:
            roles[activity.initiator_person_id] += 1
    for r in relations:
        for person_id in (r.source_person_id, r.target_person_id, r.hook_person_id):
            if person_id is not None:
                roles[person_id] += 1
    return {pid: count for pid, count in roles.items() if pid in participants}


def network_years(
    *,
    relations: Iterable[RelationRow],
    activities: Iterable[ActivityRow],
    participants: Mapping[int, Collection[int]],
    years: Sequence[int],
    parameters: AnalysisParameters = DEFAULT_PARAMETERS,
) -> tuple[NetworkYear, ...]:
    """Network figures per year for ONE neighbourhood (new ties: against every earlier loaded year)."""
    relations = list(relations)
    relations_by_year = rows_by_year(relations)
    activities_by_year = rows_by_year(activities)
    out: list[NetworkYear] = []
    earlier_pairs: set[object] = set()
    for y in sorted(relations_by_year):  # pairs recorded before the first year analysed
        if years and y < years[0]:
            earlier_pairs.update(r.pair for r in relations_by_year[y] if r.pair is not None)
    for index, year in enumerate(years):
        rows = relations_by_year.get(year, [])
        again: list[int] = []
        capital: dict[str, list[int]] = {kind: [] for kind in CAPITAL_TYPES}
        hooks: dict[str, list[int]] = {kind: [] for kind in HOOK_KINDS}
        new: list[int] = []
        people: set[int] = set()
        for r in rows:
            capital.setdefault(r.capital_type, []).append(r.relation_id)
            hook = (
                "activity"
                if r.hook_activity_id is not None
                else "place"
                if r.hook_place_id is not None
                else "person"
                if r.hook_person_id is not None
                else "none"
            )
            hooks[hook].append(r.relation_id)
            (new if is_new_tie(r, earlier_pairs) else again).append(r.relation_id)
            people.update(p for p in (r.source_person_id, r.target_person_id) if p is not None)
        year_participants = participants.get(year, set())
        resident_roles = resident_role_counts(
            relations=rows, activities=activities_by_year.get(year, ()), participants=year_participants
        )
        total = len(rows)
        known_before = len(earlier_pairs)
        out.append(
            NetworkYear(
                year=year,
                relations=total,
                relation_ids=tuple(sorted(r.relation_id for r in rows)),
                new_ties=len(new),
                new_tie_ids=tuple(sorted(new)),
                growth=None if index == 0 else len(new),
                growth_percent=None if index == 0 else percent(len(new), known_before),
                capital=tuple(
                    CapitalShare(
                        capital_type=kind,
                        count=len(ids),
                        share=percent(len(ids), total),
                        relation_ids=tuple(sorted(ids)),
                    )
                    for kind, ids in capital.items()
                ),
                hooks=tuple(
                    HookCount(kind=kind, count=len(ids), relation_ids=tuple(sorted(ids)))
                    for kind, ids in hooks.items()
                ),
                persons_in_ties=len(people),
                concentration=role_concentration(
                    role_counts=resident_roles, participants=year_participants, parameters=parameters
                ),
                recorded_again=len(again),
                recorded_again_ids=tuple(sorted(again)),
            )
        )
        earlier_pairs.update(r.pair for r in rows if r.pair is not None)
    return tuple(out)
