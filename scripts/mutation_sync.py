"""Bring mutmut's copy of the project (``mutants/``) up to date before a run.

mutmut copies ``src/`` into ``mutants/src/`` once and afterwards only refreshes the modules it mutates: a
template, a translation or another module changed since the first run would stay old in the copy, and the
tests would run against a mix of today's and last week's code (seen here: a new Dutch text missing from the
stale compiled catalogue failed the run). This copies every changed file that mutmut does not mutate, and
removes copies of files that no longer exist. The mutated modules and mutmut's results (``*.meta``) are left
to mutmut.
"""

from __future__ import annotations

import filecmp
import shutil
import tomllib
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mutmut"]
    mutated = config["only_mutate"]
    copy = ROOT / "mutants"
    if not copy.exists():
        return  # the first run makes the copy itself
    changed = removed = 0
    for top in ("src", "tests", *config.get("also_copy", [])):
        source_top = ROOT / top
        for source in source_top.rglob("*") if source_top.is_dir() else [source_top]:
            relative = source.relative_to(ROOT)
            if not source.is_file() or "__pycache__" in relative.parts:
                continue
            if any(fnmatch(str(relative), pattern) for pattern in mutated):
                continue
            target = copy / relative
            if not target.exists() or not filecmp.cmp(source, target, shallow=False):
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)
                changed += 1
        target_top = copy / top
        for target in target_top.rglob("*") if target_top.is_dir() else []:
            relative = target.relative_to(copy)
            if not target.is_file() or "__pycache__" in relative.parts or target.suffix == ".meta":
                continue
            if any(fnmatch(str(relative), pattern) for pattern in mutated):
                continue
            if not (ROOT / relative).exists():
                target.unlink()
                removed += 1
    print(f"mutants/: {changed} files brought up to date, {removed} removed")


if __name__ == "__main__":
    main()
