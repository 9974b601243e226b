"""Figures of the last mutation run (scripts/mutation.sh): killed / survived / explained per module.

Reads mutmut's results (``mutants/**/*.py.meta``) for the modules in ``[tool.mutmut] only_mutate`` and the
explained survivors in ``docs/mutation-survivors.md`` (lines ``- `mutant name`: why it cannot or need not be
killed``). A timeout counts as detected: the tests did notice, by hanging. "No tests" counts as survived: no
test reaches that function at all.

Exit 1 when a module has less than 90 % of its mutants detected, when a survivor is not explained, or when an
explained mutant no longer exists or is now killed (the list must not go stale).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tomllib
from collections import Counter
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXPLAINED_FILE = ROOT / "docs" / "mutation-survivors.md"
TARGET = 0.90

# mutmut's exit codes (mutmut/stats.py): 1 and 3 mean a test failed; 0 means every test passed.
DETECTED = {
    1: "killed",
    3: "killed",
    36: "timeout",
    24: "timeout",
    -24: "timeout",
    152: "timeout",
    255: "timeout",
}
SURVIVED = {0: "survived", 5: "no tests", 33: "no tests"}


def explained_mutants() -> dict[str, str]:
    if not EXPLAINED_FILE.exists():
        return {}
    found = {}
    for line in EXPLAINED_FILE.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\s*[-*]\s+`([^`]+)`\s*:?\s*(.*)", line)
        if match:
            found[match.group(1)] = match.group(2).strip()
    return found


def module_results() -> dict[str, dict[str, int | None]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mutmut"]
    results = {}
    # The last run's own results; on a fresh checkout, the ones kept in the repository (see mutation.sh).
    base, prefix = ROOT / "mutants", ""
    if not any(base.rglob("*.py.meta")):
        base, prefix = ROOT / "scripts" / "mutation-state", "src/"
    for meta in sorted(base.rglob("*.py.meta")):
        source = prefix + str(meta.relative_to(base))[: -len(".meta")]
        if not any(fnmatch(source, pattern) for pattern in config["only_mutate"]):
            continue
        results[source] = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", action="store_true", help="list the survivors that are not explained")
    args = parser.parse_args()

    results = module_results()
    if not results:
        print("No mutation results: run scripts/mutation.sh first.")
        return 1
    explained = explained_mutants()
    unexplained: list[str] = []
    stale = [name for name in explained if not any(name in codes for codes in results.values())]
    failed = False

    header = f"{'module':<48} {'mutants':>7} {'killed':>7} {'timeout':>7} {'survived':>8} {'explained':>9} {'not run':>7} {'detected':>8}"
    print(header)
    print("-" * len(header))
    totals: Counter[str] = Counter()
    for source, codes in results.items():
        counts: Counter[str] = Counter()
        for name, code in codes.items():
            if code is None:
                counts["not run"] += 1
            elif code in DETECTED:
                counts[DETECTED[code]] += 1
                if name in explained:
                    stale.append(name)
            elif name in explained:
                counts["explained"] += 1
            else:
                counts["survived"] += 1
                unexplained.append(name)
        total = len(codes)
        detected = (counts["killed"] + counts["timeout"]) / total if total else 1.0
        module = source.removeprefix("src/krachtvansamen/")
        print(
            f"{module:<48} {total:>7} {counts['killed']:>7} {counts['timeout']:>7} {counts['survived']:>8} "
            f"{counts['explained']:>9} {counts['not run']:>7} {detected:>7.1%}"
        )
        totals.update(counts)
        totals["mutants"] += total
        if detected < TARGET or counts["not run"]:
            failed = True
    detected = (totals["killed"] + totals["timeout"]) / totals["mutants"]
    print("-" * len(header))
    print(
        f"{'all':<48} {totals['mutants']:>7} {totals['killed']:>7} {totals['timeout']:>7} {totals['survived']:>8} "
        f"{totals['explained']:>9} {totals['not run']:>7} {detected:>7.1%}"
    )
    print(
        f"\ntarget: at least {TARGET:.0%} detected per module, every survivor killed or explained in {EXPLAINED_FILE.relative_to(ROOT)}"
    )
    if unexplained:
        failed = True
        print(f"{len(unexplained)} survivors are not explained (see them with: .venv/bin/mutmut show NAME)")
        if args.list:
            for name in unexplained:
                print(f"  {name}")
    if stale:
        failed = True
        print(f"{len(stale)} explained mutants are killed now or no longer exist; remove them from the list:")
        for name in stale:
            print(f"  {name}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
