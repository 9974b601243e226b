"""The Buurtbeeld page and PDF cold (the first view after a write) and warm (from reports.report_cache), and
what one write costs the next reader.

Run:  .venv/bin/python benchmarks/report_cache.py [--runs 5] [--data-dir DIR] [--cbs-code BU02021990]

Works on its own database only: `kvs demo --no-serve` into a new temporary KVS_DATA_DIR (SQLite, ~3-4 minutes;
an inherited KVS_DATA_DIR and DATABASE_URL are ignored), removed at the end. ``--data-dir`` reuses a folder an
earlier run of this script made and kept with ``--keep`` (it must hold this script's marker file, so it is never
someone's own data). The cache is the installation's (settings.CACHES: the database table without KVS_REDIS_URL).

Each run, through the views a browser uses (Django's test client, logged in as the demo researcher):
- cold: a new fragment is saved in the neighbourhood (its transaction commits and bumps the data version), then
  the page is requested; warm: the same page again, three times;
- the same for the PDF (cold: after a write; warm: again).
Prints p50 / max per case, and checks that the cold page shows the new fragment.

Then, with ``--clients N`` (default 20; 0 skips it), the page under load as in ``analysis_national.py``:
``kvs serve`` on a free loopback port, N clients logged in as the researcher, each requesting for
``--duration`` seconds (or ``--requests`` in all) the trivial ``/gezond/`` and the warm Buurtbeeld page; and
once all N at the same moment right after a write (a cold page: each computes it, nobody waits on another).
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
MARKER = ".report_cache_benchmark"


def build_demo(data_dir: Path) -> None:
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "KVS_DEMO_PASSWORD", "KVS_REDIS_URL")
    }
    env.update({"KVS_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "krachtvansamen.settings"})
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "krachtvansamen.cli", "demo", "--no-serve"], env=env, check=True,
                   capture_output=True, timeout=1200)  # fmt: skip
    (data_dir / MARKER).write_text("made by benchmarks/report_cache.py\n", encoding="utf-8")
    print(f"demo built in {time.perf_counter() - started:.1f} s ({data_dir})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="writes (cold views) to time")
    parser.add_argument("--cbs-code", default="BU02021990", help="the neighbourhood (default: Kronenburg)")
    parser.add_argument("--data-dir", help="a folder an earlier run made with --keep")
    parser.add_argument("--keep", action="store_true", help="keep the data folder (prints where)")
    parser.add_argument(
        "--clients", type=int, default=20, help="concurrent clients against kvs serve (0: skip)"
    )
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per page under load")
    parser.add_argument("--requests", type=int, default=400, help="at most this many requests per page")
    args = parser.parse_args()
    if args.data_dir:
        data_dir = Path(args.data_dir)
        if not (data_dir / MARKER).exists():
            print(f"{data_dir} was not made by this script (no {MARKER}): refused", file=sys.stderr)
            return 2
    else:
        data_dir = Path(tempfile.mkdtemp(prefix="kvs-report-cache-bench-"))
        build_demo(data_dir)
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("KVS_REDIS_URL", None)
    os.environ["KVS_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "krachtvansamen.settings"
    sys.path.insert(0, str(ROOT / "src"))
    try:
        return run(args)
    finally:
        if args.keep or args.data_dir:
            print(f"data kept in {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


def _line(name: str, seconds: list[float]) -> str:
    return f"  {name:<34} p50 {statistics.median(seconds) * 1000:8.1f} ms   max {max(seconds) * 1000:8.1f} ms   n={len(seconds)}"


def run(args: argparse.Namespace) -> int:
    import django  # noqa: PLC0415  (after KVS_DATA_DIR is set: settings read it on import)

    django.setup()
    from django.contrib.auth import get_user_model  # noqa: PLC0415
    from django.db import transaction  # noqa: PLC0415
    from django.test import Client  # noqa: PLC0415

    from krachtvansamen.analysis.years import data_years  # noqa: PLC0415
    from krachtvansamen.coding.models import Fragment  # noqa: PLC0415
    from krachtvansamen.neighbourhoods.models import DataVersion, Neighbourhood  # noqa: PLC0415

    neighbourhood = Neighbourhood.objects.get(cbs_code=args.cbs_code)
    year = data_years(neighbourhood_ids=[neighbourhood.pk])[-1]
    client = Client()
    client.force_login(get_user_model().objects.get(username="researcher"))
    page, pdf = (
        f"/rapporten/buurtbeeld/{args.cbs_code}/{year}/",
        f"/rapporten/buurtbeeld/{args.cbs_code}/{year}/pdf/",
    )

    def timed(url: str) -> tuple[float, bytes]:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"{url}: {response.status_code}")
        return elapsed, response.content

    def write(number: int) -> None:
        with transaction.atomic():  # committed: the bump runs on commit, as after any form or import
            Fragment.objects.create(neighbourhood=neighbourhood, year=year, instrument="buurtscan",
                                    text=f"Benchmarkverhaal {number}")  # fmt: skip

    timed(page)  # the process's first request loads templates and modules: not part of the figures
    times: dict[str, list[float]] = {"page cold (after a write)": [], "page warm": [], "pdf cold (after a write)": [],
                                     "pdf warm": []}  # fmt: skip
    failures = []
    for run_number in range(args.runs):
        count_before = Fragment.objects.filter(neighbourhood=neighbourhood, year=year).count()
        write(run_number)
        elapsed, _content = timed(page)
        times["page cold (after a write)"].append(elapsed)
        for _ in range(3):
            times["page warm"].append(timed(page)[0])
        from krachtvansamen.reports.report_cache import buurtbeeld_cached  # noqa: PLC0415

        shown = next(f.num.value for f in buurtbeeld_cached(neighbourhood=neighbourhood, year=year).figures
                     if "fragment" in str(f.label))  # fmt: skip
        if shown != count_before + 1:
            failures.append(
                f"run {run_number}: the page shows {shown} fragments, expected {count_before + 1}"
            )
        if run_number < 2:  # a PDF takes seconds: two writes are enough
            write(1000 + run_number)
            times["pdf cold (after a write)"].append(timed(pdf)[0])
            times["pdf warm"].append(timed(pdf)[0])
    version = (
        DataVersion.objects.filter(key=f"n:{neighbourhood.pk}").values_list("version", flat=True).first()
    )
    print(f"Buurtbeeld {neighbourhood.name} {year}, {args.runs} writes (data version now {version}):")
    for name, seconds in times.items():
        if seconds:
            print(_line(name, seconds))
    cold, warm = statistics.median(times["page cold (after a write)"]), statistics.median(times["page warm"])
    print(f"  page: warm is {cold / warm:.0f}x faster than cold")
    if args.clients:
        failures += under_load(args, page, lambda: write(2000))
    for failure in failures:
        print("FAIL", failure)
    return 1 if failures else 0


def under_load(args: argparse.Namespace, page: str, write: Callable[[], None]) -> list[str]:
    """The trivial page and the warm Buurtbeeld under ``args.clients`` clients, then all of them at once on the
    cold page right after a write. The server is ``kvs serve`` on this data folder, on loopback only."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from analysis_national import PASSWORD, USER, Client, PageResult, _measure_page  # noqa: PLC0415

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k != "KVS_DEBUG"}
    env["PYTHONPATH"] = str(ROOT / "src")
    log = tempfile.TemporaryFile()  # noqa: SIM115 (closed below; a pipe nobody reads would block waitress)
    server = subprocess.Popen([sys.executable, "-m", "krachtvansamen.cli", "serve", "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=log)  # fmt: skip
    failures: list[str] = []
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if Client("127.0.0.1", port).request("GET", "/gezond/")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                log.seek(0)
                return ["kvs serve did not come up: " + log.read().decode(errors="replace")[-500:]]
            time.sleep(0.3)
        clients = [Client("127.0.0.1", port) for _ in range(args.clients)]
        for client in clients:
            client.login(USER, PASSWORD)
        print(f"Under load: kvs serve, {args.clients} concurrent clients:")
        for result in (
            PageResult("/gezond/ (trivial)", "/gezond/"),
            PageResult("buurtbeeld page, warm", page),
        ):
            _measure_page(result, clients, args.duration, args.requests)
            print(f"  {result.label:<34} p50 {result.percentile(0.5) * 1000:8.1f} ms   p95 "
                  f"{result.percentile(0.95) * 1000:8.1f} ms   max {max(result.latencies) * 1000:8.1f} ms   "
                  f"n={len(result.latencies)}   {result.rate:.0f}/s   errors={result.errors}")  # fmt: skip
            if result.errors:
                failures.append(f"{result.path}: {result.errors}")
        write()
        latencies: list[float] = []
        barrier = threading.Barrier(len(clients))

        def once(client: Any) -> None:
            barrier.wait()
            started = time.perf_counter()
            status = client.request("GET", page)[0]
            latencies.append(time.perf_counter() - started)
            if status != 200:
                failures.append(f"{page} after a write: {status}")

        threads = [threading.Thread(target=once, args=(client,)) for client in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        print(_line(f"cold, all {args.clients} at once", latencies))
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    return failures


if __name__ == "__main__":
    sys.exit(main())
