#!/usr/bin/env python3
"""Bench data generator: a year of an organisation's records for the evidence pack, as SQL on
standard output (SQLite and PostgreSQL alike), for the users gen_users.py made (user%):
asset and personal information registers, risks, a training assignment with a duty per
person (most done, some late), incidents and near-misses across the year with their reports,
corrective actions, two internal audits with checklists and findings, and a management review.

Usage: gen_records.py FROM_DATE | sqlite3 DB   (or | psql URL)
For benchmarks only: it bypasses the API (and so the audit trail) on purpose.
"""
import datetime
import sys
import time

start = datetime.date.fromisoformat(sys.argv[1])
now = int(time.time())
w = sys.stdout.write


def day(n):
    return (start + datetime.timedelta(days=n % 365)).isoformat()


def q(s):
    return "'" + s.replace("'", "''") + "'"


DEPT = "(SELECT MIN(id) FROM departments) + %d"
USER = "(SELECT MIN(id) FROM users WHERE login LIKE 'user%%') + %d"
w("BEGIN;\n")
# 400 information assets, 60 personal information entries with their lifecycle analysis.
for i in range(400):
    w("INSERT INTO assets (name, asset_type, department_id, custodian, location, classification_id,"
      " c, i, a, value, has_pinfo, retention, disposal, access, reviewed_on, review_due, search,"
      " created_at, updated_at) VALUES (%s, %s, %s, %s, %s, 1 + %d, %d, %d, %d, %d, %d, '5年',"
      " 'シュレッダー', '部署員', %s, %s, %s, %d, %d);\n" % (
          q("資産%04d 顧客台帳" % i), q(["data", "paper", "software", "hardware", "cloud"][i % 5]),
          DEPT % (i % 10), q("担当%02d" % (i % 37)), q("本社 棚%02d" % (i % 31)), i % 3,
          1 + i % 3, 1 + (i // 3) % 3, 1 + (i // 9) % 3, 3, i % 4 == 0, q(day(i)),
          q(day(i + 365)), q("資産%04d" % i), now, now))
for i in range(60):
    lc = ", ".join(q(t) for t in (
        "申込書の紛失", "受付簿で管理", "誤送信", "宛先の二重確認", "目的外利用",
        "権限の限定", "不正アクセス", "暗号化とバックアップ", "消去漏れ", "消去証明の取得"))
    w("INSERT INTO pinfo (name, department_id, items, purpose, storage_location, storage_method,"
      " access, use_until, retention_until, record_count, sensitive, lc_acquire_risks,"
      " lc_acquire_controls, lc_transfer_risks, lc_transfer_controls, lc_use_risks, lc_use_controls,"
      " lc_store_risks, lc_store_controls, lc_dispose_risks, lc_dispose_controls, reviewed_on,"
      " review_due, search, created_at, updated_at) VALUES (%s, %s, '氏名、住所、電話番号',"
      " '商品の発送と問い合わせへの回答', '本社サーバ', '暗号化して保存', '営業部員',"
      " '契約終了まで', '契約終了後5年', %d, %d, %s, %s, %s, %s, %d, %d);\n" % (
          q("顧客名簿%02d" % i), DEPT % (i % 10), 100 * (i + 1), i % 7 == 0, lc, q(day(i * 5)),
          q(day(i * 5 + 365)), q("顧客名簿%02d" % i), now, now))
# 300 risks on the assets.
for i in range(300):
    lk, im = 1 + i % 3, 1 + (i // 3) % 3
    w("INSERT INTO risks (asset_id, department_id, threat, vulnerability, likelihood, impact, level,"
      " treatment, measures, residual_likelihood, residual_impact, residual_level, review_on,"
      " search, created_at, updated_at) VALUES ((SELECT MIN(id) FROM assets) + %d, %s, '漏えい',"
      " '持ち出し手順の不備', %d, %d, %d, 'reduce', '暗号化と持ち出し申請', 1, %d, %d, %s, 'risk',"
      " %d, %d);\n" % (i, DEPT % (i % 10), lk, im, lk * im, im, im, q(day(i + 200)), now, now))
# Training: one yearly assignment of the starter course, a duty per person.
w("INSERT INTO training_assignments (course_id, starts_on, due_date, recurrence, created_at,"
  " updated_at) SELECT MIN(id), %s, %s, 'once', %d, %d FROM training_courses;\n"
  % (q(day(30)), q(day(120)), now, now))
w("INSERT INTO training_duties (assignment_id, user_id, course_id, cycle_start, due_date,"
  " completed_at, created_at) SELECT (SELECT MAX(id) FROM training_assignments), u.id,"
  " (SELECT MIN(id) FROM training_courses), %s, %s, CASE WHEN u.id %% 10 = 0 THEN NULL ELSE %d"
  " END, %d FROM users u WHERE u.login LIKE 'user%%';\n" % (q(day(30)), q(day(120)), now - 86400, now))
# 120 incidents and near-misses through the year, with their reports outside.
cats = ["missend", "loss", "virus", "rule_violation", "pc_abnormal", "complaint"]
for i in range(120):
    kind = "incident" if i % 4 == 0 else "near_miss"
    status = "closed" if i % 3 else "investigation"
    w("INSERT INTO incidents (kind, category, title, discovered_at, discovered_on, reporter_id,"
      " status, pd_involved, pd_count, ppc_mandatory, created_at, updated_at) VALUES (%s, %s, %s, %d,"
      " %s, %s, %s, %d, %s, %d, %d, %d);\n" % (
          q(kind), q(cats[i % 6]), q("%s %03d" % (["宛先の間違い", "書類の置き忘れ", "不審なメール"][i % 3], i)),
          now, q(day(i * 3)), USER % (i % 300), q(status), i % 5 == 0, "50" if i % 5 == 0 else "NULL",
          i % 40 == 0, now, now))
    if i % 40 == 0:
        w("INSERT INTO incident_reports (incident_id, kind, state, done_on, updated_at) VALUES"
          " ((SELECT MAX(id) FROM incidents), 'ppc_final', 'done', %s, %d);\n" % (q(day(i * 3 + 20)), now))
# 150 corrective actions.
for i in range(150):
    status = ["open", "in_progress", "done", "closed"][i % 4]
    w("INSERT INTO actions (source_type, source_id, kind, title, cause, plan, owner_id, due_on, status,"
      " effectiveness, created_at, updated_at) VALUES ('other', NULL, 'corrective', %s, '手順が不明確',"
      " '手順書を改訂し周知する', %s, %s, %s, %s, %d, %d);\n" % (
          q("是正処置 %03d" % i), USER % (i % 300), q(day(i * 2 + 30)), q(status),
          "'effective'" if status == "closed" else "NULL", now - (150 - i) * 86400, now))
# Two internal audits with a checklist of the own rules and the clauses, and findings.
w("INSERT INTO internal_audit_programmes (year, title, created_at, updated_at) VALUES (%d,"
  " '年間内部監査計画', %d, %d);\n" % (start.year, now, now))
for a in range(2):
    w("INSERT INTO internal_audits (programme_id, title, scope, req_sets, starts_on, ends_on, lead_id,"
      " status, summary, created_at, updated_at) VALUES ((SELECT MAX(id) FROM internal_audit_programmes),"
      " %s, '顧客情報の取扱い', '[\"iso27001\",\"own\"]', %s, %s, %s, 'reported', '概ね適合', %d, %d);\n"
      % (q("部署%02dの内部監査" % a), q(day(100 + a * 90)), q(day(105 + a * 90)), USER % (100 + a), now, now))
    w("INSERT INTO internal_audit_departments (audit_id, department_id) VALUES ((SELECT MAX(id) FROM"
      " internal_audits), %s);\n" % (DEPT % a))
    w("INSERT INTO internal_audit_items (audit_id, position, req_set, code, title_ja, title_en, result,"
      " evidence, updated_at) SELECT (SELECT MAX(id) FROM internal_audits), position, req_set, code,"
      " title_ja, title_en, 'conforms', '記録を確認', %d FROM audit_requirements WHERE req_set IN"
      " ('iso27001', 'own');\n" % now)
    for f in range(3):
        w("INSERT INTO internal_audit_findings (audit_id, department_id, grade, requirement, statement,"
          " status, created_at, updated_at) VALUES ((SELECT MAX(id) FROM internal_audits), %s, %s,"
          " 'R-10', '机上に書類が残っていた', 'open', %d, %d);\n"
          % (DEPT % a, q(["minor", "observation", "major"][f]), now, now))
# The year's management review, still being prepared (its figures are counted live).
w("INSERT INTO management_reviews (title, period_from, period_to, held_on, status, created_at,"
  " updated_at) VALUES ('年次マネジメントレビュー', %s, %s, %s, 'draft', %d, %d);\n"
  % (q(day(0)), q(day(364)), q(day(364)), now, now))
w("COMMIT;\n")
