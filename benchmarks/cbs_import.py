"""How long `kvs import-cbs` takes on the national 2024 file, next to pandas merely reading it.

Run:  .venv/bin/python benchmarks/cbs_import.py [--runs 5] [--changed-every 10]
      DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/cbs_import.py

It only ever touches a database it created itself in this run: it always makes its own temporary
KVS_DATA_DIR (an inherited KVS_DATA_DIR is ignored, so a user's data is never emptied) and uses SQLite there.
With DATABASE_URL set to a PostgreSQL server, it creates a new database `kvs_cbs_bench_<pid>_<random>` on that
server (the database named in the URL is not opened) and drops it at the end; any other DATABASE_URL is
refused.

Prints the median of several runs for: pandas.read_csv, our import into an empty table, the same file again
(the identical-file shortcut: the file's hash matches the last import, nothing is compared or written), a
CHANGED file (the same file with the population of every Nth data row raised by one, written to a temporary
file: the real re-import path, which compares every row and rewrites the changed ones; before each timed run
the original file is imported again, untimed, so every run has the same changes to make), and the whole
`kvs import-cbs` command as a user runs it. After the changed import it checks that every changed figure is
in the database and exits with status 1 if one is not.
"""

from __future__ import annotations

import argparse
import gzip
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CBS = ROOT / "src/krachtvansamen/neighbourhoods/data/cbs/nl_kwb2024_85984NED_bevolking_leeftijd.csv.gz"
CODE_COLUMN = "Regioaanduiding/Codering (code)"
POPULATION_COLUMN = "Bevolking/Aantal inwoners (aantal)"


def median_seconds(action, runs: int, before=None) -> float:
    times = []
    for _ in range(runs):
        if before:
            before()
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _own_postgres(url: str) -> tuple[str, str, str]:
    """A new database on the server of ``url``: (its URL, its name, admin URL). Refuses anything else."""
    import psycopg

    parsed = urllib.parse.urlparse(url)
    if parsed.scheme not in ("postgres", "postgresql", "pgsql"):
        raise SystemExit(
            f"refusing DATABASE_URL with scheme {parsed.scheme!r}: this benchmark uses its own temporary SQLite "
            "database, or creates its own database on a PostgreSQL server; unset DATABASE_URL or give a "
            "postgres:// server"
        )
    name = f"kvs_cbs_bench_{os.getpid()}_{secrets.token_hex(4)}"
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        # Fails if the name exists: then it is not ours, and we stop instead of using it.
        connection.execute(f'CREATE DATABASE "{name}"')
    return parsed._replace(path=f"/{name}").geturl(), name, admin


def _drop_postgres(admin: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _write_changed(original: Path, changed: Path, every: int) -> dict[str, int]:
    """The same CSV with the population of every ``every``-th data row (with a number) raised by one.

    Edited field by field (no field of the CBS export contains a ';'), so quoting, padding and line ends stay
    exactly as CBS wrote them and only those figures differ. Written under the same file name in another
    directory: the importer reads table and year from the name. Returns region code → the new population, to
    check in the database afterwards."""
    lines = original.read_bytes().decode("utf-8-sig").splitlines(keepends=True)  # CRLF kept as it is
    header = [name.strip('"') for name in lines[0].rstrip("\r\n").split(";")]
    code_at, population_at = header.index(CODE_COLUMN), header.index(POPULATION_COLUMN)
    expected: dict[str, int] = {}
    for number in range(1, len(lines)):
        body, end = lines[number].rstrip("\r\n"), lines[number][len(lines[number].rstrip("\r\n")) :]
        fields = body.split(";")
        if (number - 1) % every == 0 and fields[population_at].isdigit():
            fields[population_at] = str(int(fields[population_at]) + 1)
            expected[fields[code_at].strip('"').strip()] = int(fields[population_at])
            lines[number] = ";".join(fields) + end
    changed.write_text("\ufeff" + "".join(lines), encoding="utf-8", newline="")
    return expected


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--changed-every", type=int, default=10, help="change every Nth row in the changed file"
    )
    args = parser.parse_args()
    runs = args.runs

    created: tuple[str, str] | None = None
    if os.environ.get("DATABASE_URL"):  # refused (or created) before anything else is made
        url, name, admin = _own_postgres(os.environ["DATABASE_URL"])
        created = (admin, name)
        os.environ["DATABASE_URL"] = url  # the subprocess (`kvs import-cbs`) inherits our own database too
    # Our own data directory always: an inherited KVS_DATA_DIR is someone's data, and we delete CBS records.
    data_dir = tempfile.mkdtemp(prefix="kvs-bench-")
    os.environ["KVS_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "krachtvansamen.settings"
    try:
        ok = measure(data_dir, runs, args.changed_every, created[1] if created else "")
    finally:
        if created:
            from django.db import connections

            connections.close_all()
            _drop_postgres(*created)
            print(f"dropped the database {created[1]} this run created")
        shutil.rmtree(data_dir, ignore_errors=True)
    raise SystemExit(0 if ok else 1)


def measure(data_dir: str, runs: int, every: int, database: str) -> bool:
    import django

    django.setup()
    import pandas as pd
    from django.core.management import call_command

    from krachtvansamen.neighbourhoods.cbs_import import cbs_import_file
    from krachtvansamen.neighbourhoods.models import CbsImport, CbsRecord

    call_command("migrate", verbosity=0)
    plain_csv = Path(data_dir) / CBS.name.removesuffix(".gz")
    plain_csv.write_bytes(gzip.decompress(CBS.read_bytes()))
    changed_dir = Path(data_dir) / "changed"
    changed_dir.mkdir()
    changed_csv = changed_dir / plain_csv.name
    expected = _write_changed(plain_csv, changed_csv, every)

    def empty() -> None:  # only ever our own database (see main)
        CbsRecord.objects.all().delete()
        CbsImport.objects.all().delete()

    pandas_read = median_seconds(lambda: pd.read_csv(plain_csv, sep=";", encoding="utf-8-sig"), runs)
    first = median_seconds(lambda: cbs_import_file(path=plain_csv), runs, before=empty)
    again = median_seconds(lambda: cbs_import_file(path=plain_csv), runs)
    results = []

    def import_changed() -> None:
        results.append(cbs_import_file(path=changed_csv))

    # Before each timed run the original is imported again (untimed): every run has the same changes to make.
    changed = median_seconds(import_changed, runs, before=lambda: cbs_import_file(path=plain_csv))
    stored = dict(
        CbsRecord.objects.filter(year=2024, region_code__in=list(expected)).values_list(
            "region_code", "population"
        )
    )
    wrong = {
        code: (stored.get(code), population)
        for code, population in expected.items()
        if stored.get(code) != population
    }
    updated = sorted({result.updated for result in results})
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
    engine = django.db.connection.vendor + (
        f" (own new database {database})" if database else " (own temporary file)"
    )
    print(f"national file: {plain_csv.name}, {rows} rows, database: {engine}, median of {runs} runs")
    print(f"pandas.read_csv (read only)          {pandas_read * 1000:8.0f} ms")
    print(f"import into empty table             {first * 1000:8.0f} ms   {first / pandas_read:5.1f} x pandas")
    print(
        f"import again, identical file        {again * 1000:8.0f} ms   {again / pandas_read:5.1f} x pandas   "
        f"(shortcut: same hash as the last import, nothing compared)"
    )
    print(
        f"import again, changed file          {changed * 1000:8.0f} ms   {changed / pandas_read:5.1f} x pandas   "
        f"({len(expected)} populations changed, every {every}th row; updated per run: {updated})"
    )
    print(
        f"`kvs import-cbs` command, end to end {command * 1000:8.0f} ms   (includes Python and Django start-up)"
    )
    if wrong or updated != [len(expected)]:
        example = next(iter(wrong.items()), None)
        print(
            f"FAILED: {len(wrong)} of {len(expected)} changed figures are not in the database "
            f"(e.g. {example}: stored, expected); updated rows per run {updated}, expected {len(expected)}"
        )
        return False
    print(f"OK: all {len(expected)} changed figures are in the database after the changed import")
    return True


if __name__ == "__main__":
    main()
