-- 0110: the personal information register (個人情報管理台帳, JIS Q 15001 A.3.3.1), with the
-- lifecycle risk analysis of each entry (five stages, each with its risks and controls) and
-- the information assets the entry lives in.

CREATE TABLE pinfo (
  id @ID@,
  name TEXT NOT NULL,
  department_id BIGINT REFERENCES departments (id),
  items TEXT NOT NULL,
  purpose TEXT NOT NULL,
  storage_location TEXT NOT NULL,
  storage_method TEXT NOT NULL,
  access TEXT NOT NULL,
  use_until TEXT NOT NULL,
  retention_until TEXT NOT NULL,
  record_count BIGINT,
  subjects TEXT NOT NULL DEFAULT '',
  sensitive INTEGER NOT NULL DEFAULT 0,
  acquisition TEXT NOT NULL DEFAULT '',
  direct_written INTEGER NOT NULL DEFAULT 0,
  purpose_notice TEXT NOT NULL DEFAULT '',
  consent TEXT NOT NULL DEFAULT '',
  third_party TEXT NOT NULL DEFAULT '',
  contractor TEXT NOT NULL DEFAULT '',
  disposal TEXT NOT NULL DEFAULT '',
  notes TEXT NOT NULL DEFAULT '',
  lc_acquire_risks TEXT NOT NULL DEFAULT '',
  lc_acquire_controls TEXT NOT NULL DEFAULT '',
  lc_transfer_risks TEXT NOT NULL DEFAULT '',
  lc_transfer_controls TEXT NOT NULL DEFAULT '',
  lc_use_risks TEXT NOT NULL DEFAULT '',
  lc_use_controls TEXT NOT NULL DEFAULT '',
  lc_store_risks TEXT NOT NULL DEFAULT '',
  lc_store_controls TEXT NOT NULL DEFAULT '',
  lc_dispose_risks TEXT NOT NULL DEFAULT '',
  lc_dispose_controls TEXT NOT NULL DEFAULT '',
  reviewed_on TEXT NOT NULL,
  reviewed_by BIGINT,
  review_due TEXT NOT NULL,
  search TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX pinfo_department ON pinfo (department_id, id);
CREATE INDEX pinfo_review_due ON pinfo (review_due, id);

CREATE TABLE pinfo_assets (
  pinfo_id BIGINT NOT NULL REFERENCES pinfo (id) ON DELETE CASCADE,
  asset_id BIGINT NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
  PRIMARY KEY (pinfo_id, asset_id)
);
CREATE INDEX pinfo_assets_asset ON pinfo_assets (asset_id);

INSERT INTO role_permissions (role_id, permission)
  SELECT r.id, p.permission FROM roles r, (
    SELECT 'pinfo.read' AS permission UNION ALL SELECT 'pinfo.write') p
  WHERE r.name IN ('admin', 'officer', 'manager');
INSERT INTO role_permissions (role_id, permission)
  SELECT id, 'pinfo.read' FROM roles WHERE name IN ('auditor', 'employee');
