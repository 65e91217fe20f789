# bench/lib.sh — sourced by the benchmarks: a data folder with N users, a server, a session.
#   bench_start N     sets: tmp port url cookie csrf spid; cleanup on exit
# With MAMORI_DB set (a fresh PostgreSQL database) the server runs on PostgreSQL. The server
# runs as shipped (its default thread pool) unless THREADS is set.
bin=${MAMORI_BIN:-build/mamori}
pw=Bench2026pass

bench_cleanup() {
  [ -n "${spid:-}" ] && kill "$spid" 2>/dev/null && wait "$spid" 2>/dev/null
  [ -n "${npid_file:-}" ] && [ -f "$npid_file" ] && kill "$(cat "$npid_file")" 2>/dev/null
  [ -n "${tmp:-}" ] && rm -rf "$tmp"
  return 0
}

# SQL against the bench database, whichever engine it is on.
bench_sql() {
  if [ -n "${MAMORI_DB:-}" ]; then psql -qAtX "$MAMORI_DB" -c "$1"; else sqlite3 "$tmp/data/mamori.db" "$1"; fi
}
bench_sql_file() {
  if [ -n "${MAMORI_DB:-}" ]; then psql -qX -v ON_ERROR_STOP=1 "$MAMORI_DB" >/dev/null; else sqlite3 "$tmp/data/mamori.db"; fi
}

bench_start() {
  tmp=$(mktemp -d /tmp/mamori-bench.XXXXXX)
  trap bench_cleanup EXIT
  port=$((20000 + RANDOM % 10000))
  MAMORI_INIT_PASSWORD=$pw "$bin" init --data "$tmp/data" ${MAMORI_DB:+--db "$MAMORI_DB"} >/dev/null
  bench_sql "SELECT password_hash FROM users WHERE login_key = 'admin'" >"$tmp/hash"
  python3 bench/gen_users.py "$1" "$(cat "$tmp/hash")" | bench_sql_file
  "$bin" serve --data "$tmp/data" --listen "127.0.0.1:$port" ${THREADS:+--threads "$THREADS"} \
    ${MAMORI_DB:+--db "$MAMORI_DB"} >/dev/null 2>"$tmp/server.log" &
  spid=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  local answer
  answer=$(curl -s -D "$tmp/headers" -H 'Content-Type: application/json' \
    -d "{\"login\":\"bench\",\"password\":\"$pw\"}" "http://127.0.0.1:$port/api/v1/session")
  cookie=$(sed -n 's/^Set-Cookie: \(mamori_session=[^;]*\).*/\1/p' "$tmp/headers" | tr -d '\r')
  csrf=$(printf '%s' "$answer" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf_token"])')
  [ -n "$cookie" ] && [ -n "$csrf" ] || { echo "bench: sign-in failed" >&2; exit 2; }
  url="http://127.0.0.1:$port"
}
