#!/usr/bin/env bash
# bench/http.sh — authenticated GET /api/v1/users?limit=20 (1,000 users) against nginx
# serving a static file with the same body, in the same run, with the same wrk settings.
# Prints both req/s and the ratio (target: mamori >= 0.30 of nginx).
#   DURATION=10 CONNECTIONS=32 bench/http.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${MAMORI_BIN:-build/mamori}
dur=${DURATION:-10}
conns=${CONNECTIONS:-32}
tmp=$(mktemp -d /tmp/mamori-bench.XXXXXX)
port=$((20000 + RANDOM % 10000))
nport=$((port + 1))
pw=Bench2026pass
cleanup() {
  [ -n "${spid:-}" ] && kill "$spid" 2>/dev/null && wait "$spid" 2>/dev/null
  [ -f "$tmp/nginx.pid" ] && kill "$(cat "$tmp/nginx.pid")" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

MAMORI_INIT_PASSWORD=$pw "$bin" init --data "$tmp/data" >/dev/null
python3 bench/gen_users.py "$tmp/data/mamori.db" 1000
"$bin" serve --data "$tmp/data" --listen "127.0.0.1:$port" --threads 2 2>/dev/null &
spid=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
cookie=$(curl -s -D - -o /dev/null -H 'Content-Type: application/json' \
  -d "{\"login\":\"bench\",\"password\":\"$pw\"}" "http://127.0.0.1:$port/api/v1/session" |
  sed -n 's/^Set-Cookie: \(mamori_session=[^;]*\).*/\1/p' | tr -d '\r')
[ -n "$cookie" ] || { echo "bench: sign-in failed" >&2; exit 2; }
url="http://127.0.0.1:$port/api/v1/users?limit=20"
mkdir -p "$tmp/www"
curl -sf -H "Cookie: $cookie" "$url" >"$tmp/www/users.json"
bytes=$(wc -c <"$tmp/www/users.json")

cat >"$tmp/nginx.conf" <<NGINX
worker_processes 2;
pid $tmp/nginx.pid;
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
m=$(rps -H "Cookie: $cookie" "$url")
n=$(rps "http://127.0.0.1:$nport/users.json")
ratio=$(awk -v m="$m" -v n="$n" 'BEGIN { printf "%.2f", m / n }')
echo "http: body $bytes bytes, wrk -t2 -c$conns -d${dur}s"
echo "http: mamori GET /api/v1/users?limit=20  $m req/s"
echo "http: nginx static file of the same size  $n req/s"
echo "http: ratio $ratio (target >= 0.30)"
