#!/usr/bin/env python3
"""The scale-out run: two server processes and a background worker against PostgreSQL and Redis, on one machine.

    .venv/bin/python scripts/scale_out_run.py [--postgres postgres://postgres@127.0.0.1:5432/]
                                              [--redis redis://127.0.0.1:6379/13] [--workers 2] [--keep]

What it proves (each step prints PASS or FAIL; exit 1 when one fails):
1. Its own PostgreSQL database (``kvs_scaleout_<pid>_<random>``, dropped at the end unless ``--keep``) gets the
   demo data with ``kvs demo --no-serve``. The Redis database index given must be empty at the start (the run
   never touches data it did not make) and is emptied at the end.
2. Server A and server B: two separate ``kvs serve --workers N`` processes on two ports, as two machines behind
   a proxy would run; they share nothing but PostgreSQL and Redis (``KVS_REDIS_URL``: cache, sessions, broker).
3. Logging in on A gives a session cookie that B accepts: the same logged-in page as the same user on both.
4. A job started on A (the REFI-QDA project export of Kronenburg, the button on /coderen/uitwisselen/) stays
   queued while no worker runs — no web process takes it on when a broker is configured — and is finished by
   ``kvs worker`` once that starts. Its progress page and its result (a .qdpx zip) are fetched from B.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
KVS = str(ROOT / ".venv/bin/kvs")
USER, PASSWORD = "researcher", "kracht-demo"
KRONENBURG = "BU02021990"

failures: list[str] = []


def check(ok: bool, what: str) -> bool:
    print(f"{'PASS' if ok else 'FAIL'}  {what}", flush=True)
    if not ok:
        failures.append(what)
    return ok


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Browser:
    """A cookie jar and urllib, without following redirects (the Location is what we look at)."""

    def __init__(self, jar: http.cookiejar.CookieJar) -> None:
        self.jar = jar
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)

    def request(self, url: str, data: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(url, data=body)
        if data is not None:
            req.add_header("Referer", url)
            req.add_header("Origin", url.split("/", 3)[0] + "//" + url.split("/", 3)[2])
        try:
            with self.opener.open(req, timeout=60) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def cookie(self, name: str) -> str:
        return next((c.value or "" for c in self.jar if c.name == name), "")


def csrf_from(html: bytes) -> str:
    found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return found.group(1).decode() if found else ""


def wait_for(url: str, seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return True
        except OSError:
            time.sleep(0.5)
    return False


def psql(server: str, sql: str, database: str = "postgres") -> str:
    """Run one statement on the server; a SELECT gives its first column, one line per row."""
    import psycopg  # noqa: PLC0415  (imported here so that --help works without the project installed)

    with psycopg.connect(server + database, autocommit=True) as conn:
        cursor = conn.execute(sql)
        return "\n".join(str(row[0]) for row in cursor.fetchall()) if cursor.description else ""


def redis_client(url: str) -> Any:
    import redis  # noqa: PLC0415

    return redis.Redis.from_url(url)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--workers", type=int, default=2, help="processes per server (gunicorn)")
    parser.add_argument("--keep", action="store_true", help="keep the database and data directory")
    args = parser.parse_args()

    server = args.postgres if args.postgres.endswith("/") else args.postgres + "/"
    try:
        psql(server, "SELECT 1")
    except Exception as error:  # noqa: BLE001
        print(f"PostgreSQL is not reachable at {server}: {error}\nStart it (see the README) and run again.")
        return 2
    broker = redis_client(args.redis)
    try:
        if broker.dbsize():
            print(f"Redis database {args.redis} is not empty: give an empty database index with --redis.")
            return 2
    except Exception as error:  # noqa: BLE001
        print(f"Redis is not reachable at {args.redis}: {error}\nStart it (see the README) and run again.")
        return 2

    name = f"kvs_scaleout_{os.getpid()}_{secrets.token_hex(3)}"
    data_dir = Path(tempfile.mkdtemp(prefix="kvs_scaleout_"))
    env = {
        **os.environ,
        "DATABASE_URL": server + name,
        "KVS_REDIS_URL": args.redis,
        "KVS_DATA_DIR": str(data_dir),
        "PYTHONUNBUFFERED": "1",
    }
    processes: list[subprocess.Popen[bytes]] = []
    logs: dict[str, Path] = {}

    def start(label: str, *command: str) -> subprocess.Popen[bytes]:
        logs[label] = data_dir / f"{label}.log"
        process = subprocess.Popen(
            [KVS, *command], env=env, stdout=logs[label].open("wb"), stderr=subprocess.STDOUT, cwd=data_dir
        )
        processes.append(process)
        return process

    psql(server, f'CREATE DATABASE "{name}"')
    print(f"database {name}, data directory {data_dir}, Redis {args.redis}", flush=True)
    try:
        began = time.monotonic()
        demo = subprocess.run([KVS, "demo", "--no-serve"], env=env, capture_output=True, cwd=data_dir)
        if not check(
            demo.returncode == 0, f"kvs demo --no-serve on PostgreSQL ({time.monotonic() - began:.0f} s)"
        ):
            print(demo.stdout.decode()[-2000:], demo.stderr.decode()[-2000:])
            return 1

        port_a, port_b = free_port(), free_port()
        start("server-a", "serve", "--port", str(port_a), "--workers", str(args.workers))
        start("server-b", "serve", "--port", str(port_b), "--workers", str(args.workers))
        a, b = f"http://127.0.0.1:{port_a}", f"http://127.0.0.1:{port_b}"
        up = wait_for(a + "/gezond/", 120) and wait_for(b + "/gezond/", 120)
        if not check(up, f"server A ({a}) and server B ({b}) answer, {args.workers} processes each"):
            return 1

        # 3. Log in on A; the same cookie on B.
        jar = http.cookiejar.CookieJar()
        on_a = Browser(jar)
        status, _, html = on_a.request(a + "/inloggen/")
        status, headers, _ = on_a.request(
            a + "/inloggen/",
            {"csrfmiddlewaretoken": csrf_from(html), "username": USER, "password": PASSWORD},
        )
        check(
            status == 302 and bool(on_a.cookie("sessionid")), "log in on server A (302 and a session cookie)"
        )
        on_b = Browser(jar)  # the same cookies, the other server
        status_a, _, page_a = on_a.request(a + "/coderen/uitwisselen/")
        status_b, _, page_b = on_b.request(b + "/coderen/uitwisselen/")
        check(
            status_a == 200 and status_b == 200 and USER.encode() in page_b,
            f"server B accepts server A's session: /coderen/uitwisselen/ as {USER} on both "
            f"(A {status_a}, B {status_b})",
        )
        session_key = on_a.cookie("sessionid")
        check(
            any(session_key in key.decode(errors="replace") for key in broker.scan_iter(count=1000)),
            "the session is in Redis (cached_db sessions, shared by both servers)",
        )

        # 4. A job started on A while no worker runs stays queued; the worker finishes it; B shows it.
        status, headers, _ = on_a.request(
            a + "/coderen/uitwisselen/project.qdpx",
            {"csrfmiddlewaretoken": csrf_from(page_a), "buurt": KRONENBURG},
        )
        location = headers.get("Location", "")
        found = re.search(r"/taken/(\d+)/", location)
        if not check(
            status == 302 and bool(found), f"start the .qdpx export on server A → {location or status}"
        ):
            return 1
        job = f"/taken/{found.group(1)}/" if found else ""
        time.sleep(5)
        state = psql(server, f"SELECT state FROM jobs_job WHERE id = {found.group(1) if found else 0}", name)
        check(state == "queued", f"without a worker the job stays queued for 5 s (state: {state})")

        began = time.monotonic()
        start("worker", "worker", "--concurrency", "1")
        html = b""
        while time.monotonic() - began < 120:
            status, _, html = on_b.request(b + job)
            if "resultaat" in html.decode(errors="replace"):
                break
            time.sleep(1)
        state = psql(server, f"SELECT state FROM jobs_job WHERE id = {found.group(1) if found else 0}", name)
        check(
            state == "done",
            f"kvs worker finished the job {time.monotonic() - began:.1f} s after it started (state: {state}); "
            f"its page on server B shows the result link",
        )
        status, headers, body = on_b.request(b + job + "resultaat/")
        check(
            status == 200 and body[:2] == b"PK",
            f"the result fetched from server B is the .qdpx file ({len(body):,} bytes, status {status})",
        )
        worker_log = logs["worker"].read_text(errors="replace")
        check("succeeded" in worker_log, "the worker's log records the task as succeeded")
        fallback = [label for label in ("server-a", "server-b") if "running it in the web process" in
                    logs[label].read_text(errors="replace")]  # fmt: skip
        check(not fallback, "no server ran the job itself (no fallback in the servers' logs)")
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        broker.flushdb()
        if args.keep:
            print(f"kept: database {name}, data directory {data_dir}")
        else:
            psql(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            shutil.rmtree(data_dir, ignore_errors=True)
    print("\n" + ("all steps passed" if not failures else f"{len(failures)} step(s) failed"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
