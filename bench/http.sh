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
