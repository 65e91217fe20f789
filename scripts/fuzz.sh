#!/usr/bin/env bash
# Runs each libFuzzer target for N seconds (default 30) on its corpus in tests/fuzz/corpus/.
# New inputs that reach new code are kept in build/fuzz/corpus-<target>/ (not committed);
# a crash leaves its input as build/fuzz/crash-* — fix it and add the input to the corpus.
# Last line: "FUZZ <passed> <failed>" (targets).
set -uo pipefail
cd "$(dirname "$0")/.."
secs=${1:-30}
passed=0; failed=0
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
for bin in build/fuzz/fuzz_*; do
  [ -x "$bin" ] || continue
  name=$(basename "$bin"); short=${name#fuzz_}
  mkdir -p "build/fuzz/corpus-$short"
  if "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 -print_final_stats=0 \
      -artifact_prefix="build/fuzz/crash-$short-" "build/fuzz/corpus-$short" "tests/fuzz/corpus/$short" \
      >"build/fuzz/$short.log" 2>&1; then
    echo "fuzz $short: ok ($(grep -c . "build/fuzz/$short.log") log lines)"
    passed=$((passed + 1))
  else
    echo "fuzz $short: FAILED — see build/fuzz/$short.log"
    tail -n 30 "build/fuzz/$short.log"
    failed=$((failed + 1))
  fi
done
echo "FUZZ $passed $failed"
[ "$failed" -eq 0 ]
