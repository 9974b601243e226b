#!/usr/bin/env bash
# The code habits CI holds us to: ruff (rules in pyproject.toml), ruff format, import-linter (the layers of
# docs/architecture.md) and mypy with django-stubs against a recorded baseline that may only shrink.
# Installs the test extras into .venv first, like scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -e '.[test]'

echo "== ruff check"
.venv/bin/ruff check src tests benchmarks scripts
echo "== ruff format --check"
.venv/bin/ruff format --check src tests benchmarks scripts
echo "== import-linter"
.venv/bin/lint-imports
echo "== mypy (baseline in scripts/mypy-baseline.txt)"
baseline=$(cat scripts/mypy-baseline.txt)
mkdir -p var
set +e
.venv/bin/mypy src/krachtvansamen > var/mypy.txt 2>&1
set -e
found=$(grep -cE '^[^:]+:[0-9]+: error:' var/mypy.txt || true)
echo "mypy errors: $found (baseline $baseline)"
if [ "$found" -gt "$baseline" ]; then
  echo "mypy found more errors than the baseline: new code must be typed. The errors:" >&2
  grep -E ': error:' var/mypy.txt >&2
  exit 1
fi
if [ "$found" -lt "$baseline" ]; then
  echo "Fewer mypy errors than the baseline: lower scripts/mypy-baseline.txt to $found."
fi
