"""Generate the national benchmark data set (all CBS buurten of 2024, 2023-2025, ~1M fragments).

Run against your OWN PostgreSQL database (never the shared `test` database; the generator refuses it):

    createdb -h 127.0.0.1 -U postgres kvs_national
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kvs_national \\
        .venv/bin/python benchmarks/national_dataset.py --fragments 1000000 --reset --vacuum

The same as `kvs national_dataset ...`: it migrates, loads the codebook and the shipped CBS 2024 files,
generates the data (see `krachtvansamen.demo.national` for what and how), then prints the row count per
table, the time per phase and the database size. Options: --fragments N (exact), --seed S,
--neighbourhoods K (a subset, the demo's 33 first), --reset, --vacuum, --batch-fragments N, --no-migrate.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from krachtvansamen.cli import main

if __name__ == "__main__":
    main(["kvs", "national_dataset", *sys.argv[1:]])
