"""Right of access in the network: the ties recorded with this person. The other side is named by its kind (a
person's role or an organisation's name), never by another person's pseudonym."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from krachtvansamen.network.models import Relation
from krachtvansamen.people.models import Person


def _other(person: Person | None, organisation: Any) -> str:
    if organisation is not None:
        return str(organisation.name)
    return f"person ({person.role})" if person is not None else ""


def collect_person_relations(person: Person) -> dict[str, list[dict[str, Any]]]:
    relations = (
        Relation.objects.filter(Q(source_person=person) | Q(target_person=person) | Q(hook_person=person))
        .select_related("source_person", "target_person", "source_organisation", "target_organisation")
        .order_by("year", "pk")
    )
    rows = []
    for r in relations:
        if r.source_person_id == person.pk:
            part, other = "from", _other(r.target_person, r.target_organisation)
        elif r.target_person_id == person.pk:
            part, other = "to", _other(r.source_person, r.source_organisation)
        else:
            part, other = "connected them (haakje)", ""
        rows.append(
            {"year": r.year, "kind_of_tie": r.capital_type, "part": part, "other_side": other, "note": r.note}
        )
    return {"relations": rows}
