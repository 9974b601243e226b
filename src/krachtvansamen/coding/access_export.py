"""Right of access in coding: the fragments a person spoke, with the codes analyses count for them."""

from __future__ import annotations

from typing import Any

from krachtvansamen.coding.models import Fragment
from krachtvansamen.coding.selectors import codings_counted
from krachtvansamen.people.models import Person


def collect_person_fragments(person: Person) -> dict[str, list[dict[str, Any]]]:
    fragments = Fragment.objects.filter(speaker=person).order_by("year", "pk")
    codes: dict[int, set[str]] = {}
    for fragment_id, key in (
        codings_counted().filter(fragment__in=fragments).values_list("fragment_id", "code__key")
    ):
        codes.setdefault(fragment_id, set()).add(key)
    return {
        "fragments": [
            {
                "year": f.year,
                "instrument": f.instrument,
                "text": f.text,
                "quote_consent": f.consent_level,
                "special_category": f.special_category,
                "codes": sorted(codes.get(f.pk, ())),
                "recorded_at": f.created_at.isoformat(),
            }
            for f in fragments
        ]  # fmt: skip
    }
