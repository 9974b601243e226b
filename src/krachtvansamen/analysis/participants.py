"""Who took part: ONE definition of the participants of a neighbourhood and year, for every page and report.

*Participants* are the distinct residents who took part that year: the speakers of fragments (any
instrument), the registered participants and the initiators of activities, both ends of relations and the
persons who were the *haakje* of a relation. Community builders and professionals run the work and are left
out. This is what the Buurtbeeld, the Financiersrapport and the neighbourhood page show as "took part".

*Attendances* (``bezoeken``) are something else: the sum of the participant counts recorded on activities; one
resident who comes ten times counts ten times. Never show them as participants.

``participants_by_year`` is pure; ``participants_in_year`` and ``attendances_in_year`` read the few rows they
need through ``analysis.data``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from krachtvansamen.analysis.data import load_participation
from krachtvansamen.analysis.rows import (
    ActivityParticipantRow,
    ActivityRow,
    FragmentGroupRow,
    PersonRow,
    RelationRow,
)

# Persons in these roles are the professionals around the work, not the residents who take part.
PROFESSIONAL_ROLES = frozenset({"community_builder", "professional"})


def participants_by_year(
    *,
    persons: Mapping[int, PersonRow],
    fragment_groups: Iterable[FragmentGroupRow],
    activities: Iterable[ActivityRow],
    activity_participants: Iterable[ActivityParticipantRow],
    relations: Iterable[RelationRow],
) -> dict[int, set[int]]:
    """Residents who took part, per year (see the module's definition).

    A person not in ``persons`` (not loaded) is kept: taking part is recorded, the demographics are unknown.
    """
    found: dict[int, set[int]] = defaultdict(set)
    for group in fragment_groups:
        if group.speaker_id is not None:
            found[group.year].add(group.speaker_id)
    for activity in activities:
        if activity.initiator_person_id is not None:
            found[activity.year].add(activity.initiator_person_id)
    for participant in activity_participants:
        found[participant.year].add(participant.person_id)
    for relation in relations:
        ids = found[relation.year]
        for person_id in (relation.source_person_id, relation.target_person_id, relation.hook_person_id):
            if person_id is not None:
                ids.add(person_id)
    for ids in found.values():
        ids.difference_update(
            [pid for pid in ids if (p := persons.get(pid)) is not None and p.role in PROFESSIONAL_ROLES]
        )
    return found


def attendances(activities: Iterable[ActivityRow]) -> int:
    """Attendances (bezoeken): the participant counts recorded on activities, added up."""
    return sum(activity.participant_count for activity in activities)


def participants_in_year(*, neighbourhood_id: int, year: int) -> set[int]:
    """The participants of one neighbourhood and year, read from the database (for pages that do not run the
    whole analysis, such as the neighbourhood page)."""
    data = load_participation(neighbourhood_id=neighbourhood_id, year=year)
    return participants_by_year(
        persons=data.persons,
        fragment_groups=data.fragment_groups,
        activities=data.activities,
        activity_participants=data.activity_participants,
        relations=data.relations,
    ).get(year, set())
