#!/usr/bin/env bash
# Runs every test suite against the ASan/UBSan build and ends with one line:
#   N passed, N failed
# Suites: unit (cmocka), API on SQLite, API on PostgreSQL (throwaway cluster), browser (e2e).
# Each suite's own output is kept in build/test-logs/ and its summary shown here.
set -uo pipefail
cd "$(dirname "$0")/.."
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
logs=build/test-logs
rm -rf "$logs"
mkdir -p "$logs"
passed=0
failed=0

count() { # suite passed failed
  printf '  %-18s %4d passed, %d failed\n' "$1" "$2" "$3"
  passed=$((passed + $2))
  failed=$((failed + $3))
}

# House style: the formatter (clang-format, .clang-format) and the linter (cppcheck), one test each.
for style in format-check lint; do
  if make -s "$style" >"$logs/$style.log" 2>&1; then
    count "$style" 1 0
  else
    count "$style" 0 1
    tail -n 20 "$logs/$style.log" | sed 's/^/    /'
  fi
done

# Unit tests: cmocka prints "[==========] N test(s) run." and "[  PASSED  ] N test(s)."
for t in build/san/tests/test_*; do
  [ -x "$t" ] && [ "${t%.d}" = "$t" ] || continue
  name=$(basename "$t")
  "$t" >"$logs/$name.log" 2>&1
  run=$(sed -n 's/^\[==========\] \([0-9]*\) test(s) run\./\1/p' "$logs/$name.log" | tail -n 1)
  ok=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test(s)\./\1/p' "$logs/$name.log" | tail -n 1)
  run=${run:-0}; ok=${ok:-0}
  [ "$run" -gt 0 ] || { run=1; ok=0; } # a test binary that crashed before running counts as a failure
  count "unit/$name" "$ok" $((run - ok))
  [ "$ok" -eq "$run" ] || sed 's/^/    /' "$logs/$name.log" | tail -n 30
done

# A suite runner prints "<TAG> <passed> <failed>" as its last line.
suite() { # name tag command...
  local name=$1 tag=$2
  shift 2
  "$@" >"$logs/$name.log" 2>&1
  local rc=$?
  local line
  line=$(grep -E "^$tag [0-9]+ [0-9]+$" "$logs/$name.log" | tail -n 1)
  if [ -z "$line" ]; then
    count "$name" 0 1
    echo "    $name did not finish (exit $rc); last lines:"
    tail -n 30 "$logs/$name.log" | sed 's/^/    /'
    return
  fi
  set -- $line
  count "$name" "$2" "$3"
  if [ "$3" -gt 0 ] || [ "$rc" -ne 0 ]; then
    grep -E "^(FAIL|ERROR)|Error|assert" "$logs/$name.log" | head -n 40 | sed 's/^/    /'
    [ "$3" -gt 0 ] || count "$name (exit $rc)" 0 1
  fi
}

if [ -f tests/api/run.py ]; then
  suite api-sqlite API env MAMORI_BIN=build/san/mamori python3 tests/api/run.py
  if [ "${MAMORI_SKIP_PG:-}" != 1 ]; then
    pgdir=$(mktemp -d /tmp/mamori-pg.XXXXXX)
    if url=$(scripts/pg.sh start "$pgdir" 2>"$logs/pg-start.log"); then
      suite api-postgres API env MAMORI_BIN=build/san/mamori MAMORI_DB="$url" python3 tests/api/run.py
      scripts/pg.sh stop "$pgdir" >/dev/null 2>&1
    else
      count "api-postgres (cluster did not start)" 0 1
      sed 's/^/    /' "$logs/pg-start.log" | tail -n 20
    fi
    rm -rf "$pgdir"
  fi
fi

# Fuzzing: each libFuzzer target for FUZZ_SECONDS (30) on its corpus; a target counts once.
if ls build/fuzz/fuzz_* >/dev/null 2>&1; then
  suite fuzz FUZZ scripts/fuzz.sh "${FUZZ_SECONDS:-30}"
fi

if [ -x tests/e2e/run.sh ] && [ -f web/dist/index.html ]; then
  suite e2e E2E tests/e2e/run.sh
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
