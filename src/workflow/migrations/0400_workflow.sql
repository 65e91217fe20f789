-- 0400: the workflow engine — one timeline for every workflow record, approvals with their
-- steps and delegations, department deputies, campaigns and their items, and the targets
-- (population) that training assignments and campaigns share.

-- One timeline for every record that moves through states (replaces incident_events and
-- action_events; their rows move here unchanged).
CREATE TABLE timeline_events (
  id @ID@,
  record_type TEXT NOT NULL,
  record_id BIGINT NOT NULL,
  at BIGINT NOT NULL,
  actor_id BIGINT,
  kind TEXT NOT NULL,
  from_status TEXT,
  to_status TEXT,
  internal INTEGER NOT NULL DEFAULT 0,
  body TEXT,
  data TEXT
);
CREATE INDEX timeline_events_record ON timeline_events (record_type, record_id, id);

INSERT INTO timeline_events (record_type, record_id, at, actor_id, kind, from_status,
  to_status, internal, body, data)
  SELECT 'incident', incident_id, at, actor_id, kind, from_status, to_status, internal, body,
    data FROM incident_events ORDER BY id;
INSERT INTO timeline_events (record_type, record_id, at, actor_id, kind, from_status,
  to_status, internal, body, data)
  SELECT 'action', action_id, at, actor_id, kind, from_status, to_status, 0, note, NULL
    FROM action_events ORDER BY id;
DROP TABLE incident_events;
DROP TABLE action_events;

-- A department may name a deputy (代理) who stands in for its manager on approvals.
ALTER TABLE departments ADD COLUMN deputy_id BIGINT REFERENCES users (id);

CREATE TABLE approvals (
  id @ID@,
  record_type TEXT NOT NULL,
  record_id BIGINT NOT NULL,
  title TEXT NOT NULL,
  requester_id BIGINT NOT NULL REFERENCES users (id),
  status TEXT NOT NULL DEFAULT 'pending',
  current_step INTEGER NOT NULL DEFAULT 1,
  due_on TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  decided_at BIGINT,
  version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX approvals_record ON approvals (record_type, record_id, id);
CREATE INDEX approvals_requester ON approvals (requester_id, id);
CREATE INDEX approvals_status ON approvals (status, id);

-- kind: manager | user | permission; status: waiting → pending → approved | rejected |
-- sent_back, or skipped when the approval ended before reaching it.
CREATE TABLE approval_steps (
  id @ID@,
  approval_id BIGINT NOT NULL REFERENCES approvals (id),
  position INTEGER NOT NULL,
  kind TEXT NOT NULL,
  permission TEXT,
  approver_id BIGINT REFERENCES users (id),
  status TEXT NOT NULL DEFAULT 'waiting',
  activated_at BIGINT,
  decided_by BIGINT REFERENCES users (id),
  on_behalf_of BIGINT REFERENCES users (id),
  decided_at BIGINT,
  comment TEXT,
  escalated_from BIGINT REFERENCES users (id),
  escalated_at BIGINT
);
CREATE UNIQUE INDEX approval_steps_position ON approval_steps (approval_id, position);
CREATE INDEX approval_steps_approver ON approval_steps (approver_id, status);

-- While `user_id` is away (starts_on..ends_on), `delegate_id` may decide their approvals.
CREATE TABLE delegations (
  id @ID@,
  user_id BIGINT NOT NULL REFERENCES users (id),
  delegate_id BIGINT NOT NULL REFERENCES users (id),
  starts_on TEXT NOT NULL,
  ends_on TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  created_by BIGINT,
  created_at BIGINT NOT NULL,
  revoked_at BIGINT
);
CREATE INDEX delegations_delegate ON delegations (delegate_id, ends_on);
CREATE INDEX delegations_user ON delegations (user_id, ends_on);

-- Who a duty is for (see src/workflow/population.h); training assignments' targets move here.
CREATE TABLE population_targets (
  owner_type TEXT NOT NULL,
  owner_id BIGINT NOT NULL,
  kind TEXT NOT NULL,
  ref_id BIGINT,
  ref_text TEXT
);
CREATE INDEX population_targets_owner ON population_targets (owner_type, owner_id);
INSERT INTO population_targets (owner_type, owner_id, kind, ref_id, ref_text)
  SELECT 'training_assignment', assignment_id, kind, ref_id, ref_text
    FROM training_assignment_targets;
DROP TABLE training_assignment_targets;

-- A campaign: a duty a population does by a date, once or every month or year.
CREATE TABLE campaigns (
  id @ID@,
  kind TEXT NOT NULL,
  title TEXT NOT NULL,
  ref_id BIGINT,
  starts_on TEXT NOT NULL,
  due_on TEXT NOT NULL,
  recurrence TEXT NOT NULL DEFAULT 'once',
  status TEXT NOT NULL DEFAULT 'running',
  cycle_start TEXT,
  cycle_due TEXT,
  created_by BIGINT REFERENCES users (id),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  closed_at BIGINT,
  closed_by BIGINT REFERENCES users (id),
  version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX campaigns_kind ON campaigns (kind, id);

-- One item per subject and cycle: `user_id` acts on it (the subject themselves, or e.g. their
-- manager in an access review); department_id is the subject's department when it was made.
CREATE TABLE campaign_items (
  id @ID@,
  campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
  cycle_start TEXT NOT NULL,
  user_id BIGINT NOT NULL REFERENCES users (id),
  subject_id BIGINT NOT NULL REFERENCES users (id),
  department_id BIGINT,
  status TEXT NOT NULL DEFAULT 'pending',
  due_on TEXT NOT NULL,
  answer TEXT,
  done_at BIGINT,
  done_by BIGINT REFERENCES users (id),
  escalated_from BIGINT REFERENCES users (id),
  escalated_at BIGINT,
  created_at BIGINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX campaign_items_one ON campaign_items (campaign_id, cycle_start, subject_id);
CREATE INDEX campaign_items_user ON campaign_items (user_id, status, due_on);
CREATE INDEX campaign_items_campaign ON campaign_items (campaign_id, cycle_start, department_id);

-- approvals.use: ask for approval and decide what waits for you (everyone); campaigns.take:
-- answer your campaign items and see their campaigns (everyone); approvals.manage: see every
-- approval, decide those nobody else can and hand a step to someone else; campaigns.manage:
-- start and close campaigns; campaigns.read: every campaign's progress.
INSERT INTO role_permissions (role_id, permission)
  SELECT r.id, p.permission FROM roles r, (
    SELECT 'approvals.use' AS permission UNION ALL SELECT 'campaigns.take') p
  WHERE r.name IN ('admin', 'officer', 'auditor', 'manager', 'employee', 'executive');
INSERT INTO role_permissions (role_id, permission)
  SELECT r.id, p.permission FROM roles r, (
    SELECT 'approvals.manage' AS permission UNION ALL SELECT 'campaigns.manage'
    UNION ALL SELECT 'campaigns.read') p
  WHERE r.name IN ('admin', 'officer');
INSERT INTO role_permissions (role_id, permission)
  SELECT r.id, 'campaigns.read' FROM roles r WHERE r.name IN ('auditor', 'executive');
