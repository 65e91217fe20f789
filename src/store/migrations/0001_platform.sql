-- 0001: the platform — settings, departments, roles and permissions, users, sessions,
-- password history, recovery codes, the audit trail. Portable SQL (SQLite and PostgreSQL);
-- instants are Unix seconds (BIGINT), booleans INTEGER 0/1, dates TEXT 'YYYY-MM-DD'.

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE departments (
  id @ID@,
  name TEXT NOT NULL,
  code TEXT,
  manager_id BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX departments_name ON departments (name);

CREATE TABLE roles (
  id @ID@,
  name TEXT NOT NULL UNIQUE,
  label_ja TEXT NOT NULL,
  label_en TEXT NOT NULL,
  builtin INTEGER NOT NULL DEFAULT 0,
  privileged INTEGER NOT NULL DEFAULT 0,
  mfa_required INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE role_permissions (
  role_id BIGINT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
  permission TEXT NOT NULL,
  PRIMARY KEY (role_id, permission)
);

CREATE TABLE users (
  id @ID@,
  login TEXT NOT NULL,
  login_key TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  email TEXT,
  department_id BIGINT REFERENCES departments (id),
  manager_id BIGINT REFERENCES users (id),
  employment_type TEXT NOT NULL DEFAULT 'regular',
  purpose TEXT NOT NULL DEFAULT '',
  valid_until TEXT,
  status TEXT NOT NULL DEFAULT 'active',
  disabled_reason TEXT,
  locale TEXT NOT NULL DEFAULT 'ja',
  password_hash TEXT NOT NULL,
  must_change_password INTEGER NOT NULL DEFAULT 1,
  password_changed_at BIGINT,
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until BIGINT NOT NULL DEFAULT 0,
  mfa_enabled INTEGER NOT NULL DEFAULT 0,
  totp_secret TEXT,
  totp_pending TEXT,
  totp_last_step BIGINT NOT NULL DEFAULT 0,
  last_login_at BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX users_department ON users (department_id);
CREATE INDEX users_status ON users (status);

CREATE TABLE user_roles (
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role_id BIGINT NOT NULL REFERENCES roles (id),
  PRIMARY KEY (user_id, role_id)
);
CREATE INDEX user_roles_role ON user_roles (role_id);

CREATE TABLE password_history (
  id @ID@,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  password_hash TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX password_history_user ON password_history (user_id);

CREATE TABLE recovery_codes (
  id @ID@,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  code_hash TEXT NOT NULL,
  used_at BIGINT
);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id);

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  ip TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE audit_events (
  seq BIGINT PRIMARY KEY,
  at BIGINT NOT NULL,
  actor_id BIGINT NOT NULL DEFAULT 0,
  actor_login TEXT NOT NULL DEFAULT '',
  ip TEXT NOT NULL DEFAULT '',
  action TEXT NOT NULL,
  object_type TEXT NOT NULL DEFAULT '',
  object_id BIGINT NOT NULL DEFAULT 0,
  summary TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_events_actor ON audit_events (actor_id, seq);
CREATE INDEX audit_events_actor_login ON audit_events (actor_login, seq);
CREATE INDEX audit_events_action ON audit_events (action, seq);
CREATE INDEX audit_events_object ON audit_events (object_type, object_id, seq);
CREATE INDEX audit_events_at ON audit_events (at);

-- Built-in roles (editable; admin keeps every permission).
INSERT INTO roles (name, label_ja, label_en, builtin, privileged, mfa_required, created_at, updated_at) VALUES
  ('admin', 'システム管理者', 'System administrator', 1, 1, 1, 0, 0),
  ('officer', '個人情報保護管理者・ISMS事務局', 'Privacy officer / security office', 1, 1, 1, 0, 0),
  ('auditor', '内部監査員', 'Internal auditor', 1, 1, 1, 0, 0),
  ('manager', '部門責任者', 'Department manager', 1, 0, 0, 0, 0),
  ('employee', '従業者', 'Employee', 1, 0, 0, 0, 0),
  ('executive', '経営層', 'Top management', 1, 0, 0, 0, 0);

-- Default grants. Later modules add their permissions in their own migrations.
INSERT INTO role_permissions (role_id, permission)
  SELECT r.id, p.permission FROM roles r, (
    SELECT 'users.read' AS permission UNION ALL SELECT 'users.write'
    UNION ALL SELECT 'departments.read' UNION ALL SELECT 'departments.write'
    UNION ALL SELECT 'roles.read' UNION ALL SELECT 'roles.write'
    UNION ALL SELECT 'audit.read' UNION ALL SELECT 'audit.export'
    UNION ALL SELECT 'settings.read' UNION ALL SELECT 'settings.write') p
  WHERE r.name = 'admin';
INSERT INTO role_permissions (role_id, permission)
  SELECT r.id, p.permission FROM roles r, (
    SELECT 'users.read' AS permission UNION ALL SELECT 'departments.read'
    UNION ALL SELECT 'departments.write' UNION ALL SELECT 'roles.read'
    UNION ALL SELECT 'settings.read') p
  WHERE r.name = 'officer';
INSERT INTO role_permissions (role_id, permission)
  SELECT r.id, p.permission FROM roles r, (
    SELECT 'users.read' AS permission UNION ALL SELECT 'departments.read'
    UNION ALL SELECT 'roles.read' UNION ALL SELECT 'audit.read'
    UNION ALL SELECT 'audit.export') p
  WHERE r.name = 'auditor';
INSERT INTO role_permissions (role_id, permission)
  SELECT r.id, p.permission FROM roles r, (
    SELECT 'users.read' AS permission UNION ALL SELECT 'departments.read') p
  WHERE r.name = 'manager';
INSERT INTO role_permissions (role_id, permission)
  SELECT id, 'departments.read' FROM roles WHERE name IN ('employee', 'executive');
