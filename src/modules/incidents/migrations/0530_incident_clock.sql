-- 0530: the legal reporting clock, complete (docs/incidents.md). My Number (特定個人情報) facts
-- of the PPC's rule for 番号法第29条の4; what the review body's report asks for (media,
-- safeguards in place, where it arose); the contractor exception (委託元への通知による例外);
-- the notice letter to the people affected (sealed with the master key, like the description);
-- reports kept late once late, with the limit in force when recorded; the copies of the
-- reports as sent (sealed); the register entries an incident names; the Privacy Mark
-- registration number.

ALTER TABLE incidents ADD COLUMN pd_mynumber INTEGER NOT NULL DEFAULT 0;
ALTER TABLE incidents ADD COLUMN mn_network INTEGER NOT NULL DEFAULT 0;
ALTER TABLE incidents ADD COLUMN mn_public INTEGER NOT NULL DEFAULT 0;
ALTER TABLE incidents ADD COLUMN mn_misuse INTEGER NOT NULL DEFAULT 0;
ALTER TABLE incidents ADD COLUMN mn_unlawful INTEGER NOT NULL DEFAULT 0;
ALTER TABLE incidents ADD COLUMN mn_count BIGINT;
ALTER TABLE incidents ADD COLUMN pd_media TEXT NOT NULL DEFAULT '';
ALTER TABLE incidents ADD COLUMN safeguards TEXT NOT NULL DEFAULT '';
ALTER TABLE incidents ADD COLUMN source TEXT NOT NULL DEFAULT '';
ALTER TABLE incidents ADD COLUMN ppc_contractor INTEGER NOT NULL DEFAULT 0;
ALTER TABLE incidents ADD COLUMN contractor_client TEXT NOT NULL DEFAULT '';
ALTER TABLE incidents ADD COLUMN contractor_notified_on TEXT;
ALTER TABLE incidents ADD COLUMN notice_letter TEXT NOT NULL DEFAULT '';

ALTER TABLE incident_reports ADD COLUMN due_on TEXT;
ALTER TABLE incident_reports ADD COLUMN late INTEGER NOT NULL DEFAULT 0;

-- A report to the PPC or the review body as it was sent: the document (JSON, sealed with
-- context "incident_report_copies.body:<incident id>"), frozen when the report is marked done.
CREATE TABLE incident_report_copies (
  id @ID@,
  incident_id BIGINT NOT NULL REFERENCES incidents (id),
  kind TEXT NOT NULL,
  done_on TEXT NOT NULL,
  frozen_at BIGINT NOT NULL,
  frozen_by BIGINT REFERENCES users (id),
  body TEXT NOT NULL
);
CREATE INDEX incident_report_copies_incident ON incident_report_copies (incident_id, id);

-- The personal information register entries (個人情報管理台帳) an incident names.
CREATE TABLE incident_pinfo (
  incident_id BIGINT NOT NULL REFERENCES incidents (id),
  pinfo_id BIGINT NOT NULL REFERENCES pinfo (id) ON DELETE CASCADE,
  PRIMARY KEY (incident_id, pinfo_id)
);
CREATE INDEX incident_pinfo_entry ON incident_pinfo (pinfo_id);

ALTER TABLE incident_settings ADD COLUMN pmark_number TEXT NOT NULL DEFAULT '';
