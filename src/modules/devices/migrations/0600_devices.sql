-- 0600: devices and media — the device register (端末管理台帳) and its posture settings, loans
-- of devices (貸出) and requests to use removable media (外部記憶媒体の利用申請).

-- status: in_use (held by holder_id), in_stock, on_loan (set by a loan's hand-over), lost,
-- disposed (set by the disposal, with its facts). Dates are 'YYYY-MM-DD'; screen_lock_minutes
-- NULL means not recorded.
CREATE TABLE devices (
  id @ID@,
  asset_tag TEXT NOT NULL,
  kind TEXT NOT NULL,
  model TEXT NOT NULL DEFAULT '',
  serial TEXT NOT NULL DEFAULT '',
  department_id BIGINT REFERENCES departments (id),
  holder_id BIGINT REFERENCES users (id),
  status TEXT NOT NULL DEFAULT 'in_stock',
  os TEXT NOT NULL DEFAULT '',
  os_version TEXT NOT NULL DEFAULT '',
  patched_on TEXT,
  antivirus TEXT NOT NULL DEFAULT '',
  definitions_on TEXT,
  disk_encrypted INTEGER NOT NULL DEFAULT 0,
  bios_password INTEGER NOT NULL DEFAULT 0,
  screen_lock_minutes INTEGER,
  p2p_present INTEGER NOT NULL DEFAULT 0,
  wire_lock INTEGER NOT NULL DEFAULT 0,
  portable INTEGER NOT NULL DEFAULT 1,
  asset_id BIGINT REFERENCES assets (id),
  notes TEXT NOT NULL DEFAULT '',
  disposal_method TEXT,
  disposal_certificate TEXT,
  disposed_by TEXT,
  disposed_on TEXT,
  disposal_witness TEXT,
  disposal_note TEXT,
  disposal_recorded_by BIGINT REFERENCES users (id),
  search TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX devices_asset_tag ON devices (asset_tag);
CREATE INDEX devices_holder ON devices (holder_id, id);
CREATE INDEX devices_department ON devices (department_id, id);
CREATE INDEX devices_kind ON devices (kind, status, id);

-- One row: how old antivirus definitions and patches may be before a device is flagged.
CREATE TABLE device_settings (
  id INTEGER PRIMARY KEY,
  definitions_max_days INTEGER NOT NULL DEFAULT 7,
  patch_max_days INTEGER NOT NULL DEFAULT 30,
  updated_at BIGINT NOT NULL DEFAULT 0,
  version BIGINT NOT NULL DEFAULT 1
);
INSERT INTO device_settings (id, definitions_max_days, patch_max_days, updated_at, version)
  VALUES (1, 7, 30, 0, 1);

-- A loan: submitted → approved (the borrower's manager, through approvals) → lent (hand-over
-- with the security state) → returned (the checklist). Also rejected, sent_back, withdrawn,
-- cancelled. department_id is the borrower's department when asked; contact is sealed.
CREATE TABLE loans (
  id @ID@,
  borrower_id BIGINT NOT NULL REFERENCES users (id),
  department_id BIGINT REFERENCES departments (id),
  device_id BIGINT REFERENCES devices (id),
  device_kind TEXT NOT NULL,
  duty TEXT NOT NULL,
  contact TEXT NOT NULL DEFAULT '',
  starts_on TEXT NOT NULL,
  due_on TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'submitted',
  requested_by BIGINT REFERENCES users (id),
  lent_at BIGINT,
  lent_by BIGINT REFERENCES users (id),
  lent_encrypted INTEGER,
  lent_definitions_on TEXT,
  lent_software_ok INTEGER,
  lent_note TEXT,
  returned_at BIGINT,
  returned_by BIGINT REFERENCES users (id),
  return_data_erased INTEGER,
  return_virus_scanned INTEGER,
  return_software_ok INTEGER,
  return_condition TEXT,
  return_note TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX loans_borrower ON loans (borrower_id, id);
CREATE INDEX loans_department ON loans (department_id, id);
CREATE INDEX loans_device ON loans (device_id, id);
CREATE INDEX loans_status ON loans (status, due_on);
-- A device is out on one loan at a time.
CREATE UNIQUE INDEX loans_device_out ON loans (device_id) WHERE status = 'lent';

-- A request to use a registered medium: submitted → approved (manager, and the privacy
-- officer when privacy_review) → finished (by the requester) or expired (by the job).
CREATE TABLE media_requests (
  id @ID@,
  requester_id BIGINT NOT NULL REFERENCES users (id),
  department_id BIGINT REFERENCES departments (id),
  device_id BIGINT NOT NULL REFERENCES devices (id),
  purpose TEXT NOT NULL,
  data_description TEXT NOT NULL,
  classification_id BIGINT NOT NULL REFERENCES asset_classifications (id),
  personal_info INTEGER NOT NULL DEFAULT 0,
  encrypted INTEGER NOT NULL DEFAULT 0,
  password_protected INTEGER NOT NULL DEFAULT 0,
  starts_on TEXT NOT NULL,
  ends_on TEXT NOT NULL,
  privacy_review INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL DEFAULT 'submitted',
  finished_at BIGINT,
  finish_note TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX media_requests_requester ON media_requests (requester_id, id);
CREATE INDEX media_requests_department ON media_requests (department_id, id);
CREATE INDEX media_requests_device ON media_requests (device_id, id);
CREATE INDEX media_requests_status ON media_requests (status, ends_on);

-- devices.read: the register within one's scope (everyone); devices.write: keep the register,
-- dispose, import, settings; loans.request / media.request: ask for a loan or a medium
-- (everyone); loans.lend: hand devices over and take them back, see every loan;
-- media.privacy: the privacy officer's approval of personal information on media.
INSERT INTO role_permissions (role_id, permission)
  SELECT r.id, p.permission FROM roles r, (
    SELECT 'devices.read' AS permission UNION ALL SELECT 'loans.request'
    UNION ALL SELECT 'media.request') p
  WHERE r.name IN ('admin', 'officer', 'auditor', 'manager', 'employee', 'executive');
INSERT INTO role_permissions (role_id, permission)
  SELECT r.id, p.permission FROM roles r, (
    SELECT 'devices.write' AS permission UNION ALL SELECT 'loans.lend'
    UNION ALL SELECT 'media.privacy') p
  WHERE r.name IN ('admin', 'officer');
