"""How long `kvs suggest` takes for 1,000 fragments on this machine, start-up and training included.

    .venv/bin/python benchmarks/suggest_speed.py [--fragments 1000] [--demo]

A fresh installation in a temporary KVS_DATA_DIR (SQLite): only the codebook loaded, or with --demo the whole
demo (its 280 coded texts are learnt too). The input texts are the evaluation fragments of
benchmarks/suggest_data/ made distinct with a number, so none of them is in the shipped embedding cache: every
one is embedded, as a user's own texts would be. Prints the wall-clock time of the whole command (Python start,
Django, training, embedding, writing) and fragments per second.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "suggest_data"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fragments", type=int, default=1000)
    parser.add_argument("--demo", action="store_true", help="load the whole demo first (not timed)")
    args = parser.parse_args()
    texts = [
        json.loads(line)["text"] for name in ("dev.jsonl", "heldout.jsonl") for line in (DATA / name).open()
    ]
    kvs = [sys.executable, "-m", "krachtvansamen.cli"]
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env.update(KVS_DATA_DIR=tmp, DJANGO_SETTINGS_MODULE="krachtvansamen.settings")
        setup = ["demo", "--no-serve"] if args.demo else ["migrate"]
        subprocess.run([*kvs, *setup], env=env, check=True, capture_output=True)
        if not args.demo:
            subprocess.run([*kvs, "codebook", "load"], env=env, check=True, capture_output=True)
        infile, outfile = Path(tmp) / "in.jsonl", Path(tmp) / "out.jsonl"
        with infile.open("w", encoding="utf-8") as handle:
            for i in range(args.fragments):
                text = f"{texts[i % len(texts)]} (fragment {i})"
                handle.write(json.dumps({"id": i, "text": text}, ensure_ascii=False) + "\n")
        started = time.perf_counter()
        run = subprocess.run(
            [*kvs, "suggest", "--in", str(infile), "--out", str(outfile)],
            env=env,
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - started
        if run.returncode:
            sys.exit(run.stderr)
        lines = outfile.read_text(encoding="utf-8").count("\n")
        print(f"database: {'demo' if args.demo else 'codebook only'}; cores: {os.cpu_count()}")
        print(
            f"kvs suggest: {lines} fragments in {seconds:.1f} s wall clock, start-up included "
            f"({lines / seconds:.0f} fragments/s)"
        )
        print(f"the command's own account: {run.stderr.strip()}")


if __name__ == "__main__":
    main()
