#!/usr/bin/env bash
# bench/scale.sh — 1,000,000 audit events and 100,000 users:
#   p95 of a filtered, paginated GET /api/v1/audit/events and of GET /api/v1/users?q=
#   (target < 50 ms), the server's peak RSS (target <= 64 MB), and `mamori audit verify`
#   events/s against plain BLAKE2b over the same bytes.
#   EVENTS=1000000 USERS=100000 bench/scale.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
events=${EVENTS:-1000000}
users=${USERS:-100000}
mkdir -p build/bench
cc -O2 -o build/bench/raw_blake bench/raw_blake.c -lsodium
bench_start "$users"
kill "$spid"; wait "$spid" 2>/dev/null || true
[ -z "${MAMORI_DB:-}" ] || { echo "scale: SQLite only (the generator writes the file)" >&2; exit 2; }
bytes=$(python3 bench/gen_audit.py "$tmp/data/mamori.db" "$events")
"$bin" serve --data "$tmp/data" --listen "127.0.0.1:$port" --threads 2 >/dev/null 2>"$tmp/server.log" &
spid=$!
for _ in $(seq 100); do curl -sf "$url/healthz" >/dev/null && break; sleep 0.1; done

# A cursor deep in the trail, as a person paging back would have.
deep=$((events / 2))
python3 bench/latency.py "$port" "$cookie" 200 \
  "/api/v1/audit/events?limit=50" \
  "/api/v1/audit/events?action=user.update&limit=50" \
  "/api/v1/audit/events?actor=user000123&limit=50&cursor=$deep" \
  "/api/v1/audit/events?object_type=user&object_id=42&limit=50" \
  "/api/v1/users?q=user0123&limit=20" \
  "/api/v1/users?q=%E7%A4%BE%E5%93%A1%2001&limit=20" | while read -r p50 p95 path; do
  echo "scale: p50 ${p50} ms, p95 ${p95} ms  GET $path"
done
rss=$(awk '/VmHWM/ {print $2}' "/proc/$spid/status")
echo "scale: server peak RSS $((rss / 1024)) MB (target <= 64)"
kill "$spid"; wait "$spid" 2>/dev/null || true
spid=

start=$(date +%s.%N)
"$bin" audit verify --data "$tmp/data" >/dev/null
end=$(date +%s.%N)
total=$((events + 3))
v=$(awk -v n="$total" -v a="$start" -v b="$end" 'BEGIN { printf "%.0f", n / (b - a) }')
raw=$(build/bench/raw_blake "$total" "$bytes")
echo "scale: audit verify $v events/s; BLAKE2b alone over the same bytes $raw/s; ratio $(awk -v v="$v" -v r="$raw" 'BEGIN { printf "%.2f", v / r }')"
