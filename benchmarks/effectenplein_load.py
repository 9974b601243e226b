"""Load test of the Effectenplein: many phones post stories at the same moment while the projector polls.

Run:  .venv/bin/python benchmarks/effectenplein_load.py [--participants 100] [--stories 3] [--recognitions 3]
                                                     [--database-url postgres://postgres@127.0.0.1:5432/kvs_plein_bench]
                                                     [--threads N] [--no-follow]

Sets the app up as a user does (`kvs demo --no-serve` into a throw-away KVS_DATA_DIR, then `kvs serve`), logs
in as the demo community builder, opens a meeting in Kronenburg over HTTP, and then lets every simulated
participant (one thread each, its own cookies, CSRF as a browser does it) join with the code, wait until all
have joined, and post its stories at once, followed by a few 'Herken ik' taps. After every form the phone
loads the page the redirect points to, as a browser does (--no-follow leaves that out). Meanwhile a projector client
polls the board endpoint every 2 s, exactly as htmx does (sending the version it has; 204 = unchanged).

With --database-url the app runs on that database instead of SQLite. The database is dropped and created
again, so the name must start with `kvs_plein_bench` (never point this at a database you care about).

Printed: posts sent / accepted / found in the database / shown on the projector, lost and duplicated posts,
latency of a post (p50/p95/max), latency of a projector poll, and how stale the projector was: the time from
a post being accepted until the projector's story count first included it.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import random
import re
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
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KRONENBURG = "BU02021990"
PASSWORD = os.environ.get("KVS_DEMO_PASSWORD", "kracht-demo")
LEVELS = ("individual", "social", "neighbourhood")
MARKER = re.compile(r"\[p(\d+)-s(\d+)\]")
POLL_INTERVAL = 2.0


# --- a tiny browser ---------------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # we want to see the 302 and its Location
        return None


class Browser:
    """One phone or laptop: its own cookie jar, no redirects followed, timings per request."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())

    def csrf(self) -> str:
        for cookie in self.jar:
            if cookie.name == "csrftoken":
                return cookie.value
        raise RuntimeError("no csrftoken cookie: get a page with a form first")

    def request(self, path: str, data: dict | None = None) -> tuple[int, dict[str, str], str, float]:
        body = None
        headers = {"User-Agent": "kvs-plein-bench"}
        if data is not None:
            data = {**data, "csrfmiddlewaretoken": self.csrf()}
            body = urllib.parse.urlencode(data, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = self.base + path
        started = time.perf_counter()
        try:
            with self.opener.open(
                urllib.request.Request(self.base + path, data=body, headers=headers), timeout=120
            ) as response:
                text = response.read().decode()
                status, response_headers = response.status, dict(response.headers)
        except urllib.error.HTTPError as error:  # 3xx/4xx/5xx arrive here
            text = error.read().decode(errors="replace")
            status, response_headers = error.code, dict(error.headers)
        return status, response_headers, text, time.perf_counter() - started


# --- the run ------------------------------------------------------------------------------------------------


@dataclass
class Post:
    participant: int
    number: int
    status: int = 0
    story_id: int | None = None
    latency: float = 0.0
    sent_at: float = 0.0
    accepted_at: float = 0.0  # time.monotonic() when the answer arrived
    error: str = ""


@dataclass
class Poll:
    sent_at: float
    received_at: float
    status: int
    latency: float
    story_count: int | None


@dataclass
class Results:
    posts: list[Post] = field(default_factory=list)
    recognitions: list[tuple[int, float]] = field(default_factory=list)
    joins: list[tuple[int, float]] = field(default_factory=list)
    pages: list[tuple[int, float]] = field(default_factory=list)
    polls: list[Poll] = field(default_factory=list)
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


def _recreate_postgres(url: str) -> None:
    import psycopg

    parsed = urllib.parse.urlparse(url)
    name = parsed.path.lstrip("/")
    if not name.startswith("kvs_plein_bench"):
        raise SystemExit(f"refusing to drop database {name!r}: its name must start with 'kvs_plein_bench'")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def _participant(number: int, base: str, code: str, args, start: threading.Barrier, results: Results) -> None:
    phone = Browser(base)
    rng = random.Random(number)
    phone.request("/plein/")  # the join form sets the CSRF cookie
    status, headers, _text, latency = phone.request(
        "/plein/", {"code": code.lower(), "nickname": f"P{number:03d}"}
    )
    with results.lock:
        results.joins.append((status, latency))
    if args.follow and status == 302:
        _follow(phone, headers, results)
    try:
        start.wait(timeout=600)  # everyone has joined: now all post at the same moment
    except threading.BrokenBarrierError:
        pass  # someone could not join; the others still post
    for story_number in range(1, args.stories + 1):
        post = Post(participant=number, number=story_number)
        text = (
            f"[p{number:03d}-s{story_number}] Sinds de buurtlunch ken ik meer mensen in de straat. "
            f"We helpen elkaar nu met boodschappen en de tuin."
        )
        post.sent_at = time.monotonic()
        try:
            status, headers, _text, post.latency = phone.request(
                f"/plein/{code}/verhaal/",
                {"text": text, "level": LEVELS[(number + story_number) % 3], "key": f"bench-{number}-{story_number}"},
            )  # fmt: skip
            post.status, post.accepted_at = status, time.monotonic()
            found = re.search(r"#verhaal-(\d+)$", headers.get("Location", ""))
            post.story_id = int(found.group(1)) if found else None
        except OSError as error:
            post.error = repr(error)
        with results.lock:
            results.posts.append(post)
        if args.follow and post.status == 302:
            _follow(phone, headers, results)
    if not args.recognitions:
        return
    _status, _headers, page, _latency = phone.request(f"/plein/{code}/")
    others = sorted({int(found) for found in re.findall(r'name="herken" value="(\d+)"', page)})
    for story_id in rng.sample(others, min(args.recognitions, len(others))):
        status, headers, _text, latency = phone.request(f"/plein/{code}/herken/", {"herken": story_id})
        with results.lock:
            results.recognitions.append((status, latency))
        if args.follow and status == 302:
            _follow(phone, headers, results)


def _follow(phone: Browser, headers: dict[str, str], results: Results) -> None:
    """Load the page the redirect points to, as the phone's browser does after every form."""
    status, _headers, _text, latency = phone.request(headers["Location"].split("#")[0])
    with results.lock:
        results.pages.append((status, latency))


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
        status, _headers, text, latency = projector.request(
            f"/plein/bijeenkomst/{meeting_id}/scherm/bord/?v={version}&n=6"
        )
        if status == 200:
            version = re.search(r'data-version="(\d+)"', text).group(1)
            count = int(re.search(r'data-story-count="(\d+)"', text).group(1))
        with results.lock:
            results.polls.append(Poll(sent, time.monotonic(), status, latency, count))
        stop.wait(POLL_INTERVAL)


def _stories_in_database(env: dict[str, str], meeting_id: int) -> list[str]:
    code = (
        "import json; from krachtvansamen.effectenplein.models import Story; "
        f"print(json.dumps(list(Story.objects.filter(meeting_id={meeting_id}).values_list('text', flat=True))))"
    )
    output = subprocess.run([sys.executable, "-m", "krachtvansamen.cli", "shell", "-c", code], env=env, check=True,
                            capture_output=True, text=True).stdout  # fmt: skip
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--participants", type=int, default=100)
    parser.add_argument("--stories", type=int, default=3, help="stories per participant")
    parser.add_argument("--recognitions", type=int, default=3, help="'Herken ik' taps per participant")
    parser.add_argument("--database-url", default="", help="run on this database (dropped and created again)")
    parser.add_argument(
        "--threads", type=int, default=0, help="waitress threads (default: kvs serve's default)"
    )
    parser.add_argument(
        "--no-follow",
        dest="follow",
        action="store_false",
        help="do not load the page after each form (a browser does; this measures posts alone)",
    )
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="kvs-plein-bench-")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "KVS_DEMO_PASSWORD")}
    env.update(
        {
            "KVS_DATA_DIR": data_dir,
            "DJANGO_SETTINGS_MODULE": "krachtvansamen.settings",
            "PYTHONPATH": str(ROOT / "src"),
        }
    )
    if args.database_url:
        _recreate_postgres(args.database_url)
        env["DATABASE_URL"] = args.database_url
    kvs = [sys.executable, "-m", "krachtvansamen.cli"]
    print(
        f"setting up the demo in {data_dir} ({'PostgreSQL' if args.database_url else 'SQLite'}) …", flush=True
    )
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
        run(args, base, env, server.pid)
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
        shutil.rmtree(data_dir, ignore_errors=True)


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process (Linux /proc); None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(args, base: str, env: dict[str, str], server_pid: int) -> None:
    facilitator = Browser(base)
    facilitator.request("/inloggen/")
    status, _headers, _text, _latency = facilitator.request(
        "/inloggen/", {"username": "communitybuilder", "password": PASSWORD}
    )
    assert status == 302, f"login failed: {status}"
    status, headers, _text, _latency = facilitator.request(
        f"/plein/bijeenkomst/nieuw/{KRONENBURG}/", {"title": "Belastingtest", "year": ""}
    )
    meeting_id = int(re.search(r"/bijeenkomst/(\d+)/", headers["Location"]).group(1))
    _status, _headers, page, _latency = facilitator.request(f"/plein/bijeenkomst/{meeting_id}/")
    code = re.search(r'class="plein-code[^"]*" aria-label="([A-Z0-9]{6})"', page).group(1)

    results = Results()
    stop = threading.Event()
    projector = threading.Thread(
        target=_projector, args=(base, facilitator, meeting_id, stop, results), daemon=True
    )
    projector.start()
    start = threading.Barrier(args.participants)
    phones = [
        threading.Thread(target=_participant, args=(n, base, code, args, start, results))
        for n in range(1, args.participants + 1)
    ]
    cpu_before = _cpu_seconds(server_pid)
    requests_before = len(results.polls)
    began = time.monotonic()
    for phone in phones:
        phone.start()
    for phone in phones:
        phone.join()
    burst = max((p.accepted_at for p in results.posts), default=began) - min(
        (p.sent_at for p in results.posts), default=began
    )
    cpu_after, wall = _cpu_seconds(server_pid), time.monotonic() - began
    served = (
        2 * len(results.joins)
        + len(results.posts)
        + len(results.recognitions)
        + args.participants
        + len(results.pages)
        + len(results.polls)
        - requests_before
    )
    accepted = [p for p in results.posts if p.status == 302 and p.story_id is not None]
    # Let the projector catch up (at most 15 s), then stop it.
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        with results.lock:
            shown = next((p.story_count for p in reversed(results.polls) if p.story_count is not None), 0)
        if shown >= len(accepted):
            break
        time.sleep(0.2)
    time.sleep(POLL_INTERVAL + 0.5)
    stop.set()
    projector.join()

    texts = _stories_in_database(env, meeting_id)
    in_db = [tuple(map(int, MARKER.search(text).groups())) for text in texts if MARKER.search(text)]
    sent_keys = {(p.participant, p.number) for p in results.posts}
    accepted_keys = {(p.participant, p.number) for p in accepted}
    lost = accepted_keys - set(in_db)
    duplicates = len(in_db) - len(set(in_db))
    unconfirmed_but_saved = (set(in_db) & sent_keys) - accepted_keys
    last_shown = next((p.story_count for p in reversed(results.polls) if p.story_count is not None), 0)

    # Staleness: the k-th accepted post counts as shown at the first poll whose story count reached k.
    changes = [(p.received_at, p.story_count) for p in results.polls if p.story_count is not None]
    stale = []
    for rank, post in enumerate(sorted(accepted, key=lambda p: p.accepted_at), start=1):
        seen = next((at for at, count in changes if count >= rank and at >= post.accepted_at), None)
        if seen is None:
            seen = next((at for at, count in changes if count >= rank), None)
        if seen is not None:
            stale.append(max(0.0, seen - post.accepted_at))

    latencies = [p.latency for p in accepted]
    poll_latencies = [p.latency for p in results.polls]
    unchanged = sum(1 for p in results.polls if p.status == 204)
    recognised = [latency for status, latency in results.recognitions if status == 302]
    statuses: dict[int, int] = {}
    for post in results.posts:
        statuses[post.status] = statuses.get(post.status, 0) + 1
    engine = "PostgreSQL" if args.database_url else "SQLite (WAL)"
    threads = args.threads or "default (8)"
    print()
    print(
        f"Effectenplein load test — {engine}, waitress threads: {threads}, {os.cpu_count()} CPUs, "
        f"load average at the end {os.getloadavg()[0]:.1f} (client and server share the machine)"
    )
    print(
        f"participants joined              {sum(1 for s, _ in results.joins if s == 302)} / {args.participants}"
    )
    print(
        f"posts sent                       {len(results.posts)}  (first sent → last answered {burst:.1f} s, status counts "
        f"{dict(sorted(statuses.items()))})"
    )
    print(f"posts accepted (302)             {len(accepted)}")
    print(
        f"posts in the database            {len(in_db)}  (duplicates: {duplicates}, saved without a 302: "
        f"{len(unconfirmed_but_saved)})"
    )
    print(f"posts on the projector (count)   {last_shown}")
    print(
        f"lost                             {len(lost)}  {'OK' if not lost and len(in_db) == len(accepted) else 'LOST'}"
    )
    print(
        f"post latency                     p50 {_percentile(latencies, 0.5) * 1000:6.0f} ms   "
        f"p95 {_percentile(latencies, 0.95) * 1000:6.0f} ms   max {max(latencies, default=0) * 1000:6.0f} ms"
    )
    print(
        f"'Herken ik' latency ({len(recognised):>3})        p50 {_percentile(recognised, 0.5) * 1000:6.0f} ms   "
        f"p95 {_percentile(recognised, 0.95) * 1000:6.0f} ms   max {max(recognised, default=0) * 1000:6.0f} ms"
    )
    pages = [latency for status, latency in results.pages if status == 200]
    if args.follow:
        print(
            f"phone page after a form ({len(pages):>3})  p50 {_percentile(pages, 0.5) * 1000:6.0f} ms   "
            f"p95 {_percentile(pages, 0.95) * 1000:6.0f} ms   max {max(pages, default=0) * 1000:6.0f} ms"
        )
    print(
        f"projector poll latency ({len(poll_latencies):>3})    p50 {_percentile(poll_latencies, 0.5) * 1000:6.0f} ms"
        f"   p95 {_percentile(poll_latencies, 0.95) * 1000:6.0f} ms   max "
        f"{max(poll_latencies, default=0) * 1000:6.0f} ms   ({unchanged} answered 204 unchanged)"
    )
    print(
        f"projector staleness              p50 {_percentile(stale, 0.5):6.2f} s    p95 {_percentile(stale, 0.95):6.2f} s"
        f"    max {max(stale, default=0):6.2f} s   (post accepted → count on the projector; polls every "
        f"{POLL_INTERVAL:.0f} s)"
    )
    if cpu_before is not None and cpu_after is not None:
        cpu = cpu_after - cpu_before
        print(
            f"server CPU during the run       {cpu:.1f} s for {served} requests = {cpu / served * 1000:.1f} ms "
            f"per request, over {wall:.1f} s wall clock"
        )
    if len(stale) != len(accepted):
        print(f"  {len(accepted) - len(stale)} accepted posts never reached the projector count")
    errors = [p.error for p in results.posts if p.error]
    if errors:
        print(f"client errors: {len(errors)}, e.g. {errors[0]}")
    if lost or duplicates or len(in_db) != len(accepted) or last_shown != len(in_db):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
