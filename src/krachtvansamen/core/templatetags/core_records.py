"""Display helpers for lists of records a person may change (the set is computed in the page's selector)."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def may_change(record: Any, changeable: set[tuple[str, int]]) -> bool:
    """{% if asset|may_change:changeable %}: whether this user may edit or delete the record."""
    return (type(record).__name__, record.pk) in changeable
