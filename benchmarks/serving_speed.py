"""The speed targets of issue 14, side by side in one run, against a floor measured under the same load.

Run (the full measurement, on a quiet machine; ~15-30 minutes):

    .venv/bin/python benchmarks/serving_speed.py [--source-database postgres://postgres@127.0.0.1:5432/kvs_national]
        [--workers 2] [--threads 4] [--clients 20] [--requests 100] [--cold 20] [--phones 100]
        [--lift-rate-limits] [--synthesis-runs 3]

Smoke test on small data (its own temporary KVS_DATA_DIR with `kvs demo`, SQLite; with ``--server-url
postgres://postgres@127.0.0.1:5432/postgres`` the demo goes into its own PostgreSQL database instead):

    .venv/bin/python benchmarks/serving_speed.py --small [--server-url postgres://…]

Targets (issue 14, "Speed"), each judged against the FLOOR's p95 measured in the same run under the same load
(for the pages: the lower of the floor taken in the clients' cycle and the floor of a steady probe, one more
client asking for it every 0.25 s — the cycle's floor requests fall more often in the busiest moments, when a
buurt's page is skipped during its cold view, which raised its p95 and flattered every ratio):

- Buurtbeeld page of the typical (median number of fragments in the year) and the biggest buurt, 20 concurrent
  logged-in clients: p95 <= 3x the floor's p95, cold (the first view after a write) and warm;
- Effectenplein burst, 100 phones posting at once: 0 lost (every post accepted, in the database and on the
  projector, as ``effectenplein_load.py`` counts it) and post p95 <= 3x the floor's p95 during the burst;
- national programme synthesis: wall time with 2 workers <= 0.6x one process;
- the API's fragment list (a page of 50; 1M fragments): p95 <= 2x the floor.

The floor. There is no dedicated minimal page, and none is added for the benchmark. The smallest real logged-in
page is the password change form ``/wachtwoord/wijzigen/`` (Django's PasswordChangeView): login required, so
the session and the user are read, the role for the menu (people.context_processors), and one small template
(registration/password_change_form.html, 328 bytes, in the site's base layout) — no query of the app's own
data. Every other logged-in page reads data (the start page lists buurten, the codebook its codes, /taken/ the
user's jobs and starts the embedded job pool).

How it is measured:

- The server is started by the script: ``kvs serve --workers N --threads T`` (gunicorn with N processes; N from
  ``--workers``, default 2) on a free loopback port. If this checkout's ``kvs serve`` has no ``--workers`` yet,
  it falls back to one process and says so loudly when it starts and in the table's header.
- Pages: ``--clients`` threads, each logged in as the demo ``researcher`` (own session, own keep-alive
  connection; the API with a Bearer token from ``kvs api-token --user researcher``). The URLs are interleaved
  as ``/work/shared/bench/http_compare.py`` does it: every URL has the same budget, worker w starts at URL
  w mod k and cycles through them, so all are timed over the same period under the same load. Latency = from
  sending the request to having read the whole answer, client side. One untimed warm-up round first.
- Cold = the first view after a write. Before a cold request the client records a story in that buurt through
  the app's own write path (``coding.services.fragments_record``, as recorded by the researcher), which bumps
  the buurt's data version on commit. While a cold request is pending, nobody else views that buurt's page
  (workers take another URL meanwhile, so the load stays the same), and the write waits until the warm views
  of the buurt in flight have ended. Verified twice: (1) per cold request, the report cache's key of the page
  (``reports.report_cache.report_cache_key`` with the new data version, read by this process from the same
  shared cache) is absent right after the write and present right after the view: the view computed it; (2) by
  counting, at the end: each buurt's data version rose by exactly the number of cold writes and the "all"
  version did not change, so nothing else retired a warm page (printed as a "check" line with the targets).
  Warm = every other view of the page. Cold views are ``--cold`` per buurt (one at a time per buurt, each a
  write and a view), so their p95 rests on fewer requests than the others'.
- Effectenplein: ``effectenplein_load.burst`` (the same phones, projector and counting, reused) on the same
  server, while the clients request the floor; the floor's p95 is taken over the requests that started between
  the first post sent and the last post answered. The app's rate limits apply as shipped (every phone is
  127.0.0.1) unless ``--lift-rate-limits``. On loopback every phone shares one address, so the shipped limits
  refuse 70 of 100 joins (effectenplein_load_results.md) and the target fails; ``--lift-rate-limits`` measures
  what the server itself takes (the header says which).
- Synthesis: ``reports.synthese.synthese_report`` of the first programme over every buurt, in this process, with
  KVS_ANALYSIS_WORKERS=1 (one process) and =``--workers`` (the analysis split over that many worker processes,
  ``analysis.parallel``), runs alternating, after one untimed run of each; the medians are judged. Below
  ``PARALLEL_MIN_NEIGHBOURHOODS`` (the small data) the synthesis stays one process by design, so there its
  analysis step, ``analyse_neighbourhoods(workers=N)``, is timed instead, split by force (the row says so). If
  this checkout cannot split the analysis (no ``workers``, no job for it), it prints "not available yet" — no
  figure.

Failures: every non-2xx answer, timeout or connection error, every post not accepted or lost, a cold view that
was not cold: each is counted and printed, and the script exits 1. A target missed also exits 1.

Databases: only its own. Full mode copies the national data set (``CREATE DATABASE kvs_speed_<pid>_<random>
TEMPLATE kvs_national``: the source is only read, and must have no open connections meanwhile), migrates the
copy, writes only there, and drops it at the end. If the national data set is missing it says what is missing
and the exact commands to make it, and exits 2. ``--small`` uses a new temporary KVS_DATA_DIR (SQLite) or, with
``--server-url``, a new ``kvs_speed_<pid>_<random>`` database that it drops. An inherited DATABASE_URL,
KVS_DATA_DIR and KVS_REDIS_URL are ignored (the caches are then the database's own tables, shared by the
server's processes and this script). The shared ``test`` database is refused.

Client and server share the machine's cores: compare the ratios within one run, not absolute times across runs.
"""

from __future__ import annotations

import argparse
import http.client
import http.cookies
import math
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import effectenplein_load  # noqa: E402  (a sibling script: its phones, projector and counting are reused)

FLOOR = "/wachtwoord/wijzigen/"
USER = "researcher"
PASSWORD = os.environ.get("KVS_DEMO_PASSWORD", "kracht-demo")
SOURCE = "postgres://postgres@127.0.0.1:5432/kvs_national"
PREFIX = "kvs_speed"
NATIONAL_NEIGHBOURHOODS = 10_000  # the CBS 2024 file has 14,574 buurten
NATIONAL_FRAGMENTS = 900_000  # the 1M, generated with --fragments 1000000
PAGE_TARGET, API_TARGET, SYNTHESIS_TARGET = 3.0, 2.0, 0.6
KVS = [sys.executable, "-m", "krachtvansamen.cli"]


def make_national_commands(source: str) -> str:
    parsed = urllib.parse.urlparse(source)
    name = parsed.path.lstrip("/")
    return (
        f"    createdb -h {parsed.hostname or '127.0.0.1'} -p {parsed.port or 5432} -U {parsed.username or 'postgres'} "
        f"{name}\n"
        f"    DATABASE_URL={source} .venv/bin/python benchmarks/national_dataset.py --fragments 1000000 --reset "
        f"--vacuum"
    )


# --- its own database ----------------------------------------------------------------------------------------


def _postgres(url: str) -> urllib.parse.ParseResult:
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme not in ("postgres", "postgresql", "pgsql"):
        raise SystemExit(f"{url!r} is not a PostgreSQL URL")
    name = parsed.path.lstrip("/")
    if name == "test" or name.startswith("test_"):
        raise SystemExit(f"refusing the database {name!r}: it is the shared test database")
    return parsed


def database_create(server_url: str, *, template: str = "") -> tuple[str, str, str]:
    """A new database ``kvs_speed_<pid>_<random>`` on the server of ``server_url`` (a copy of ``template`` if
    given): (its URL, its name, the admin URL). CREATE DATABASE fails when the name exists: then we stop."""
    import psycopg

    parsed = _postgres(server_url)
    name = f"{PREFIX}_{os.getpid()}_{secrets.token_hex(4)}"
    admin = parsed._replace(path="/postgres").geturl()
    copy = f' TEMPLATE "{template}"' if template else ""
    with psycopg.connect(admin, autocommit=True) as connection:
        try:
            connection.execute(f'CREATE DATABASE "{name}"{copy}')
        except psycopg.errors.ObjectInUse:
            raise SystemExit(
                f"cannot copy {template!r}: someone is connected to it (a copy needs it idle; close the other "
                "sessions and run again)"
            ) from None
    return parsed._replace(path=f"/{name}").geturl(), name, admin


def database_drop(admin: str, name: str) -> None:
    """Drop the database this run created (``name`` comes from ``database_create``, never from outside)."""
    import psycopg

    assert name.startswith(f"{PREFIX}_{os.getpid()}_")
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def national_missing(source: str) -> str:
    """What is missing for the full measurement ('' when the national data set is there). Only reads."""
    import psycopg

    name = _postgres(source).path.lstrip("/")
    try:
        with psycopg.connect(source, connect_timeout=10) as connection:
            neighbourhoods = connection.execute(
                "SELECT count(*) FROM neighbourhoods_neighbourhood"
            ).fetchone()
            fragments = connection.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE relname = 'coding_fragment'"
            ).fetchone()  # the planner's estimate: a count(*) of 1M rows takes a while
    except psycopg.OperationalError as error:
        return (
            f"the national data set: cannot open the database {name!r} ({str(error).strip().splitlines()[0]})"
        )
    except psycopg.errors.UndefinedTable:
        return f"the national data set: the database {name!r} exists but has no Kracht van Samen tables"
    found_n, found_f = (neighbourhoods or (0,))[0], (fragments or (0,))[0]
    if found_n < NATIONAL_NEIGHBOURHOODS or found_f < NATIONAL_FRAGMENTS:
        return (
            f"the national data set: {name!r} holds {found_n} buurten and ~{max(found_f, 0)} fragments; the "
            f"measurement needs >= {NATIONAL_NEIGHBOURHOODS} buurten and >= {NATIONAL_FRAGMENTS} fragments"
        )
    return ""


@dataclass
class Installation:
    env: dict[str, str]
    data_dir: str
    label: str
    created: tuple[str, str] | None = None  # (admin URL, name) of the database this run made

    def kvs(self, *arguments: str, timeout: float = 3600) -> str:
        done = subprocess.run(
            [*KVS, *arguments], env=self.env, capture_output=True, text=True, timeout=timeout
        )
        if done.returncode != 0:
            raise SystemExit(f"kvs {' '.join(arguments)} failed:\n{done.stderr[-3000:]}")
        return done.stdout


def installation_prepare(args: argparse.Namespace) -> Installation:
    data_dir = tempfile.mkdtemp(prefix="kvs-speed-")
    dropped = ("DATABASE_URL", "KVS_DATA_DIR", "KVS_DEMO_PASSWORD", "KVS_REDIS_URL", "KVS_DEBUG")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(
        {
            "KVS_DATA_DIR": data_dir,
            "DJANGO_SETTINGS_MODULE": "krachtvansamen.settings",
            "PYTHONPATH": str(ROOT / "src"),
        }
    )
    installation = Installation(env=env, data_dir=data_dir, label="")
    if args.small:
        if args.server_url:
            url, name, admin = database_create(args.server_url)
            installation.created = (admin, name)
            env["DATABASE_URL"] = url
        installation.label = (
            f"SMALL: demo data, PostgreSQL database {installation.created[1]} (new)"
            if installation.created
            else "SMALL: demo data, SQLite in its own temporary directory"
        )
        print(f"building the demo ({installation.label}) …", flush=True)
        started = time.perf_counter()
        installation.kvs("demo", "--no-serve")
        print(f"  done in {time.perf_counter() - started:.0f} s", flush=True)
        return installation
    source_name = _postgres(args.source_database).path.lstrip("/")
    print(f"copying the national data set {source_name} into a new database …", flush=True)
    started = time.perf_counter()
    url, name, admin = database_create(args.source_database, template=source_name)
    installation.created = (admin, name)
    env["DATABASE_URL"] = url
    installation.kvs("migrate", "--no-input")  # newer apps add tables; only the copy is migrated
    installation.label = f"NATIONAL: a copy of {source_name} in {name} (new; dropped at the end)"
    print(f"  copied and migrated in {time.perf_counter() - started:.0f} s", flush=True)
    return installation


# --- the server ---------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    log: IO[bytes]
    workers: int
    note: str

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.seek(0)
        lines = self.log.read().decode(errors="replace").splitlines()
        self.log.close()
        errors = [line for line in lines if "Traceback" in line or " ERROR " in line or "[CRITICAL]" in line]
        if errors:
            print(f"server log: {len(errors)} error lines, the last: {errors[-1]}")


def server_start(installation: Installation, workers: int, threads: int) -> Server:
    supported = "--workers" in installation.kvs("serve", "--help", timeout=120)
    note = ""
    if workers > 1 and not supported:
        note = f"kvs serve has no --workers yet: ONE process instead of {workers}"
        print("!" * 100 + f"\n!! {note.upper()} (the figures are not the target's set-up)\n" + "!" * 100)
        workers = 1
    port = free_port()
    command = [*KVS, "serve", "--port", str(port), "--threads", str(threads)]
    if supported:
        command += ["--workers", str(workers)]
    # The log goes to a file: a pipe nobody reads fills up and then blocks the server.
    log = tempfile.TemporaryFile()  # noqa: SIM115 (closed by Server.stop)
    process = subprocess.Popen(command, env=installation.env, stdout=subprocess.DEVNULL, stderr=log)
    server = Server(process, port, log, workers, note)
    deadline = time.monotonic() + 120
    while True:
        try:
            if Browser(port, 5).get("/gezond/")[0] == 200:
                return server
        except OSError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            log.seek(0)
            tail = log.read().decode(errors="replace")[-2000:]
            server.stop()
            raise SystemExit(f"kvs serve did not come up:\n{tail}")
        time.sleep(0.3)


# --- one browser --------------------------------------------------------------------------------------------


class Browser:
    """Its own keep-alive connection and cookies (or a Bearer token). Raises OSError / HTTPException when no
    answer came; the caller counts that as a failure."""

    def __init__(self, port: int, timeout: float, token: str = "") -> None:
        self.port, self.timeout, self.token = port, timeout, token
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, bytes]:
        headers = {"User-Agent": "kvs-serving-speed", "Accept-Language": "nl"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        for attempt in (1, 2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                content = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed an idle keep-alive connection (gunicorn's keepalive is 2 s): reconnect once.
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
                if attempt == 2:
                    raise
            except (OSError, http.client.HTTPException):
                self.connection.close()  # a timeout leaves the connection in an unknown state
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
                raise
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in http.cookies.SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, content

    def get(self, path: str) -> tuple[int, bytes]:
        return self.request("GET", path)

    def login(self, username: str, password: str) -> None:
        self.get("/inloggen/")
        form = {
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": self.cookies.get("csrftoken", ""),
        }
        status, _body = self.request("POST", "/inloggen/", form)
        if status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"login as {username!r} failed (status {status})")


# --- figures ------------------------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    """Linear interpolation between order statistics (numpy's default), as http_compare.py."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100.0
    low = math.floor(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


@dataclass
class Row:
    """One line of the table: the latencies of the answered 2xx requests, and every failure by kind."""

    label: str
    latencies: list[float] = field(default_factory=list)
    failures: dict[str, int] = field(default_factory=dict)

    def fail(self, kind: str) -> None:
        self.failures[kind] = self.failures.get(kind, 0) + 1

    @property
    def n(self) -> int:
        return len(self.latencies) + sum(self.failures.values())

    def p(self, q: float) -> float:
        return percentile(self.latencies, q)


@dataclass
class Target:
    what: str
    verdict: str  # PASS / FAIL / NOT JUDGED
    detail: str


def _ms(seconds: float) -> str:
    return "-" if math.isnan(seconds) else f"{seconds * 1000:.0f}"


# --- the pages, interleaved ---------------------------------------------------------------------------------


@dataclass
class Gate:
    """The views of one buurt's Buurtbeeld in flight: warm ones, and whether a cold one (write + view) is on."""

    neighbourhood: Any
    year: int
    warm: int = 0
    cold: bool = False
    writes: int = 0


@dataclass
class Slot:
    label: str
    path: str
    kind: str  # "page" (floor, API), "warm", "cold"
    budget: int
    gate: Gate | None = None
    api: bool = False
    row: Row = field(init=False)

    def __post_init__(self) -> None:
        self.row = Row(self.label)


class Scheduler:
    """Fixed budgets per URL; each worker cycles through the URLs from its own offset (http_compare.py), skipping
    a buurt's page while a cold view of it is on, and starting a cold view only when none of that buurt is on."""

    def __init__(self, slots: list[Slot]) -> None:
        self.slots = slots
        self.left = [slot.budget for slot in slots]
        self.condition = threading.Condition()

    def take(self, cursor: int) -> tuple[int, int] | None:
        k = len(self.slots)
        with self.condition:
            while any(self.left):
                for step in range(k):
                    u = (cursor + step) % k
                    slot = self.slots[u]
                    if self.left[u] <= 0 or (slot.gate is not None and slot.gate.cold):
                        continue
                    self.left[u] -= 1
                    if slot.gate is not None:
                        if slot.kind == "cold":
                            slot.gate.cold = True
                        else:
                            slot.gate.warm += 1
                    return u, (u + 1) % k
                self.condition.wait(0.05)  # only cold views of busy buurten are left: wait for one to end
        return None

    def drained(self, gate: Gate) -> None:
        with self.condition:
            self.condition.wait_for(lambda: gate.warm == 0)

    def done(self, slot: Slot) -> None:
        with self.condition:
            if slot.gate is not None:
                if slot.kind == "cold":
                    slot.gate.cold = False
                else:
                    slot.gate.warm -= 1
            self.condition.notify_all()


def timed(browser: Browser, path: str, row: Row | None) -> float | None:
    """One GET; its latency when it answered 2xx, else None and the failure counted in ``row``."""
    started = time.perf_counter()
    try:
        status, _body = browser.get(path)
    except (OSError, http.client.HTTPException) as error:
        kind = "timeout" if isinstance(error, TimeoutError) else f"no answer ({type(error).__name__})"
        if row is not None:
            row.fail(kind)
        return None
    latency = time.perf_counter() - started
    if not 200 <= status < 300:
        if row is not None:
            row.fail(f"HTTP {status}")
        return None
    return latency


def page_cache_key(gate: Gate) -> str:
    """The report cache's key of this Buurtbeeld page as the server computes it now (current data versions)."""
    from django.conf import settings

    from krachtvansamen.neighbourhoods.data_versions import data_versions_token
    from krachtvansamen.reports.report_cache import report_cache_key

    pk = gate.neighbourhood.pk
    versions = data_versions_token(neighbourhood_ids=[pk])
    return report_cache_key(kind="buurtbeeld-page", arguments=(pk, gate.year), versions=versions,
                            language=settings.LANGUAGE_CODE)  # fmt: skip


def report_cache_store() -> Any:
    """The cache the server keeps its reports in (settings.CACHES["reports"] where configured, else the default
    one), as reports.report_cache picks it; shared by every process, so this one sees what the server stored."""
    from django.core.cache import cache

    from krachtvansamen.reports import report_cache

    store = getattr(report_cache, "_report_cache", None)  # the report cache's own choice, where it has one
    return store() if store is not None else cache


def story_record(gate: Gate, writer: Any, number: int) -> None:
    """A story in the buurt through the app's own write path; its commit bumps the buurt's data version."""
    from krachtvansamen.coding.models import Instrument
    from krachtvansamen.coding.services import NewFragment, fragments_record

    text = f"Snelheidsmeting {number}: sinds de buurtlunch helpen buren elkaar met boodschappen."
    fragments_record(neighbourhood_id=gate.neighbourhood.pk, year=gate.year, instrument=Instrument.BUURTSCAN,
                     fragments=[NewFragment(text=text)], user=writer, source="benchmark:serving_speed")  # fmt: skip


def cold_view(browser: Browser, slot: Slot, scheduler: Scheduler, writer: Any, number: int) -> list[str]:
    """Write, check the page's cache entry is gone, view it (timed), check the view cached it."""
    cache = report_cache_store()
    gate = slot.gate
    assert gate is not None
    scheduler.drained(gate)  # the warm views of this buurt already in flight end first
    story_record(gate, writer, number)
    gate.writes += 1
    key = page_cache_key(gate)
    problems = []
    if cache.has_key(key):
        problems.append(f"{slot.label}: the page was in the cache right after the write (not cold)")
    latency = timed(browser, slot.path, slot.row)
    if latency is not None:
        slot.row.latencies.append(latency)
        if not cache.has_key(key):
            problems.append(f"{slot.label}: the view did not cache the page under the new data version")
    return problems


def data_versions(gates: list[Gate]) -> dict[str, int]:
    from krachtvansamen.neighbourhoods.data_versions import EVERYTHING, neighbourhood_key
    from krachtvansamen.neighbourhoods.models import DataVersion

    keys = [EVERYTHING, *{neighbourhood_key(gate.neighbourhood.pk) for gate in gates}]
    found = dict(DataVersion.objects.filter(key__in=keys).values_list("key", "version"))
    return {key: found.get(key, 0) for key in keys}


PROBE_INTERVAL = 0.25  # seconds between two requests of the steady floor probe


def pages_run(
    slots: list[Slot],
    browsers: list[Browser],
    apis: list[Browser],
    writer: Any,
    probe: tuple[Browser, Slot] | None = None,
) -> tuple[list[str], float]:
    """Every slot's budget over the workers, interleaved. Returns the cold-view problems and the wall time.

    ``probe``: one more client that requests its slot's page every ``PROBE_INTERVAL`` seconds while the workers
    run, outside their cycle: a floor sampled evenly over the run. (The cycle's own floor requests are taken
    when they come up, and also when a buurt's page is skipped while a cold view of it is on — so more of them
    fall in the busiest moments.)"""
    from django.db import connections

    scheduler = Scheduler(slots)
    problems: list[str] = []
    counter = iter(range(1, 10**9))
    lock = threading.Lock()

    def worker(w: int) -> None:
        cursor = w % len(slots)
        try:
            while (job := scheduler.take(cursor)) is not None:
                u, cursor = job
                slot = slots[u]
                try:
                    if slot.kind == "cold":
                        with lock:
                            number = next(counter)
                        found = cold_view(browsers[w], slot, scheduler, writer, number)
                        with lock:
                            problems.extend(found)
                    else:
                        latency = timed(apis[w] if slot.api else browsers[w], slot.path, slot.row)
                        if latency is not None:
                            slot.row.latencies.append(latency)
                except Exception as error:  # noqa: BLE001 - a write or cache check that failed is a failure too
                    slot.row.fail(f"script: {type(error).__name__}")
                    with lock:
                        problems.append(f"{slot.label}: {type(error).__name__}: {error}")
                finally:
                    scheduler.done(slot)
        finally:
            connections.close_all()  # this thread's own database connection (cold writes, cache checks)

    finished = threading.Event()

    def prober() -> None:
        assert probe is not None
        browser, slot = probe
        while not finished.wait(PROBE_INTERVAL):
            latency = timed(browser, slot.path, slot.row)
            if latency is not None:
                slot.row.latencies.append(latency)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(w,), daemon=True) for w in range(len(browsers))]
    for thread in threads:
        thread.start()
    probing = threading.Thread(target=prober, daemon=True) if probe is not None else None
    if probing is not None:
        probing.start()
    for thread in threads:
        thread.join()
    finished.set()
    if probing is not None:
        probing.join()
    return problems, time.perf_counter() - started


def buurten_choose(year: int | None) -> tuple[int, Any, int, Any, int]:
    """(year, typical buurt, its fragments, biggest buurt, its fragments) among the buurten the researcher's
    reports cover (people.access), by fragments in the year."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count, Max

    from krachtvansamen.coding.models import Fragment
    from krachtvansamen.people.access import neighbourhoods_reportable_for_user

    user = get_user_model().objects.get(username=USER)
    visible = neighbourhoods_reportable_for_user(user=user)
    fragments = Fragment.objects.filter(neighbourhood__in=visible)
    year = year or fragments.aggregate(latest=Max("year"))["latest"]
    if year is None:
        raise SystemExit(f"no fragments in the buurten {USER!r} reports on")
    counts = list(
        fragments.filter(year=year).order_by().values_list("neighbourhood_id").annotate(n=Count("pk"))
        .order_by("n", "neighbourhood_id").values_list("neighbourhood_id", "n")
    )  # fmt: skip
    typical_id, typical_n = counts[len(counts) // 2]
    biggest_id, biggest_n = counts[-1]
    by_id = visible.in_bulk([typical_id, biggest_id])
    return year, by_id[typical_id], typical_n, by_id[biggest_id], biggest_n


def pages_measure(
    args: argparse.Namespace, server: Server, installation: Installation
) -> tuple[list[Row], list[str], list[Target]]:
    from django.contrib.auth import get_user_model

    from krachtvansamen.coding.models import Fragment
    from krachtvansamen.neighbourhoods.data_versions import EVERYTHING, neighbourhood_key

    year, typical, typical_n, biggest, biggest_n = buurten_choose(args.year)
    total_fragments = Fragment.objects.count()
    print(
        f"buurten: typical {typical.cbs_code} {typical.name} ({typical_n} fragments in {year}), biggest "
        f"{biggest.cbs_code} {biggest.name} ({biggest_n}); {total_fragments} fragments in all",
        flush=True,
    )
    token = installation.kvs("api-token", "--user", USER, "--name", "serving_speed benchmark").strip()
    gates = {"typical": Gate(typical, year), "biggest": Gate(biggest, year)}
    if typical.pk == biggest.pk:
        gates["biggest"] = gates["typical"]
    n, cold = args.requests, args.cold
    slots = [Slot(f"floor {FLOOR}", FLOOR, "page", n)]
    for which, gate in gates.items():
        path = f"/rapporten/buurtbeeld/{gate.neighbourhood.cbs_code}/{year}/"
        slots.append(Slot(f"buurtbeeld {which}, warm", path, "warm", n, gate))
        slots.append(Slot(f"buurtbeeld {which}, cold", path, "cold", cold, gate))
    slots.append(Slot("API /api/fragments, page 1 of 50", "/api/fragments?limit=50", "page", n, api=True))
    browsers = [Browser(server.port, args.request_timeout) for _ in range(args.clients)]
    for browser in browsers:
        browser.login(USER, PASSWORD)
    apis = [Browser(server.port, args.request_timeout, token=token) for _ in range(args.clients)]
    writer = get_user_model().objects.get(username=USER)
    # Warm-up, untimed: every client opens every page once (compiles templates, fills the cache); then the check
    # that this process finds the server's cache entries (else the cold views could not be verified).
    warm_up = [Slot(s.label, s.path, "page", args.clients, api=s.api) for s in slots if s.kind != "cold"]
    pages_run(warm_up, browsers, apis, writer)
    problems = [f"warm-up {s.label}: {s.row.failures}" for s in warm_up if s.row.failures]
    cache = report_cache_store()
    unique_gates = list({id(g): g for g in gates.values()}.values())
    for gate in unique_gates:
        if not cache.has_key(page_cache_key(gate)):
            problems.append(
                f"warm-up: the page of {gate.neighbourhood.cbs_code} is not in the cache under the key this "
                "script computes: cold views cannot be verified (did reports.report_cache change its key?)"
            )
    if problems:
        return [s.row for s in slots], problems, []
    before = data_versions(unique_gates)
    print(
        f"pages: {args.clients} clients, {len(slots)} URLs interleaved, {n} requests each ({cold} cold) …",
        flush=True,
    )
    probe_browser = Browser(server.port, args.request_timeout)
    probe_browser.login(USER, PASSWORD)
    probe = Slot(f"floor {FLOOR}, steady probe (every {PROBE_INTERVAL} s)", FLOOR, "page", 0)
    found_problems, wall = pages_run(slots, browsers, apis, writer, probe=(probe_browser, probe))
    problems += found_problems
    after = data_versions(unique_gates)
    counted = versions_check(before, after, unique_gates)
    problems += counted
    print(f"  {wall:.0f} s", flush=True)
    # Judged against the lower of the two floors (the cycle's and the steady probe's): the stricter one.
    floor = min(slots[0].row.p(95), probe.row.p(95)) if probe.row.latencies else slots[0].row.p(95)
    # The check that cold was cold and warm was warm, as a line of its own next to the targets.
    cold_problems = [p for p in found_problems if "cache" in p]
    rise = {g.neighbourhood.cbs_code: after[neighbourhood_key(g.neighbourhood.pk)] - before[
        neighbourhood_key(g.neighbourhood.pk)] for g in unique_gates}  # fmt: skip
    rises = ", ".join(f"{g.neighbourhood.cbs_code} +{rise[g.neighbourhood.cbs_code]} for {g.writes} writes"
                      for g in unique_gates)  # fmt: skip
    targets = [
        Target(
            "check: cold views were cold, warm ones warm",
            "PASS" if not cold_problems and not counted else "FAIL",
            f"{sum(g.writes for g in unique_gates) - len(cold_problems)} of {sum(g.writes for g in unique_gates)} "
            f"cold views found no cache entry after their write and left one; data versions {rises}, 'all' "
            f"+{after[EVERYTHING] - before[EVERYTHING]}",
        )
    ]
    for slot in slots[1:]:
        limit = API_TARGET if slot.api else PAGE_TARGET
        ratio = slot.row.p(95) / floor if floor else float("nan")
        # A cold figure counts only when the views were shown to be cold (the check above).
        ok = (
            ratio <= limit and not slot.row.failures and (slot.kind == "page" or targets[0].verdict == "PASS")
        )
        targets.append(Target(f"{slot.label}: p95 <= {limit:.0f}x floor", "PASS" if ok else "FAIL",
                              f"{ratio:.2f}x" + (f", {sum(slot.row.failures.values())} failed" if slot.row.failures else "")))  # fmt: skip
    if probe.row.failures:
        problems.append(f"{probe.label}: {probe.row.failures}")
    return [slots[0].row, probe.row, *(s.row for s in slots[1:])], problems, targets


def versions_check(before: dict[str, int], after: dict[str, int], gates: list[Gate]) -> list[str]:
    """Counting: each buurt's version rose by its cold writes only, and "all" not at all."""
    from krachtvansamen.neighbourhoods.data_versions import EVERYTHING, neighbourhood_key

    problems = []
    if after[EVERYTHING] != before[EVERYTHING]:
        problems.append(f"the 'all' data version changed during the pages ({before[EVERYTHING]} -> "
                        f"{after[EVERYTHING]}): some warm views were cold")  # fmt: skip
    for gate in gates:
        key = neighbourhood_key(gate.neighbourhood.pk)
        rise = after[key] - before[key]
        if rise != gate.writes:
            meaning = (
                "something else wrote too: some warm views were cold"
                if rise > gate.writes
                else "a write did not bump it: some cold views were not cold"
            )
            problems.append(f"{gate.neighbourhood.cbs_code}: data version rose by {rise}, the script wrote "
                            f"{gate.writes} times: {meaning}")  # fmt: skip
    return problems


# --- the Effectenplein burst --------------------------------------------------------------------------------


def burst_measure(
    args: argparse.Namespace, server: Server, installation: Installation
) -> tuple[list[Row], list[str], list[Target]]:
    browsers = [Browser(server.port, args.request_timeout) for _ in range(args.clients)]
    for browser in browsers:
        browser.login(USER, PASSWORD)
    floor_samples: list[tuple[float, float | None, str]] = []  # (start, latency or None, failure)
    stop = threading.Event()
    lock = threading.Lock()

    def floor_load(browser: Browser) -> None:
        while not stop.is_set():
            start = time.monotonic()
            row = Row("")
            latency = timed(browser, FLOOR, row)
            with lock:
                floor_samples.append((start, latency, next(iter(row.failures), "")))

    threads = [threading.Thread(target=floor_load, args=(b,), daemon=True) for b in browsers]
    for thread in threads:
        thread.start()
    options = argparse.Namespace(
        participants=args.phones, stories=args.stories, recognitions=args.recognitions, follow=True,
        lift_rate_limits=args.lift_rate_limits, threads=f"{server.workers} workers x {args.threads}",
    )  # fmt: skip
    print(f"Effectenplein: {args.phones} phones posting {args.stories} stories at once, the floor under "
          f"{args.clients} clients meanwhile …", flush=True)  # fmt: skip
    postgres = "DATABASE_URL" in installation.env
    try:
        report = effectenplein_load.burst(options, f"http://127.0.0.1:{server.port}", installation.env,
                                          server.process.pid, postgres)  # fmt: skip
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    posts = report.results.posts
    first = min((p.sent_at for p in posts), default=0.0)
    last = max((p.accepted_at for p in posts), default=0.0)
    floor = Row(f"floor {FLOOR} during the burst")
    for start, latency, failure in floor_samples:
        if first <= start <= last:
            if latency is None:
                floor.fail(failure)
            else:
                floor.latencies.append(latency)
    post_row = Row("Effectenplein post (p: accepted ones)")
    post_row.latencies = [p.latency for p in report.accepted]
    for post in posts:
        if post.story_id is None:
            post_row.fail(post.outcome)
    problems = [f"Effectenplein: {failure}" for failure in report.failures]
    ratio = post_row.p(95) / floor.p(95) if floor.latencies else float("nan")
    targets = [
        Target("Effectenplein: 0 lost (every post accepted, in the database, on the projector)",
               "PASS" if not report.failures else "FAIL", "; ".join(report.failures) or f"0 of {len(posts)}"),
        Target(f"Effectenplein: post p95 <= {PAGE_TARGET:.0f}x floor during the burst",
               "PASS" if ratio <= PAGE_TARGET else "FAIL", f"{ratio:.2f}x"),
    ]  # fmt: skip
    return [floor, post_row], problems, targets


# --- the synthesis ------------------------------------------------------------------------------------------


def synthesis_split() -> tuple[Any, int, str]:
    """(analyse_neighbourhoods, the fewest buurten the synthesis splits, '') when the app can split the synthesis
    over worker processes (``analysis.parallel``: ``analyse_neighbourhoods(workers=N)``, the number taken from
    KVS_ANALYSIS_WORKERS); else (None, 0, why not) — printed instead of a figure."""
    import inspect

    from krachtvansamen.analysis import services
    from krachtvansamen.jobs.registry import JOB_KINDS

    if "workers" in inspect.signature(services.analyse_neighbourhoods).parameters:
        from krachtvansamen.analysis import parallel

        return services.analyse_neighbourhoods, int(getattr(parallel, "PARALLEL_MIN_NEIGHBOURHOODS", 0)), ""
    return (
        None,
        0,
        (
            "not available yet: analyse_neighbourhoods has no workers, and the jobs framework (krachtvansamen.jobs) "
            f"registers no job that splits the synthesis (registered kinds: {', '.join(sorted(JOB_KINDS)) or 'none'})"
        ),
    )


def synthesis_measure(args: argparse.Namespace) -> tuple[list[Row], list[str], list[Target]]:
    """One process against ``--workers`` processes, runs alternating (after one untimed run of each)."""
    from django.utils import translation

    from krachtvansamen.neighbourhoods.models import Neighbourhood, Programme
    from krachtvansamen.neighbourhoods.years import years_up_to
    from krachtvansamen.reports.synthese import synthese_report

    translation.activate("nl")
    programme = Programme.objects.order_by("pk").first()
    if programme is None:
        return [], ["synthesis: no programme in the data"], []
    neighbourhoods = list(Neighbourhood.objects.order_by("name"))
    ids = [n.pk for n in neighbourhoods]
    year = args.year or buurten_choose(None)[0]
    what = f"synthesis: {args.workers} workers <= {SYNTHESIS_TARGET}x one process"
    analyse, threshold, why = synthesis_split()
    if analyse is not None and len(ids) >= threshold:
        label = f"synthese_report, {len(ids)} buurten"

        def run(workers: int) -> None:
            os.environ["KVS_ANALYSIS_WORKERS"] = str(workers)  # read by analysis.parallel.synthesis_workers
            synthese_report(programme=programme, neighbourhoods=neighbourhoods, year=year)
    elif analyse is not None:
        # Below the threshold the synthesis stays one process by design: time its analysis step split by force.
        label = f"analyse_neighbourhoods, {len(ids)} buurten, forced"

        def run(workers: int) -> None:
            analyse(neighbourhood_ids=ids, years=years_up_to(up_to=year), workers=workers)
    else:
        label = f"synthese_report, {len(ids)} buurten"

        def run(workers: int) -> None:
            synthese_report(programme=programme, neighbourhoods=neighbourhoods, year=year)

    one, split = Row(f"{label}, one process"), Row(f"{label}, {args.workers} workers")
    print(f"synthesis: {label}, {args.synthesis_runs} runs each …", flush=True)
    inherited = os.environ.get("KVS_ANALYSIS_WORKERS")
    pairs = [(1, one)] if analyse is None else [(1, one), (args.workers, split)]
    try:
        for workers, _row in pairs:
            run(workers)  # untimed: modules, codebook, the worker processes' first fork
        for _run in range(args.synthesis_runs):
            for workers, row in pairs:  # alternating: both see the same drift of the machine's load
                started = time.perf_counter()
                run(workers)
                row.latencies.append(time.perf_counter() - started)
    finally:
        if inherited is None:
            os.environ.pop("KVS_ANALYSIS_WORKERS", None)
        else:
            os.environ["KVS_ANALYSIS_WORKERS"] = inherited
    if analyse is None:
        return [one], [], [Target(what, "NOT JUDGED", why)]
    ratio = statistics.median(split.latencies) / statistics.median(one.latencies)
    if len(ids) < threshold:  # the small data: the app itself would not split it, so this judges nothing
        detail = f"{ratio:.2f}x (medians; forced split of {len(ids)} < {threshold} buurten: the target is national)"
        return [one, split], [], [Target(what, "NOT JUDGED", detail)]
    verdict = "PASS" if ratio <= SYNTHESIS_TARGET else "FAIL"
    return [one, split], [], [Target(what, verdict, f"{ratio:.2f}x (medians)")]


# --- the table and main -------------------------------------------------------------------------------------


def table_print(sections: list[tuple[str, list[Row]]], targets: list[Target], problems: list[str]) -> None:
    width = max([46] + [len(row.label) for _title, rows in sections for row in rows])
    head = (
        f"{'':<{width}} {'n':>5} {'failed':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'p95 / floor':>11}"
    )
    for title, rows in sections:
        if not rows:
            continue
        print()
        print(title)
        print(head)
        print("-" * len(head))
        floor = rows[0].p(95) if title.startswith(("PAGES", "EFFECTENPLEIN")) else float("nan")
        for row in rows:
            ratio = row.p(95) / floor if floor and row.latencies else float("nan")
            print(f"{row.label:<{width}} {row.n:>5} {sum(row.failures.values()):>6} {_ms(row.p(50)):>8} "
                  f"{_ms(row.p(95)):>8} {_ms(max(row.latencies, default=float('nan'))):>8} "
                  f"{'-' if math.isnan(ratio) else f'{ratio:.2f}x':>11}")  # fmt: skip
        for row in rows:
            if row.failures:
                print(f"  failed {row.label}: {row.failures}")
    print()
    print("TARGETS")
    for target in targets:
        print(f"  {target.verdict:<10} {target.what}: {target.detail}")
    if problems:
        print()
        print(f"FAILURES ({len(problems)}):")
        for problem in problems:
            print(f"  {problem}")


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--small", action="store_true", help="its own demo data instead of the national set")
    parser.add_argument("--source-database", default=SOURCE, help="the national data set (only read: copied)")
    parser.add_argument(
        "--server-url", default="", help="with --small: a PostgreSQL server for its own database"
    )
    parser.add_argument("--workers", type=int, default=2, help="kvs serve --workers (default 2)")
    parser.add_argument("--threads", type=int, default=4, help="kvs serve --threads per worker (default 4)")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument(
        "--requests", type=int, default=0, help="timed requests per URL (default 100; small 40)"
    )
    parser.add_argument("--cold", type=int, default=0, help="cold views per buurt (default 20; small 10)")
    parser.add_argument("--phones", type=int, default=100)
    parser.add_argument("--stories", type=int, default=3, help="stories per phone")
    parser.add_argument("--recognitions", type=int, default=3, help="'Herken ik' taps per phone")
    parser.add_argument(
        "--lift-rate-limits", action="store_true", help="the Effectenplein limits out of reach"
    )
    parser.add_argument("--synthesis-runs", type=int, default=0, help="(default 3; small 3)")
    parser.add_argument("--year", type=int, default=0, help="default: the latest year with fragments")
    parser.add_argument("--request-timeout", type=float, default=120.0)
    parser.add_argument("--skip-pages", action="store_true")
    parser.add_argument("--skip-burst", action="store_true")
    parser.add_argument("--skip-synthesis", action="store_true")
    args = parser.parse_args()
    if args.server_url and not args.small:
        parser.error("--server-url is for --small; the full run copies --source-database")
    args.requests = args.requests or (40 if args.small else 100)
    args.cold = args.cold or (10 if args.small else 20)
    args.synthesis_runs = args.synthesis_runs or 3
    if args.clients < 1 or args.requests < 1 or args.cold < 1 or args.workers < 1:
        parser.error("--clients, --requests, --cold and --workers must be 1 or more")
    return args


def main() -> int:
    args = arguments()
    if not args.small:
        missing = national_missing(args.source_database)
        if missing:
            print(f"MISSING: {missing}.\nMake it first (takes long; ~1M fragments), then run this script again:\n"
                  f"{make_national_commands(args.source_database)}\n"
                  "Or smoke-test the script on its own small data: .venv/bin/python benchmarks/serving_speed.py --small",
                  file=sys.stderr)  # fmt: skip
            return 2
    load_before = os.getloadavg()[0]
    installation = installation_prepare(args)
    server: Server | None = None
    try:
        if args.lift_rate_limits:
            effectenplein_load.rate_limits_lift(installation.env, installation.data_dir)
        # This process works on the same database and cache as the server (cold writes, cache checks), with the
        # app's own settings (the server may run them with the Effectenplein limits lifted).
        for name in ("DATABASE_URL", "KVS_REDIS_URL", "KVS_DEBUG"):
            os.environ.pop(name, None)
        os.environ.update({k: v for k, v in installation.env.items() if k != "DJANGO_SETTINGS_MODULE"})
        os.environ["DJANGO_SETTINGS_MODULE"] = "krachtvansamen.settings"
        sys.path.insert(0, str(ROOT / "src"))
        import django

        django.setup()
        server = server_start(installation, args.workers, args.threads)
        note = server.note
        sections: list[tuple[str, list[Row]]] = []
        problems: list[str] = []
        targets: list[Target] = []
        if not args.skip_pages:
            rows, found, judged = pages_measure(args, server, installation)
            sections.append((f"PAGES ({args.clients} logged-in clients, interleaved; floor = {FLOOR})", rows))
            problems, targets = problems + found, targets + judged
        if not args.skip_burst:
            rows, found, judged = burst_measure(args, server, installation)
            sections.append(
                (f"EFFECTENPLEIN BURST ({args.phones} phones; floor under {args.clients} clients)", rows)
            )
            problems, targets = problems + found, targets + judged
        server.stop()
        server = None
        if not args.skip_synthesis:
            rows, found, judged = synthesis_measure(args)
            sections.append(
                ("SYNTHESIS (wall time, alternating runs after an untimed one of each; medians judged)", rows)
            )
            problems, targets = problems + found, targets + judged
        print()
        print(f"Kracht van Samen — serving speed, issue 14. {installation.label}")
        workers = f"kvs serve --workers {args.workers} --threads {args.threads}"
        limits = "LIFTED (--lift-rate-limits)" if args.lift_rate_limits else "as shipped"
        print(
            f"server: {workers}; Effectenplein rate limits {limits}"
            + (f"  !! {note.upper()}" if note else "")
        )
        print(f"{os.cpu_count()} CPUs, load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after "
              "(client and server share the machine: compare ratios within this run)")  # fmt: skip
        table_print(sections, targets, problems)
        failed = bool(problems) or any(t.verdict == "FAIL" for t in targets)
        print()
        print("RESULT: " + ("FAILED (exit 1)" if failed else "OK"))
        return 1 if failed else 0
    finally:
        if server is not None:
            server.stop()
        from django.db import connections

        connections.close_all()
        shutil.rmtree(installation.data_dir, ignore_errors=True)
        if installation.created:
            database_drop(*installation.created)
            print(f"dropped the database {installation.created[1]} this run created")


if __name__ == "__main__":
    sys.exit(main())
