#!/usr/bin/env python3
"""p50/p95 latency of GET requests, sequentially over one keep-alive connection.

Usage: latency.py PORT COOKIE N PATH...   (each PATH is requested N times, in turn)
"""
import http.client
import sys
import time

port, cookie, n, paths = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4:]
conn = http.client.HTTPConnection("127.0.0.1", port)
for path in paths:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        conn.request("GET", path, headers={"Cookie": cookie})
        r = conn.getresponse()
        r.read()
        times.append((time.perf_counter() - t) * 1000)
        if r.status != 200:
            sys.exit(f"{path}: status {r.status}")
    times.sort()
    p50, p95 = times[len(times) // 2], times[int(len(times) * 0.95)]
    print(f"{p50:.1f} {p95:.1f} {path}")
