"""How long pseudonymising Dutch text takes (quote review proposals, the pseudonymised export), and what it
replaces, on real-world-like Dutch: the 1,498 paraphrased public fragments the suggestion engine ships.

    .venv/bin/python benchmarks/pseudonymise_speed.py [--repeat 1]

Prints deduce's load time in this process (the first load after installing builds its lists: ~1 minute,
reported as such), the time per text (p50, p95, max), texts per second, and how many texts had something
replaced, per kind. Needs no database.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KNOWLEDGE = ROOT / "src" / "krachtvansamen" / "coding" / "suggest" / "knowledge"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=1, help="run over the texts this many times")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "krachtvansamen.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from krachtvansamen.privacy import pseudonymise as module

    texts = [json.loads(line)["text"] for path in sorted(KNOWLEDGE.glob("public_nl_*.jsonl"))
             for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]  # fmt: skip
    started = time.perf_counter()
    module.warm_up()
    load = time.perf_counter() - started
    timings: list[float] = []
    kinds: Counter[str] = Counter()
    changed = 0
    for _round in range(args.repeat):
        for text in texts:
            began = time.perf_counter()
            result = module.pseudonymise(text)
            timings.append(time.perf_counter() - began)
            if _round == 0:
                changed += result.changed
                kinds.update({r.kind for r in result.replacements})
    timings.sort()
    total = sum(timings)
    print(
        f"texts: {len(texts)} (x{args.repeat}), mean length {statistics.mean(len(t) for t in texts):.0f} characters"
    )
    print(f"deduce load in this process: {load:.1f} s")
    print(f"per text: p50 {timings[len(timings) // 2] * 1000:.1f} ms, p95 {timings[int(len(timings) * 0.95)] * 1000:.1f} ms,"
          f" max {timings[-1] * 1000:.1f} ms; {len(timings) / total:.0f} texts/s")  # fmt: skip
    print(f"texts with something replaced: {changed} of {len(texts)}")
    for kind, number in kinds.most_common():
        print(f"  {kind}: {number} texts")


if __name__ == "__main__":
    main()
