#!/usr/bin/env python3
"""Bench data generator: N audit events appended to a mamori SQLite file, with a valid chain.

Usage: gen_audit.py DB N
Continues the chain from the database's head, hashing exactly as src/audit/audit.c does:
hash = BLAKE2b-256(prev_hash || each field as "<len>:<bytes>\\n"). Prints the bytes hashed.
"""
import hashlib
import sqlite3
import sys
import time

db, n = sys.argv[1], int(sys.argv[2])
con = sqlite3.connect(db)
cur = con.cursor()
row = cur.execute("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1").fetchone()
seq, prev = (row[0], row[1]) if row else (0, "0" * 64)
actions = ["session.login", "user.update", "user.create", "export.users", "access.denied",
           "department.update", "session.logout", "settings.update"]
now = int(time.time()) - n
total = 0


def field(v):
    b = str(v).encode()
    return str(len(b)).encode() + b":" + b + b"\n"


batch = []
for i in range(n):
    seq += 1
    at = now + i
    actor = 1 + i % 997
    login = f"user{actor:06d}"
    action = actions[i % len(actions)]
    obj = 1 + i % 5003
    summary = '{"after":{"name":"社員 %06d","status":"active"}}' % obj
    data = (bytes.fromhex(prev) + field(seq) + field(at) + field(actor) + field(login) +
            field("127.0.0.1") + field(action) + field("user") + field(obj) + field(summary))
    total += len(data)
    h = hashlib.blake2b(data, digest_size=32).hexdigest()
    batch.append((seq, at, actor, login, "127.0.0.1", action, "user", obj, summary, prev, h))
    prev = h
    if len(batch) == 50000:
        cur.executemany("INSERT INTO audit_events VALUES (?,?,?,?,?,?,?,?,?,?,?)", batch)
        batch = []
cur.executemany("INSERT INTO audit_events VALUES (?,?,?,?,?,?,?,?,?,?,?)", batch)
con.commit()
print(total)
