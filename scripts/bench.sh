#!/usr/bin/env bash
# `make bench`: every benchmark in bench/, each against its baseline in the same run, then one
# table of the figures (figure, baseline, ratio or value, target, holds?). The PostgreSQL
# variant of bench/http.sh runs on a throwaway cluster (scripts/pg.sh), or on MAMORI_DB if set
# (a database the benchmark may empty). EVENTS/USERS size bench/scale.sh (default 10,000,000
# audit events and 100,000 users: it takes a while and a few GB in /tmp).
set -uo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
commit=$(git rev-parse --short HEAD 2>/dev/null)$(git diff --quiet HEAD 2>/dev/null || echo "+changes")
start_load=$(cut -d' ' -f1-3 /proc/loadavg)
run() {
  echo "== $*"
  "$@" 2>&1 | tee -a "$log" || echo "bench-summary|$* failed|-|-|-|no" | tee -a "$log"
}
run env CONNECTIONS=32 bench/http.sh
run env CONNECTIONS=64 bench/http.sh
pgdir=
pg=${MAMORI_DB:-}
if [ -z "$pg" ]; then
  pgdir=$(mktemp -d /tmp/mamori-pg.XXXXXX)
  pg=$(scripts/pg.sh start "$pgdir" 2>/dev/null) || pg=
fi
if [ -n "$pg" ]; then
  psql -qX "$pg" -c "DROP SCHEMA public CASCADE; CREATE SCHEMA public;" >/dev/null 2>&1
  run env MAMORI_DB="$pg" CONNECTIONS=32 bench/http.sh
else
  echo "bench-summary|http on PostgreSQL: no cluster|-|-|-|no" | tee -a "$log"
fi
[ -n "$pgdir" ] && { scripts/pg.sh stop "$pgdir" >/dev/null 2>&1; rm -rf "$pgdir"; }
run bench/write.sh
run env EVENTS="${EVENTS:-10000000}" USERS="${USERS:-100000}" bench/scale.sh
run bench/limits.sh
run bench/phone.sh
run bench/mail.sh
run bench/evidence.sh
echo
echo "== summary (commit $commit, $(nproc) cores, load average $start_load at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end)"
grep '^bench-summary|' "$log" | cut -d'|' -f2- |
  awk -F'|' 'BEGIN { printf "%-58s %-30s %-10s %-10s %s\n", "figure", "baseline", "value", "target", "holds?" }
             { printf "%-58s %-30s %-10s %-10s %s\n", $1, $2, $3, $4, $5 }'
