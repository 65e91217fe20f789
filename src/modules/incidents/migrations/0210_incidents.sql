-- 0210: incidents and near-misses (事件・事故・ヒヤリハット): the reports, their timeline, the
-- reports made outside (PPC, review body, the people affected, public, police) and the
-- area's settings. description, personal_details and incident_events.body are sealed
-- (crypto_seal) — never plain text in this database.

CREATE TABLE incidents (
  id @ID@,
  kind TEXT NOT NULL DEFAULT 'incident',
  category TEXT NOT NULL,
  title TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  location TEXT NOT NULL DEFAULT '',
  affected TEXT NOT NULL DEFAULT '',
  occurred_at BIGINT,
  discovered_at BIGINT NOT NULL,
  discovered_on TEXT NOT NULL,
  reporter_id BIGINT NOT NULL REFERENCES users (id),
  reporter_department_id BIGINT REFERENCES departments (id),
  anonymous INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL DEFAULT 'reported',
  severity TEXT,
  assignee_id BIGINT REFERENCES users (id),
  resolution TEXT,
  duplicate_of BIGINT,
  pd_involved INTEGER NOT NULL DEFAULT 0,
  pd_items TEXT NOT NULL DEFAULT '',
  pd_count BIGINT,
  pd_sensitive INTEGER NOT NULL DEFAULT 0,
  pd_financial INTEGER NOT NULL DEFAULT 0,
  pd_unauthorised INTEGER NOT NULL DEFAULT 0,
  pd_encrypted INTEGER NOT NULL DEFAULT 0,
  personal_details TEXT,
  cause TEXT NOT NULL DEFAULT '',
  secondary_damage TEXT NOT NULL DEFAULT '',
  subject_response TEXT NOT NULL DEFAULT '',
  announcement TEXT NOT NULL DEFAULT '',
  prevention TEXT NOT NULL DEFAULT '',
  other_notes TEXT NOT NULL DEFAULT '',
  ppc_mandatory INTEGER NOT NULL DEFAULT 0,
  closed_at BIGINT,
  closed_by BIGINT REFERENCES users (id),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX incidents_reporter ON incidents (reporter_id, id);
CREATE INDEX incidents_status ON incidents (status, id);
CREATE INDEX incidents_discovered ON incidents (discovered_on, kind);

CREATE TABLE incident_events (
  id @ID@,
  incident_id BIGINT NOT NULL REFERENCES incidents (id),
  at BIGINT NOT NULL,
  actor_id BIGINT,
  kind TEXT NOT NULL,
  from_status TEXT,
  to_status TEXT,
  internal INTEGER NOT NULL DEFAULT 0,
  body TEXT,
  data TEXT
);
CREATE INDEX incident_events_incident ON incident_events (incident_id, id);

CREATE TABLE incident_reports (
  incident_id BIGINT NOT NULL REFERENCES incidents (id),
  kind TEXT NOT NULL,
  state TEXT NOT NULL,
  done_on TEXT,
  note TEXT NOT NULL DEFAULT '',
  updated_by BIGINT REFERENCES users (id),
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (incident_id, kind)
);

-- One row: does the organisation hold the Privacy Mark, its review body, and how many days
-- after discovery the report to the review body is due.
CREATE TABLE incident_settings (
  id INTEGER PRIMARY KEY,
  holds_pmark INTEGER NOT NULL DEFAULT 0,
  review_body TEXT NOT NULL DEFAULT '',
  review_body_days INTEGER NOT NULL DEFAULT 3,
  updated_at BIGINT NOT NULL DEFAULT 0,
  version BIGINT NOT NULL DEFAULT 1
);
INSERT INTO incident_settings (id, holds_pmark, review_body, review_body_days, updated_at, version)
  VALUES (1, 0, '', 3, 0, 1);

-- incidents.report: report and follow your own reports (everyone); incidents.read: see every
-- report; incidents.manage: triage, handle, record reports outside, close.
INSERT INTO role_permissions (role_id, permission)
  SELECT id, 'incidents.report' FROM roles
  WHERE name IN ('admin', 'officer', 'auditor', 'manager', 'employee', 'executive');
INSERT INTO role_permissions (role_id, permission)
  SELECT id, 'incidents.read' FROM roles WHERE name IN ('admin', 'officer', 'auditor');
INSERT INTO role_permissions (role_id, permission)
  SELECT id, 'incidents.manage' FROM roles WHERE name IN ('admin', 'officer');
