"""Right of access (AVG art. 15): everything recorded about one person, as one file.

Like erasure (``privacy.erasure``), privacy cannot know every table that holds a person: each app registers a
*collector* in its ``AppConfig.ready()`` (``register_collector(fn)``). A collector gets the ``Person`` and returns
its app's records of them as plain lists of dicts (``{"fragments": [...]}``); ``person_data`` adds the person
record and their consents (every one, in order) and the date of the export. Other people appear only by their
role, never by their pseudonym: their data are not this person's to receive.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone

from krachtvansamen.people.models import Person

Collector = Callable[[Person], dict[str, list[dict[str, Any]]]]

_collectors: list[Collector] = []


def register_collector(fn: Collector) -> Collector:
    if fn not in _collectors:
        _collectors.append(fn)
    return fn


def collectors() -> list[Collector]:
    return list(_collectors)


def person_data(person: Person) -> dict[str, Any]:
    """What is recorded about ``person``, everywhere, JSON-ready (dates as ISO text)."""
    data: dict[str, Any] = {
        "export": {"made_at": timezone.now().isoformat(), "about": "AVG art. 15: gegevens over één persoon"},
        "person": {
            "pseudonym": person.pseudonym,
            "neighbourhood": person.neighbourhood.name,
            "role": person.role,
            "age_group": person.age_band,
            "origin": person.origin,
            "gender": person.gender,
            "recorded_at": person.created_at.isoformat(),
        },
        "consents": [
            {
                "for": c.scope,
                "given": c.given,
                "level": c.level,
                "how_asked": c.method,
                "recorded_at": c.recorded_at.isoformat(),
            }
            for c in person.consents.order_by("recorded_at", "pk")
        ],  # fmt: skip
    }
    for collect in collectors():
        for kind, rows in collect(person).items():
            data.setdefault(kind, []).extend(rows)
    return data
