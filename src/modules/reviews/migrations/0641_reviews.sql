-- 0641: management review (マネジメントレビュー) — the act of PDCA: top management looks at
-- what the modules record for a period (the inputs ISO/IEC 27001 9.3 and JIS Q 15001 9.3 ask
-- for, gathered live), records decisions and instructions (each can become a corrective
-- action), and approves the review through the workflow engine. The figures are frozen when
-- the review is sent for approval and kept as they were once it is approved.
--
-- status: draft → submitted → approved; submitted → sent_back (→ submitted again) or
-- rejected (→ draft). figures: the inputs as JSON, set on submission (NULL while draft).
CREATE TABLE management_reviews (
  id @ID@,
  title TEXT NOT NULL,
  period_from TEXT NOT NULL,
  period_to TEXT NOT NULL,
  held_on TEXT,
  attendees TEXT NOT NULL DEFAULT '',
  context_changes TEXT NOT NULL DEFAULT '',
  other_inputs TEXT NOT NULL DEFAULT '',
  summary TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'draft',
  figures TEXT,
  frozen_at BIGINT,
  submitted_by BIGINT REFERENCES users (id),
  approved_at BIGINT,
  created_by BIGINT REFERENCES users (id),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX management_reviews_period ON management_reviews (period_to, id);

-- Top management's outputs: decisions, instructions, improvements, resources. A decision may
-- open a corrective action (action_id; the action names the review as its source).
CREATE TABLE review_decisions (
  id @ID@,
  review_id BIGINT NOT NULL REFERENCES management_reviews (id),
  position INTEGER NOT NULL,
  kind TEXT NOT NULL,
  body TEXT NOT NULL,
  owner_id BIGINT REFERENCES users (id),
  due_on TEXT,
  action_id BIGINT REFERENCES actions (id),
  created_by BIGINT REFERENCES users (id),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX review_decisions_review ON review_decisions (review_id, position);

-- reviews.read: reviews and the dashboard (officers, auditors, top management);
-- reviews.write: prepare a review and send it for approval (officers);
-- reviews.decide: record decisions and instructions (top management, officers as secretary);
-- reviews.approve: approve a review (top management).
-- evidence.export: the evidence pack and the PDF reports of the registers (officers, auditors).
INSERT INTO role_permissions (role_id, permission)
  SELECT id, 'reviews.read' FROM roles WHERE name IN ('admin', 'officer', 'auditor', 'executive');
INSERT INTO role_permissions (role_id, permission)
  SELECT id, 'reviews.write' FROM roles WHERE name IN ('admin', 'officer');
INSERT INTO role_permissions (role_id, permission)
  SELECT id, 'reviews.decide' FROM roles WHERE name IN ('admin', 'officer', 'executive');
INSERT INTO role_permissions (role_id, permission)
  SELECT id, 'reviews.approve' FROM roles WHERE name IN ('admin', 'executive');
INSERT INTO role_permissions (role_id, permission)
  SELECT id, 'evidence.export' FROM roles WHERE name IN ('admin', 'officer', 'auditor');
