#!/usr/bin/env bash
# Install the project into .venv, set up the demo on SQLite and serve it on http://127.0.0.1:8000.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -e .
exec .venv/bin/kvs demo "$@"
