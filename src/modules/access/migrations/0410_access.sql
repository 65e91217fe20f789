-- 0410: access — account requests (アカウント申請), access reviews (権限棚卸, a campaign kind)
-- and offboarding (退職・契約終了の手続き).

-- A manager asks for an account to be created, changed (department, manager, roles, end
-- date), ended on a date, or removed; the requester's manager approves; an administrator
-- carries it out, and the account records which request made it.
CREATE TABLE account_requests (
  id @ID@,
  kind TEXT NOT NULL,
  requester_id BIGINT NOT NULL REFERENCES users (id),
  target_user_id BIGINT REFERENCES users (id),
  login TEXT,
  name TEXT,
  email TEXT,
  department_id BIGINT REFERENCES departments (id),
  manager_id BIGINT REFERENCES users (id),
  employment_type TEXT,
  roles TEXT,
  valid_until TEXT,
  purpose TEXT NOT NULL DEFAULT '',
  reason TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'draft',
  done_by BIGINT REFERENCES users (id),
  done_at BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX account_requests_requester ON account_requests (requester_id, id);
CREATE INDEX account_requests_status ON account_requests (status, id);
ALTER TABLE users ADD COLUMN account_request_id BIGINT;

-- When someone leaves (their end date passed, or they were disabled), their manager works
-- through a short list; the later modules (devices, media, pledges) tick their items.
CREATE TABLE offboardings (
  id @ID@,
  user_id BIGINT NOT NULL REFERENCES users (id),
  manager_id BIGINT REFERENCES users (id),
  leaving_on TEXT NOT NULL,
  reason TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'open',
  items TEXT NOT NULL DEFAULT '{}',
  note TEXT NOT NULL DEFAULT '',
  done_by BIGINT REFERENCES users (id),
  done_at BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX offboardings_user ON offboardings (user_id);
CREATE INDEX offboardings_manager ON offboardings (manager_id, status);

-- account_requests.create: managers ask for accounts for their people; users.write carries
-- requests out; access reviews are started by campaigns.manage.
INSERT INTO role_permissions (role_id, permission)
  SELECT r.id, 'account_requests.create' FROM roles r WHERE r.name IN ('admin', 'officer', 'manager');
INSERT INTO role_permissions (role_id, permission)
  SELECT r.id, 'account_requests.read' FROM roles r WHERE r.name IN ('admin', 'officer', 'auditor');
INSERT INTO role_permissions (role_id, permission)
  SELECT r.id, 'offboarding.work' FROM roles r WHERE r.name IN ('admin', 'officer', 'manager');
INSERT INTO role_permissions (role_id, permission)
  SELECT r.id, 'offboarding.manage' FROM roles r WHERE r.name IN ('admin', 'officer');
