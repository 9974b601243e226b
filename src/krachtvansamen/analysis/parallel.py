"""``analyse_neighbourhoods`` for many neighbourhoods as a map-reduce over worker processes.

Python threads do not run Python code in parallel, so "workers" here are processes: a pool of N forked
processes in the calling command or request (no Redis or Celery needed).

- **Split**: the sorted neighbourhood ids in consecutive chunks (``chunk_ids``).
- **Map** (``summarise_chunk``, in a worker process): load the rows of one chunk and summarise each of its
  neighbourhoods with the same function as the one-process path (``synthesis.neighbourhood_summaries``). A
  chunk's rows can reach persons of a neighbourhood in another chunk (a relation across two buurten): those
  persons are read too (``data.load_persons``, the same consent rule), so every summary sees exactly the
  persons the one-process load gives it.
- **Reduce** (``merge_chunks`` and ``synthesis.programme_result``): the chunks' rows put together, the
  summaries concatenated in chunk order (= by id), and the aggregate built by the one-process code over
  them. The aggregate's figures are passes over all rows (sums, counts, sets of ids, medians over all
  neighbourhoods), so they are built once from the merged rows rather than combined from partial figures:
  no second implementation of any rule, and the same numbers with the same n. The summaries — the part that
  costs — are what runs in parallel.

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
from collections.abc import Callable, Collection, Iterable, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from asgiref.local import Local
from django.db import connections
from django.utils.functional import Promise, lazy

from krachtvansamen.analysis.data import ROW_FIELDS, AnalysisData, gc_paused, load_analysis_data, load_persons
from krachtvansamen.analysis.parameters import DEFAULT_PARAMETERS, AnalysisParameters
from krachtvansamen.analysis.rows import PersonRow
from krachtvansamen.analysis.summary import NeighbourhoodSummary
from krachtvansamen.analysis.synthesis import ProgrammeAnalysis, neighbourhood_summaries, programme_result

# Below this many neighbourhoods one process is faster: starting workers and moving the rows back costs
# more than the summaries save (a programme of 33 takes well under a second).
PARALLEL_MIN_NEIGHBOURHOODS = 1000
# Chunks per worker: more than one, so that a worker that finishes early takes the next chunk (buurten
# differ a lot in size) — but few, because every chunk repeats the fixed set of queries.
CHUNKS_PER_WORKER = 3


class ChunkFailed(RuntimeError):
    """One chunk of a parallel analysis failed; the whole analysis is given up (no partial result)."""


@dataclass(frozen=True)
class ChunkResult:
    """What a worker sends back: the chunk's rows (for the aggregate and the full analyses) and the summaries
    of its neighbourhoods, in id order."""

    data: AnalysisData
    summaries: tuple[NeighbourhoodSummary, ...]


def synthesis_workers(neighbourhood_count: int) -> int:
    """How many worker processes a synthesis over this many neighbourhoods uses: ``KVS_ANALYSIS_WORKERS``
    (opt-in; default 1) from ``PARALLEL_MIN_NEIGHBOURHOODS`` neighbourhoods on, else 1. Opt-in because on the
    2-core benchmark machine, busy with other work, 2 workers were slower than one process
    (``benchmarks/synthesis_parallel.py``): the rows still travel back and the aggregate is built in the
    calling process."""
    configured = os.environ.get("KVS_ANALYSIS_WORKERS", "")
    if neighbourhood_count < PARALLEL_MIN_NEIGHBOURHOODS or not configured.isdigit():
        return 1
    return max(1, int(configured))


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


def summarise_chunk(
    *,
    chunk: Sequence[int],
    all_ids: Collection[int],
    years: Collection[int],
    year: int,
    parameters: AnalysisParameters = DEFAULT_PARAMETERS,
) -> ChunkResult:
    """The map step: the rows of the neighbourhoods of ``chunk`` and their summaries for ``year``."""
    with gc_paused():
        data = load_analysis_data(neighbourhood_ids=chunk, years=years)
        missing = _referenced_person_ids(data) - data.persons.keys()
        others = set(all_ids) - set(chunk)
        if missing and others:
            extra = load_persons(neighbourhood_ids=others, person_ids=missing)
            data = AnalysisData(**{**_fields(data), "persons": {**data.persons, **extra}})
        summaries = neighbourhood_summaries(
            data, data.split_by_neighbourhood(), year=year, parameters=parameters
        )
    return ChunkResult(data=data, summaries=summaries)


def summarise_chunk_packed(**arguments: Any) -> bytes:
    """``summarise_chunk`` as the worker runs it: the result packed for the way back (``pack``)."""
    return pack(summarise_chunk(**arguments))


# --- The way back ------------------------------------------------------------------------------------------
# Plain pickle of a chunk's result cost more than loading it: every row is a NamedTuple (pickled through a
# Python-level ``__getnewargs__`` and rebuilt through a Python-level ``__new__``) and every translated label is
# a lazy proxy (unpickled by building a new proxy class each time). So rows travel as plain tuples (C-speed
# both ways, rebuilt with ``tuple.__new__`` as the loader does) and lazy texts through one cached factory.


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


def _plain(rows: Sequence[tuple[Any, ...]]) -> tuple[type | None, tuple[tuple[Any, ...], ...]]:
    return (type(rows[0]) if rows else None), tuple(map(tuple, rows))


def _typed(packed: tuple[type | None, tuple[tuple[Any, ...], ...]]) -> tuple[Any, ...]:
    row_type, rows = packed
    return tuple(map(functools.partial(tuple.__new__, row_type), rows)) if row_type else ()


def pack(result: ChunkResult) -> bytes:
    data = result.data
    fields = _fields(data)
    fields.update({name: _plain(getattr(data, name)) for name in (*ROW_FIELDS, "neighbourhoods")})
    fields["persons"] = _plain(tuple(data.persons.values()))
    fields["cbs"] = {code: _plain(rows) for code, rows in data.cbs.items()}
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump((fields, result.summaries))
    return buffer.getvalue()


def unpack(packed: bytes) -> ChunkResult:
    fields, summaries = pickle.loads(packed)
    fields.update({name: _typed(fields[name]) for name in (*ROW_FIELDS, "neighbourhoods")})
    fields["persons"] = {p.person_id: p for p in _typed(fields["persons"])}
    fields["cbs"] = {code: _typed(rows) for code, rows in fields["cbs"].items()}
    return ChunkResult(data=AnalysisData(**fields), summaries=summaries)


def _fields(data: AnalysisData) -> dict[str, Any]:
    return {name: getattr(data, name) for name in AnalysisData.__dataclass_fields__}


def merge_chunks(results: Sequence[ChunkResult], *, years: Collection[int]) -> AnalysisData:
    """The reduce step's rows: the chunks' rows one after the other (chunks are disjoint, in id order), the
    persons and CBS records of all of them. Persons of a chunk's own neighbourhoods come from that chunk, so
    the merged persons are exactly those of all neighbourhoods."""
    loaded = [r.data for r in results]
    if not loaded:
        return AnalysisData(years=tuple(sorted(set(years))))
    own = {n.neighbourhood_id for d in loaded for n in d.neighbourhoods}
    persons: dict[int, PersonRow] = {}
    for d in loaded:
        persons.update((pid, p) for pid, p in d.persons.items() if p.neighbourhood_id in own)
    rows = {name: tuple(row for d in loaded for row in getattr(d, name)) for name in ROW_FIELDS}
    return AnalysisData(
        neighbourhoods=tuple(n for d in loaded for n in d.neighbourhoods),
        years=loaded[0].years,
        codebook=loaded[0].codebook,
        persons=persons,
        cbs={code: records for d in loaded for code, records in d.cbs.items()},
        **rows,
    )


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
    parts = chunk_ids(neighbourhood_ids, chunks=chunks or workers * CHUNKS_PER_WORKER)
    own_pool = executor is None
    pool = process_pool(workers) if executor is None else executor
    try:
        results = _run(
            pool, parts, all_ids=set(neighbourhood_ids), years=years, year=year, parameters=parameters
        )
    finally:
        if own_pool:
            pool.shutdown(wait=True, cancel_futures=True)
    with gc_paused():
        data = merge_chunks(results, years=years)
        split = data.split_by_neighbourhood()
    summaries = tuple(s for r in results for s in r.summaries)
    return programme_result(data, split, summaries=summaries, year=year, parameters=parameters)


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
            results.append(unpack(future.result()))
        except Exception as error:
            for _part, other in futures:
                other.cancel()
            raise ChunkFailed(
                f"chunk {index + 1} of {len(futures)} (neighbourhood ids {part[0]}-{part[-1]}, "
                f"{len(part)} neighbourhoods) failed: {error!r}; no result"
            ) from error
    return results
