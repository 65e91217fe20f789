#!/usr/bin/env bash
# `make bench`: every benchmark in bench/, each printing its own ratio against its baseline.
# PostgreSQL variants run when MAMORI_DB points at a database (see scripts/pg.sh).
set -uo pipefail
cd "$(dirname "$0")/.."
for b in bench/http.sh bench/write.sh bench/scale.sh; do
  echo "== $b"
  "$b" || echo "$b failed"
done
