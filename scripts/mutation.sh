#!/usr/bin/env bash
# Mutation testing of the modules that own the rules (the list is [tool.mutmut] only_mutate in pyproject.toml):
# mutmut changes one small thing at a time in those modules (a < into <=, a True into False, a string, a
# removed call) and runs the tests that reach the changed function. A mutant the tests do not notice
# "survived": a bug of that shape would go unnoticed too. Survivors are either killed by a new test or
# explained, one line each, in docs/mutation-survivors.md.
#
# Slow (about an hour on 2 cores for the first run; later runs only re-test what changed), so it is not part
# of every CI run. Results stay in mutants/ (ignored by git); `.venv/bin/mutmut show NAME` shows one mutant,
# `.venv/bin/mutmut browse` all of them.
#
#   scripts/mutation.sh              run (or continue) and print killed / survived / explained per module
#   scripts/mutation.sh --report     only print the figures of the last run
#   scripts/mutation.sh --list       also list the survivors that are not explained
# The run fails when a module has less than 90 % killed or a survivor is neither killed nor explained.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -e '.[test]'

report_args=()
run=1
for arg in "$@"; do
  case "$arg" in
    --report) run=0 ;;
    --list) report_args+=(--list) ;;
    *) echo "unknown option: $arg" >&2; exit 2 ;;
  esac
done

if [ "$run" = 1 ]; then
  # mutmut never refreshes its copy of files it does not mutate (templates, translations, other modules).
  .venv/bin/python scripts/mutation_sync.py
  # mutmut's own exit code says nothing about the score; the report below decides.
  .venv/bin/mutmut run --max-children "${KVS_MUTATION_CHILDREN:-$(nproc)}" || true
fi
exec .venv/bin/python scripts/mutation_report.py "${report_args[@]}"
