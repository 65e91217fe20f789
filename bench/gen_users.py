#!/usr/bin/env python3
"""Bench data generator: SQL (portable: SQLite and PostgreSQL) on standard output for
N users in 10 departments, role bench_reader (users.read, audit.read; no MFA) and the
account `bench` with the given password hash (no change required).

Usage: gen_users.py N PASSWORD_HASH | sqlite3 DB   (or | psql URL)
For benchmarks only: it bypasses the API (and so the audit trail) on purpose.
"""
import sys
import time

n, pw = int(sys.argv[1]), sys.argv[2]
now = int(time.time())
out = sys.stdout
w = out.write


def q(s):
    return "'" + s.replace("'", "''") + "'"


w("BEGIN;\n")
w("INSERT INTO roles (name, label_ja, label_en, created_at, updated_at) "
  f"VALUES ('bench_reader', 'ベンチ', 'Bench', {now}, {now});\n")
for perm in ("users.read", "audit.read"):
    w("INSERT INTO role_permissions (role_id, permission) "
      f"SELECT id, '{perm}' FROM roles WHERE name = 'bench_reader';\n")
for d in range(10):
    w(f"INSERT INTO departments (name, created_at, updated_at) VALUES ('部署{d:02d}', {now}, {now});\n")
types = ["regular", "contract", "dispatched", "part_time"]
for start in range(0, n, 1000):
    rows = []
    for i in range(start, min(n, start + 1000)):
        rows.append(f"('user{i:06d}', 'user{i:06d}', '社員 {i:06d}', 'user{i:06d}@example.jp', "
                    f"(SELECT MIN(id) FROM departments) + {i % 10}, '{types[i % 4]}', "
                    f"'業務 / work', {q(pw)}, 0, {now}, {now})")
    w("INSERT INTO users (login, login_key, name, email, department_id, employment_type, purpose,"
      " password_hash, must_change_password, created_at, updated_at) VALUES\n")
    w(",\n".join(rows) + ";\n")
w("INSERT INTO user_roles (user_id, role_id) SELECT u.id, r.id FROM users u, roles r "
  "WHERE u.login LIKE 'user%' AND r.name = 'employee';\n")
w("INSERT INTO users (login, login_key, name, employment_type, purpose, password_hash,"
  f" must_change_password, created_at, updated_at) VALUES ('bench', 'bench', 'Bench', 'regular',"
  f" 'benchmark', {q(pw)}, 0, {now}, {now});\n")
w("INSERT INTO user_roles (user_id, role_id) SELECT u.id, r.id FROM users u, roles r "
  "WHERE u.login = 'bench' AND r.name = 'bench_reader';\n")
w("COMMIT;\n")
