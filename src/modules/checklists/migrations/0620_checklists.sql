-- 0620: checklists (点検) — templates of yes / no / not-applicable items with guidance, their
-- published versions (a campaign keeps the version it used), and the answers people give in
-- checklist campaigns (the workflow engine's campaigns of kind "checklist"), one row per
-- answered item so conformance can be counted per item, department and cycle.

-- The editable template. `content` is the draft as JSON:
--   {"sections": [{"title": {"ja","en"}, "items": [{"key", "statement": {"ja","en"},
--     "why": {"ja","en"}, "fix": {"ja","en"}}]}]}
-- `code` names a template loaded from content/checklists so that an import updates it.
CREATE TABLE checklist_templates (
  id @ID@,
  code TEXT UNIQUE,
  title_ja TEXT NOT NULL,
  title_en TEXT NOT NULL DEFAULT '',
  description_ja TEXT NOT NULL DEFAULT '',
  description_en TEXT NOT NULL DEFAULT '',
  content TEXT NOT NULL DEFAULT '{"sections":[]}',
  archived INTEGER NOT NULL DEFAULT 0,
  draft_dirty INTEGER NOT NULL DEFAULT 1,
  current_version_id BIGINT,
  created_by BIGINT REFERENCES users (id),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1
);

-- A published version: titles and a frozen copy of the content. Never changes.
CREATE TABLE checklist_versions (
  id @ID@,
  template_id BIGINT NOT NULL REFERENCES checklist_templates (id),
  number INTEGER NOT NULL,
  title_ja TEXT NOT NULL,
  title_en TEXT NOT NULL DEFAULT '',
  content TEXT NOT NULL,
  item_count INTEGER NOT NULL,
  published_by BIGINT REFERENCES users (id),
  published_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX checklist_versions_number ON checklist_versions (template_id, number);

-- One answered item of a finished campaign item (a person's checklist for one cycle).
-- department_id is the person's department when the item was made; action_id the corrective
-- action opened from a "no" (the action names this row as its source, so the link goes both
-- ways).
CREATE TABLE checklist_answers (
  id @ID@,
  campaign_item_id BIGINT NOT NULL REFERENCES campaign_items (id),
  campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
  version_id BIGINT NOT NULL REFERENCES checklist_versions (id),
  cycle_start TEXT NOT NULL,
  user_id BIGINT NOT NULL REFERENCES users (id),
  department_id BIGINT,
  item_key TEXT NOT NULL,
  position INTEGER NOT NULL,
  answer TEXT NOT NULL,
  comment TEXT NOT NULL DEFAULT '',
  action_id BIGINT REFERENCES actions (id),
  answered_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX checklist_answers_one ON checklist_answers (campaign_item_id, item_key);
CREATE INDEX checklist_answers_campaign ON checklist_answers (campaign_id, cycle_start,
  department_id);

-- checklists.manage: templates and campaigns (officers); checklists.read: every department's
-- answers and conformance (officers, auditors, top management). Department managers see their
-- own department's answers through the department they manage; everyone answers their own.
INSERT INTO role_permissions (role_id, permission)
  SELECT id, 'checklists.manage' FROM roles WHERE name IN ('admin', 'officer');
INSERT INTO role_permissions (role_id, permission)
  SELECT id, 'checklists.read' FROM roles WHERE name IN ('admin', 'officer', 'auditor', 'executive');
