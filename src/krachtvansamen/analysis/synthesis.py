"""The three sections together: per neighbourhood, and for a programme (any number of neighbourhoods).

Pure: everything here works on an ``AnalysisData`` already loaded.

For a programme, three layers, so that 33 and 14,574 neighbourhoods cost the same per row:

- ``ProgrammeAggregate`` (``analysis.aggregate``) — across all neighbourhoods: the additive figures
  (effects, palet, vitality, activities, assets, factor and network totals, value beyond counts) in single
  passes over all loaded rows; the per-neighbourhood judgements (strength, stacking, inclusion, risks)
  counted from the summaries;
- ``NeighbourhoodSummary`` (``analysis.summary``) — per neighbourhood, the analysed year's key figures and
  risk signals, built for every neighbourhood in one pass over its rows (what a synthesis lists and
  compares);
- ``NeighbourhoodAnalysis`` — the full picture of one neighbourhood (every section, trends over the
  years), built on first access from the rows already in memory: no queries, and no cost for the
  thousands of neighbourhoods nobody opens.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import overload

from krachtvansamen.analysis.aanpak import AanpakResult, analyse_aanpak
from krachtvansamen.analysis.aggregate import ProgrammeAggregate, programme_aggregate
from krachtvansamen.analysis.data import AnalysisData, gc_paused
from krachtvansamen.analysis.duurzaamheid import DuurzaamheidResult, analyse_duurzaamheid
from krachtvansamen.analysis.parameters import DEFAULT_PARAMETERS, AnalysisParameters
from krachtvansamen.analysis.rows import NeighbourhoodRow
from krachtvansamen.analysis.summary import NeighbourhoodSummary, neighbourhood_summary
from krachtvansamen.analysis.value import ValueBeyondCounts, value_beyond_counts
from krachtvansamen.analysis.verandering import VeranderingResult, analyse_verandering, participants_by_year

# --- One neighbourhood, in full -----------------------------------------------------------------------------


@dataclass(frozen=True)
class NeighbourhoodAnalysis:
    neighbourhood: NeighbourhoodRow
    year: int  # the analysed year
    years: tuple[int, ...]  # the loaded years up to it (trends, changes)
    aanpak: AanpakResult
    verandering: VeranderingResult
    duurzaamheid: DuurzaamheidResult
    value: ValueBeyondCounts  # every loaded year up to ``year``


def neighbourhood_analysis(
    data: AnalysisData, *, year: int, parameters: AnalysisParameters = DEFAULT_PARAMETERS
) -> NeighbourhoodAnalysis:
    """All three sections for the ONE neighbourhood in ``data`` (see ``split_by_neighbourhood``)."""
    neighbourhood = data.only_neighbourhood()
    years = data.years_through(year)
    participants = participants_by_year(
        persons=data.persons,
        fragment_groups=data.fragment_groups,
        activities=data.activities,
        activity_participants=data.activity_participants,
        relations=data.relations,
    )
    aanpak = analyse_aanpak(data, year=year, parameters=parameters)
    verandering = analyse_verandering(data, year=year, parameters=parameters, participants=participants)
    duurzaamheid = analyse_duurzaamheid(
        data,
        year=year,
        factors=aanpak.factors,
        leadership=aanpak.leadership,
        concentration=verandering.network_current.concentration,
        parameters=parameters,
    )
    return NeighbourhoodAnalysis(
        neighbourhood=neighbourhood,
        year=year,
        years=years,
        aanpak=aanpak,
        verandering=verandering,
        duurzaamheid=duurzaamheid,
        value=value_beyond_counts(
            codebook=data.codebook, codings=[row for row in data.codings if row.year <= year], years=years
        ),
    )


# --- A programme --------------------------------------------------------------------------------------------


class LazyAnalyses(Sequence[NeighbourhoodAnalysis]):
    """The full analysis of each neighbourhood, built from the loaded rows the first time it is asked for."""

    def __init__(
        self,
        split: Mapping[int, AnalysisData],
        order: Sequence[int],
        *,
        year: int,
        parameters: AnalysisParameters,
    ) -> None:
        self._split, self._order, self._year, self._parameters = split, list(order), year, parameters
        self._built: dict[int, NeighbourhoodAnalysis] = {}

    def by_id(self, neighbourhood_id: int) -> NeighbourhoodAnalysis | None:
        if neighbourhood_id not in self._split:
            return None
        if neighbourhood_id not in self._built:
            self._built[neighbourhood_id] = neighbourhood_analysis(
                self._split[neighbourhood_id], year=self._year, parameters=self._parameters
            )
        return self._built[neighbourhood_id]

    def __len__(self) -> int:
        return len(self._order)

    @overload
    def __getitem__(self, index: int) -> NeighbourhoodAnalysis: ...
    @overload
    def __getitem__(self, index: slice) -> list[NeighbourhoodAnalysis]: ...
    def __getitem__(self, index: int | slice) -> NeighbourhoodAnalysis | list[NeighbourhoodAnalysis]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        result = self.by_id(self._order[index])
        assert result is not None
        return result

    def __iter__(self) -> Iterator[NeighbourhoodAnalysis]:
        return (self[i] for i in range(len(self)))


@dataclass(frozen=True)
class ProgrammeAnalysis:
    year: int
    years: tuple[int, ...]
    summaries: tuple[NeighbourhoodSummary, ...]  # one per neighbourhood, by neighbourhood id
    aggregate: ProgrammeAggregate
    neighbourhoods: LazyAnalyses = field(repr=False)  # full analyses, same order, built when asked for

    def get(self, neighbourhood_id: int) -> NeighbourhoodAnalysis | None:
        """The full analysis of one of the neighbourhoods (None if it was not analysed)."""
        return self.neighbourhoods.by_id(neighbourhood_id)


def programme_analysis(
    data: AnalysisData, *, year: int | None = None, parameters: AnalysisParameters = DEFAULT_PARAMETERS
) -> ProgrammeAnalysis:
    """Every neighbourhood in ``data`` for ``year`` (default: the latest loaded year): summaries, the
    aggregate over them, and full analyses on demand. Linear in the number of rows."""
    loaded = tuple(sorted(data.years))
    if year is None:
        year = loaded[-1] if loaded else 0
    with gc_paused():
        split = data.split_by_neighbourhood()
        summaries = neighbourhood_summaries(data, split, year=year, parameters=parameters)
    return programme_result(data, split, summaries=summaries, year=year, parameters=parameters)


def neighbourhood_summaries(
    data: AnalysisData, split: dict[int, AnalysisData], *, year: int, parameters: AnalysisParameters
) -> tuple[NeighbourhoodSummary, ...]:
    """The summary of every neighbourhood in ``data``, in its order (by id). The map step of
    ``analysis.parallel`` runs this same function on each chunk."""
    return tuple(
        neighbourhood_summary(split[n.neighbourhood_id], year=year, parameters=parameters)
        for n in data.neighbourhoods
    )


def programme_result(
    data: AnalysisData,
    split: dict[int, AnalysisData],
    *,
    summaries: tuple[NeighbourhoodSummary, ...],
    year: int,
    parameters: AnalysisParameters,
) -> ProgrammeAnalysis:
    """The aggregate over ``summaries`` and the rows of ``data``, and the lazy full analyses: shared by the
    one-process path and the reduce step of ``analysis.parallel``."""
    order = [n.neighbourhood_id for n in data.neighbourhoods]
    with gc_paused():
        aggregate = programme_aggregate(data, summaries=summaries, year=year, parameters=parameters)
    return ProgrammeAnalysis(
        year=year,
        years=data.years_through(year),
        summaries=summaries,
        aggregate=aggregate,
        neighbourhoods=LazyAnalyses(split, order, year=year, parameters=parameters),
    )
