"""Erasure of a person in assets: an asset tied to the person (their talent, their place) describes them,
so it goes; an activity they started or joined stays, without them (the participant count stays: it also
counts people who were never registered)."""

from __future__ import annotations

from krachtvansamen.assets.models import Activity, Asset
from krachtvansamen.neighbourhoods.data_versions import data_versions_bump_everything
from krachtvansamen.people.models import Person
from krachtvansamen.privacy.erasure import deleted_counts


def erase_person_assets(person: Person) -> dict[str, int]:
    counts = deleted_counts(Asset.objects.filter(person=person).delete())
    initiated = Activity.objects.filter(initiator_person=person).update(initiator_person=None)
    data_versions_bump_everything()  # update() sends no signal; the person's activities may lie anywhere
    if initiated:
        counts["assets.Activity (initiator unlinked)"] = initiated
    joined = Activity.participants.through.objects.filter(person=person).delete()[0]
    if joined:
        counts["assets.Activity (participation removed)"] = joined
    return counts
