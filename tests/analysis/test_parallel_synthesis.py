"""The map-reduce of analyse_neighbourhoods (``analysis.parallel``) gives exactly the one-process result:
the same summaries in the same order, the same aggregate figures with the same n, the same full analyses —
whatever the chunking; and a failing chunk fails the whole with a clear error."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import Any

import pytest
from django.db import connection

from krachtvansamen.analysis import parallel
from krachtvansamen.analysis.parallel import (
    ChunkFailed,
    analyse_neighbourhoods_parallel,
    chunk_ids,
    synthesis_workers,
)
from krachtvansamen.analysis.services import analyse_neighbourhoods
from krachtvansamen.analysis.synthesis import ProgrammeAnalysis
from krachtvansamen.instruments.services import forms_load_defaults
from krachtvansamen.neighbourhoods.models import MeasurementYear
from tests.analysis.test_loading import build_neighbourhood, code, consent
from tests.factories import (
    ActivityFactory,
    CodingFactory,
    FragmentFactory,
    NeighbourhoodFactory,
    PersonFactory,
    RelationFactory,
)

YEARS = (2023, 2024)


class InProcess(Executor):
    """Runs each chunk right here, its arguments and result through pickle as across a process boundary."""

    def __init__(self) -> None:
        self.chunks: list[tuple[int, ...]] = []

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        self.chunks.append(tuple(kwargs["chunk"]))
        future: Future[Any] = Future()
        try:
            args, kwargs = pickle.loads(pickle.dumps((args, kwargs)))
            future.set_result(pickle.loads(pickle.dumps(fn(*args, **kwargs))))
        except Exception as error:  # noqa: BLE001 - handed to the caller through the future, as a pool does
            future.set_exception(error)
        return future


@pytest.fixture
def country(codebook) -> list[int]:
    """Six neighbourhoods: four with data in 2023 and 2024, one without any rows, one with 2023 only; a
    relation and an activity that reach a (consented) person of another neighbourhood."""
    forms_load_defaults()
    for year in (2023, 2024, 2025):
        MeasurementYear.objects.create(year=year)
    built = [build_neighbourhood(f"BU0001000{i}") for i in range(1, 5)]
    empty = NeighbourhoodFactory(cbs_code="BU00010005")
    old_only = NeighbourhoodFactory(cbs_code="BU00010006")
    CodingFactory(
        fragment=FragmentFactory(neighbourhood=old_only, year=2023, instrument="effectenplein"),
        code=code("effect.social.contact"),
    )
    first, last = built[0], built[-1]
    visitor = PersonFactory(
        neighbourhood=last["neighbourhood"], age_band="45-65", origin="europe", gender="man"
    )
    consent(visitor)
    RelationFactory(
        neighbourhood=first["neighbourhood"], year=2024, source_person=first["older"], target_person=visitor
    )
    activity = ActivityFactory(neighbourhood=first["neighbourhood"], year=2024, initiated_by="residents")
    activity.participants.set([visitor, first["builder"]])
    return sorted([b["neighbourhood"].pk for b in built] + [empty.pk, old_only.pk])


def assert_same(parallel_result: ProgrammeAnalysis, one: ProgrammeAnalysis) -> None:
    assert [s.neighbourhood.neighbourhood_id for s in parallel_result.summaries] == [
        s.neighbourhood.neighbourhood_id for s in one.summaries
    ]
    assert parallel_result.summaries == one.summaries
    assert parallel_result.aggregate == one.aggregate
    assert parallel_result.aggregate.neighbourhood_count == one.aggregate.neighbourhood_count
    assert (parallel_result.year, parallel_result.years) == (one.year, one.years)
    assert list(parallel_result.neighbourhoods) == list(one.neighbourhoods)


@pytest.mark.django_db
@pytest.mark.parametrize("chunks", [1, 2, 3, 4, 6, 10])
def test_every_chunking_gives_the_one_process_result(country, chunks):
    one = analyse_neighbourhoods(neighbourhood_ids=country, years=YEARS)
    executor = InProcess()
    result = analyse_neighbourhoods_parallel(
        neighbourhood_ids=country, years=YEARS, workers=2, chunks=chunks, executor=executor
    )
    assert len(executor.chunks) == min(chunks, len(country))
    assert_same(result, one)
    assert result.aggregate.neighbourhood_count == 6
    # The cross-neighbourhood person is seen by the first neighbourhood's summary, however it was chunked.
    assert result.summaries[0] == one.summaries[0]


@pytest.mark.django_db
def test_a_chunk_without_data_and_an_unknown_id(country):
    """A chunk of only the empty neighbourhood and an id that does not exist: nothing added, nothing lost."""
    ids = [*country, max(country) + 1000]
    one = analyse_neighbourhoods(neighbourhood_ids=ids, years=YEARS)
    result = analyse_neighbourhoods_parallel(
        neighbourhood_ids=ids, years=YEARS, workers=2, chunks=len(ids), executor=InProcess()
    )
    assert_same(result, one)
    assert result.aggregate.neighbourhood_count == 6


@pytest.mark.django_db
def test_one_neighbourhood(country):
    one = analyse_neighbourhoods(neighbourhood_ids=country[:1], years=YEARS)
    result = analyse_neighbourhoods_parallel(
        neighbourhood_ids=country[:1], years=YEARS, workers=2, executor=InProcess()
    )
    assert_same(result, one)
    assert result.aggregate.neighbourhood_count == 1


@pytest.mark.django_db
def test_no_neighbourhoods_and_no_years(codebook):
    one = analyse_neighbourhoods(neighbourhood_ids=[], years=YEARS)
    result = analyse_neighbourhoods_parallel(
        neighbourhood_ids=[], years=YEARS, workers=2, executor=InProcess()
    )
    assert_same(result, one)
    with pytest.raises(ValueError):
        analyse_neighbourhoods_parallel(neighbourhood_ids=[1], years=[], workers=2, executor=InProcess())


def test_chunk_ids_at_the_edges():
    assert chunk_ids([], chunks=3) == []
    assert chunk_ids([7], chunks=3) == [(7,)]
    assert chunk_ids([5, 3, 3, 1, 4, 2], chunks=2) == [(1, 2, 3), (4, 5)]
    assert chunk_ids(range(1, 8), chunks=3) == [(1, 2, 3), (4, 5), (6, 7)]
    assert chunk_ids(range(1, 4), chunks=10) == [(1,), (2,), (3,)]
    assert chunk_ids(range(1, 4), chunks=0) == [(1, 2, 3)]


@pytest.mark.django_db
def test_a_failing_chunk_fails_the_whole(country, monkeypatch):
    real = parallel.summarise_chunk

    def second_fails(**kwargs: Any) -> parallel.ChunkResult:
        if kwargs["chunk"][0] == country[2]:
            raise RuntimeError("database went away")
        return real(**kwargs)

    monkeypatch.setattr(parallel, "summarise_chunk", second_fails)
    result = None
    with pytest.raises(ChunkFailed, match=r"chunk 2 of 3 .*database went away.*no result"):
        result = analyse_neighbourhoods_parallel(
            neighbourhood_ids=country, years=YEARS, workers=2, chunks=3, executor=InProcess()
        )
    assert result is None


def test_how_many_workers_a_synthesis_uses(monkeypatch):
    monkeypatch.setenv("KVS_ANALYSIS_WORKERS", "2")
    assert synthesis_workers(parallel.PARALLEL_MIN_NEIGHBOURHOODS - 1) == 1
    assert synthesis_workers(parallel.PARALLEL_MIN_NEIGHBOURHOODS) == 2
    monkeypatch.setenv("KVS_ANALYSIS_WORKERS", "0")
    assert synthesis_workers(parallel.PARALLEL_MIN_NEIGHBOURHOODS) == 1
    monkeypatch.setenv("KVS_ANALYSIS_WORKERS", "1")
    assert synthesis_workers(14_574) == 1
    monkeypatch.delenv("KVS_ANALYSIS_WORKERS")
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 4)
    # Not set: one worker per core on PostgreSQL, one process on SQLite.
    expected = 4 if connection.vendor == "postgresql" else 1
    assert synthesis_workers(parallel.PARALLEL_MIN_NEIGHBOURHOODS) == expected
    assert synthesis_workers(parallel.PARALLEL_MIN_NEIGHBOURHOODS - 1) == 1


@pytest.mark.django_db
def test_workers_above_one_go_through_the_chunks(country, monkeypatch):
    """``analyse_neighbourhoods(workers=2)`` takes the parallel path (here with the pool replaced)."""
    executor = InProcess()
    monkeypatch.setattr(parallel, "process_pool", lambda workers: executor)
    one = analyse_neighbourhoods(neighbourhood_ids=country, years=YEARS)
    result = analyse_neighbourhoods(neighbourhood_ids=country, years=YEARS, workers=2)
    assert len(executor.chunks) == 2 * parallel.CHUNKS_PER_WORKER
    assert_same(result, one)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="worker processes need a database they can reach"
)
@pytest.mark.django_db(transaction=True)
def test_real_worker_processes_give_the_one_process_result(country):
    one = analyse_neighbourhoods(neighbourhood_ids=country, years=YEARS)
    result = analyse_neighbourhoods(neighbourhood_ids=country, years=YEARS, workers=2)
    assert_same(result, one)


@pytest.mark.django_db
def test_the_synthese_report_of_a_big_programme_goes_through_the_chunks(country, monkeypatch):
    """Above the threshold, with workers configured, the Programmasynthese is built by the map-reduce and
    shows the same figures."""
    from krachtvansamen.neighbourhoods.models import Neighbourhood
    from krachtvansamen.reports.synthese import synthese_report
    from tests.factories import ProgrammeFactory

    programme = ProgrammeFactory()
    Neighbourhood.objects.filter(pk__in=country).update(programme=programme)
    members = list(Neighbourhood.objects.filter(pk__in=country).order_by("pk"))
    one = synthese_report(programme=programme, neighbourhoods=members, year=2024)
    executor = InProcess()
    monkeypatch.setattr(parallel, "process_pool", lambda workers: executor)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_NEIGHBOURHOODS", len(members))
    monkeypatch.setenv("KVS_ANALYSIS_WORKERS", "2")
    many = synthese_report(programme=programme, neighbourhoods=members, year=2024)
    assert len(executor.chunks) == 2 * parallel.CHUNKS_PER_WORKER
    assert_same(many.analysis, one.analysis)
    assert (many.figures, many.risk_rows, many.factor_rows) == (one.figures, one.risk_rows, one.factor_rows)


@pytest.mark.django_db
@pytest.mark.parametrize("year", [2023, 2024])
def test_the_tallies_of_single_neighbourhoods_merge_into_the_whole(country, year):
    """Every row belongs to one neighbourhood: the tallies of the neighbourhoods one by one, merged, finish
    into the aggregate of all of them loaded at once — for the analysed year and for an earlier one."""
    from krachtvansamen.analysis.aggregate import (
        aggregate_tally,
        programme_aggregate,
        programme_aggregate_from,
    )
    from krachtvansamen.analysis.data import load_analysis_data
    from krachtvansamen.analysis.parameters import DEFAULT_PARAMETERS
    from krachtvansamen.analysis.synthesis import neighbourhood_summaries
    from krachtvansamen.analysis.tally import merge_all

    data = load_analysis_data(neighbourhood_ids=country, years=YEARS)
    split = data.split_by_neighbourhood()
    summaries = neighbourhood_summaries(data, split, year=year, parameters=DEFAULT_PARAMETERS)
    whole = programme_aggregate(data, summaries=summaries, year=year)
    merged = merge_all(aggregate_tally(split[nid], year=year) for nid in sorted(split))
    from_parts = programme_aggregate_from(
        merged, codebook=data.codebook, summaries=summaries, year=year, years=data.years_through(year)
    )
    assert from_parts == whole
    # The data has something to count in each part of the aggregate the tallies feed.
    assert whole.effects.rows and any(cell.count for row in whole.effects.rows for cell in row.cells)
    assert whole.year_totals and sum(t.fragments for t in whole.year_totals) > 0
    if year == 2024:
        assert whole.leadership.total > 0 and whole.network[-1].relations > 0


def test_merge_rules():
    from dataclasses import dataclass, field

    from krachtvansamen.analysis.tally import merge, merge_all

    @dataclass
    class Part:
        ids: list[int] = field(default_factory=list)
        seen: set[int] = field(default_factory=set)
        by_key: dict[str, dict[int, str]] = field(default_factory=dict)
        pair: tuple[list[int], list[int]] = ([], [])
        count: int = 0
        label: str = "x"

    a = Part([1, 2], {1}, {"k": {1: "wijkwaardenkaart"}}, ([1], []), 2)
    b = Part([3], {1, 5}, {"k": {7: "interview"}, "m": {8: "visit"}}, ([], [9]), 3)
    merged = merge_all([a, b, Part()])
    assert merged.ids == [1, 2, 3]  # in order: first group first
    assert merged.seen == {1, 5}
    assert merged.by_key == {"k": {1: "wijkwaardenkaart", 7: "interview"}, "m": {8: "visit"}}
    assert list(merged.by_key) == ["k", "m"]
    assert merged.pair == ([1], [9])
    assert merged.count == 5
    assert merged.label == "x"
    assert merge(True, True) is True  # a flag is not a count
    with pytest.raises(ValueError, match="different values"):
        merge(Part(label="x"), Part(label="y"))
    with pytest.raises(ValueError, match="different values"):
        merge(True, False)
    with pytest.raises(ValueError, match="tuples"):
        merge((1, 2), (1,))
    with pytest.raises(TypeError):
        merge(1.5, 2.5)  # a share cannot be merged: tallies hold counts, the finish computes shares
    with pytest.raises(ValueError, match="no tallies"):
        merge_all([])
