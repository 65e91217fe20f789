-- 0631: physical security logs (seed 004 事務所編) — sites (拠点), visitor slips (来訪者記録, one
-- per visitor, the visitor's name and company sealed with the master key: never plain text in
-- this database), the reception kiosks (受付端末) that take a visitor's own slip, the area's
-- settings (the privacy notice a visitor accepts, the kiosk's idle limit), and the office
-- open/close log (入退室記録: who unlocked first and who locked up last, with the closing
-- checklist).

CREATE TABLE sites (
  id @ID@,
  name TEXT NOT NULL,
  address TEXT NOT NULL DEFAULT '',
  manager_id BIGINT REFERENCES users (id),
  track_closing INTEGER NOT NULL DEFAULT 1,
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX sites_name ON sites (name);

-- visitor_name and visitor_company are sealed (crypto_seal_field, context
-- "visits.<column>:<id>"). host_text is what a visitor typed for their host at a kiosk (an
-- employee's name). areas is a JSON array of the areas visited. status: expected → arrived →
-- departed, or cancelled (src/modules/visits/visits.c).
CREATE TABLE visits (
  id @ID@,
  site_id BIGINT REFERENCES sites (id),
  host_id BIGINT REFERENCES users (id),
  host_text TEXT NOT NULL DEFAULT '',
  visitor_name TEXT NOT NULL,
  visitor_company TEXT NOT NULL DEFAULT '',
  purpose TEXT NOT NULL,
  expected_arrival_at BIGINT,
  expected_departure_at BIGINT,
  arrived_at BIGINT,
  departed_at BIGINT,
  areas TEXT NOT NULL DEFAULT '[]',
  escorted INTEGER NOT NULL DEFAULT 0,
  badge_number TEXT,
  badge_returned_at BIGINT,
  notice_accepted_at BIGINT,
  notice_version BIGINT,
  notice_locale TEXT,
  source TEXT NOT NULL,
  kiosk_id BIGINT,
  status TEXT NOT NULL DEFAULT 'expected',
  created_by BIGINT REFERENCES users (id),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX visits_host ON visits (host_id, status);
CREATE INDEX visits_status ON visits (status, site_id);
CREATE INDEX visits_expected ON visits (expected_arrival_at);
CREATE INDEX visits_arrived ON visits (arrived_at);
CREATE INDEX visits_badge ON visits (badge_returned_at, badge_number);

-- A reception tablet in kiosk mode: its current session (sessions.token_hash; a new one after
-- each visitor), its site and who started it.
CREATE TABLE visit_kiosks (
  id @ID@,
  session_hash TEXT NOT NULL UNIQUE,
  site_id BIGINT REFERENCES sites (id),
  started_by BIGINT NOT NULL REFERENCES users (id),
  started_at BIGINT NOT NULL,
  visits_taken BIGINT NOT NULL DEFAULT 0,
  last_visit_at BIGINT
);

-- One row: the privacy notice a visitor accepts (ja and en; empty: none is shown), its version
-- (raised whenever its text changes, and kept on each slip that accepted it), and how long a
-- kiosk may sit idle before an officer has to start it again.
CREATE TABLE visit_settings (
  id INTEGER PRIMARY KEY,
  notice_ja TEXT NOT NULL DEFAULT '',
  notice_en TEXT NOT NULL DEFAULT '',
  notice_version BIGINT NOT NULL DEFAULT 1,
  kiosk_idle_minutes INTEGER NOT NULL DEFAULT 120,
  updated_at BIGINT NOT NULL DEFAULT 0,
  version BIGINT NOT NULL DEFAULT 1
);
INSERT INTO visit_settings (id, notice_ja, notice_en) VALUES (1,
  'ご記入いただいたお名前と会社名は、入館の管理と安全の確保のためだけに利用し、定めた保存期間 (原則2年) が過ぎたら消去します。法令に基づく場合を除き、ご本人の同意なく第三者に提供することはありません。',
  'We use your name and company only to manage entry to our premises and for safety, and delete them when the retention period we set (normally two years) has passed. We do not give them to anyone else without your consent, except where the law requires it.');

-- The office open/close log: append-only entries. kind 'open' (unlocked) or 'close' (locked
-- up, with the closing checklist); the first open and the last close of a site's day are what
-- the log shows. day is the organisation's date the entry belongs to.
CREATE TABLE office_log (
  id @ID@,
  site_id BIGINT NOT NULL REFERENCES sites (id),
  day TEXT NOT NULL,
  kind TEXT NOT NULL,
  user_id BIGINT NOT NULL REFERENCES users (id),
  at BIGINT NOT NULL,
  windows INTEGER,
  cabinets INTEGER,
  pcs_off INTEGER,
  alarm_set INTEGER,
  note TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL
);
CREATE INDEX office_log_day ON office_log (site_id, day, kind);
CREATE INDEX office_log_days ON office_log (day);

-- visits.register: register your own visitors and see them (everyone); visits.read: every slip
-- (officers, auditors); visits.manage: reception and settings — any slip, arrival, departure,
-- badges, sites, the kiosk (officers). office_log.record: record and read the open/close log
-- (everyone).
INSERT INTO role_permissions (role_id, permission)
  SELECT id, 'visits.register' FROM roles
  WHERE name IN ('admin', 'officer', 'auditor', 'manager', 'employee', 'executive');
INSERT INTO role_permissions (role_id, permission)
  SELECT id, 'visits.read' FROM roles WHERE name IN ('admin', 'officer', 'auditor');
INSERT INTO role_permissions (role_id, permission)
  SELECT id, 'visits.manage' FROM roles WHERE name IN ('admin', 'officer');
INSERT INTO role_permissions (role_id, permission)
  SELECT id, 'office_log.record' FROM roles
  WHERE name IN ('admin', 'officer', 'auditor', 'manager', 'employee', 'executive');
