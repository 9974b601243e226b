"""How long `kvs import-cbs` takes on the national 2024 file, next to pandas merely reading it.

Run:  .venv/bin/python benchmarks/cbs_import.py [--runs 5]
Uses a throw-away SQLite database (or DATABASE_URL if set: that database is emptied of CBS records).
Prints the median of several runs for: pandas.read_csv, our import into an empty table, the same
import again (nothing changes), and the whole `kvs import-cbs` command as a user runs it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CBS = ROOT / "src/krachtvansamen/neighbourhoods/data/cbs/nl_kwb2024_85984NED_bevolking_leeftijd.csv.gz"


def median_seconds(action, runs: int, before=None) -> float:
    times = []
    for _ in range(runs):
        if before:
            before()
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs

    data_dir = tempfile.mkdtemp(prefix="kvs-bench-")
    os.environ.setdefault("KVS_DATA_DIR", data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "krachtvansamen.settings")
    import django

    django.setup()
    import pandas as pd
    from django.core.management import call_command

    from krachtvansamen.neighbourhoods.cbs_import import cbs_import_file
    from krachtvansamen.neighbourhoods.models import CbsImport, CbsRecord

    call_command("migrate", verbosity=0)
    plain_csv = Path(data_dir) / CBS.name.removesuffix(".gz")
    import gzip

    plain_csv.write_bytes(gzip.decompress(CBS.read_bytes()))

    def empty() -> None:
        CbsRecord.objects.all().delete()
        CbsImport.objects.all().delete()

    pandas_read = median_seconds(lambda: pd.read_csv(plain_csv, sep=";", encoding="utf-8-sig"), runs)
    first = median_seconds(lambda: cbs_import_file(path=plain_csv), runs, before=empty)
    again = median_seconds(lambda: cbs_import_file(path=plain_csv), runs)
    env = {**os.environ}
    command = median_seconds(
        lambda: subprocess.run(
            [sys.executable, "-m", "krachtvansamen.cli", "import-cbs", str(plain_csv)],
            env=env,
            check=True,
            capture_output=True,
        ),
        max(1, runs // 2),
        before=empty,
    )
    rows = CbsRecord.objects.count()
    engine = django.db.connection.vendor
    print(f"national file: {plain_csv.name}, {rows} rows, database: {engine}, median of {runs} runs")
    print(f"pandas.read_csv (read only)          {pandas_read * 1000:8.0f} ms")
    print(f"import into empty table             {first * 1000:8.0f} ms   {first / pandas_read:5.1f} x pandas")
    print(f"import again (nothing changes)      {again * 1000:8.0f} ms   {again / pandas_read:5.1f} x pandas")
    print(
        f"`kvs import-cbs` command, end to end {command * 1000:8.0f} ms   (includes Python and Django start-up)"
    )


if __name__ == "__main__":
    main()
