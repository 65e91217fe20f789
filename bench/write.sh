#!/usr/bin/env bash
# bench/write.sh — authenticated writes per second (PATCH /api/v1/me, each a transaction with
# its audit event) against a raw C loop of single-row SQLite transactions with the same
# durability settings (WAL, synchronous=FULL), in the same run, on the same disk.
# Target: mamori >= 1.0 of raw. The server runs as shipped (bench/lib.sh): its threads' writes
# share COMMITs (SQLite group commit, see docs/operations.md), each answer still waiting for the
# fsync of its own change; wrk's 8 connections are 8 concurrent writers.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
dur=${DURATION:-10}
mkdir -p build/bench
cc -O2 -o build/bench/raw_sqlite bench/raw_sqlite.c -lsqlite3
bench_start 100
cat >"$tmp/patch.lua" <<LUA
wrk.method = "PATCH"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Cookie"] = "$cookie"
wrk.headers["X-CSRF-Token"] = "$csrf"
local n = 0
request = function()
  n = n + 1
  local locale = (n % 2 == 0) and "ja" or "en"
  return wrk.format(nil, nil, nil, '{"locale":"' .. locale .. '"}')
end
LUA
# Alternate the two ROUNDS times (default 3); report the median ratio.
rounds=${ROUNDS:-3}
ratios=()
for round in $(seq "$rounds"); do
  out=$(wrk -t2 -c8 -d"${dur}s" -s "$tmp/patch.lua" "$url/api/v1/me")
  m=$(printf '%s\n' "$out" | awk '/Requests\/sec/ {print $2}')
  non2xx=$(printf '%s\n' "$out" | awk '/Non-2xx/ {print $NF}')
  rm -f "$tmp/raw.db"*
  read -r n secs < <(build/bench/raw_sqlite "$tmp/raw.db" "$dur")
  r=$(awk -v n="$n" -v s="$secs" 'BEGIN { printf "%.2f", n / s }')
  ratio=$(awk -v m="$m" -v r="$r" 'BEGIN { printf "%.2f", m / r }')
  ratios+=("$ratio")
  echo "write: round $round: mamori PATCH /api/v1/me $m writes/s (${non2xx:-0} non-2xx), raw SQLite $r tx/s, ratio $ratio"
done
events=$(bench_sql "SELECT COUNT(*) FROM audit_events WHERE action = 'user.locale'")
echo "write: $events audit events written by mamori"
median=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
holds=$(awk -v m="$median" 'BEGIN { print (m >= 1.0) ? "yes" : "no" }')
echo "write: median ratio $median (target >= 1.0)"
echo "bench-summary|PATCH /api/v1/me, 8 writers (SQLite)|raw single-row SQLite loop|$median|>= 1.0|$holds"
