"""Merging tallies: the counting half of an aggregate, done per group of neighbourhoods and put together.

A programme aggregate is built in two halves (``analysis.aggregate``): a *tally* — one pass over the rows
that only collects (ids per key, counts, sets) — and a *finish* that turns the tally into figures (shares,
sorted id lists, like-with-like changes). A tally of all neighbourhoods equals the merge of the tallies of
any split of them into groups, because every row belongs to exactly one neighbourhood. So worker processes
each tally their own neighbourhoods (``analysis.parallel``), and only the tallies travel back, never the
rows; the finish runs once, over the merged tally — the same code as for one process.

Merge rules, by type: dataclass → field by field; dict → key by key (keys of ``b`` not in ``a`` are added
in ``b``'s order); set → union; list → ``a`` then ``b`` (groups are merged in neighbourhood order, so a list
holds its rows in the order one process would have seen them); tuple → element by element; int → sum;
str and None → must be equal (a label, not a count).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any, TypeVar

T = TypeVar("T")


def merge(a: Any, b: Any) -> Any:
    """``b`` merged into ``a`` (``a`` is changed where it is mutable, and returned)."""
    if dataclasses.is_dataclass(a) and not isinstance(a, type):
        for f in dataclasses.fields(a):
            setattr(a, f.name, merge(getattr(a, f.name), getattr(b, f.name)))
        return a
    if isinstance(a, dict):
        for key, value in b.items():
            a[key] = merge(a[key], value) if key in a else value
        return a
    if isinstance(a, set):
        a |= b
        return a
    if isinstance(a, list):
        a.extend(b)
        return a
    if isinstance(a, tuple):
        if len(a) != len(b):
            raise ValueError(f"cannot merge tuples of {len(a)} and {len(b)} elements")
        return tuple(merge(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, bool) or a is None or isinstance(a, str):
        if a != b:
            raise ValueError(f"cannot merge different values {a!r} and {b!r}")
        return a
    if isinstance(a, int):
        return a + b
    raise TypeError(f"cannot merge {type(a).__name__}")


def merge_all(tallies: Iterable[T]) -> T:
    """The tallies merged in order into the first (raises ``ValueError`` for none)."""
    iterator = iter(tallies)
    try:
        result = next(iterator)
    except StopIteration:
        raise ValueError("no tallies to merge") from None
    for tally in iterator:
        result = merge(result, tally)
    return result
