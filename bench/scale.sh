#!/usr/bin/env bash
# bench/scale.sh — 10,000,000 audit events and 100,000 users:
#   p95 of filtered, paginated GET /api/v1/audit/events (target < 5 ms) and of
#   GET /api/v1/users?q= (target < 20 ms), the server's peak RSS (target <= 64 MB), and
#   `mamori audit verify` events/s against plain BLAKE2b over the same bytes (target >= 0.5),
#   and p95 of GET /api/v1/me/tasks (target < 5 ms) for a user with 50 open tasks (corrective
#   actions, besides every task source of the employee role) while each of the other users owns
#   one.
#   EVENTS=10000000 USERS=100000 bench/scale.sh   (about 5 GB in /tmp; generating takes a while)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
events=${EVENTS:-10000000}
users=${USERS:-100000}
mkdir -p build/bench
cc -O2 -o build/bench/raw_blake bench/raw_blake.c -lsodium
bench_start "$users"
kill "$spid"; wait "$spid" 2>/dev/null || true
[ -z "${MAMORI_DB:-}" ] || { echo "scale: SQLite only (the generator writes the file)" >&2; exit 2; }
bytes=$(python3 bench/gen_audit.py "$tmp/data/mamori.db" "$events")
# Home's "my tasks": the bench user is an employee too (every task source of that role runs)
# and owns 50 open corrective actions, some overdue; every other user owns one.
sqlite3 "$tmp/data/mamori.db" <<'SQL'
BEGIN;
INSERT INTO user_roles (user_id, role_id) SELECT u.id, r.id FROM users u, roles r
  WHERE u.login = 'bench' AND r.name = 'employee';
INSERT INTO actions (source_type, kind, title, owner_id, due_on, status, created_at, updated_at)
  SELECT 'other', 'corrective', '是正処置 ' || id, id, '2030-01-31', 'open', 0, 0 FROM users
  WHERE login <> 'bench';
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50)
INSERT INTO actions (source_type, kind, title, owner_id, due_on, status, created_at, updated_at)
  SELECT 'other', 'corrective', '手順書の見直し ' || i, (SELECT id FROM users WHERE login = 'bench'),
  date('now', printf('%+d days', i - 10)), CASE WHEN i % 2 THEN 'open' ELSE 'in_progress' END,
  0, 0 FROM n;
COMMIT;
SQL
"$bin" serve --data "$tmp/data" --listen "127.0.0.1:$port" >/dev/null 2>"$tmp/server.log" &
spid=$!
for _ in $(seq 100); do curl -sf "$url/healthz" >/dev/null && break; sleep 0.1; done

# A cursor deep in the trail, as a person paging back would have.
deep=$((events / 2))
worst_audit=0 worst_users=0 tasks=0
while read -r p50 p95 path; do
  echo "scale: p50 ${p50} ms, p95 ${p95} ms  GET $path"
  case $path in
  /api/v1/me/tasks) tasks=$p95 ;;
  /api/v1/audit/*) worst_audit=$(awk -v a="$worst_audit" -v b="$p95" 'BEGIN { print (b > a) ? b : a }') ;;
  *) worst_users=$(awk -v a="$worst_users" -v b="$p95" 'BEGIN { print (b > a) ? b : a }') ;;
  esac
done < <(python3 bench/latency.py "$port" "$cookie" 200 \
  "/api/v1/audit/events?limit=50" \
  "/api/v1/audit/events?action=user.update&limit=50" \
  "/api/v1/audit/events?actor=user000123&limit=50&cursor=$deep" \
  "/api/v1/audit/events?object_type=user&object_id=42&limit=50" \
  "/api/v1/users?q=user0123&limit=20" \
  "/api/v1/users?q=%E7%A4%BE%E5%93%A1%2001&limit=20" \
  "/api/v1/me/tasks")
ntasks=$(curl -sf -b "$cookie" "$url/api/v1/me/tasks" | python3 -c 'import json,sys; print(json.load(sys.stdin)["count"])')
echo "scale: /me/tasks answers $ntasks tasks"
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
ratio=$(awk -v v="$v" -v r="$raw" 'BEGIN { printf "%.2f", v / r }')
echo "scale: audit verify $v events/s; BLAKE2b alone over the same bytes $raw/s; ratio $ratio (target >= 0.5)"
yn() { awk -v a="$1" -v b="$2" -v op="$3" 'BEGIN { print ((op == "<" && a < b) || (op == "<=" && a <= b) || (op == ">=" && a >= b)) ? "yes" : "no" }'; }
echo "bench-summary|audit list p95, $events events|-|$worst_audit ms|< 5 ms|$(yn "$worst_audit" 5 '<')"
echo "bench-summary|users search p95, $users users|-|$worst_users ms|< 20 ms|$(yn "$worst_users" 20 '<')"
echo "bench-summary|/me/tasks p95, $ntasks tasks, $users users|-|$tasks ms|< 5 ms|$(yn "$tasks" 5 '<')"
echo "bench-summary|server peak RSS, scale bench|-|$((rss / 1024)) MB|<= 64 MB|$(yn $((rss / 1024)) 64 '<=')"
echo "bench-summary|mamori audit verify|BLAKE2b alone, same bytes|$ratio|>= 0.5|$(yn "$ratio" 0.5 '>=')"
