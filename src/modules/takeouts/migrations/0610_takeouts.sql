-- 0610: take-out requests (持ち出し申請) and their items — the take-out ledger (持ち出し管理台帳).
-- A request names what leaves (items from the registers, devices, paper, free text), why,
-- where to, for which period, the protections taken, and the colleague who checks the return
-- (checker_id, never the requester). Items keep the facts they were approved with (label,
-- classification, personal data) even when the register entry later changes or goes; the
-- register ids are kept without foreign keys for that reason. state: pending (not left yet),
-- out, back, missing; a missing item links to the incident it opened.

CREATE TABLE takeouts (
  id @ID@,
  requester_id BIGINT NOT NULL REFERENCES users (id),
  department_id BIGINT REFERENCES departments (id),
  checker_id BIGINT NOT NULL REFERENCES users (id),
  purpose TEXT NOT NULL,
  destination TEXT NOT NULL,
  leave_on TEXT NOT NULL,
  return_on TEXT NOT NULL,
  repeating INTEGER NOT NULL DEFAULT 0,
  p_encrypted INTEGER NOT NULL DEFAULT 0,
  p_password INTEGER NOT NULL DEFAULT 0,
  p_copy INTEGER NOT NULL DEFAULT 0,
  p_minimum INTEGER NOT NULL DEFAULT 0,
  p_by_hand INTEGER NOT NULL DEFAULT 0,
  officer_needed INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL DEFAULT 'submitted',
  trip INTEGER NOT NULL DEFAULT 0,
  back_on TEXT,
  left_at BIGINT,
  returned_at BIGINT,
  checked_by BIGINT REFERENCES users (id),
  checked_at BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX takeouts_requester ON takeouts (requester_id, id);
CREATE INDEX takeouts_checker ON takeouts (checker_id, id);
CREATE INDEX takeouts_department ON takeouts (department_id, id);
CREATE INDEX takeouts_status ON takeouts (status, back_on);

CREATE TABLE takeout_items (
  id @ID@,
  takeout_id BIGINT NOT NULL REFERENCES takeouts (id),
  position INTEGER NOT NULL,
  kind TEXT NOT NULL,
  asset_id BIGINT,
  pinfo_id BIGINT,
  asset_tag TEXT NOT NULL DEFAULT '',
  label TEXT NOT NULL,
  electronic INTEGER NOT NULL DEFAULT 1,
  classification_id BIGINT,
  class_label TEXT NOT NULL DEFAULT '',
  class_label_en TEXT NOT NULL DEFAULT '',
  class_position INTEGER,
  highest INTEGER NOT NULL DEFAULT 0,
  lowest INTEGER NOT NULL DEFAULT 0,
  has_pinfo INTEGER NOT NULL DEFAULT 0,
  sensitive INTEGER NOT NULL DEFAULT 0,
  state TEXT NOT NULL DEFAULT 'pending',
  back_at BIGINT,
  back_by BIGINT REFERENCES users (id),
  missing_at BIGINT,
  missing_by BIGINT REFERENCES users (id),
  missing_note TEXT NOT NULL DEFAULT '',
  incident_id BIGINT REFERENCES incidents (id)
);
CREATE UNIQUE INDEX takeout_items_position ON takeout_items (takeout_id, position);
CREATE INDEX takeout_items_class ON takeout_items (classification_id, takeout_id);
CREATE INDEX takeout_items_incident ON takeout_items (incident_id);

-- takeouts.request: ask for take-outs and follow your own (everyone); takeouts.read: the whole
-- ledger; takeouts.manage: the privacy officer's approval step, standing in as the second
-- person, every take-out.
INSERT INTO role_permissions (role_id, permission)
  SELECT id, 'takeouts.request' FROM roles
  WHERE name IN ('admin', 'officer', 'auditor', 'manager', 'employee', 'executive');
INSERT INTO role_permissions (role_id, permission)
  SELECT id, 'takeouts.read' FROM roles WHERE name IN ('admin', 'officer', 'auditor', 'executive');
INSERT INTO role_permissions (role_id, permission)
  SELECT id, 'takeouts.manage' FROM roles WHERE name IN ('admin', 'officer');
