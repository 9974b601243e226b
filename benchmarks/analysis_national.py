"""Benchmark of the analyses and the buurtbeeld on the national data set (PostgreSQL), against two floors.

Run (on the data set of `benchmarks/national_dataset.py`; never the shared `test` database, which is refused):

    .venv/bin/python benchmarks/analysis_national.py [--database-url postgres://postgres@127.0.0.1:5432/kvs_national]
        [--runs 3] [--year 2025] [--clients 20] [--duration 20] [--requests 400]
        [--skip-national] [--skip-pages] [--skip-analyses] [--threads N]

Part 1, the analyses (in this process). For every case the SQL it runs is recorded once (warm-up run,
``connection.execute_wrapper``: the statements with their parameters) and then, ``--runs`` times (at least 11
times for a case under a second), interleaved:

* **floor**: the recorded statements replayed on a separate raw psycopg connection (the same client-side
  binding cursor Django uses, garbage collector paused), every row fetched with ``fetchall()``: the time the
  database needs to produce the rows and hand them to Python, without Django and without analysing;
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

At the end one table: each case next to its floor, each page next to the trivial pages. The goal is analyses
within 3x their floor and pages within 3x a trivial page. Client and server share the machine (and its cores)
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
    floor: list[float] = field(default_factory=list)
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

        def timed(**kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return self.original(**kwargs)
            finally:
                self.spent += time.perf_counter() - started

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
            started = time.perf_counter()
            with connection.execute_wrapper(recorder):
                case.build()  # warm-up, and the statements of the floor
            case.statements = recorder.statements
            # Sub-second cases get more runs: on a shared machine three of them are too noisy for a median.
            for _run in range(runs if time.perf_counter() - started >= 1 else max(runs, SMALL_RUNS)):
                seconds, case.rows = _replay(raw, case.statements)
                case.floor.append(seconds)
                timer.spent = 0.0
                started = time.perf_counter()
                case.build()  # the result is dropped at once: a national result holds ~2 GB
                case.total.append(time.perf_counter() - started)
                case.load.append(timer.spent)
            print(
                f" floor {case.median(case.floor):.3f} s, build {case.median(case.total):.3f} s", flush=True
            )
    finally:
        raw.close()
        timer.services.load_analysis_data = timer.original


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
            f"ANALYSES (median of {args.runs} runs, of {max(args.runs, SMALL_RUNS)} for sub-second cases; floor = the same SQL replayed on a bare psycopg cursor, all rows "
            f"fetched)"
        )
        head = f"{'case':<50} {'buurten':>7} {'queries':>7} {'rows':>9} {'floor':>9} {'load':>9} {'build':>9} {'build/floor':>11}"
        print(head)
        print("-" * len(head))
        for case in cases:
            floor, total, load = case.median(case.floor), case.median(case.total), case.median(case.load)
            ratio = total / floor if floor else float("nan")
            print(
                f"{case.label:<50} {case.neighbourhoods:>7} {len(case.statements):>7} {case.rows:>9} "
                f"{_fmt(floor):>9} {_fmt(load):>9} {_fmt(total):>9} {ratio:>9.1f}x {_verdict(ratio)}"
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
