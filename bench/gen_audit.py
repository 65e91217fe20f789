#!/usr/bin/env python3
"""Bench data generator: N audit events appended to a mamori SQLite file, with a valid chain.

Usage: gen_audit.py DB N
Continues the chain from the database's head record, hashing exactly as src/audit/audit.c
does: hash = BLAKE2b-256 keyed with the chain key (derived from master.key next to DB) over
prev_hash || each field as "<len>:<bytes>\\n"; then writes the head record with its MAC.
Prints the bytes hashed.
"""
import hashlib
import os
import sqlite3
import struct
import sys
import time

db, n = sys.argv[1], int(sys.argv[2])


def kdf(key, subkey_id, context):
    """libsodium's crypto_kdf_derive_from_key (BLAKE2b with salt and personalisation)."""
    return hashlib.blake2b(b"", digest_size=32, key=key,
                           salt=struct.pack("<Q", subkey_id) + b"\0" * 8,
                           person=context + b"\0" * 8).digest()


with open(os.path.join(os.path.dirname(os.path.abspath(db)), "master.key")) as f:
    key = kdf(bytes.fromhex(f.read().strip()), 1, b"mamoriAU")
con = sqlite3.connect(db)
cur = con.cursor()
row = cur.execute("SELECT seq, hash, keyed_from FROM audit_head WHERE id = 1").fetchone()
seq, prev, keyed_from = row if row else (0, "0" * 64, 1)
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
    h = hashlib.blake2b(data, digest_size=32, key=key).hexdigest()
    batch.append((seq, at, actor, login, "127.0.0.1", action, "user", obj, summary, prev, h))
    prev = h
    if len(batch) == 50000:
        cur.executemany("INSERT INTO audit_events VALUES (?,?,?,?,?,?,?,?,?,?,?)", batch)
        batch = []
cur.executemany("INSERT INTO audit_events VALUES (?,?,?,?,?,?,?,?,?,?,?)", batch)
head = bytes.fromhex("0" * 64) + b"".join(field(v) for v in ("head", seq, prev, keyed_from,
                                                             "", "", "", "", ""))
mac = hashlib.blake2b(head, digest_size=32, key=kdf(key, 2, b"mamoriHD")).hexdigest()
cur.execute("INSERT OR REPLACE INTO audit_head (id, seq, hash, keyed_from, mac) "
            "VALUES (1, ?, ?, ?, ?)", (seq, prev, keyed_from, mac))
con.commit()
print(total)
