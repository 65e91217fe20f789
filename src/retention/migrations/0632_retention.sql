-- 0632: retention (保存期間) — the periods the organisation set (a kind never set keeps its
-- default from src/retention/kinds.c), legal holds on records or whole kinds, and the log of
-- purges (each also an audit event "retention.purge" with the ids as ranges).

CREATE TABLE retention_periods (
  kind TEXT PRIMARY KEY,
  months INTEGER NOT NULL,
  updated_by BIGINT REFERENCES users (id),
  updated_at BIGINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1
);

-- A hold keeps one record (record_id) or every record of a kind (record_id NULL) from the
-- purge until it is lifted. Lifted holds stay, as the record of when and why.
CREATE TABLE retention_holds (
  id @ID@,
  kind TEXT NOT NULL,
  record_id BIGINT,
  reason TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'active',
  placed_by BIGINT REFERENCES users (id),
  placed_at BIGINT NOT NULL,
  lifted_by BIGINT REFERENCES users (id),
  lifted_at BIGINT,
  lift_reason TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX retention_holds_kind ON retention_holds (kind, status, record_id);

CREATE TABLE retention_purges (
  id @ID@,
  kind TEXT NOT NULL,
  action TEXT NOT NULL,
  at BIGINT NOT NULL,
  count BIGINT NOT NULL,
  first_id BIGINT NOT NULL,
  last_id BIGINT NOT NULL,
  months INTEGER NOT NULL,
  cutoff TEXT NOT NULL,
  held BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX retention_purges_kind ON retention_purges (kind, id);

-- retention.read: the schedule, holds and purges (officers, auditors, administrators);
-- retention.manage: set periods, place and lift holds (officers, administrators).
INSERT INTO role_permissions (role_id, permission)
  SELECT id, 'retention.read' FROM roles WHERE name IN ('admin', 'officer', 'auditor');
INSERT INTO role_permissions (role_id, permission)
  SELECT id, 'retention.manage' FROM roles WHERE name IN ('admin', 'officer');
