"""Small helpers shared by the analysis sections: shares in percent, grouping rows by year."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Protocol, TypeVar


class HasYear(Protocol):
    @property
    def year(self) -> int: ...


R = TypeVar("R", bound=HasYear)


def percent(part: float, whole: float) -> float | None:
    """A share in percent, one decimal; None when there is nothing to divide by."""
    return round(100 * part / whole, 1) if whole else None


def rows_by_year(rows: Iterable[R]) -> dict[int, list[R]]:
    """Group rows by their year, in one pass."""
    grouped: dict[int, list[R]] = defaultdict(list)
    for row in rows:
        grouped[row.year].append(row)
    return grouped
