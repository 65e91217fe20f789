-- 0200: corrective and preventive actions (是正処置・予防処置): one list fed by incidents,
-- internal-audit findings, checklists and management reviews; their history.

CREATE TABLE actions (
  id @ID@,
  source_type TEXT NOT NULL,
  source_id BIGINT,
  source_title TEXT,
  kind TEXT NOT NULL DEFAULT 'corrective',
  title TEXT NOT NULL,
  cause TEXT NOT NULL DEFAULT '',
  plan TEXT NOT NULL DEFAULT '',
  owner_id BIGINT NOT NULL REFERENCES users (id),
  due_on TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'open',
  result TEXT,
  completed_at BIGINT,
  effectiveness_due TEXT,
  effectiveness TEXT,
  effectiveness_note TEXT,
  checked_by BIGINT REFERENCES users (id),
  checked_at BIGINT,
  created_by BIGINT REFERENCES users (id),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX actions_source ON actions (source_type, source_id);
CREATE INDEX actions_owner ON actions (owner_id, status);
CREATE INDEX actions_status ON actions (status, due_on);

CREATE TABLE action_events (
  id @ID@,
  action_id BIGINT NOT NULL REFERENCES actions (id),
  at BIGINT NOT NULL,
  actor_id BIGINT,
  kind TEXT NOT NULL,
  from_status TEXT,
  to_status TEXT,
  note TEXT
);
CREATE INDEX action_events_action ON action_events (action_id, id);

-- actions.work: see and progress the actions you own (everyone); actions.read: every action;
-- actions.write: open, assign, edit, cancel and check effectiveness.
INSERT INTO role_permissions (role_id, permission)
  SELECT id, 'actions.work' FROM roles
  WHERE name IN ('admin', 'officer', 'auditor', 'manager', 'employee', 'executive');
INSERT INTO role_permissions (role_id, permission)
  SELECT id, 'actions.read' FROM roles WHERE name IN ('admin', 'officer', 'auditor', 'executive');
INSERT INTO role_permissions (role_id, permission)
  SELECT id, 'actions.write' FROM roles WHERE name IN ('admin', 'officer');
