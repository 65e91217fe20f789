#!/usr/bin/env bash
# Runs the browser journeys (and the message-file check) with node's test runner against a real
# `mamori serve` (build/mamori, or $MAMORI_BIN), and prints one closing line:
#   E2E <passed> <failed>
# Exits non-zero when any test failed. Screenshots (ja) land in build/screenshots/
# (`make screenshots` refreshes docs/screenshots/ from them).
#   tests/e2e/run.sh                       all journeys
#   tests/e2e/run.sh tests/e2e/phone.test.mjs   one file
#   MAMORI_E2E_MOCK=1 tests/e2e/run.sh     against tests/e2e/mock_server.mjs (no C build needed)
set -uo pipefail
cd "$(dirname "$0")/../.."

if ! scripts/build-web.sh >/dev/null; then
  echo "e2e: building the web UI failed" >&2
  echo "E2E 0 1"
  exit 1
fi
if [ "${MAMORI_E2E_MOCK:-}" != 1 ] && [ ! -x "${MAMORI_BIN:-build/mamori}" ]; then
  echo "e2e: ${MAMORI_BIN:-build/mamori} is missing; run make build/mamori first" >&2
  echo "E2E 0 1"
  exit 1
fi

files=("$@")
[ ${#files[@]} -gt 0 ] || files=(tests/e2e/*.test.mjs)

log=$(mktemp)
trap 'rm -f "$log"' EXIT
# One file at a time: each starts its own server and browser.
node --test --test-concurrency=1 --test-reporter=tap "${files[@]}" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

passed=$(awk '/^# pass /{print $3}' "$log" | tail -1)
failed=$(awk '/^# fail /{print $3}' "$log" | tail -1)
cancelled=$(awk '/^# cancelled /{print $3}' "$log" | tail -1)
passed=${passed:-0}
failed=$(( ${failed:-0} + ${cancelled:-0} ))
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "E2E $passed $failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
