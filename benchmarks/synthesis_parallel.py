"""Wall time of the national programme synthesis (``analyse_neighbourhoods`` over every neighbourhood) in one
process against the map-reduce over worker processes (``analysis.parallel``). Target: 2 workers ≤ 0.6× one.

    .venv/bin/python benchmarks/synthesis_parallel.py [--neighbourhoods 2000] [--fragments 150000]
        [--workers 2] [--runs 3] [--keep]

It creates its OWN PostgreSQL database (``kvs_synthesis_parallel_<pid>`` on 127.0.0.1, user postgres),
fills it with the national-dataset generator at a smaller size (``kvs national_dataset --neighbourhoods K
--fragments N``; the national set itself is not on this machine), measures in a separate process, and drops
the database afterwards (``--keep`` leaves it). It never touches any other database.

The measurement runs one process and N workers interleaved, ``--runs`` times each (after one unmeasured
warm-up of each), prints the medians, the ratio and PASS/FAIL against 0.6, checks that both give the same
summaries and aggregate, and prints the number of cores and the load average: on a machine busy with other
work the worker processes compete for the same cores, so read the ratio together with the load.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

SERVER = "postgres://postgres@127.0.0.1:5432"
TARGET = 0.6


def measure(*, workers: int, runs: int) -> None:
    """In the child process, on the benchmark database (DATABASE_URL)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "krachtvansamen.settings")
    django.setup()
    from krachtvansamen.analysis.services import analyse_neighbourhoods
    from krachtvansamen.neighbourhoods.models import Neighbourhood
    from krachtvansamen.neighbourhoods.years import years_up_to

    ids = list(Neighbourhood.objects.order_by("pk").values_list("pk", flat=True))
    years = years_up_to(up_to=2025)
    print(f"{len(ids)} neighbourhoods, years {min(years)}-{max(years)}", flush=True)

    def run(n: int) -> tuple[float, object]:
        start = time.perf_counter()
        result = analyse_neighbourhoods(neighbourhood_ids=ids, years=years, workers=n)
        return time.perf_counter() - start, result

    _t, one = run(1)
    _t, many = run(workers)
    same = one.summaries == many.summaries and one.aggregate == many.aggregate  # type: ignore[attr-defined]
    del one, many
    times: dict[int, list[float]] = {1: [], workers: []}
    for index in range(runs):
        for n in (1, workers):
            seconds, _result = run(n)
            times[n].append(seconds)
            print(f"  run {index + 1}: {n} worker(s) {seconds:6.2f} s", flush=True)
    single, parallel = statistics.median(times[1]), statistics.median(times[workers])
    ratio = parallel / single
    load = " ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"cores: {os.cpu_count()}, load average (1/5/15 min): {load}")
    print(f"one process: {single:.2f} s (median of {runs}); {workers} workers: {parallel:.2f} s")
    print(f"same summaries and aggregate: {'yes' if same else 'NO'}")
    print(
        f"ratio {workers} workers / one process: {ratio:.2f} → {'PASS' if ratio <= TARGET else 'FAIL'} (≤ {TARGET})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--neighbourhoods", type=int, default=2000)
    parser.add_argument("--fragments", type=int, default=150_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="do not drop the benchmark database afterwards")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args()
    if args.measure:
        measure(workers=args.workers, runs=args.runs)
        return

    name = f"kvs_synthesis_parallel_{os.getpid()}"
    env = {**os.environ, "DATABASE_URL": f"{SERVER}/{name}"}
    python = sys.executable
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    try:
        start = time.perf_counter()
        subprocess.run(
            [python, str(ROOT / "benchmarks" / "national_dataset.py"), "--neighbourhoods", str(args.neighbourhoods),
             "--fragments", str(args.fragments)],
            check=True, env=env, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        print(f"data set: {args.neighbourhoods} neighbourhoods, {args.fragments} fragments, "
              f"built in {time.perf_counter() - start:.0f} s (database {name})", flush=True)  # fmt: skip
        subprocess.run(
            [python, __file__, "--measure", "--workers", str(args.workers), "--runs", str(args.runs)],
            check=True, env=env,
        )  # fmt: skip
    finally:
        if not args.keep:
            subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", name], check=False)


if __name__ == "__main__":
    main()
