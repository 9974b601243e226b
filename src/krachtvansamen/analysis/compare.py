"""Comparing one year with the year before, like with like: only over the instruments used in both years.

Interviews and reflection sessions may run in one year only. Counting every fragment would then show a rise
that only says which instruments ran. So a change between two years counts only the fragments of the
instruments that were used in both years ("vergeleken: alleen vragenlijst en Wijkwaardenkaart"); when no
instrument ran in both years there is no difference to give.

An instrument counts as *used* in a year when any of its fragments of that year was coded (with any code):
the same rows every count here rests on. Pure; no database access.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext

from krachtvansamen.analysis.rows import CodingRow
from krachtvansamen.coding.models import Instrument


@dataclass(frozen=True)
class YearComparison:
    """What a change from ``previous`` to ``year`` compares."""

    year: int
    previous: int
    instruments: tuple[str, ...]  # used in both years: the only ones the change counts
    only_this_year: tuple[str, ...]  # used in ``year`` only: left out of the change
    only_previous_year: tuple[str, ...]

    @property
    def comparable(self) -> bool:
        return bool(self.instruments)

    @property
    def sentence(self) -> str:
        """In plain words which instruments were compared (or that none could be)."""
        if not self.instruments:
            return gettext(
                "No instrument was used in both %(previous)s and %(year)s, so the years are not compared."
            ) % {"previous": self.previous, "year": self.year}
        text = gettext("Compared with %(previous)s: only %(instruments)s, used in both years.") % {
            "previous": self.previous,
            "instruments": instrument_list(self.instruments),
        }
        left_out = (*self.only_this_year, *self.only_previous_year)
        if left_out:
            text += " " + gettext("Left out of the comparison: %(instruments)s.") % {
                "instruments": instrument_list(left_out)
            }
        return text


def instrument_label(key: str) -> str:
    try:
        return str(Instrument(key).label)
    except ValueError:
        return key


def instrument_list(keys: Sequence[str]) -> str:
    labels = [instrument_label(key).lower() for key in keys]
    if len(labels) < 2:
        return "".join(labels)
    return gettext("%(first)s and %(last)s") % {"first": ", ".join(labels[:-1]), "last": labels[-1]}


def instruments_by_year(codings: Iterable[CodingRow]) -> dict[int, frozenset[str]]:
    """The instruments with coded fragments, per year."""
    found: dict[int, set[str]] = defaultdict(set)
    for _fragment_id, _nid, year, _code_id, instrument in codings:
        found[year].add(instrument)
    return {year: frozenset(instruments) for year, instruments in found.items()}


def order_instruments(keys: Iterable[str]) -> tuple[str, ...]:
    order = {value: i for i, value in enumerate(Instrument.values)}
    return tuple(sorted(set(keys), key=lambda k: (order.get(k, len(order)), k)))


def year_comparisons(used: Mapping[int, frozenset[str]], years: Sequence[int]) -> dict[int, YearComparison]:
    """Per year after the first of ``years``: the comparison with the year before it."""
    out = {}
    for previous, year in zip(years, years[1:], strict=False):
        now, before = used.get(year, frozenset()), used.get(previous, frozenset())
        out[year] = YearComparison(
            year=year,
            previous=previous,
            instruments=order_instruments(now & before),
            only_this_year=order_instruments(now - before),
            only_previous_year=order_instruments(before - now),
        )
    return out


def like_with_like_change(
    *,
    this_year: Mapping[int, str],
    previous_year: Mapping[int, str],
    comparison: YearComparison | None,
) -> int | None:
    """Fragments (id → instrument) of this year minus those of the year before, counting only the instruments
    of ``comparison``; None in the first year or when no instrument was used in both years."""
    if comparison is None or not comparison.comparable:
        return None
    common = set(comparison.instruments)
    now = sum(1 for instrument in this_year.values() if instrument in common)
    before = sum(1 for instrument in previous_year.values() if instrument in common)
    return now - before
