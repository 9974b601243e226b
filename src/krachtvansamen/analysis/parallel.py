"""``analyse_neighbourhoods`` for many neighbourhoods as a map-reduce over worker processes.

Python threads do not run Python code in parallel, so "workers" here are processes: a pool of N forked
processes in the calling command or request (no Redis or Celery needed).

- **Split**: the sorted neighbourhood ids in consecutive chunks (``chunk_ids``), one per worker by default.
- **Map** (``summarise_chunk``, in a worker process): load the rows of one chunk, summarise each of its
  neighbourhoods with the same function as the one-process path (``synthesis.neighbourhood_summaries``) and
  *tally* them for the aggregate (``aggregate.aggregate_tally``, the counting half of the aggregate). A
  chunk's rows can reach persons of a neighbourhood in another chunk (a relation across two buurten): those
  persons are read too (``data.load_persons``, the same consent rule), so every summary sees exactly the
  persons the one-process load gives it.
- **Reduce**: only the summaries and the tallies travel back — never the rows. The tallies are merged
  (``analysis.tally``: every row belongs to one neighbourhood, so the merge of the chunks' tallies is the
  tally of all) and finished by the same code as in one process (``aggregate.programme_aggregate_from``).
  The full analysis of one neighbourhood (``ProgrammeAnalysis.get``) reads that neighbourhood's rows when it
  is first asked for, the same way a chunk does.

The result equals the one-process result (``tests/analysis/test_parallel_synthesis.py``). A failing chunk
fails the whole call with ``ChunkFailed``: no partial result.
"""

from __future__ import annotations

import functools
import gc
import io
import multiprocessing
import os
import pickle
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from asgiref.local import Local
from django.db import connections
from django.utils.functional import Promise, lazy

from krachtvansamen.analysis.aggregate import AggregateTally, aggregate_tally, programme_aggregate_from
from krachtvansamen.analysis.data import (
    ROW_FIELDS,
    AnalysisData,
    Codebook,
    gc_paused,
    load_analysis_data,
    load_persons,
)
from krachtvansamen.analysis.parameters import DEFAULT_PARAMETERS, AnalysisParameters
from krachtvansamen.analysis.summary import NeighbourhoodSummary
from krachtvansamen.analysis.synthesis import LazyAnalyses, ProgrammeAnalysis, neighbourhood_summaries
from krachtvansamen.analysis.tally import merge_all

# Below this many neighbourhoods one process is faster: starting workers costs more than the summaries save
# (a programme of 33 takes well under a second).
PARALLEL_MIN_NEIGHBOURHOODS = 1000
# Chunks per worker. One: every chunk repeats the fixed set of queries, and its rows are read in one go
# (a PostgreSQL backend per worker works alongside it).
CHUNKS_PER_WORKER = 1


class ChunkFailed(RuntimeError):
    """One chunk of a parallel analysis failed; the whole analysis is given up (no partial result)."""


@dataclass(frozen=True)
class ChunkResult:
    """What a worker sends back: the summaries of its neighbourhoods (in id order), their tally for the
    aggregate, and the codebook the rows were read with."""

    summaries: tuple[NeighbourhoodSummary, ...]
    tally: AggregateTally
    codebook: Codebook


def synthesis_workers(neighbourhood_count: int) -> int:
    """How many worker processes a synthesis over this many neighbourhoods uses: from
    ``PARALLEL_MIN_NEIGHBOURHOODS`` neighbourhoods on, ``KVS_ANALYSIS_WORKERS`` if set (1 keeps every
    synthesis in one process), else one per core on PostgreSQL; below that, and on SQLite (a small
    installation; an in-memory database cannot be reached from another process), 1."""
    if neighbourhood_count < PARALLEL_MIN_NEIGHBOURHOODS:
        return 1
    configured = os.environ.get("KVS_ANALYSIS_WORKERS", "")
    if configured.isdigit():
        return max(1, int(configured))
    if connections["default"].vendor != "postgresql":
        return 1
    return max(1, os.cpu_count() or 1)


def chunk_ids(neighbourhood_ids: Collection[int], *, chunks: int) -> list[tuple[int, ...]]:
    """The sorted distinct ids in at most ``chunks`` consecutive, non-empty chunks of (nearly) equal size."""
    ids = sorted(set(neighbourhood_ids))
    count = max(1, min(chunks, len(ids)))
    size, extra = divmod(len(ids), count)
    result, start = [], 0
    for index in range(count):
        end = start + size + (1 if index < extra else 0)
        if end > start:
            result.append(tuple(ids[start:end]))
        start = end
    return result


def _referenced_person_ids(data: AnalysisData) -> set[int]:
    """Every person id the rows of ``data`` point at (speakers, initiators, participants, relation ends)."""
    found: set[int] = set()
    for name in ROW_FIELDS:
        rows = getattr(data, name)
        if not rows:
            continue
        fields = type(rows[0])._fields
        positions = [i for i, f in enumerate(fields) if f == "speaker_id" or f.endswith("person_id")]
        for position in positions:
            found.update(row[position] for row in rows if row[position] is not None)
    return found


def load_chunk(*, chunk: Sequence[int], all_ids: Collection[int], years: Collection[int]) -> AnalysisData:
    """The rows of the neighbourhoods of ``chunk``, with the persons of other neighbourhoods among
    ``all_ids`` that those rows point at (as one load of all of ``all_ids`` would hold them)."""
    data = load_analysis_data(neighbourhood_ids=chunk, years=years)
    missing = _referenced_person_ids(data) - data.persons.keys()
    others = set(all_ids) - set(chunk)
    if missing and others:
        extra = load_persons(neighbourhood_ids=others, person_ids=missing)
        data = AnalysisData(**{**_fields(data), "persons": {**data.persons, **extra}})
    return data


def summarise_chunk(
    *,
    chunk: Sequence[int],
    all_ids: Collection[int],
    years: Collection[int],
    year: int,
    parameters: AnalysisParameters = DEFAULT_PARAMETERS,
) -> ChunkResult:
    """The map step: the summaries of the neighbourhoods of ``chunk`` for ``year`` and their tally."""
    with gc_paused():
        data = load_chunk(chunk=chunk, all_ids=all_ids, years=years)
        summaries = neighbourhood_summaries(
            data, data.split_by_neighbourhood(), year=year, parameters=parameters
        )
        tally = aggregate_tally(data, year=year)
    return ChunkResult(summaries=summaries, tally=tally, codebook=data.codebook)


def summarise_chunk_packed(**arguments: Any) -> bytes:
    """``summarise_chunk`` as the worker runs it: the result packed for the way back (``pack``)."""
    return pack(summarise_chunk(**arguments))


# --- The way back ------------------------------------------------------------------------------------------
# Every translated label in a summary is a lazy proxy; plain pickle rebuilds a new proxy class for each one
# (slow), so lazy texts travel through one cached factory instead.


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, Promise):
            _unpickle, arguments = obj.__reduce__()  # type: ignore[misc]
            return _lazy_again, arguments
        return NotImplemented


@functools.cache
def _lazy_factory(func: Callable[..., Any], resultclasses: tuple[type, ...]) -> Callable[..., Any]:
    return lazy(func, *resultclasses)


def _lazy_again(func: Callable[..., Any], args: Any, kw: Any, *resultclasses: type) -> Any:
    return _lazy_factory(func, resultclasses)(*args, **kw)


def pack(result: ChunkResult) -> bytes:
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(result)
    return buffer.getvalue()


def unpack(packed: bytes) -> ChunkResult:
    result = pickle.loads(packed)
    assert isinstance(result, ChunkResult)
    return result


def _fields(data: AnalysisData) -> dict[str, Any]:
    return {name: getattr(data, name) for name in AnalysisData.__dataclass_fields__}


class RowsOnDemand(Mapping[int, AnalysisData]):
    """The rows of one neighbourhood of a parallel analysis, read when its full analysis is first asked for
    (``LazyAnalyses``): the parent process never holds the rows of all of them."""

    def __init__(self, ids: Sequence[int], *, all_ids: Collection[int], years: Collection[int]) -> None:
        self._ids, self._all_ids, self._years = tuple(ids), frozenset(all_ids), tuple(years)

    def __getitem__(self, neighbourhood_id: int) -> AnalysisData:
        if neighbourhood_id not in self._ids:
            raise KeyError(neighbourhood_id)
        with gc_paused():
            data = load_chunk(chunk=(neighbourhood_id,), all_ids=self._all_ids, years=self._years)
            return data.split_by_neighbourhood()[neighbourhood_id]

    def __contains__(self, neighbourhood_id: object) -> bool:
        return neighbourhood_id in self._ids

    def __iter__(self) -> Iterator[int]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


def _forget_inherited_connections() -> None:
    """In a forked worker: never use (or close) the parent's database connections — closing them here would
    end the parent's session too. Fresh ones are opened on first use; the old wrappers are kept referenced so
    that they are never finalised in this process (workers leave through ``os._exit``)."""
    # The parent's objects are shared copy-on-write; a garbage collection walking them would copy every
    # page of the parent's heap into this process. Frozen, the collector leaves them alone.
    gc.freeze()
    _INHERITED.append(connections._connections)  # type: ignore[attr-defined]
    connections._connections = Local(connections.thread_critical)  # type: ignore[attr-defined]


_INHERITED: list[Any] = []


def process_pool(workers: int) -> Executor:
    """N forked worker processes: they inherit the loaded Django settings (the same database)."""
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_forget_inherited_connections,
    )


def analyse_neighbourhoods_parallel(
    *,
    neighbourhood_ids: Collection[int],
    years: Collection[int],
    workers: int,
    parameters: AnalysisParameters = DEFAULT_PARAMETERS,
    chunks: int | None = None,
    executor: Executor | None = None,
) -> ProgrammeAnalysis:
    """``analyse_neighbourhoods`` split over ``workers`` processes (or the given ``executor``); the same
    result. ``chunks`` defaults to ``CHUNKS_PER_WORKER`` per worker."""
    if not years:
        raise ValueError("analyse_neighbourhoods needs at least one year")
    year = max(years)
    all_ids = set(neighbourhood_ids)
    parts = chunk_ids(all_ids, chunks=chunks or workers * CHUNKS_PER_WORKER)
    own_pool = executor is None
    pool = process_pool(workers) if executor is None else executor
    try:
        results = _run(pool, parts, all_ids=all_ids, years=years, year=year, parameters=parameters)
    finally:
        if own_pool:
            pool.shutdown(wait=True, cancel_futures=True)
    summaries = tuple(s for r in results for s in r.summaries)
    loaded = AnalysisData(years=tuple(sorted(set(years))))
    with gc_paused():
        aggregate = programme_aggregate_from(
            merge_all(r.tally for r in results) if results else AggregateTally(),
            codebook=results[0].codebook if results else loaded.codebook,
            summaries=summaries,
            year=year,
            years=loaded.years_through(year),
            parameters=parameters,
        )
    order = [s.neighbourhood.neighbourhood_id for s in summaries]
    return ProgrammeAnalysis(
        year=year,
        years=loaded.years_through(year),
        summaries=summaries,
        aggregate=aggregate,
        neighbourhoods=LazyAnalyses(
            RowsOnDemand(order, all_ids=all_ids, years=years), order, year=year, parameters=parameters
        ),
    )


def _run(
    pool: Executor,
    parts: Iterable[tuple[int, ...]],
    *,
    all_ids: set[int],
    years: Collection[int],
    year: int,
    parameters: AnalysisParameters,
) -> list[ChunkResult]:
    """Every chunk's result in chunk order, or ``ChunkFailed`` for the first chunk (in order) that failed."""
    futures: list[tuple[tuple[int, ...], Future[bytes]]] = [
        (
            part,
            pool.submit(
                summarise_chunk_packed,
                chunk=part,
                all_ids=all_ids,
                years=tuple(years),
                year=year,
                parameters=parameters,
            ),
        )
        for part in parts
    ]
    results = []
    for index, (part, future) in enumerate(futures):
        try:
            packed = future.result()
            with gc_paused():  # unpacking builds many small objects; see gc_paused
                results.append(unpack(packed))
        except Exception as error:
            for _part, other in futures:
                other.cancel()
            raise ChunkFailed(
                f"chunk {index + 1} of {len(futures)} (neighbourhood ids {part[0]}-{part[-1]}, "
                f"{len(part)} neighbourhoods) failed: {error!r}; no result"
            ) from error
    return results
