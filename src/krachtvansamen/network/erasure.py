"""Erasure of a person in the network: every tie to or from them goes; a tie they only brought about (the
haakje) stays between the two others, without them."""

from __future__ import annotations

from django.db.models import Q

from krachtvansamen.neighbourhoods.data_versions import data_versions_bump_everything
from krachtvansamen.network.models import Relation
from krachtvansamen.people.models import Person
from krachtvansamen.privacy.erasure import deleted_counts


def erase_person_relations(person: Person) -> dict[str, int]:
    counts = deleted_counts(
        Relation.objects.filter(Q(source_person=person) | Q(target_person=person)).delete()
    )
    unlinked = Relation.objects.filter(hook_person=person).update(hook_person=None)
    data_versions_bump_everything()  # update() sends no signal; the person's relations may lie anywhere
    if unlinked:
        counts["network.Relation (haakje unlinked)"] = unlinked
    return counts
