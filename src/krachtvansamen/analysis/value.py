"""Value beyond counts: the fragments that show more contact, trust, initiative, cooperation and ownership
(the ``value.*`` codes), per year — what the one-page funder report shows besides counts.

Pure: computed from the codings already loaded (``AnalysisData.codings``: codings a person made or
confirmed), no database access. A user's own code under a value code counts for it
(``value.contact.neighbours`` counts for ``value.contact``). Every count carries the fragment ids it rests on,
so a report's number and the evidence behind it come from this one computation.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from krachtvansamen.analysis.data import Codebook
from krachtvansamen.analysis.labels import CodeLabelMixin
from krachtvansamen.analysis.rows import CodingRow

VALUE = "value"  # the group: "value" as a key means any value code
VALUE_KEYS = ("value.contact", "value.trust", "value.initiative", "value.cooperation", "value.ownership")


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

    @property
    def counts(self) -> tuple[int, ...]:
        return tuple(c.count for c in self.cells)


@dataclass(frozen=True)
class ValueBeyondCounts:
    years: tuple[int, ...]
    rows: tuple[ValueRow, ...]  # one per VALUE_KEYS, in that order
    # (value code as coded, year) → its fragments: what ``fragment_ids`` reads for any key.
    by_code: Mapping[tuple[str, int], tuple[int, ...]]

    def fragment_ids(self, *, key: str, year: int) -> tuple[int, ...]:
        """Fragments of ``year`` coded with ``key`` or a code under it (``"value"``: any value code)."""
        return _ids_under(self.by_code, key=key, year=year)


def _ids_under(by_code: Mapping[tuple[str, int], Iterable[int]], *, key: str, year: int) -> tuple[int, ...]:
    found: set[int] = set()
    for (code, coded_year), ids in by_code.items():
        if coded_year == year and (code == key or code.startswith(key + ".")):
            found.update(ids)
    return tuple(sorted(found))


def value_beyond_counts(
    *, codebook: Codebook, codings: Iterable[CodingRow], years: Sequence[int]
) -> ValueBeyondCounts:
    """Fragments per value code and year (pass the codings of the neighbourhoods wanted), and per value of
    ``VALUE_KEYS`` the count for each of ``years``."""
    value_codes = {code_id: key for code_id, key in codebook.keys.items() if is_value_key(key)}
    by_code: dict[tuple[str, int], set[int]] = defaultdict(set)
    for fragment_id, _nid, year, code_id, _instrument in codings:
        key = value_codes.get(code_id)
        if key is not None:
            by_code[key, year].add(fragment_id)
    rows = []
    for key in VALUE_KEYS:
        code = codebook.labelled(key)
        cells = []
        for year in years:
            ids = _ids_under(by_code, key=key, year=year)
            cells.append(ValueCell(year=year, count=len(ids), fragment_ids=ids))
        rows.append(ValueRow(key=key, label_nl=code.label_nl, label_en=code.label_en, cells=tuple(cells)))
    return ValueBeyondCounts(
        years=tuple(years),
        rows=tuple(rows),
        by_code={found: tuple(sorted(ids)) for found, ids in by_code.items()},
    )
