#!/usr/bin/env python3
"""Bench data generator: N users (and a reader account) straight into a mamori SQLite file.

Usage: gen_users.py DB N
Creates role bench_reader (users.read and audit.read, no MFA) and account `bench` whose password is the
admin's initial one (copied hash, no change required), plus N ordinary users in 10
departments. For benchmarks only: it bypasses the API (and so the audit trail) on purpose.
"""
import sqlite3
import sys
import time

db, n = sys.argv[1], int(sys.argv[2])
con = sqlite3.connect(db)
now = int(time.time())
cur = con.cursor()
pw = cur.execute("SELECT password_hash FROM users WHERE login_key = 'admin'").fetchone()[0]
cur.execute("INSERT INTO roles (name, label_ja, label_en, created_at, updated_at) "
            "VALUES ('bench_reader', 'ベンチ', 'Bench', ?, ?)", (now, now))
rid = cur.lastrowid
for perm in ("users.read", "audit.read"):
    cur.execute("INSERT INTO role_permissions (role_id, permission) VALUES (?, ?)", (rid, perm))
for d in range(10):
    cur.execute("INSERT INTO departments (name, created_at, updated_at) VALUES (?, ?, ?)",
                (f"部署{d:02d}", now, now))
emp = cur.execute("SELECT id FROM roles WHERE name = 'employee'").fetchone()[0]
rows = []
for i in range(n):
    rows.append((f"user{i:06d}", f"user{i:06d}", f"社員 {i:06d}", f"user{i:06d}@example.jp",
                 1 + i % 10, ["regular", "contract", "dispatched", "part_time"][i % 4],
                 "業務 / work", pw, now, now))
cur.executemany("INSERT INTO users (login, login_key, name, email, department_id, employment_type,"
                " purpose, password_hash, must_change_password, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)", rows)
cur.execute("INSERT INTO user_roles (user_id, role_id) SELECT id, ? FROM users WHERE login LIKE 'user%'",
            (emp,))
cur.execute("INSERT INTO users (login, login_key, name, employment_type, purpose, password_hash,"
            " must_change_password, created_at, updated_at)"
            " VALUES ('bench', 'bench', 'Bench', 'regular', 'benchmark', ?, 0, ?, ?)", (pw, now, now))
cur.execute("INSERT INTO user_roles (user_id, role_id) VALUES (?, ?)", (cur.lastrowid, rid))
con.commit()
