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
#   scripts/mutation.sh --report     only print the figures of the last run (mutants/, else scripts/mutation-state/)
#   scripts/mutation.sh --list       also list the survivors that are not explained
#   scripts/mutation.sh --only src/krachtvansamen/analysis/aanpak.py,src/… --tests tests/analysis
#                                    only those modules (comma-separated paths or globs; --tests likewise), each mutant against only those tests, in a copy of the
#                                    project under /tmp; the verdicts come back into scripts/mutation-state/.
#                                    For modules that every report and page reaches (the analyses): against all
#                                    tests one mutant takes ~20 s on 2 cores, against their own tests ~2 s. A
#                                    mutant only those tests miss counts as survived (a stricter count).
# The run fails when a module has less than 90 % killed or a survivor is neither killed nor explained.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -e '.[test]'

report_args=()
run=1
only=""
tests=""
while [ $# -gt 0 ]; do
  case "$1" in
    --report) run=0 ;;
    --list) report_args+=(--list) ;;
    --only) only="$2"; shift ;;
    --tests) tests="$2"; shift ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
  shift
done
if [ -n "$only" ] || [ -n "$tests" ]; then
  [ -n "$only" ] && [ -n "$tests" ] || { echo "--only and --tests go together" >&2; exit 2; }
  # A copy whose [tool.mutmut] mutates only these modules against only these tests: mutmut keys its verdicts
  # to its test selection, so the selection must not change in this checkout (every verdict would reset).
  copy="$(mktemp -d /tmp/kvs-mutation.XXXXXX)"
  tar --exclude=./.venv --exclude=./mutants --exclude=./var --exclude=./.git -cf - . | tar -xf - -C "$copy"
  # The recheck list: the copy takes the names of its own modules (krachtvansamen.analysis.aanpak.x_…); the rest
  # stay for the full run in this checkout.
  prefixes="$(echo "$only" | tr ',' '\n' | sed -e 's#^src/##' -e 's#\.py$##' -e 's#/#.#g')"
  ours() { grep -v '^\s*\(#\|$\)' scripts/mutation-recheck.txt | grep -F -f <(echo "$prefixes" | sed 's/$/./') || true; }
  { grep '^\s*#' scripts/mutation-recheck.txt || true; ours; } > "$copy/scripts/mutation-recheck.txt"
  handed_over="$(ours)"
  .venv/bin/python - "$copy/pyproject.toml" "$only" "$tests" <<'PY'
import re, sys
path, only, tests = sys.argv[1:]
text = open(path, encoding="utf-8").read()
def toml_list(values: str) -> str:
    return "[" + ", ".join(f'"{v}"' for v in values.split(",")) + "]"


text = re.sub(r"only_mutate = \[.*?\]", lambda _m: f"only_mutate = {toml_list(only)}", text, count=1, flags=re.S)
text = re.sub(r"pytest_add_cli_args_test_selection = \[.*?\]",
              lambda _m: f"pytest_add_cli_args_test_selection = {toml_list(tests)}", text, count=1, flags=re.S)
open(path, "w", encoding="utf-8").write(text)
PY
  echo "mutating $only against $tests in $copy"
  # The copy's own report fails while survivors are unexplained; the verdicts come back all the same.
  (cd "$copy" && bash scripts/mutation.sh) || true
  # Only the verdicts of the chosen modules come back.
  (cd "$copy/scripts/mutation-state" && find . -name '*.py.meta') | while read -r meta; do
    module="src/${meta#./}"
    module="${module%.meta}"
    IFS=, read -ra patterns <<< "$only"
    for pattern in "${patterns[@]}"; do
      # shellcheck disable=SC2254 # the pattern is a glob on purpose
      case "$module" in $pattern)
        mkdir -p "scripts/mutation-state/$(dirname "${meta#./}")"
        cp "$copy/scripts/mutation-state/${meta#./}" "scripts/mutation-state/${meta#./}" ;;
      esac
    done
  done
  # Names the copy re-tested (its list is emptied once mutmut has its verdict) leave this checkout's list.
  if [ -n "$handed_over" ] && ! grep -qv '^\s*\(#\|$\)' "$copy/scripts/mutation-recheck.txt"; then
    grep -v -x -F -f <(echo "$handed_over") scripts/mutation-recheck.txt > "$copy/recheck.left" || true
    cp "$copy/recheck.left" scripts/mutation-recheck.txt
  fi
  echo "verdicts copied back; the copy stays in $copy (mutants/ there: mutmut show NAME)"
  exec .venv/bin/python scripts/mutation_report.py "${report_args[@]}"
fi

# mutmut keeps its results in mutants/, which git ignores: a fresh checkout would start the hour-long run from
# zero. scripts/mutation-state/ keeps the results (one *.meta per mutated module: each mutant's verdict and the
# hash of its function) in the repository. They are put back before a run; mutmut then re-tests only the
# mutants whose function changed since, and the ones still open.
state=scripts/mutation-state
restore_state() {
  [ -d "$state" ] || return 0
  (cd "$state" && find . -name '*.py.meta') | while read -r meta; do
    target="mutants/src/${meta#./}"
    if [ ! -e "$target" ]; then
      mkdir -p "$(dirname "$target")"
      cp "$state/$meta" "$target"
    fi
  done
}
save_state() {
  [ -d mutants/src ] || return 0
  (cd mutants/src && find . -name '*.py.meta') | while read -r meta; do
    mkdir -p "$state/$(dirname "${meta#./}")"
    cp "mutants/src/${meta#./}" "$state/${meta#./}"
  done
}

if [ "$run" = 1 ]; then
  restore_state
  trap save_state EXIT  # also when the run is stopped halfway (Ctrl+C): what is done is kept
  # mutmut never refreshes its copy of files it does not mutate (templates, translations, other modules).
  .venv/bin/python scripts/mutation_sync.py
  children="${KVS_MUTATION_CHILDREN:-$(nproc)}"
  # A verdict, once reached, is kept until the mutant's function changes: a survivor that a new test kills stays
  # "survived". scripts/mutation-recheck.txt lists such mutants (one name per line, # for comments); they are
  # tested again first, and the list is emptied once mutmut has its verdict on them.
  recheck=scripts/mutation-recheck.txt
  if grep -qv '^\s*\(#\|$\)' "$recheck" 2>/dev/null; then
    grep -v '^\s*\(#\|$\)' "$recheck" | xargs .venv/bin/mutmut run --max-children "$children" \
      && sed -i '/^\s*#/!d' "$recheck"
  fi
  # mutmut's own exit code says nothing about the score; the report below decides. Ctrl+C keeps what is done.
  .venv/bin/mutmut run --max-children "$children" || true
  save_state
  trap - EXIT
fi
exec .venv/bin/python scripts/mutation_report.py "${report_args[@]}"
