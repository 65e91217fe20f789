-- 0710: a version of the Statement of Applicability is approved on the workflow engine: its
-- approval is an `approvals` row (record type soa_version) decided in the approvals inbox, and
-- the version's state is the engine's `status` column: pending, then approved, rejected,
-- sent_back (差し戻し) or withdrawn (取り下げ). Versions still pending from before get their
-- approval from the risks module's job (it runs when the server starts).

ALTER TABLE soa_versions RENAME COLUMN state TO status;
DROP INDEX soa_versions_state;
CREATE INDEX soa_versions_status ON soa_versions (status, number);
