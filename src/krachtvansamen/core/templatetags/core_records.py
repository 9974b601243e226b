"""Display helpers for lists of records a person may change (the set is computed in the page's selector)."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def may_change(record: Any, changeable: set[tuple[str, int]]) -> bool:
    """{% if asset|may_change:changeable %}: whether this user may edit or delete the record."""
    return (type(record).__name__, record.pk) in changeable


@register.filter
def history_of(record: Any, changes: dict[tuple[str, int], list[Any]]) -> list[Any]:
    """{% include "core/_changes.html" with changes=asset|history_of:changes %}: the record's history, keyed
    as ``changeable`` is (see ``privacy.changes.changes_for_records``)."""
    return changes.get((type(record).__name__, record.pk), [])
