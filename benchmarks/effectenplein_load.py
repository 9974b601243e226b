"""Load test of the Effectenplein: many phones post stories at the same moment while the projector polls.

Run:  .venv/bin/python benchmarks/effectenplein_load.py [--participants 100] [--stories 3] [--recognitions 3]
                                                     [--database-url postgres://postgres@127.0.0.1:5432/kvs_plein_bench]
                                                     [--threads N] [--no-follow] [--lift-rate-limits]

Sets the app up as a user does (`kvs demo --no-serve` into a fresh temporary KVS_DATA_DIR made by this run,
then `kvs serve`), logs in as the demo community builder, opens a meeting in Kronenburg over HTTP, and then
lets every simulated participant (one thread each, its own cookies, CSRF as a browser does it) join with the
code, wait until all have joined, and post its stories at once, followed by a few 'Herken ik' taps. After every
form the phone loads the page the redirect points to, as a browser does (--no-follow leaves that out).
Meanwhile a projector client polls the board endpoint every 2 s, exactly as htmx does (sending the version it
has; 204 = unchanged). The facilitator opens the meeting for --participants people (the app's default maximum
is 60; a facilitator expecting more sets it, as here).

Rate limits: all simulated phones come from 127.0.0.1, like a room on one Wi-Fi, so the app's limits per network
address and per meeting (effectenplein/limits.py: e.g. 30 joins per address per minute) apply as shipped, and
refused joins and posts count as failures. --lift-rate-limits runs the server with every Effectenplein rate
limit raised out of reach (a settings module in the run's own temporary directory), to measure what the
server itself can take; the header then says so.

Databases: the script only ever uses a database it made itself in this run. Without --database-url that is a
SQLite file in its own new temporary directory (an inherited KVS_DATA_DIR or DATABASE_URL is ignored). With
--database-url the URL names the PostgreSQL server and a name *prefix*, which must start with
`kvs_plein_bench` (so `test` or any real database is refused); the script creates a new database
`<prefix>_<pid>_<random>` (CREATE DATABASE fails if it exists, and then the script stops), and drops that one
database, and only it, at the end. An existing database of that prefix is never opened, emptied or dropped.

Failure is failure: the run exits with status 1 when anything went wrong, i.e.

* a phone could not join (any answer but the redirect into the meeting, or no answer);
* a post was not accepted: accepted means a redirect to the story it made (`…#verhaal-<id>`). Everything else
  is counted by kind: refused (an answer below 500 that is not that redirect, e.g. 409 or 429, counted per
  status), server error (5xx, per status), or no answer (timeout, or connection error);
* an accepted story is not in the database with exactly its text (lost), or with another id than the redirect
  said, or a text is in the database more than once (duplicated);
* an accepted story never appeared on the projector. Each story has a unique text, and stories are matched by
  that text against the cards the board endpoint (the projector's data) returns. The board shows only the
  newest 6 stories per level, so during a burst most stories pass by between two polls; after the burst the
  script therefore walks the wall: it reads the board, hides the stories it shows (as a facilitator can),
  reads it again, until the board is empty. Every accepted story must be read from the projector, by its
  text, live or during that walk;
* the projector's story count at the end differs from the database, a projector poll failed, or a 'Herken ik'
  tap, a page after a form, or a hide during the walk failed.

Printed: sent / accepted / refused (per status) / server errors / timeouts and connection errors / never
joined / found in the database / shown on the projector by text / missing from the projector / lost /
duplicated; latency of a post (p50/p95/max; there is no floor to compare with here), of a projector poll, and
how stale the projector was: from a post being accepted until the projector's story count first included it,
and until its text was first on the projector (only stories that made it to the wall live).
"""

from __future__ import annotations

import argparse
import html
import http.client
import http.cookiejar
import json
import os
import random
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KRONENBURG = "BU02021990"
PASSWORD = os.environ.get("KVS_DEMO_PASSWORD", "kracht-demo")
LEVELS = ("individual", "social", "neighbourhood")
POLL_INTERVAL = 2.0
DATABASE_PREFIX = "kvs_plein_bench"
REQUEST_TIMEOUT = 120.0
# A card of the board (_board.html): its story id and its text (the template cuts texts at 240 characters;
# ours are shorter, so the whole text must come back).
CARD = re.compile(
    r'<li class="plein-card[^"]*" data-story-id="(\d+)">.*?<p class="plein-card__text">(.*?)</p>', re.DOTALL
)
STORY_ON_REDIRECT = re.compile(r"#verhaal-(\d+)$")


# --- a tiny browser ---------------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # we want to see the 302 and its Location
        return None


@dataclass
class Answer:
    """What one request gave: an HTTP answer (status > 0), or no answer at all (status 0, ``failure`` says why)."""

    status: int
    headers: dict[str, str]
    text: str
    latency: float
    failure: str = ""  # "timeout" or "connection error (<exception>)" when no answer arrived

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


def _failure_kind(error: BaseException) -> str:
    reason = error.reason if isinstance(error, urllib.error.URLError) else error
    if isinstance(reason, TimeoutError):  # socket.timeout is TimeoutError since Python 3.10
        return "timeout"
    return f"connection error ({type(reason).__name__})"


class Browser:
    """One phone or laptop: its own cookie jar, no redirects followed, timings per request.

    Never raises for a request that got no answer: a timeout or a refused or reset connection is an outcome
    to count, not a crash that silently takes a phone (and its posts) out of the figures."""

    def __init__(self, base: str, results: Results | None = None) -> None:
        self.base = base
        self.results = results
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())

    def csrf(self) -> str:
        for cookie in self.jar:
            if cookie.name == "csrftoken":
                return cookie.value
        return ""  # no form page got through: the post will be refused (403), and counted as such

    def request(self, path: str, data: dict | None = None) -> Answer:
        body = None
        headers = {"User-Agent": "kvs-plein-bench"}
        if data is not None:
            data = {**data, "csrfmiddlewaretoken": self.csrf()}
            body = urllib.parse.urlencode(data, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = self.base + path
        if self.results is not None:
            with self.results.lock:
                self.results.requests += 1
        started = time.perf_counter()
        try:
            with self.opener.open(
                urllib.request.Request(self.base + path, data=body, headers=headers), timeout=REQUEST_TIMEOUT
            ) as response:
                text = response.read().decode()
                return Answer(response.status, dict(response.headers), text, time.perf_counter() - started)
        except urllib.error.HTTPError as error:  # 3xx/4xx/5xx arrive here
            try:
                text = error.read().decode(errors="replace")
            except (OSError, http.client.HTTPException):
                text = ""
            return Answer(error.code, dict(error.headers), text, time.perf_counter() - started)
        except (OSError, http.client.HTTPException) as error:  # URLError, timeout, reset, remote disconnected
            return Answer(0, {}, "", time.perf_counter() - started, failure=_failure_kind(error))


# --- the run ------------------------------------------------------------------------------------------------


@dataclass
class Post:
    participant: int
    number: int
    text: str
    status: int = 0
    failure: str = ""  # no answer: timeout or connection error
    story_id: int | None = None  # from the redirect: accepted
    latency: float = 0.0
    sent_at: float = 0.0
    accepted_at: float = 0.0  # time.monotonic() when the answer arrived
    location: str = ""  # of a redirect

    @property
    def outcome(self) -> str:
        """accepted / refused <status> / server error <status> / timeout / connection error (…)."""
        if self.story_id is not None:
            return "accepted"
        if self.failure:
            return self.failure
        if self.status >= 500:
            return f"server error {self.status}"
        where = f" to {urllib.parse.urlparse(self.location).path}" if self.status in (301, 302) else ""
        return f"refused {self.status}{where}"


@dataclass
class Poll:
    sent_at: float
    received_at: float
    status: int
    latency: float
    story_count: int | None
    failure: str = ""


@dataclass
class Results:
    posts: list[Post] = field(default_factory=list)
    joins: dict[int, str] = field(default_factory=dict)  # participant → "joined" or what went wrong
    recognitions: list[Answer] = field(default_factory=list)
    pages: list[Answer] = field(
        default_factory=list
    )  # pages loaded after a form, and the page before tapping
    polls: list[Poll] = field(default_factory=list)
    # Story text → (story id, first time.monotonic() the projector showed it), live polls only.
    seen_live: dict[str, tuple[int, float]] = field(default_factory=dict)
    requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def _ms(values: list[float]) -> str:
    return (
        f"p50 {_percentile(values, 0.5) * 1000:6.0f} ms   p95 {_percentile(values, 0.95) * 1000:6.0f} ms   "
        f"max {max(values, default=0) * 1000:6.0f} ms"
    )


# --- its own database -------------------------------------------------------------------------------------


def _create_postgres(url: str) -> tuple[str, str, str]:
    """Create a new, uniquely named database next to the prefix in ``url``: (its URL, its name, admin URL).

    Never reuses an existing database: CREATE DATABASE fails when the name exists, and then we stop. The
    prefix rule keeps `test` and any real database out even as a prefix."""
    import psycopg

    parsed = urllib.parse.urlparse(url)
    if parsed.scheme not in ("postgres", "postgresql", "pgsql"):
        raise SystemExit(f"--database-url must be a PostgreSQL URL, not {parsed.scheme!r}")
    prefix = parsed.path.lstrip("/") or DATABASE_PREFIX
    if not prefix.startswith(DATABASE_PREFIX) or not re.fullmatch(r"[a-z0-9_]+", prefix):
        raise SystemExit(
            f"refusing the database name {prefix!r}: give a prefix that starts with {DATABASE_PREFIX!r} "
            f"(the script creates its own database <prefix>_<pid>_<random> and drops it at the end)"
        )
    name = f"{prefix[:40]}_{os.getpid()}_{secrets.token_hex(4)}"
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        try:
            connection.execute(f'CREATE DATABASE "{name}"')
        except psycopg.errors.DuplicateDatabase:
            raise SystemExit(
                f"refusing: database {name!r} exists already and was not made by this run"
            ) from None
    return parsed._replace(path=f"/{name}").geturl(), name, admin


def _drop_postgres(admin: str, name: str) -> None:
    """Drop the database this run created (and only it: ``name`` comes from ``_create_postgres``)."""
    import psycopg

    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- the phones and the projector -------------------------------------------------------------------------


def _story_text(run_id: str, participant: int, number: int) -> str:
    # Unique per run and per story: the projector and the database are checked by this text, not by a count.
    return (
        f"[{run_id}-p{participant:03d}-s{number}] Sinds de buurtlunch ken ik meer mensen in de straat. "
        f"We helpen elkaar nu met boodschappen en de tuin."
    )


def _participant(
    number: int, base: str, code: str, args, run_id: str, start: threading.Barrier, results: Results
) -> None:
    phone = Browser(base, results)
    rng = random.Random(number)
    joined = "joined"
    form = phone.request("/plein/")  # the join form sets the CSRF cookie
    if form.status != 200:
        joined = form.failure or f"join form answered {form.status}"
    else:
        answer = phone.request("/plein/", {"code": code.lower(), "nickname": f"P{number:03d}"})
        # Joined = sent into the meeting's page (with the participant cookie); anything else did not join.
        if answer.status != 302 or urllib.parse.urlparse(answer.location).path != f"/plein/{code}/":
            joined = answer.failure or f"join answered {answer.status}"
        elif args.follow:
            _follow(phone, answer, results)
    with results.lock:
        results.joins[number] = joined
    try:
        start.wait(timeout=600)  # everyone has tried to join: now all post at the same moment
    except threading.BrokenBarrierError:
        pass
    if joined != "joined":
        return  # a phone that is not in the meeting cannot post; it is counted as never joined
    for story_number in range(1, args.stories + 1):
        post = Post(participant=number, number=story_number, text=_story_text(run_id, number, story_number))
        post.sent_at = time.monotonic()
        answer = phone.request(
            f"/plein/{code}/verhaal/",
            {"text": post.text, "level": LEVELS[(number + story_number) % 3], "key": f"bench-{number}-{story_number}"},
        )  # fmt: skip
        post.status, post.failure, post.latency, post.location = (
            answer.status, answer.failure, answer.latency, answer.location
        )  # fmt: skip
        post.accepted_at = time.monotonic()
        found = STORY_ON_REDIRECT.search(answer.location) if answer.status == 302 else None
        post.story_id = int(found.group(1)) if found else None
        with results.lock:
            results.posts.append(post)
        if args.follow and post.story_id is not None:
            _follow(phone, answer, results)
    if not args.recognitions:
        return
    page = phone.request(f"/plein/{code}/")
    with results.lock:
        results.pages.append(page)
    others = sorted({int(found) for found in re.findall(r'name="herken" value="(\d+)"', page.text)})
    for story_id in rng.sample(others, min(args.recognitions, len(others))):
        answer = phone.request(f"/plein/{code}/herken/", {"herken": story_id})
        with results.lock:
            results.recognitions.append(answer)
        if args.follow and answer.status == 302:
            _follow(phone, answer, results)


def _follow(phone: Browser, answer: Answer, results: Results) -> None:
    """Load the page the redirect points to, as the phone's browser does after every form."""
    page = phone.request(answer.location.split("#")[0])
    with results.lock:
        results.pages.append(page)


def _cards(board_html: str) -> list[tuple[int, str]]:
    """(story id, text) of every card on the board, the text as the projector shows it (HTML unescaped)."""
    return [(int(story_id), html.unescape(text)) for story_id, text in CARD.findall(board_html)]


def _projector(
    base: str, facilitator: Browser, meeting_id: int, stop: threading.Event, results: Results
) -> None:
    # Its own cookie jar with the facilitator's session, as the projector laptop has.
    projector = Browser(base)
    for cookie in facilitator.jar:
        projector.jar.set_cookie(cookie)
    version, count = "", None
    while not stop.is_set():
        sent = time.monotonic()
        answer = projector.request(f"/plein/bijeenkomst/{meeting_id}/scherm/bord/?v={version}&n=6")
        received = time.monotonic()
        version_found = re.search(r'data-version="(\d+)"', answer.text) if answer.status == 200 else None
        count_found = re.search(r'data-story-count="(\d+)"', answer.text) if answer.status == 200 else None
        failure = answer.failure
        if answer.status == 200 and (version_found is None or count_found is None):
            failure = "200 without a board"
        elif answer.status not in (200, 204) and not failure:
            failure = f"answered {answer.status}"
        if version_found and count_found:
            version, count = version_found.group(1), int(count_found.group(1))
        with results.lock:
            results.polls.append(Poll(sent, received, answer.status, answer.latency, count, failure))
            if answer.status == 200:
                for story_id, text in _cards(answer.text):
                    results.seen_live.setdefault(text, (story_id, received))
        stop.wait(POLL_INTERVAL)


@dataclass
class Walk:
    """What the projector showed while the script hid its stories a screenful at a time (after the burst)."""

    shown: dict[str, set[int]] = field(default_factory=dict)  # text → the story ids it was shown with
    screens: int = 0
    hidden: int = 0
    failures: list[str] = field(default_factory=list)


def _walk_the_wall(facilitator: Browser, meeting_id: int, limit: int) -> Walk:
    """Read every story off the projector by its text: read the board, hide what it shows, read it again.

    The board shows only the newest stories per level, so this is the one way to see all of them through the
    projector's own endpoint. It runs after every other measurement (hiding changes the meeting)."""
    walk = Walk()
    while walk.screens < limit:
        answer = facilitator.request(
            f"/plein/bijeenkomst/{meeting_id}/scherm/bord/?v=&n=6"
        )  # v= : always a board
        if answer.status != 200:
            walk.failures.append(f"board answered {answer.status or answer.failure}")
            return walk
        walk.screens += 1
        cards = _cards(answer.text)
        if not cards:
            return walk  # the wall is empty: every story has been read
        for story_id, text in cards:
            if story_id in walk.shown.get(text, set()):  # shown again after being hidden: hiding failed
                walk.failures.append(f"story {story_id} still on the wall after hiding it")
                return walk
            walk.shown.setdefault(text, set()).add(story_id)
        for story_id, _text in cards:
            hide = facilitator.request(f"/plein/bijeenkomst/{meeting_id}/verhalen/", {"verberg": story_id})
            if hide.status != 302:
                walk.failures.append(f"hiding story {story_id} answered {hide.status or hide.failure}")
                return walk
            walk.hidden += 1
    walk.failures.append(f"the wall was not empty after {limit} screens")
    return walk


def _stories_in_database(env: dict[str, str], meeting_id: int) -> list[tuple[int, str]]:
    code = (
        "import json; from krachtvansamen.effectenplein.models import Story; print(json.dumps(list("
        f"Story.objects.filter(meeting_id={meeting_id}).values_list('pk', 'text'))))"
    )
    output = subprocess.run([sys.executable, "-m", "krachtvansamen.cli", "shell", "-c", code], env=env, check=True,
                            capture_output=True, text=True).stdout  # fmt: skip
    return [(story_id, text) for story_id, text in json.loads(output.strip().splitlines()[-1])]


# --- main ---------------------------------------------------------------------------------------------------


def rate_limits_lift(env: dict[str, str], data_dir: str) -> None:
    """Make ``env`` run the server with the app's settings plus every Effectenplein limit out of reach: a settings
    module in ``data_dir`` (the run's own temporary directory; nothing under src/)."""
    # limits.limit() looks names up with .get(name, default); an always-truthy mapping answers every name.
    (Path(data_dir) / "kvs_bench_lifted_settings.py").write_text(
        "from krachtvansamen.settings import *  # noqa: F403\n\n\n"
        "class _Lifted(dict):\n"
        "    def get(self, name, default=None):\n"
        "        return (10**9, default[1] if default else 60)\n\n"
        "    def __bool__(self):\n"
        "        return True\n\n\n"
        "EFFECTENPLEIN_LIMITS = _Lifted()\n"
    )
    env["DJANGO_SETTINGS_MODULE"] = "kvs_bench_lifted_settings"
    env["PYTHONPATH"] = f"{data_dir}{os.pathsep}{ROOT / 'src'}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--participants", type=int, default=100)
    parser.add_argument("--stories", type=int, default=3, help="stories per participant")
    parser.add_argument("--recognitions", type=int, default=3, help="'Herken ik' taps per participant")
    parser.add_argument(
        "--database-url",
        default="",
        help=f"PostgreSQL server and a name prefix starting with {DATABASE_PREFIX!r}: the script creates its "
        "own database <prefix>_<pid>_<random> there and drops it at the end",
    )
    parser.add_argument(
        "--threads", type=int, default=0, help="waitress threads (default: kvs serve's default)"
    )
    parser.add_argument(
        "--lift-rate-limits",
        action="store_true",
        help="raise every Effectenplein rate limit out of reach (measures the server, not the limits)",
    )
    parser.add_argument(
        "--no-follow",
        dest="follow",
        action="store_false",
        help="do not load the page after each form (a browser does; this measures posts alone)",
    )
    args = parser.parse_args()

    # Our own, new data directory; an inherited KVS_DATA_DIR or DATABASE_URL (someone's real data) is dropped.
    data_dir = tempfile.mkdtemp(prefix="kvs-plein-bench-")
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "KVS_DATA_DIR", "KVS_DEMO_PASSWORD")
    }
    env.update(
        {
            "KVS_DATA_DIR": data_dir,
            "DJANGO_SETTINGS_MODULE": "krachtvansamen.settings",
            "PYTHONPATH": str(ROOT / "src"),
        }
    )
    if args.lift_rate_limits:
        rate_limits_lift(env, data_dir)
    created: tuple[str, str] | None = None  # (admin URL, name) of the database this run made, to drop it
    try:
        if args.database_url:
            url, name, admin = _create_postgres(args.database_url)
            created = (admin, name)
            env["DATABASE_URL"] = url
        where = f"PostgreSQL database {created[1]} (new)" if created else "SQLite"
        print(f"setting up the demo in {data_dir} ({where}) …", flush=True)
        exit_code = _serve_and_run(args, env, data_dir, bool(created))
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
        if created:
            _drop_postgres(*created)
            print(f"dropped the database {created[1]} this run created")
    raise SystemExit(exit_code)


def _serve_and_run(args, env: dict[str, str], data_dir: str, postgres: bool) -> int:
    kvs = [sys.executable, "-m", "krachtvansamen.cli"]
    subprocess.run([*kvs, "demo", "--no-serve"], env=env, check=True, capture_output=True, timeout=900)
    port = _free_port()
    serve = [*kvs, "serve", "--port", str(port)] + (["--threads", str(args.threads)] if args.threads else [])
    # The server's log goes to a file: a pipe nobody reads fills up, and then waitress's main loop blocks
    # writing its "Task queue depth" warnings and stops answering anyone.
    server_log = open(Path(data_dir) / "server.log", "w+b")  # noqa: SIM115 (closed in finally)
    server = subprocess.Popen(serve, env=env, stdout=subprocess.DEVNULL, stderr=server_log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/gezond/", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    server_log.seek(0)
                    raise SystemExit(
                        "kvs serve did not come up: " + server_log.read().decode()[-2000:]
                    ) from None
                time.sleep(0.2)
        return run(args, base, env, server.pid, postgres)
    finally:
        server.terminate()
        server.wait(timeout=20)
        server_log.seek(0)
        lines = server_log.read().decode(errors="replace").splitlines()
        server_log.close()
        depth = [int(m.group(1)) for m in map(re.compile(r"Task queue depth is (\d+)").search, lines) if m]
        print(
            f"server log: {len(lines)} lines; waitress queue-depth warnings: {len(depth)}"
            + (f", deepest queue {max(depth)}" if depth else "")
        )
        others = [line for line in lines if "Task queue depth" not in line]
        if others:
            print("  " + "\n  ".join(others[-10:]))


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process and of its running child processes (the gunicorn workers of `kvs serve
    --workers N`) (Linux /proc); None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    seconds = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    return seconds + sum(_cpu_seconds(int(child)) or 0.0 for child in children)


def _open_meeting(base: str, participants: int) -> tuple[Browser, int, str]:
    facilitator = Browser(base)
    facilitator.request("/inloggen/")
    answer = facilitator.request("/inloggen/", {"username": "communitybuilder", "password": PASSWORD})
    if answer.status != 302:
        raise SystemExit(f"login failed: {answer.status or answer.failure}")
    answer = facilitator.request(
        f"/plein/bijeenkomst/nieuw/{KRONENBURG}/",
        {"title": "Belastingtest", "year": "", "max_participants": str(participants)},
    )
    found = re.search(r"/bijeenkomst/(\d+)/", answer.location)
    if found is None:
        raise SystemExit(f"opening a meeting failed: {answer.status or answer.failure} {answer.location}")
    meeting_id = int(found.group(1))
    page = facilitator.request(f"/plein/bijeenkomst/{meeting_id}/").text
    code = re.search(r'class="plein-code[^"]*" aria-label="([A-Z0-9]{6})"', page).group(1)
    return facilitator, meeting_id, code


def run(args, base: str, env: dict[str, str], server_pid: int, postgres: bool) -> int:
    return 1 if burst(args, base, env, server_pid, postgres).failures else 0


def burst(args, base: str, env: dict[str, str], server_pid: int, postgres: bool) -> Report:
    """One meeting, every phone joining and posting at once, the projector polling; prints and returns the
    report (``benchmarks/serving_speed.py`` runs it against its own server, with a floor page under load)."""
    facilitator, meeting_id, code = _open_meeting(base, args.participants)
    run_id = secrets.token_hex(3)
    results = Results()
    stop = threading.Event()
    projector = threading.Thread(
        target=_projector, args=(base, facilitator, meeting_id, stop, results), daemon=True
    )
    projector.start()
    start = threading.Barrier(args.participants)
    phones = [
        threading.Thread(target=_participant, args=(n, base, code, args, run_id, start, results))
        for n in range(1, args.participants + 1)
    ]
    cpu_before = _cpu_seconds(server_pid)
    began = time.monotonic()
    for phone in phones:
        phone.start()
    for phone in phones:
        phone.join()
    burst = max((p.accepted_at for p in results.posts), default=began) - min(
        (p.sent_at for p in results.posts), default=began
    )
    cpu_after, wall = _cpu_seconds(server_pid), time.monotonic() - began
    with results.lock:
        served = results.requests  # the phones' requests (the projector's polls are added below)
    accepted = [p for p in results.posts if p.story_id is not None]

    # The database first (before the walk hides anything): every accepted story by its text.
    in_db = _stories_in_database(env, meeting_id)
    db_ids_by_text: dict[str, list[int]] = {}
    for story_id, text in in_db:
        db_ids_by_text.setdefault(text, []).append(story_id)
    # Let the projector catch up with the database (at most 15 s), one more poll, then stop it.
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        with results.lock:
            shown = next((p.story_count for p in reversed(results.polls) if p.story_count is not None), 0)
        if shown >= len(in_db):
            break
        time.sleep(0.2)
    time.sleep(POLL_INTERVAL + 0.5)
    stop.set()
    projector.join()
    last_count = next((p.story_count for p in reversed(results.polls) if p.story_count is not None), 0)
    served += sum(1 for p in results.polls if began <= p.sent_at <= began + wall)
    walk = _walk_the_wall(facilitator, meeting_id, limit=len(in_db) // 3 + 10)

    report = Report(args, results, accepted, db_ids_by_text, walk, last_count, postgres)
    report.print(burst=burst, served=served, cpu=None if None in (cpu_before, cpu_after) else cpu_after - cpu_before,
                 wall=wall)  # fmt: skip
    return report


# --- the figures --------------------------------------------------------------------------------------------


class Report:
    """Every figure of the run, and the list of what went wrong (empty: the run passed)."""

    def __init__(
        self,
        args,
        results: Results,
        accepted: list[Post],
        db_ids_by_text: dict[str, list[int]],
        walk: Walk,
        last_count: int,
        postgres: bool,
    ) -> None:
        self.args, self.results, self.accepted, self.walk, self.postgres = (
            args,
            results,
            accepted,
            walk,
            postgres,
        )
        self.last_count = last_count
        posts = results.posts
        self.never_joined = Counter(why for why in results.joins.values() if why != "joined")
        self.planned = args.participants * args.stories
        outcomes = Counter(p.outcome for p in posts)
        self.refused = {k: v for k, v in outcomes.items() if k.startswith("refused")}
        self.server_errors = {k: v for k, v in outcomes.items() if k.startswith("server error")}
        self.no_answer = {k: v for k, v in outcomes.items() if k == "timeout" or k.startswith("connection")}
        # The database, by text: each accepted story exactly once, under the id its redirect named.
        self.in_db = [p for p in accepted if p.text in db_ids_by_text]
        self.lost = [p for p in accepted if p.text not in db_ids_by_text]
        self.wrong_id = [p for p in self.in_db if p.story_id not in db_ids_by_text[p.text]]
        self.db_total = sum(len(ids) for ids in db_ids_by_text.values())
        self.duplicated = sum(len(ids) - 1 for ids in db_ids_by_text.values())
        sent_texts = {p.text for p in posts}
        accepted_texts = {p.text for p in accepted}
        self.saved_unconfirmed = sum(1 for text in db_ids_by_text if text in sent_texts - accepted_texts)
        self.unknown_in_db = sum(1 for text in db_ids_by_text if text not in sent_texts)
        # The projector, by text: live polls and the walk over the wall after the burst.
        shown = {text: set(ids) for text, ids in walk.shown.items()}
        for text, (story_id, _at) in results.seen_live.items():
            shown.setdefault(text, set()).add(story_id)
        self.on_projector = [p for p in accepted if p.text in shown]
        self.missing = [p for p in accepted if p.text not in shown]
        self.projector_duplicated = sum(len(ids) - 1 for ids in shown.values())
        self.projector_not_accepted = sum(1 for text in shown if text not in accepted_texts)
        self.seen_live = [p for p in accepted if p.text in results.seen_live]
        self.poll_failures = Counter(p.failure for p in results.polls if p.failure)
        self.other_failures = Counter(
            f"{kind} {a.status or a.failure}"
            for kind, answers, ok in (
                ("'Herken ik'", results.recognitions, 302),
                ("page", results.pages, 200),
            )
            for a in answers
            if a.status != ok
        )
        self.failures = [
            what
            for what, bad in (
                (f"{sum(self.never_joined.values())} phones never joined", self.never_joined),
                (f"{len(posts) - len(accepted)} posts not accepted", len(posts) != len(accepted)),
                (f"{len(self.lost)} accepted posts lost", self.lost),
                (f"{len(self.wrong_id)} stories under another id than their redirect", self.wrong_id),
                (f"{self.duplicated} duplicated in the database", self.duplicated),
                (f"{len(self.missing)} accepted stories never on the projector", self.missing),
                (f"{self.projector_duplicated} duplicated on the projector", self.projector_duplicated),
                (f"projector count {last_count} ≠ database {self.db_total}", last_count != self.db_total),
                (f"projector polls failed: {dict(self.poll_failures)}", self.poll_failures),
                (f"other requests failed: {dict(self.other_failures)}", self.other_failures),
                (f"walk over the wall: {'; '.join(walk.failures)}", walk.failures),
            )
            if bad
        ]

    def print(self, *, burst: float, served: int, cpu: float | None, wall: float) -> None:
        args, results, accepted = self.args, self.results, self.accepted
        posts = results.posts
        engine = "PostgreSQL (own new database)" if self.postgres else "SQLite (WAL, own temporary directory)"
        print()
        limits = "rate limits LIFTED" if args.lift_rate_limits else "the app's rate limits as shipped"
        print(
            f"Effectenplein load test — {engine}, {limits}, waitress threads: {args.threads or 'default (8)'}, "
            f"{os.cpu_count()} CPUs, load average at the end {os.getloadavg()[0]:.1f} (client and server share "
            f"the machine)"
        )
        print(
            f"phones joined                    {args.participants - sum(self.never_joined.values())} / {args.participants}"
        )
        print(
            f"never joined                     {sum(self.never_joined.values())}  {dict(self.never_joined) or ''}"
        )
        print(
            f"posts sent                       {len(posts)} of {self.planned} planned  (first sent → last answered {burst:.1f} s)"
        )
        print(f"accepted (302 to the story)      {len(accepted)}")
        print(f"refused (answer < 500, by status){sum(self.refused.values()):>4}  {self.refused or ''}")
        print(
            f"server errors (5xx)              {sum(self.server_errors.values())}  {self.server_errors or ''}"
        )
        print(f"timeouts / connection errors     {sum(self.no_answer.values())}  {self.no_answer or ''}")
        print(
            f"found in the database (by text)  {len(self.in_db)} of {len(accepted)} accepted  (stories in the "
            f"database: {self.db_total}; saved without an accepting answer: {self.saved_unconfirmed}; not ours: "
            f"{self.unknown_in_db}; under another id than the redirect: {len(self.wrong_id)})"
        )
        print(
            f"shown on the projector (by text) {len(self.on_projector)} of {len(accepted)} accepted  (live during "
            f"the burst: {len(self.seen_live)}; the rest read by walking the wall: {self.walk.screens} screens, "
            f"{self.walk.hidden} hidden; shown but not accepted: {self.projector_not_accepted})"
        )
        print(f"missing from the projector       {len(self.missing)}")
        print(f"projector story count at the end {self.last_count}  (database: {self.db_total})")
        print(f"lost (accepted, not in database) {len(self.lost)}")
        print(
            f"duplicated                       {self.duplicated + self.projector_duplicated}  (in the database: "
            f"{self.duplicated}, on the projector: {self.projector_duplicated})"
        )
        print(
            f"post latency (accepted, {len(accepted):>3})    {_ms([p.latency for p in accepted])}   (no floor to compare with)"
        )
        not_accepted = [p.latency for p in posts if p.story_id is None]
        if not_accepted:
            print(f"post latency (not accepted, {len(not_accepted):>3}) {_ms(not_accepted)}")
        recognised = [a.latency for a in results.recognitions if a.status == 302]
        print(
            f"'Herken ik' latency ({len(recognised):>3})        {_ms(recognised)}   (of {len(results.recognitions)} taps)"
        )
        if args.follow:
            pages = [a.latency for a in results.pages if a.status == 200]
            print(f"phone page after a form ({len(pages):>3})  {_ms(pages)}")
        polls = [p.latency for p in results.polls if not p.failure]
        unchanged = sum(1 for p in results.polls if p.status == 204)
        print(
            f"projector poll latency ({len(polls):>3})    {_ms(polls)}   ({unchanged} answered 204 unchanged)"
        )
        by_count, by_text = self._staleness()
        print(
            f"projector staleness, count       p50 {_percentile(by_count, 0.5):6.2f} s    p95 "
            f"{_percentile(by_count, 0.95):6.2f} s    max {max(by_count, default=0):6.2f} s   (post accepted → "
            f"story count on the projector includes it; polls every {POLL_INTERVAL:.0f} s)"
        )
        print(
            f"projector staleness, text ({len(by_text):>3}) p50 {_percentile(by_text, 0.5):6.2f} s    p95 "
            f"{_percentile(by_text, 0.95):6.2f} s    max {max(by_text, default=0):6.2f} s   (post accepted → its "
            f"text on the projector; only stories seen live)"
        )
        if cpu is not None and served:
            print(
                f"server CPU during the run        {cpu:.1f} s for {served} requests = {cpu / served * 1000:.1f} ms "
                f"per request, over {wall:.1f} s wall clock"
            )
        print()
        if self.failures:
            print("FAILED: " + "; ".join(self.failures))
        else:
            print(
                "OK: every phone joined, every post accepted, in the database once and read off the projector"
            )

    def _staleness(self) -> tuple[list[float], list[float]]:
        # By count: the k-th accepted post counts as shown at the first poll whose story count reached k.
        changes = [(p.received_at, p.story_count) for p in self.results.polls if p.story_count is not None]
        by_count = []
        for rank, post in enumerate(sorted(self.accepted, key=lambda p: p.accepted_at), start=1):
            seen = next((at for at, count in changes if count >= rank and at >= post.accepted_at), None)
            if seen is None:
                seen = next((at for at, count in changes if count >= rank), None)
            if seen is not None:
                by_count.append(max(0.0, seen - post.accepted_at))
        by_text = [
            max(0.0, self.results.seen_live[p.text][1] - p.accepted_at)
            for p in self.accepted
            if p.text in self.results.seen_live
        ]
        return by_count, by_text


if __name__ == "__main__":
    main()
