#!/usr/bin/env bash
# bench/limits.sh — what strangers and heavy work cost everyone else:
#   the server's peak RSS while 16 clients without a session each send a 60 MiB upload to an
#   import route and keep their connections open (target: within 8 MB of the idle figure);
#   /healthz latency while 4 large exports run at once (target: max < 100 ms).
#   USERS=20000 bench/limits.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
users=${USERS:-20000}
bench_start "$users"
idle=$(awk '/VmRSS/ {print $2}' "/proc/$spid/status")
python3 - "$port" "$spid" "$idle" <<'PY'
import socket, sys, threading, time
port, pid, idle = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
MIB = 1024 * 1024
def rss(field):
    with open("/proc/%s/status" % pid) as f:
        return next(int(l.split()[1]) for l in f if l.startswith(field))
answers, sent = [], [0] * 16
def upload(i):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"POST /api/v1/assets/import HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\n"
              b"Content-Length: %d\r\n\r\n" % (60 * MIB))
    chunk = b"x" * 65536
    s.settimeout(0.05)
    end = time.time() + 5
    got = b""
    while time.time() < end and sent[i] < 60 * MIB:
        try:
            sent[i] += s.send(chunk)
        except (socket.timeout, BlockingIOError):
            pass
        except OSError:
            break
        try:
            got += s.recv(4096)
        except (socket.timeout, BlockingIOError):
            pass
        except OSError:
            break
    answers.append(got.split(b" ", 2)[1].decode() if got.startswith(b"HTTP/1.1") else "none")
    s.close()
threads = [threading.Thread(target=upload, args=(i,)) for i in range(16)]
for t in threads:
    t.start()
peak = idle
while any(t.is_alive() for t in threads):
    peak = max(peak, rss("VmRSS"))
    time.sleep(0.05)
grew = (peak - idle) / 1024
print("limits: 16 uploads of 60 MiB without a session: answers %s; %.1f MiB sent before the "
      "connections were closed; server RSS idle %d MB, peak during %d MB (+%.1f MB, target "
      "< 8)" % (",".join(sorted(set(answers))), sum(sent) / MIB, idle // 1024, peak // 1024,
                grew))
print("bench-summary|RSS growth, 16 unauthenticated 60 MiB uploads|idle RSS %d MB|+%.1f MB|"
      "< 8 MB|%s" % (idle // 1024, grew, "yes" if grew < 8 else "no"))
PY
python3 - "$port" "$cookie" <<'PY'
import http.client, sys, threading, time
port, cookie = int(sys.argv[1]), sys.argv[2]
sizes, done = [], []
def export():
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    c.request("GET", "/api/v1/users.csv", headers={"Cookie": cookie})
    r = c.getresponse()
    sizes.append((r.status, len(r.read())))
    done.append(time.time())
t0 = time.time()
threads = [threading.Thread(target=export) for _ in range(4)]
for t in threads:
    t.start()
lat = []
while any(t.is_alive() for t in threads):
    a = time.time()
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    c.request("GET", "/healthz")
    c.getresponse().read()
    c.close()
    lat.append((time.time() - a) * 1000)
    time.sleep(0.02)
lat.sort()
print("limits: 4 exports of users.csv at once (%s, %.1f s): /healthz answered %d times, "
      "p50 %.1f ms, max %.1f ms (target max < 100)" % (
          ",".join("%d:%dkB" % (s, n // 1024) for s, n in sizes), max(done) - t0, len(lat),
          lat[len(lat) // 2], lat[-1]))
print("bench-summary|/healthz max latency, 4 large exports running|-|%.1f ms|< 100 ms|%s"
      % (lat[-1], "yes" if lat[-1] < 100 else "no"))
PY
