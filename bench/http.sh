#!/usr/bin/env bash
# bench/http.sh — authenticated GET /api/v1/users?limit=20 (1,000 users) against nginx
# serving a static file with the same body, in the same run, with the same wrk settings.
# Prints both req/s and the ratio, the median of alternating rounds (target: mamori >= 0.40 of
# nginx on SQLite, >= 0.20 on PostgreSQL).
#   DURATION=10 CONNECTIONS=32 [MAMORI_DB=postgresql://...] bench/http.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
dur=${DURATION:-10}
conns=${CONNECTIONS:-32}
bench_start 1000
target="$url/api/v1/users?limit=20"
mkdir -p "$tmp/www"
curl -sf -H "Cookie: $cookie" "$target" >"$tmp/www/users.json"
bytes=$(wc -c <"$tmp/www/users.json")
nport=$((port + 1))
npid_file="$tmp/nginx.pid"
cat >"$tmp/nginx.conf" <<NGINX
worker_processes 2;
pid $npid_file;
error_log $tmp/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $tmp/nb; proxy_temp_path $tmp/np; fastcgi_temp_path $tmp/nf;
  uwsgi_temp_path $tmp/nu; scgi_temp_path $tmp/ns;
  server {
    listen 127.0.0.1:$nport;
    location / { root $tmp/www; default_type application/json; }
  }
}
NGINX
nginx -c "$tmp/nginx.conf" -p "$tmp"
sleep 0.3
rps() { wrk -t2 -c"$conns" -d"${dur}s" "$@" | awk '/Requests\/sec/ {print $2}'; }
# Alternate the two ROUNDS times (default 3) and report the median ratio, so that a burst of
# other work on the machine during one measurement does not decide the result.
rounds=${ROUNDS:-3}
ratios=()
engine=${MAMORI_DB:+postgresql}
engine=${engine:-sqlite}
want=0.40
[ "$engine" = sqlite ] || want=0.20
echo "http ($engine): body $bytes bytes, wrk -t2 -c$conns -d${dur}s, $rounds rounds"
for r in $(seq "$rounds"); do
  m=$(rps -H "Cookie: $cookie" "$target")
  n=$(rps "http://127.0.0.1:$nport/users.json")
  ratio=$(awk -v m="$m" -v n="$n" 'BEGIN { printf "%.2f", m / n }')
  ratios+=("$ratio")
  echo "http: round $r: mamori GET /api/v1/users?limit=20 $m req/s, nginx same-size static file $n req/s, ratio $ratio"
done
median=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
holds=$(awk -v m="$median" -v w="$want" 'BEGIN { print (m >= w) ? "yes" : "no" }')
echo "http: median ratio $median (target >= $want)"
echo "bench-summary|GET /api/v1/users?limit=20, $engine, $conns connections|nginx, same bytes|$median|>= $want|$holds"
if [ "$engine" = sqlite ]; then
  # What SQLite alone can do here: the statements of one list request (a read snapshot, the
  # session's data version check, the page and its roles), every row stepped and every
  # column read, on as many threads as there are cores, no HTTP, no session and no JSON. The
  # statements are the server's, put together from its fragments (query_add joins them with a
  # space); each fragment is looked for in the binary, so that a changed query is reported
  # instead of measured wrongly.
  head="SELECT u.id, u.login, u.name, u.email, u.department_id, d.name, u.manager_id, m.name, \
u.employment_type, u.purpose, u.valid_until, u.status, u.must_change_password, u.mfa_enabled, \
u.locale, u.last_login_at, u.created_at, u.updated_at, u.version, u.disabled_reason, \
u.dispatch_agency FROM users u LEFT JOIN departments d ON d.id = u.department_id LEFT JOIN \
users m ON m.id = u.manager_id"
  roles_head="SELECT ur.user_id, r.name, r.mfa_required FROM user_roles ur JOIN roles r ON \
r.id = ur.role_id WHERE"
  range="ur.user_id > ? AND ur.user_id <= coalesce((SELECT u.id FROM users u WHERE u.id > ? \
ORDER BY u.id LIMIT 1 OFFSET ?), 9223372036854775807)"
  alone=
  missing=
  nginx_rate=$(rps "http://127.0.0.1:$nport/users.json")
  for f in "$head" "WHERE 1 = 1" "ORDER BY u.id LIMIT ?" "$roles_head" "$range" "ORDER BY ur.user_id"; do
    grep -aqF "$f" "$bin" || missing="$f"
  done
  if [ -n "$missing" ]; then
    echo "http: the list's statements changed (not in $bin: $missing); update bench/http.sh" >&2
  else
    mkdir -p build/bench
    cc -O2 -o build/bench/sqlite_alone bench/sqlite_alone.c -lsqlite3 -lpthread || missing=compile
  fi
  if [ -z "$missing" ]; then
    # The first page (20 users and one more), then its roles (no cursor: 0).
    printf '21\t%s WHERE 1 = 1 ORDER BY u.id LIMIT ?\n0,0,20\t%s ORDER BY ur.user_id\n' \
      "$head" "$roles_head $range" >"$tmp/request.sql"
    alone=$(build/bench/sqlite_alone "$tmp/data/mamori.db" "$(nproc)" "$dur" "$tmp/request.sql") || alone=
  fi
  bound=-
  both=-
  if [ -n "$alone" ]; then
    bound=$(awk -v a="$alone" -v n="$nginx_rate" 'BEGIN { printf "%.2f", a / n }')
    # A request costs at least SQLite's part plus what sending the same bytes costs: if mamori
    # spent no more than nginx on that (HTTP, the session, JSON and all), the ratio would be
    # 1 / (1 / bound + 1).
    both=$(awk -v a="$alone" -v n="$nginx_rate" 'BEGIN { printf "%.2f", 1 / (n / a + 1) }')
  fi
  echo "http: SQLite alone, the request's statements on $(nproc) threads: ${alone:-?} requests/s, nginx $nginx_rate req/s: $bound of nginx; with nginx's own cost of the same bytes added: $both"
  echo "bench-summary|  the same, SQLite alone (the request's statements, no HTTP)|nginx, same bytes|$bound|(bound)|-"
  echo "bench-summary|  SQLite alone plus nginx's whole cost of the same bytes|nginx, same bytes|$both|(bound)|-"
fi
if [ "$engine" = postgresql ]; then
  # What PostgreSQL alone can do on this machine: the statements of one request (read from
  # pg_stat_activity while mamori serves the list), run by pgbench with as many clients, no
  # HTTP and no mamori. Its rate against nginx bounds the ratio mamori can reach here.
  pgbench=${PG_BIN:-/usr/lib/postgresql/15/bin}/pgbench
  nginx_rate=$(rps "http://127.0.0.1:$nport/users.json")
  wrk -t2 -c"$conns" -d4s -H "Cookie: $cookie" "$target" >/dev/null &
  wpid=$!
  for _ in $(seq 200); do
    psql -qAtX "$MAMORI_DB" -c "SELECT query FROM pg_stat_activity WHERE datname =
      current_database() AND state = 'active' AND pid <> pg_backend_pid() AND query LIKE
      'SELECT %'" 2>/dev/null
  done | sort -u >"$tmp/statements"
  wait "$wpid"
  token=$(bench_sql "SELECT token_hash FROM sessions s JOIN users u ON u.id = s.user_id
    WHERE u.login_key = 'bench' ORDER BY s.created_at DESC LIMIT 1")
  # The parameters of the first page, by where they stand: the session's token, LIMIT (the
  # page and one more), OFFSET (the page's size) and the cursor ("> $n", none yet: 0).
  sed -E -e 's/token_hash = \$[0-9]+/token_hash = :tok/g' -e 's/LIMIT \$[0-9]+/LIMIT :lim/g' \
    -e 's/OFFSET \$[0-9]+/OFFSET :off/g' -e 's/> \$[0-9]+/> :after/g' -e 's/$/;/' \
    "$tmp/statements" >"$tmp/request.sql"
  statements=$(wc -l <"$tmp/request.sql")
  alone=
  if grep -q '\$[0-9]' "$tmp/request.sql"; then
    echo "http: a statement has a parameter this bench cannot fill:" >&2
    grep '\$[0-9]' "$tmp/request.sql" >&2
  else
    alone=$(PGOPTIONS='-c plan_cache_mode=force_generic_plan' "$pgbench" -n -M prepared \
      -c "$conns" -j 2 -T "$dur" -D tok="$token" -D lim=21 -D off=20 -D after=0 \
      -f "$tmp/request.sql" "$MAMORI_DB" 2>&1 | awk '/^tps/ {printf "%.0f", $3}') || true
  fi
  bound=-
  [ -n "$alone" ] && bound=$(awk -v a="$alone" -v n="$nginx_rate" 'BEGIN { printf "%.2f", a / n }')
  echo "http: PostgreSQL alone, the request's $statements statements by pgbench: ${alone:-?} requests/s, nginx $nginx_rate req/s: at most $bound of nginx here"
  echo "bench-summary|  the same, PostgreSQL alone ($statements statements by pgbench)|nginx, same bytes|$bound|(bound)|-"
  # The page's statement alone (neither the session's nor the roles'): what is left of the
  # bound if the session and the roles cost PostgreSQL nothing.
  grep -v -e 'token_hash' -e 'FROM user_roles' "$tmp/request.sql" >"$tmp/page.sql" || true
  page=
  if [ "$(wc -l <"$tmp/page.sql")" -eq 1 ] && [ -n "$alone" ]; then
    page=$(PGOPTIONS='-c plan_cache_mode=force_generic_plan' "$pgbench" -n -M prepared \
      -c "$conns" -j 2 -T "$dur" -D lim=21 -D off=20 -D after=0 -f "$tmp/page.sql" \
      "$MAMORI_DB" 2>&1 | awk '/^tps/ {printf "%.0f", $3}') || true
  fi
  page_bound=-
  [ -n "$page" ] && page_bound=$(awk -v a="$page" -v n="$nginx_rate" 'BEGIN { printf "%.2f", a / n }')
  echo "http: PostgreSQL alone, the page's statement only by pgbench: ${page:-?} per second: $page_bound of nginx"
  echo "bench-summary|  the page's statement only, PostgreSQL alone (pgbench)|nginx, same bytes|$page_bound|(bound)|-"
fi
