"""Benchmark of the analyses and the buurtbeeld on the national data set (PostgreSQL), against floors.

Run (on the data set of `benchmarks/national_dataset.py`; never the shared `test` database, which is refused):

    .venv/bin/python benchmarks/analysis_national.py [--database-url postgres://postgres@127.0.0.1:5432/kvs_national]
        [--runs 3] [--year 2025] [--clients 20] [--duration 20] [--requests 400]
        [--skip-national] [--skip-pages] [--skip-analyses] [--threads N]

Part 1, the analyses (in this process). For every case the SQL it runs is recorded once (warm-up run,
``connection.execute_wrapper``: the statements with their parameters) and then, ``--runs`` times (at least 11
times for a case under a second), interleaved:

* **replay floor**: the app's own recorded statements replayed on a separate raw psycopg connection (the same
  client-side binding cursor Django uses, garbage collector paused), every row fetched with ``fetchall()``.
  It says what the app's queries cost without Django, but it is the app's own SQL: a heavier query raises
  this floor as much as the build, so build/replay cannot show a query that is slower than it needs to be;
* **independent floor**: the least SQL that reads the same rows, written by hand in this script (not taken
  from the app): for every call of ``load_analysis_data`` the case makes (neighbourhood ids and years,
  recorded in the warm-up), plain SELECTs of the same tables with the same filters — neighbourhoods, the
  codebook, counted codings with their fragments, fragments per speaker, helps/hinders stances, activities
  and their participants, relations, assets, factors, sustainability assessments, fundings, persons (with the
  demographics consent), CBS records, submitted scale answers — every row fetched on the same bare cursor.
  The warm-up checks that each returns as many rows as the app's loader did (a mismatch is printed). Rows a
  case reads outside ``load_analysis_data`` (a buurtbeeld's quotes, values, network drawing) are not in it:
  that can only lower this floor and make the ratio stricter;
* **build**: the real call; ``load`` is the part of it spent in ``load_analysis_data``.

Cases: ``analyse_neighbourhood`` for a typical neighbourhood (the median number of fragments in the year) and
the biggest one (the most fragments), ``buurtbeeld_report`` for both (everything the Buurtbeeld page shows: the
analysis plus quotes, values, network drawing, CBS figures), ``analyse_neighbourhoods`` for the study's 33
neighbourhoods (the two demo programmes; also with all 33 full analyses opened), ``synthese_report`` for the
programme ``sterke-buurtverbinders``, and ``analyse_neighbourhoods`` for all neighbourhoods (``--skip-national``
leaves this out: it needs ~2.5 GB of memory and about a minute per run). Medians are printed.

Part 2, the pages. ``kvs serve`` (waitress, its default threads unless ``--threads``) runs as a subprocess on
the same database; ``--clients`` threads each log in as the demo ``researcher`` (own session, own keep-alive
``http.client`` connection) and request one page as fast as they can, for ``--duration`` seconds or until
``--requests`` requests of that page are done, whichever comes first (after one unmeasured warm-up request
each). Pages: ``/gezond/`` (trivial: no login, no database), the codebook ``/codeboek/`` (a cheap logged-in
page: session, user and 6 queries, ~65 KB; the start page is not cheap for a researcher who sees all 14,574
buurten) and the buurtbeeld page ``/rapporten/buurtbeeld/<code>/<year>/`` of the typical and the biggest
neighbourhood. Latency is the time from sending the request to having read the whole
response, measured by the client over localhost: server time including the wait for a free waitress thread
(20 clients share the threads). "1 client" is the median of 5 requests by one client alone, before the load.

At the end one table: each case next to both floors, each page next to the trivial pages. The goal is analyses
within 3x their floor, judged against the INDEPENDENT floor (build/independent; build/replay is printed for
comparison only), and pages within 3x a trivial page. Client and server share the machine (and its cores)
with everything else running on it: compare ratios within one run rather than absolute times across runs.
"""

from __future__ import annotations

import argparse
import gc
import http.client
import http.cookies
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/kvs_national"
DEMO_PROGRAMMES = ("sterke-buurtverbinders", "van-buurten-naar-communities")
SYNTHESIS_PROGRAMME = "sterke-buurtverbinders"
USER = "researcher"
PASSWORD = os.environ.get("KVS_DEMO_PASSWORD", "kracht-demo")
TARGET = 3.0
SMALL_RUNS = 11  # runs of a case whose warm-up took less than a second


def _database_name(url: str) -> str:
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme not in ("postgres", "postgresql", "pgsql"):
        raise SystemExit(f"this benchmark is for PostgreSQL, not {parsed.scheme!r}")
    name = parsed.path.lstrip("/")
    if name == "test" or name.startswith("test_"):
        raise SystemExit(f"refusing the database {name!r}: it is the shared test database")
    return name


# --- Part 1: analyses against the floor ---------------------------------------------------------------------


class Recorder:
    """Records every statement Django sends, with its parameters (for the replay)."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, Any, bool]] = []

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        self.statements.append((sql, params, many))
        return execute(sql, params, many, context)


@dataclass
class Case:
    label: str
    build: Callable[[], Any]
    neighbourhoods: int
    statements: list[tuple[str, Any, bool]] = field(default_factory=list)
    rows: int = 0
    floor: list[float] = field(default_factory=list)  # the replay floor
    # The independent floor: its times, the loader calls it reads the rows of, and the row counts it read
    # next to those the app's loader returned (to show that it reads the same rows).
    independent: list[float] = field(default_factory=list)
    calls: list[tuple[list[int], list[int]]] = field(default_factory=list)
    independent_rows: dict[str, int] = field(default_factory=dict)
    loaded_rows: dict[str, int] = field(default_factory=dict)
    total: list[float] = field(default_factory=list)
    load: list[float] = field(default_factory=list)

    def median(self, values: list[float]) -> float:
        return statistics.median(values) if values else float("nan")


class LoadTimer:
    """Wraps ``load_analysis_data`` where the entry points look it up, to split a build into load + analysis."""

    def __init__(self) -> None:
        from krachtvansamen.analysis import services

        self.spent = 0.0
        self.services = services
        self.original = services.load_analysis_data
        # While recording (the warm-up): each distinct call (ids, years) and the rows per row set it returned.
        self.recording = False
        self.calls: dict[tuple[tuple[int, ...], tuple[int, ...]], dict[str, int]] = {}

        def timed(**kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                data = self.original(**kwargs)
            finally:
                self.spent += time.perf_counter() - started
            if self.recording:
                key = (tuple(sorted(set(kwargs["neighbourhood_ids"]))), tuple(sorted(set(kwargs["years"]))))
                self.calls[key] = _loaded_counts(data)
            return data

        services.load_analysis_data = timed


def _replay(raw: Any, statements: list[tuple[str, Any, bool]]) -> tuple[float, int]:
    """The recorded statements on a bare connection, all rows fetched; the collector paused, as the loader does."""
    rows = 0
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        started = time.perf_counter()
        with raw.cursor() as cursor:
            for sql, params, many in statements:
                if many:
                    cursor.executemany(sql, params)
                    continue
                cursor.execute(sql, params)
                if cursor.description is not None:
                    rows += len(cursor.fetchall())
        return time.perf_counter() - started, rows
    finally:
        if was_enabled:
            gc.enable()


def _cases(year: int, skip_national: bool) -> tuple[list[Case], dict[str, Any]]:
    from django.db.models import Count

    from krachtvansamen.analysis.services import analyse_neighbourhood, analyse_neighbourhoods
    from krachtvansamen.coding.models import Fragment
    from krachtvansamen.neighbourhoods.models import Neighbourhood, Programme
    from krachtvansamen.neighbourhoods.years import years_up_to
    from krachtvansamen.reports.buurtbeeld import buurtbeeld_report
    from krachtvansamen.reports.synthese import synthese_report

    counts = list(
        Fragment.objects.filter(year=year).order_by().values_list("neighbourhood_id")
        .annotate(n=Count("pk")).order_by("n", "neighbourhood_id").values_list("neighbourhood_id", "n")
    )  # fmt: skip
    if not counts:
        raise SystemExit(
            f"no fragments in {year}: generate the data set first (benchmarks/national_dataset.py)"
        )
    typical_id, typical_n = counts[len(counts) // 2]
    biggest_id, biggest_n = counts[-1]
    typical = Neighbourhood.objects.get(pk=typical_id)
    biggest = Neighbourhood.objects.get(pk=biggest_id)
    demo_ids = list(
        Neighbourhood.objects.filter(programme__slug__in=DEMO_PROGRAMMES).values_list("pk", flat=True)
    )
    all_ids = list(Neighbourhood.objects.values_list("pk", flat=True))
    years = years_up_to(up_to=year)
    programme = Programme.objects.get(slug=SYNTHESIS_PROGRAMME)
    programme_members = list(Neighbourhood.objects.filter(programme=programme).order_by("name"))

    def one(n: Any) -> Callable[[], Any]:
        return lambda: analyse_neighbourhood(neighbourhood_id=n.pk, year=year)

    def report(n: Any) -> Callable[[], Any]:
        return lambda: buurtbeeld_report(neighbourhood=n, year=year)

    def programme_with_all_opened() -> None:
        result = analyse_neighbourhoods(neighbourhood_ids=demo_ids, years=years)
        for _analysis in result.neighbourhoods:
            pass

    cases = [
        Case(f"analyse_neighbourhood, typical ({typical_n} fragments)", one(typical), 1),
        Case(f"analyse_neighbourhood, biggest ({biggest_n} fragments)", one(biggest), 1),
        Case("buurtbeeld_report, typical", report(typical), 1),
        Case("buurtbeeld_report, biggest", report(biggest), 1),
        Case("analyse_neighbourhoods, 33 study buurten",
             lambda: analyse_neighbourhoods(neighbourhood_ids=demo_ids, years=years), len(demo_ids)),
        Case("  + all 33 full analyses opened", programme_with_all_opened, len(demo_ids)),
        Case(f"synthese_report, {SYNTHESIS_PROGRAMME}",
             lambda: synthese_report(programme=programme, neighbourhoods=programme_members, year=year),
             len(programme_members)),
    ]  # fmt: skip
    if not skip_national:
        cases.append(
            Case(
                "analyse_neighbourhoods, all buurten",
                lambda: analyse_neighbourhoods(neighbourhood_ids=all_ids, years=years),
                len(all_ids),
            )
        )
    about = {
        "typical": typical,
        "biggest": biggest,
        "typical_n": typical_n,
        "biggest_n": biggest_n,
        "neighbourhoods": len(all_ids),
        "fragments_year": sum(n for _id, n in counts),
    }
    return cases, about


def run_analyses(cases: list[Case], url: str, runs: int) -> None:
    import psycopg
    from django.db import connection

    timer = LoadTimer()
    raw = psycopg.connect(url, autocommit=True, cursor_factory=psycopg.ClientCursor)
    try:
        for case in cases:
            print(f"  {case.label} …", end="", flush=True)
            recorder = Recorder()
            timer.recording, timer.calls = True, {}
            started = time.perf_counter()
            with connection.execute_wrapper(recorder):
                case.build()  # warm-up: the statements of the replay floor, the loader calls of the independent one
            warm_up = time.perf_counter() - started
            timer.recording = False
            case.statements = recorder.statements
            # The same rows read twice by one case are read once by the least SQL: identical calls count once.
            case.calls = [(list(ids), list(years)) for ids, years in timer.calls]
            for counts in timer.calls.values():
                for name, count in counts.items():
                    case.loaded_rows[name] = case.loaded_rows.get(name, 0) + count
            _seconds, case.independent_rows = _independent(raw, case.calls)
            # Sub-second cases get more runs: on a shared machine three of them are too noisy for a median.
            for _run in range(runs if warm_up >= 1 else max(runs, SMALL_RUNS)):
                seconds, case.rows = _replay(raw, case.statements)
                case.floor.append(seconds)
                case.independent.append(_independent(raw, case.calls)[0])
                timer.spent = 0.0
                started = time.perf_counter()
                case.build()  # the result is dropped at once: a national result holds ~2 GB
                case.total.append(time.perf_counter() - started)
                case.load.append(timer.spent)
            print(
                f" replay floor {case.median(case.floor):.3f} s, independent floor "
                f"{case.median(case.independent):.3f} s, build {case.median(case.total):.3f} s",
                flush=True,
            )
            differ = _rows_differ(case)
            if differ:
                print(f"    ROWS DIFFER (independent floor, app's loader): {differ}", flush=True)
    finally:
        raw.close()
        timer.services.load_analysis_data = timer.original


# --- the independent floor: the least SQL that reads the rows the analysis needs ----------------------------
#
# The replay floor above replays the app's own statements, so a heavier query raises the floor as much as the
# build and the ratio cannot show it. These statements are written by hand, independent of the app's ORM
# code: for each call of ``load_analysis_data`` a case makes (neighbourhood ids, years), plain SELECTs of the
# same rows from the same tables, with the same filters (counted codings, helps/hinders stances, the
# demographics consent, submitted 1-5 answers of ``abcd.`` codes), every row fetched on a bare cursor. The
# warm-up checks that each of them returns as many rows as the app's loader did. What a case reads besides
# ``load_analysis_data`` (a buurtbeeld's quotes, network drawing, ...) is not in this floor: it can only make
# the floor lower and the ratio stricter, never flatter.


def _independent_statements(ids: list[int], years: list[int]) -> list[tuple[str, str, tuple[Any, ...]]]:
    """(row set, SQL, parameters): the rows ``load_analysis_data(neighbourhood_ids=ids, years=years)`` reads."""
    from krachtvansamen.coding.models import Coding, CodingState
    from krachtvansamen.instruments.models import Submission, SubmissionFragment
    from krachtvansamen.people.models import Consent

    # Typed arrays, as a hand-written query would have them: the planner then hashes a long list of ids.
    in_ids_years = "neighbourhood_id = ANY(%s::bigint[]) AND year = ANY(%s::int[])"
    fragments_in = "f.neighbourhood_id = ANY(%s::bigint[]) AND f.year = ANY(%s::int[])"
    demographics = Consent.Scope.DEMOGRAPHICS.value
    consented = (
        "SELECT 1 FROM people_consent c WHERE c.person_id = p.id AND c.scope = %s AND c.given AND NOT EXISTS ("
        "SELECT 1 FROM people_consent w WHERE w.person_id = c.person_id AND w.scope = %s AND NOT w.given AND "
        "w.recorded_at >= c.recorded_at)"
    )
    return [
        ("neighbourhoods", "SELECT id, cbs_code, name, municipality_name, programme_id, is_focus "
         "FROM neighbourhoods_neighbourhood WHERE id = ANY(%s::bigint[])", (ids,)),
        ("codebook", 'SELECT c.id, c.key, p.key, c."group", c.depth, c.position, c.label_nl, c.label_en, '
         "b.is_current FROM framework_code c JOIN framework_codebook b ON b.id = c.codebook_id "
         "LEFT JOIN framework_code p ON p.id = c.parent_id", ()),
        ("codings", "SELECT c.fragment_id, f.neighbourhood_id, f.year, c.code_id, f.instrument "
         f"FROM coding_coding c JOIN coding_fragment f ON f.id = c.fragment_id WHERE {fragments_in} "
         "AND (c.origin = %s OR (c.origin = %s AND c.coder_id IS NOT NULL)) "
         "AND (c.settled OR f.coding_state <> %s)",
         (ids, years, Coding.Origin.HUMAN.value, Coding.Origin.SUGGESTED.value, CodingState.SETTLED.value)),
        ("fragment_groups", "SELECT neighbourhood_id, year, instrument, speaker_id, count(*) "
         f"FROM coding_fragment WHERE {in_ids_years} GROUP BY 1, 2, 3, 4", (ids, years)),
        ("stances", "SELECT s.fragment_id, f.neighbourhood_id, f.year, s.stance FROM "
         f"instruments_submissionfragment s JOIN coding_fragment f ON f.id = s.fragment_id WHERE {fragments_in} "
         "AND s.stance = ANY(%s::text[])",
         (ids, years, [SubmissionFragment.Stance.HELPS.value, SubmissionFragment.Stance.HINDERS.value])),
        ("activities", "SELECT id, neighbourhood_id, year, initiated_by, initiator_person_id, participant_count "
         f"FROM assets_activity WHERE {in_ids_years}", (ids, years)),
        ("activity_participants", "SELECT p.activity_id, a.neighbourhood_id, a.year, p.person_id FROM "
         "assets_activity_participants p JOIN assets_activity a ON a.id = p.activity_id "
         "WHERE a.neighbourhood_id = ANY(%s::bigint[]) AND a.year = ANY(%s::int[])", (ids, years)),
        ("relations", "SELECT id, neighbourhood_id, year, source_person_id, target_person_id, capital_type, "
         "is_new, hook_activity_id, hook_place_id, hook_person_id, source_organisation_id, "
         f"target_organisation_id FROM network_relation WHERE {in_ids_years}", (ids, years)),
        ("assets", "SELECT id, neighbourhood_id, year, category, is_meeting_place FROM assets_asset "
         "WHERE neighbourhood_id = ANY(%s::bigint[]) AND year <= %s", (ids, max(years))),
        ("factors", "SELECT id, neighbourhood_id, year, code_id, direction, fragment_id "
         f"FROM assessments_factorobservation WHERE {in_ids_years}", (ids, years)),
        ("sustainability", "SELECT id, neighbourhood_id, year, code_id, status "
         f"FROM assessments_sustainabilityassessment WHERE {in_ids_years}", (ids, years)),
        ("fundings", "SELECT f.id, f.neighbourhood_id, f.funder_id, o.name, f.start_year, f.end_year FROM "
         "people_funding f LEFT JOIN people_organisation o ON o.id = f.funder_id "
         "WHERE f.neighbourhood_id = ANY(%s::bigint[]) ORDER BY f.start_year, f.id", (ids,)),
        # The persons, demographics only where the newest demographics consent is 'given' (no withdrawal at
        # the same moment or later): two statements, with and without, each a plain (anti-)semi-join that
        # PostgreSQL hashes; one statement with a per-person EXISTS or a join to the consented ids was slower.
        ("persons", "SELECT p.id, p.neighbourhood_id, p.role, p.age_band, p.origin, p.gender FROM people_person "
         f"p WHERE p.neighbourhood_id = ANY(%s::bigint[]) AND EXISTS ({consented})", (ids, demographics, demographics)),
        ("persons", "SELECT p.id, p.neighbourhood_id, p.role, '', '', '' FROM people_person p WHERE "
         f"p.neighbourhood_id = ANY(%s::bigint[]) AND NOT EXISTS ({consented})", (ids, demographics, demographics)),
        ("cbs", "SELECT r.id, r.region_code, r.year, r.population, r.men, r.women, r.age_0_15, r.age_15_25, "
         "r.age_25_45, r.age_45_65, r.age_65_plus, r.origin_netherlands, r.origin_europe, "
         "r.origin_outside_europe FROM neighbourhoods_cbsrecord r WHERE r.region_code IN ("
         "SELECT cbs_code FROM neighbourhoods_neighbourhood WHERE id = ANY(%s::bigint[])) ORDER BY r.region_code, r.year",
         (ids,)),
        ("scale_answers", "SELECT a.submission_id, a.neighbourhood_id, a.year, c.key, a.value FROM "
         "instruments_codedanswer a JOIN framework_code c ON c.id = a.code_id JOIN instruments_submission s ON "
         "s.id = a.submission_id WHERE a.neighbourhood_id = ANY(%s::bigint[]) AND a.year = ANY(%s::int[]) AND a.value IS NOT NULL "
         "AND c.key LIKE 'abcd.%%' AND s.status = %s", (ids, years, Submission.Status.SUBMITTED.value)),
    ]  # fmt: skip


def _loaded_counts(data: Any) -> dict[str, int]:
    """Rows per row set of an ``AnalysisData`` (what the app's loader returned), to check the floor's SQL."""
    counts = {name: len(getattr(data, name)) for name in (
        "neighbourhoods", "codings", "fragment_groups", "stances", "activities", "activity_participants",
        "relations", "assets", "factors", "sustainability", "fundings", "scale_answers", "persons")}  # fmt: skip
    counts["cbs"] = sum(len(rows) for rows in data.cbs.values())
    return counts


def _rows_differ(case: Case) -> dict[str, tuple[int, int]]:
    """Row sets where the independent floor read another number of rows than the app's loader returned."""
    return {
        name: (case.independent_rows.get(name, 0), count)
        for name, count in case.loaded_rows.items()
        if case.independent_rows.get(name, 0) != count
    }


def _independent(raw: Any, calls: list[tuple[list[int], list[int]]]) -> tuple[float, dict[str, int]]:
    """The hand-written statements for every loader call of a case on a bare cursor, every row fetched."""
    counts: dict[str, int] = {}
    statements = [statement for ids, years in calls for statement in _independent_statements(ids, years)]
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        started = time.perf_counter()
        with raw.cursor() as cursor:
            for name, sql, params in statements:
                cursor.execute(sql, params)
                counts[name] = counts.get(name, 0) + len(cursor.fetchall())
        return time.perf_counter() - started, counts
    finally:
        if was_enabled:
            gc.enable()


# --- Part 2: pages under concurrent clients -----------------------------------------------------------------


class Client:
    """One browser: its own keep-alive connection and cookies."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection(host, port, timeout=300)

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, bytes, dict[str, str]]:
        headers = {"User-Agent": "kvs-analysis-bench"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                content = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed an idle keep-alive connection: reconnect once.
                self.connection.close()
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=300)
                if attempt == 2:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in http.cookies.SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, content, dict(response.headers)

    def login(self, username: str, password: str) -> None:
        self.request("GET", "/inloggen/")
        status, _body, _headers = self.request(
            "POST",
            "/inloggen/",
            {
                "username": username,
                "password": password,
                "csrfmiddlewaretoken": self.cookies.get("csrftoken", ""),
            },
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(
                f"login as {username!r} failed (status {status}); is the data set's demo user there?"
            )


@dataclass
class PageResult:
    label: str
    path: str
    alone: float = float("nan")
    latencies: list[float] = field(default_factory=list)
    errors: dict[int, int] = field(default_factory=dict)
    elapsed: float = 0.0
    size: int = 0

    def percentile(self, fraction: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else float("nan")


def _measure_page(page: PageResult, clients: list[Client], duration: float, budget: int) -> None:
    # One client alone first: the page's own time without waiting for a thread.
    alone = []
    for _ in range(5):
        started = time.perf_counter()
        status, body, _headers = clients[0].request("GET", page.path)
        alone.append(time.perf_counter() - started)
        if status != 200:
            raise SystemExit(f"{page.path} answered {status} instead of 200")
        page.size = len(body)
    page.alone = statistics.median(alone)
    remaining = [budget]
    lock = threading.Lock()
    barrier = threading.Barrier(len(clients) + 1)
    deadline = [0.0]

    def work(client: Client) -> None:
        client.request("GET", page.path)  # warm-up: this thread's first request of the page is not counted
        barrier.wait()
        while time.perf_counter() < deadline[0]:
            with lock:
                if remaining[0] <= 0:
                    return
                remaining[0] -= 1
            started = time.perf_counter()
            status, _body, _headers = client.request("GET", page.path)
            latency = time.perf_counter() - started
            with lock:
                if status == 200:
                    page.latencies.append(latency)
                else:
                    page.errors[status] = page.errors.get(status, 0) + 1

    threads = [threading.Thread(target=work, args=(client,), daemon=True) for client in clients]
    for thread in threads:
        thread.start()
    barrier.wait()
    began = time.perf_counter()
    deadline[0] = began + duration
    for thread in threads:
        thread.join()
    page.elapsed = time.perf_counter() - began


def run_pages(url: str, args: argparse.Namespace, about: dict[str, Any]) -> list[PageResult]:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k not in ("KVS_DEBUG",)}  # production settings: DEBUG off
    env.update(
        {
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "krachtvansamen.settings",
            "PYTHONPATH": str(ROOT / "src"),
        }
    )
    command = [sys.executable, "-m", "krachtvansamen.cli", "serve", "--port", str(port)]
    if args.threads:
        command += ["--threads", str(args.threads)]
    # The log goes to a file: a pipe nobody reads fills up and then blocks waitress.
    log = tempfile.TemporaryFile()  # noqa: SIM115 (closed in finally; the server writes to it meanwhile)
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=log)
    year = args.year
    pages = [
        PageResult("/gezond/ (trivial, anonymous)", "/gezond/"),
        PageResult("codebook /codeboek/ (logged in)", "/codeboek/"),
        PageResult("buurtbeeld page, typical", f"/rapporten/buurtbeeld/{about['typical'].cbs_code}/{year}/"),
        PageResult("buurtbeeld page, biggest", f"/rapporten/buurtbeeld/{about['biggest'].cbs_code}/{year}/"),
    ]
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                probe_client = Client("127.0.0.1", port)
                if probe_client.request("GET", "/gezond/")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                log.seek(0)
                raise SystemExit("kvs serve did not come up:\n" + log.read().decode(errors="replace")[-2000:])
            time.sleep(0.3)
        clients = [Client("127.0.0.1", port) for _ in range(args.clients)]
        for client in clients:
            client.login(USER, PASSWORD)
        for page in pages:
            print(f"  {page.label}: {page.path} …", end="", flush=True)
            _measure_page(page, clients, args.duration, args.requests)
            print(f" {len(page.latencies)} requests, p50 {page.percentile(0.5) * 1000:.0f} ms", flush=True)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.seek(0)
        lines = log.read().decode(errors="replace").splitlines()
        log.close()
        depth = [int(m.group(1)) for m in map(re.compile(r"Task queue depth is (\d+)").search, lines) if m]
        if depth:
            print(f"  waitress queue-depth warnings: {len(depth)}, deepest queue {max(depth)}")
        others = [line for line in lines if "Task queue depth" not in line and "Serving on" not in line]
        if others:
            print("  server log:\n    " + "\n    ".join(others[-10:]))
    return pages


# --- The table ----------------------------------------------------------------------------------------------


def _verdict(ratio: float) -> str:
    if math.isnan(ratio):
        return "— (no loader call: no independent floor)"
    return "ok" if ratio <= TARGET else "OVER"


def print_table(
    cases: list[Case],
    pages: list[PageResult],
    about: dict[str, Any],
    args: argparse.Namespace,
    threads: int,
    load_before: float,
) -> None:
    print()
    print(
        f"Kracht van Samen — analyses and buurtbeeld on {args.database_name}: {about['neighbourhoods']} buurten, "
        f"{about['fragments_year']} fragments in {args.year}; {os.cpu_count()} CPUs, load average "
        f"{load_before:.1f} before and {os.getloadavg()[0]:.1f} after (shared machine)"
    )
    print(
        f"typical = {about['typical'].cbs_code} {about['typical'].name} ({about['typical_n']} fragments in "
        f"{args.year}, the median); biggest = {about['biggest'].cbs_code} {about['biggest'].name} "
        f"({about['biggest_n']})"
    )
    if cases:
        print()
        print(
            f"ANALYSES (median of {args.runs} runs, of {max(args.runs, SMALL_RUNS)} for sub-second cases). "
            f"replay floor = the app's own recorded SQL replayed on a bare psycopg cursor; independent floor = "
            f"hand-written minimal SELECTs of the rows load_analysis_data reads, same cursor; all rows fetched. "
            f"Target: build within {TARGET:.0f}x the INDEPENDENT floor."
        )
        head = (
            f"{'case':<50} {'buurten':>7} {'queries':>7} {'rows':>9} {'replay':>9} {'indep.':>9} {'indep. rows':>11} "
            f"{'load':>9} {'build':>9} {'build/replay':>12} {'build/indep.':>12}"
        )
        print(head)
        print("-" * len(head))
        for case in cases:
            floor, total, load = case.median(case.floor), case.median(case.total), case.median(case.load)
            independent = case.median(case.independent)
            ratio = total / floor if floor else float("nan")
            judged = total / independent if independent else float("nan")
            same = " (rows differ)" if _rows_differ(case) else ""
            print(
                f"{case.label:<50} {case.neighbourhoods:>7} {len(case.statements):>7} {case.rows:>9} "
                f"{_fmt(floor):>9} {_fmt(independent):>9} {sum(case.independent_rows.values()):>11} "
                f"{_fmt(load):>9} {_fmt(total):>9} {ratio:>11.1f}x {judged:>11.1f}x {_verdict(judged)}{same}"
            )
    if pages:
        print()
        print(
            f"PAGES (kvs serve, {threads} waitress threads; {args.clients} concurrent clients logged in as "
            f"{USER!r}, each its own session; up to {args.duration:.0f} s or {args.requests} requests per page; "
            f"latency = client-side, whole response)"
        )
        trivial, cheap = pages[0], pages[1]
        head = (
            f"{'page':<32} {'1 client':>9} {'n':>5} {'p50':>9} {'p95':>9} {'max':>9} {'req/s':>7} {'KB':>6} "
            f"{'p50 / gezond':>13} {'p50 / codeboek':>15} {'1 client / codeboek':>20}"
        )
        print(head)
        print("-" * len(head))
        for page in pages:
            errors = f"  errors {page.errors}" if page.errors else ""
            p50 = page.percentile(0.5)
            print(
                f"{page.label:<32} {_fmt(page.alone):>9} {len(page.latencies):>5} {_fmt(p50):>9} "
                f"{_fmt(page.percentile(0.95)):>9} {_fmt(max(page.latencies, default=float('nan'))):>9} "
                f"{page.rate:>7.1f} {page.size / 1024:>6.0f} {p50 / trivial.percentile(0.5):>12.1f}x "
                f"{p50 / cheap.percentile(0.5):>14.1f}x {page.alone / cheap.alone:>19.1f}x{errors}"
            )


def _fmt(seconds: float) -> str:
    if math.isnan(seconds):
        return "—"
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--runs", type=int, default=3, help="timed runs per analysis case (median)")
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per page (at most)")
    parser.add_argument("--requests", type=int, default=400, help="requests per page (at most)")
    parser.add_argument(
        "--threads", type=int, default=0, help="waitress threads (default: kvs serve's default)"
    )
    parser.add_argument("--skip-national", action="store_true", help="leave out the all-buurten synthesis")
    parser.add_argument("--skip-analyses", action="store_true")
    parser.add_argument("--skip-pages", action="store_true")
    args = parser.parse_args()
    args.database_name = _database_name(args.database_url)

    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "krachtvansamen.settings")
    import django

    django.setup()
    from django.utils import translation

    from krachtvansamen.core.management.commands.serve import Command as Serve

    translation.activate("nl")  # the pages are Dutch; the reports build their labels in the active language
    load_before = os.getloadavg()[0]
    threads = args.threads or Serve().create_parser("kvs", "serve").get_default("threads")
    cases, about = _cases(args.year, args.skip_national)
    if args.skip_analyses:
        cases = []
    else:
        print(f"analyses ({args.runs} runs each):", flush=True)
        run_analyses(cases, args.database_url, args.runs)
    pages: list[PageResult] = []
    if not args.skip_pages:
        from django.db import connection

        connection.close()  # the server gets the database to itself (apart from this process's idle memory)
        print(f"pages ({args.clients} clients):", flush=True)
        pages = run_pages(args.database_url, args, about)
    print_table(cases, pages, about, args, threads, load_before)


if __name__ == "__main__":
    main()
