#!/usr/bin/env bash
# bench/mail.sh — how fast the mail sender drains its queue. MAILS (default 10,000) mails are
# put in mail_outbox at once and the server's sender (MAMORI_WORKER_INTERVAL=1) delivers them
# to a local SMTP server (tests/api/smtp_sink.py, Debian's python3-aiosmtpd, which writes each
# mail to a file). The baseline, in the same run against the same SMTP server, is Python's
# smtplib sending the same number of mails over one connection with nothing else to do.
# Reports mails/s for both and their ratio, for ROUNDS rounds (default 3), and the median.
# Issue 19 asks for the figure only (no target): the summary line reports it.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
n=${MAILS:-10000}
rounds=${ROUNDS:-3}
export MAMORI_WORKER_INTERVAL=1
bench_start 10
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
sport=$(free_port)
rport=$(free_port)
mkdir -p "$tmp/sink" "$tmp/raw"
/usr/bin/python3 tests/api/smtp_sink.py "$sport" "$tmp/sink" >/dev/null &
sink=$!
/usr/bin/python3 tests/api/smtp_sink.py "$rport" "$tmp/raw" >/dev/null &
rawsink=$!
trap 'kill $sink $rawsink 2>/dev/null; bench_cleanup' EXIT
for p in "$sport" "$rport"; do
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && break; sleep 0.1; done
done
# The bench's user may set up mail (its role reads by default).
bench_sql "INSERT INTO role_permissions (role_id, permission) SELECT id, 'settings.read' FROM roles WHERE name = 'bench_reader'; INSERT INTO role_permissions (role_id, permission) SELECT id, 'settings.write' FROM roles WHERE name = 'bench_reader';"
api() { curl -sf -b "$cookie" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' "$@"; }
version=$(api "$url/api/v1/mail/settings" | python3 -c 'import json,sys; print(json.load(sys.stdin)["version"])')
api -X PATCH "$url/api/v1/mail/settings" -d "{\"version\":$version,\"enabled\":true,\"host\":\"127.0.0.1\",\"port\":$sport,\"security\":\"none\",\"from_addr\":\"mamori@example.jp\",\"base_url\":\"https://mamori.example.jp\"}" >/dev/null
queue() { # $1: round
  {
    echo "BEGIN;"
    python3 - "$n" "$1" <<'PY'
import sys, time
n, r = int(sys.argv[1]), sys.argv[2]
now = int(time.time())
body = "お知らせ: 承認待ちの申請があります。\n" * 20
for i in range(n):
    print("INSERT INTO mail_outbox (to_addr, to_name, subject, body, status, next_attempt_at, "
          "created_at) VALUES ('user%d@example.jp', '利用者 %d', '[mamori] 通知 %s-%d', '%s', "
          "'queued', %d, %d);" % (i, i, r, i, body, now, now))
PY
    echo "COMMIT;"
  } | bench_sql_file
}
ratios=()
rates=()
for round in $(seq "$rounds"); do
  # Baseline: smtplib over one connection, the same message size.
  raw=$(/usr/bin/python3 - "$rport" "$n" <<'PY'
import smtplib, sys, time
from email.message import EmailMessage
port, n = int(sys.argv[1]), int(sys.argv[2])
body = "お知らせ: 承認待ちの申請があります。\n" * 20
s = smtplib.SMTP("127.0.0.1", port)
t = time.monotonic()
for i in range(n):
    m = EmailMessage()
    m["From"] = "mamori@example.jp"
    m["To"] = "user%d@example.jp" % i
    m["Subject"] = "[mamori] 通知 %d" % i
    m.set_content(body)
    s.send_message(m)
s.quit()
print("%.1f" % (n / (time.monotonic() - t)))
PY
)
  before=$(bench_sql "SELECT COUNT(*) FROM mail_outbox WHERE status = 'sent'")
  t0=$(date +%s.%N)
  queue "$round"
  want=$((before + n))
  while :; do
    sent=$(bench_sql "SELECT COUNT(*) FROM mail_outbox WHERE status = 'sent'")
    [ "$sent" -ge "$want" ] && break
    left=$(bench_sql "SELECT COUNT(*) FROM mail_outbox WHERE status IN ('queued', 'sending')")
    sent=$(bench_sql "SELECT COUNT(*) FROM mail_outbox WHERE status = 'sent'")
    [ "$sent" -ge "$want" ] && break
    [ "$left" -eq 0 ] && { echo "mail: round $round: mails failed, see $tmp/server.log" >&2; exit 1; }
    sleep 0.2
  done
  t1=$(date +%s.%N)
  m=$(awk -v n="$n" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", n / (b - a) }')
  ratio=$(awk -v m="$m" -v r="$raw" 'BEGIN { printf "%.2f", m / r }')
  ratios+=("$ratio")
  rates+=("$m")
  echo "mail: round $round: mamori drained $n mails at $m mails/s, smtplib alone $raw mails/s, ratio $ratio"
done
got=$(ls "$tmp/sink" | grep -c '\.eml$' || true)
echo "mail: the SMTP server received $got mails from mamori"
median=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
median_rate=$(printf '%s\n' "${rates[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
echo "mail: median ratio $median"
[ "$got" -ge $((n * rounds)) ] && ok=- || ok=no
echo "bench-summary|mail sender, $n queued mails ($median_rate mails/s)|Python smtplib, same SMTP server|$median|-|$ok"
