-- 0521: versions of the Statement of Applicability (適用宣言書の版) and their approval.
-- A version is the working copy frozen as JSON (every control with its applicability, reason,
-- status, evidence and who changed it last), numbered from 1, pending until approved or
-- rejected. The approval is recorded here: who decided, when, with what note.

CREATE TABLE soa_versions (
  id @ID@,
  number BIGINT NOT NULL UNIQUE,
  note TEXT NOT NULL DEFAULT '',
  controls TEXT NOT NULL,
  applicable_count INTEGER NOT NULL,
  excluded_count INTEGER NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending',
  created_by BIGINT,
  created_at BIGINT NOT NULL,
  decided_by BIGINT,
  decided_at BIGINT,
  decision_note TEXT NOT NULL DEFAULT '',
  updated_at BIGINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX soa_versions_state ON soa_versions (state, number);

INSERT INTO role_permissions (role_id, permission)
  SELECT id, 'soa.approve' FROM roles WHERE name IN ('admin', 'officer');
