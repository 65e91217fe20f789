-- 0100: the information asset register (情報資産管理台帳) and its classification levels.
-- value and review_due are derived (max of C/I/A; last review + one year) and stored so that
-- lists can filter and sort on them with an index.

CREATE TABLE asset_classifications (
  id @ID@,
  position INTEGER NOT NULL,
  label_ja TEXT NOT NULL,
  label_en TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX asset_classifications_position ON asset_classifications (position);

INSERT INTO asset_classifications (position, label_ja, label_en, created_at, updated_at) VALUES
  (1, '機密', 'Confidential', 0, 0),
  (2, '社外秘', 'Internal', 0, 0),
  (3, '公開', 'Public', 0, 0);

CREATE TABLE assets (
  id @ID@,
  name TEXT NOT NULL,
  asset_type TEXT NOT NULL,
  department_id BIGINT REFERENCES departments (id),
  custodian TEXT NOT NULL DEFAULT '',
  location TEXT NOT NULL DEFAULT '',
  classification_id BIGINT NOT NULL REFERENCES asset_classifications (id),
  c INTEGER NOT NULL,
  i INTEGER NOT NULL,
  a INTEGER NOT NULL,
  value INTEGER NOT NULL,
  has_pinfo INTEGER NOT NULL DEFAULT 0,
  retention TEXT NOT NULL DEFAULT '',
  disposal TEXT NOT NULL DEFAULT '',
  access TEXT NOT NULL DEFAULT '',
  notes TEXT NOT NULL DEFAULT '',
  reviewed_on TEXT NOT NULL,
  reviewed_by BIGINT,
  review_due TEXT NOT NULL,
  search TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX assets_department ON assets (department_id, id);
CREATE INDEX assets_review_due ON assets (review_due, id);
CREATE INDEX assets_classification ON assets (classification_id, id);

-- Grants. registers.all_departments lifts the department scope of every register.
INSERT INTO role_permissions (role_id, permission)
  SELECT r.id, p.permission FROM roles r, (
    SELECT 'assets.read' AS permission UNION ALL SELECT 'assets.write'
    UNION ALL SELECT 'assets.configure' UNION ALL SELECT 'registers.all_departments') p
  WHERE r.name IN ('admin', 'officer');
INSERT INTO role_permissions (role_id, permission)
  SELECT r.id, p.permission FROM roles r, (
    SELECT 'assets.read' AS permission UNION ALL SELECT 'registers.all_departments') p
  WHERE r.name = 'auditor';
INSERT INTO role_permissions (role_id, permission)
  SELECT r.id, p.permission FROM roles r, (
    SELECT 'assets.read' AS permission UNION ALL SELECT 'assets.write') p
  WHERE r.name = 'manager';
INSERT INTO role_permissions (role_id, permission)
  SELECT id, 'assets.read' FROM roles WHERE name = 'employee';
INSERT INTO role_permissions (role_id, permission)
  SELECT id, 'registers.all_departments' FROM roles WHERE name = 'executive';
