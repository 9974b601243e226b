"""Value beyond counts: the fragments that show more contact, trust, initiative, cooperation and ownership,
per year — what the one-page funder report shows besides counts.

ONE code set: every value row sums up effect codes (``VALUE_SOURCES``), the mapping the codebook itself gives
in each value code's instructions ("also code effect.social.contact or effect.social.network"). So a fragment
coded only with ``effect.neighbourhood.institutional_trust`` counts for "More trust", and the funder report can
never say less trust than the Buurtbeeld's effects table. Coders do not have to add the ``value.*`` codes by
hand; codings with them are not counted (they would make a second, disagreeing count).

Pure: computed from the codings already loaded (``AnalysisData.codings``: codings a person made or
confirmed), no database access. A user's own code under an effect code counts for it. Every count carries
the fragment ids it rests on, so a report's number and the evidence behind it come from this one computation.
Change between years is like with like (``analysis.compare``): only over instruments used in both years.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from krachtvansamen.analysis.compare import (
    YearComparison,
    instruments_by_year,
    like_with_like_change,
    year_comparisons,
)
from krachtvansamen.analysis.data import Codebook
from krachtvansamen.analysis.labels import CodeLabelMixin
from krachtvansamen.analysis.rows import CodingRow

VALUE = "value"  # the group: "value" as a key means any value row
VALUE_KEYS = ("value.contact", "value.trust", "value.initiative", "value.cooperation", "value.ownership")
# Each value row and the codes it sums up (from the value codes' instructions in the codebook). Cooperation
# between residents and organisations has no effect code of its own: the codebook points to linking ties.
VALUE_SOURCES: Mapping[str, tuple[str, ...]] = {
    "value.contact": ("effect.social.contact", "effect.social.network"),
    "value.trust": ("effect.individual.trust", "effect.neighbourhood.institutional_trust"),
    "value.initiative": ("effect.individual.participation", "effect.social.activities"),
    "value.cooperation": ("capital.linking",),
    "value.ownership": ("effect.neighbourhood.resident_control",),
}


def is_value_key(key: str) -> bool:
    return key == VALUE or key.startswith(VALUE + ".")


@dataclass(frozen=True)
class ValueCell:
    year: int
    count: int  # distinct fragments
    fragment_ids: tuple[int, ...]


@dataclass(frozen=True)
class ValueRow(CodeLabelMixin):
    key: str  # one of VALUE_KEYS
    label_nl: str
    label_en: str
    cells: tuple[ValueCell, ...]  # one per year, oldest first
    sources: tuple[str, ...] = ()  # the codes it sums up (``VALUE_SOURCES``)
    # The last year against the year before, like with like (only instruments used in both years); None in
    # the first year or when no instrument was used in both.
    change: int | None = None

    @property
    def counts(self) -> tuple[int, ...]:
        return tuple(c.count for c in self.cells)


@dataclass(frozen=True)
class ValueBeyondCounts:
    years: tuple[int, ...]
    rows: tuple[ValueRow, ...]  # one per VALUE_KEYS, in that order
    # (value row key, year) → its fragments: what ``fragment_ids`` reads for any key.
    by_code: Mapping[tuple[str, int], tuple[int, ...]]
    comparison: YearComparison | None = None  # what ``ValueRow.change`` compares

    def fragment_ids(self, *, key: str, year: int) -> tuple[int, ...]:
        """Fragments of ``year`` behind the value row ``key`` (``"value"``: any value row)."""
        return _ids_under(self.by_code, key=key, year=year)


def _ids_under(by_code: Mapping[tuple[str, int], Iterable[int]], *, key: str, year: int) -> tuple[int, ...]:
    found: set[int] = set()
    for (code, coded_year), ids in by_code.items():
        if coded_year == year and (code == key or code.startswith(key + ".")):
            found.update(ids)
    return tuple(sorted(found))


@dataclass
class ValueTally:
    """What the value rows count, before they are laid out: mergeable across neighbourhoods
    (``analysis.tally``)."""

    found: dict[tuple[str, int], dict[int, str]] = field(
        default_factory=dict
    )  # (row, year) → fragment → instrument
    instruments: dict[int, set[str]] = field(default_factory=dict)  # year → instruments with coded fragments


def value_tally(
    *, codebook: Codebook, codings: Iterable[CodingRow], instruments: dict[int, set[str]] | None = None
) -> ValueTally:
    """``instruments``: the instruments per year of these same codings, when already counted (the effects
    tally counts them over the same rows)."""
    codings = list(codings)
    rows_of_source = _rows_of_source()
    rollup = codebook.rollup(rows_of_source)
    found: dict[tuple[str, int], dict[int, str]] = defaultdict(dict)
    for fragment_id, _nid, year, code_id, instrument in codings:
        target = rollup[code_id]
        if target is not None:
            for key in rows_of_source[target]:
                found[key, year][fragment_id] = instrument
    if instruments is None:
        instruments = {year: set(used) for year, used in instruments_by_year(codings).items()}
    return ValueTally(found=dict(found), instruments={year: set(used) for year, used in instruments.items()})


def _rows_of_source() -> dict[str, list[str]]:
    rows_of_source: dict[str, list[str]] = defaultdict(list)
    for key, sources in VALUE_SOURCES.items():
        for source in sources:
            rows_of_source[source].append(key)
    return rows_of_source


def value_beyond_counts(
    *, codebook: Codebook, codings: Iterable[CodingRow], years: Sequence[int]
) -> ValueBeyondCounts:
    """Fragments per value row and year from the effect codes of ``VALUE_SOURCES`` (pass the codings of the
    neighbourhoods wanted), with the like-with-like change of the last year."""
    return value_beyond_counts_from(
        value_tally(codebook=codebook, codings=codings), codebook=codebook, years=years
    )


def value_beyond_counts_from(
    tally: ValueTally, *, codebook: Codebook, years: Sequence[int]
) -> ValueBeyondCounts:
    used = {year: frozenset(found) for year, found in tally.instruments.items()}
    comparison = year_comparisons(used, years).get(years[-1]) if years else None
    found = tally.found
    rows = []
    for key in VALUE_KEYS:
        code = codebook.labelled(key)
        cells = [
            ValueCell(year=year, count=len(found.get((key, year), {})),
                      fragment_ids=tuple(sorted(found.get((key, year), {}))))
            for year in years
        ]  # fmt: skip
        change = (
            like_with_like_change(
                this_year=found.get((key, years[-1]), {}),
                previous_year=found.get((key, years[-2]), {}),
                comparison=comparison,
            )
            if len(years) > 1
            else None
        )
        rows.append(ValueRow(key=key, label_nl=code.label_nl, label_en=code.label_en, cells=tuple(cells),
                             sources=VALUE_SOURCES[key], change=change))  # fmt: skip
    return ValueBeyondCounts(
        years=tuple(years),
        rows=tuple(rows),
        by_code={pair: tuple(sorted(ids)) for pair, ids in found.items()},
        comparison=comparison,
    )
