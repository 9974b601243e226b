#!/usr/bin/env bash
# Install the project with its test extras into .venv and run the whole test suite.
# Browser tests need Debian's Chromium (apt-get install chromium chromium-driver); without it they are skipped,
# unless KVS_REQUIRE_BROWSER=1 (as in CI), which makes a missing browser an error.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -e '.[test]'
exec .venv/bin/pytest "$@"
