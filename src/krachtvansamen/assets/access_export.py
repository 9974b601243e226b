"""Right of access in the asset inventory: a person's gifts, the activities they started or joined."""

from __future__ import annotations

from typing import Any

from krachtvansamen.assets.models import Activity, Asset
from krachtvansamen.people.models import Person


def collect_person_assets(person: Person) -> dict[str, list[dict[str, Any]]]:
    assets = Asset.objects.filter(person=person).order_by("year", "pk")
    started = Activity.objects.filter(initiator_person=person).order_by("year", "pk")
    joined = Activity.objects.filter(participants=person).order_by("year", "pk")
    return {
        "assets": [
            {"kind": a.category, "name": a.name, "description": a.description, "year": a.year} for a in assets
        ],
        "activities": [{"title": a.title, "year": a.year, "part": "started"} for a in started]
        + [{"title": a.title, "year": a.year, "part": "took part"} for a in joined],
    }
