-- 0621: policies and pledges (方針・規程・誓約書) — documents with versions approved through
-- the workflow engine (drafter → privacy officer → top management) and an effective date,
-- and the acknowledgements (誓約) people give, each confirmed with their own password.

-- A document: basic policy, privacy policy, standards, procedures, internal rules, pledges.
-- `code` names a document loaded from content/policies so that an import finds it again.
-- A pledge (category 'pledge') may be asked of new accounts (on_hire, from on_hire_since)
-- and of people leaving (on_exit).
CREATE TABLE policies (
  id @ID@,
  code TEXT UNIQUE,
  category TEXT NOT NULL,
  title_ja TEXT NOT NULL,
  title_en TEXT NOT NULL DEFAULT '',
  on_hire INTEGER NOT NULL DEFAULT 0,
  on_hire_since BIGINT,
  on_exit INTEGER NOT NULL DEFAULT 0,
  hire_due_days INTEGER NOT NULL DEFAULT 7,
  published_version_id BIGINT,
  created_by BIGINT REFERENCES users (id),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1
);

-- A version: Markdown in Japanese and English, or an attached PDF (stored by content hash in
-- the data folder's files/, never in a served folder). status: draft → submitted → approved →
-- published → superseded; submitted → sent_back (→ submitted again) or rejected; draft →
-- discarded.
CREATE TABLE policy_versions (
  id @ID@,
  policy_id BIGINT NOT NULL REFERENCES policies (id),
  number INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'draft',
  format TEXT NOT NULL DEFAULT 'markdown',
  body_ja TEXT NOT NULL DEFAULT '',
  body_en TEXT NOT NULL DEFAULT '',
  file_hash TEXT,
  file_name TEXT,
  file_size BIGINT,
  change_note TEXT NOT NULL DEFAULT '',
  effective_on TEXT,
  drafted_by BIGINT REFERENCES users (id),
  submitted_by BIGINT REFERENCES users (id),
  submitted_at BIGINT,
  approved_at BIGINT,
  published_at BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX policy_versions_number ON policy_versions (policy_id, number);
CREATE INDEX policy_versions_status ON policy_versions (status, effective_on);

-- One acknowledgement (誓約): who signed which version, when, on which occasion, confirmed with
-- their password. The person's name, department and employment type are kept as they were,
-- and body_hash (BLAKE2b-256 of the text shown) proves which words were acknowledged.
CREATE TABLE pledge_acknowledgements (
  id @ID@,
  policy_id BIGINT NOT NULL REFERENCES policies (id),
  policy_version_id BIGINT NOT NULL REFERENCES policy_versions (id),
  user_id BIGINT NOT NULL REFERENCES users (id),
  campaign_item_id BIGINT REFERENCES campaign_items (id),
  occasion TEXT NOT NULL,
  user_name TEXT NOT NULL,
  department_id BIGINT,
  department_name TEXT,
  employment_type TEXT NOT NULL,
  body_hash TEXT NOT NULL,
  ip TEXT NOT NULL DEFAULT '',
  acknowledged_at BIGINT NOT NULL
);
CREATE INDEX pledge_acknowledgements_user ON pledge_acknowledgements (user_id, policy_id);
CREATE INDEX pledge_acknowledgements_version ON pledge_acknowledgements (policy_version_id);

-- policies.read: the published documents (everyone); policies.manage: draft and submit
-- versions, attach files (officers); policies.approve: the top-management step of a version's
-- approval (executives; the administrator keeps every permission, as with every module, so
-- that they can hand out every role). pledges.manage: pledge campaigns and exit requests (officers);
-- pledges.read: who has and has not signed (officers, auditors, top management).
INSERT INTO role_permissions (role_id, permission)
  SELECT id, 'policies.read' FROM roles
  WHERE name IN ('admin', 'officer', 'auditor', 'manager', 'employee', 'executive');
INSERT INTO role_permissions (role_id, permission)
  SELECT id, 'policies.manage' FROM roles WHERE name IN ('admin', 'officer');
INSERT INTO role_permissions (role_id, permission)
  SELECT id, 'policies.approve' FROM roles WHERE name IN ('admin', 'executive');
INSERT INTO role_permissions (role_id, permission)
  SELECT id, 'pledges.manage' FROM roles WHERE name IN ('admin', 'officer');
INSERT INTO role_permissions (role_id, permission)
  SELECT id, 'pledges.read' FROM roles WHERE name IN ('admin', 'officer', 'auditor', 'executive');
