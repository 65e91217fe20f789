#!/usr/bin/env bash
# bench/evidence.sh — the evidence pack (GET /api/v1/evidence-pack) for an organisation of
# PEOPLE (default 300) people with a year of records (bench/gen_records.py) and EVENTS (default
# 150,000) audit events to verify; ROUNDS (default 3) rounds, each timed end to end (request to
# the last byte of the ZIP). Target: under 5 s. An absolute target, not a ratio: nothing else
# builds this pack to compare with.
#   PEOPLE=300 EVENTS=150000 bench/evidence.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
people=${PEOPLE:-300}
events=${EVENTS:-150000}
rounds=${ROUNDS:-3}
bench_start "$people"
# The pack needs evidence.export and the read permission of every record it holds: the
# auditor's (the role that makes it in practice), given to the bench's reader.
bench_sql "INSERT INTO role_permissions (role_id, permission) SELECT id, 'evidence.export' FROM roles WHERE name = 'bench_reader'"
bench_sql "INSERT INTO role_permissions (role_id, permission) SELECT r.id, p.permission FROM roles r, role_permissions p JOIN roles a ON a.id = p.role_id WHERE r.name = 'bench_reader' AND a.name = 'auditor' ON CONFLICT DO NOTHING"
from=$(date -d '364 days ago' +%F)
to=$(date +%F)
python3 bench/gen_records.py "$from" | bench_sql_file
if [ -z "${MAMORI_DB:-}" ]; then
  python3 bench/gen_audit.py "$tmp/data/mamori.db" "$events" >/dev/null
else
  echo "evidence: PostgreSQL: audit events are not generated (SQLite only), the trail is short" >&2
fi
worst=0
for r in $(seq "$rounds"); do
  t0=$(date +%s.%N)
  code=$(curl -s -o "$tmp/pack.zip" -w '%{http_code}' -b "$cookie" \
    "$url/api/v1/evidence-pack?from=$from&to=$to")
  t1=$(date +%s.%N)
  [ "$code" = 200 ] || { echo "evidence: HTTP $code"; cat "$tmp/pack.zip"; exit 1; }
  s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
  files=$(python3 -c 'import sys,zipfile; print(len(zipfile.ZipFile(sys.argv[1]).namelist()))' "$tmp/pack.zip")
  echo "evidence: round $r: $s s ($(($(stat -c %s "$tmp/pack.zip") / 1024)) KiB, $files files; $people people, $events audit events)"
  worst=$(awk -v w="$worst" -v s="$s" 'BEGIN { print (s > w) ? s : w }')
done
verdict=$(awk -v w="$worst" 'BEGIN { print (w < 5) ? "met" : "MISSED" }')
echo "evidence: slowest round $worst s; target < 5 s: $verdict"
echo "bench-summary|evidence pack, $people people, a year of records (slowest of $rounds rounds)|-|$worst s|< 5 s|$([ "$verdict" = met ] && echo yes || echo no)"
[ "$verdict" = met ]
