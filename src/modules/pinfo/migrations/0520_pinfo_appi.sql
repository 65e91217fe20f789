-- 0520: what auditors look for in the personal information register, and mamori's own data.
-- Per lifecycle stage the residual risk after the controls; whether the data is 保有個人データ;
-- provision to a third party with the APPI record (to whom, when, which items, consent or
-- basis) and to a third party abroad (country, information given to the person);
-- pseudonymised / anonymised data; My Number (特定個人情報). own_key marks the entries mamori
-- registers for the personal data it holds itself (src/modules/pinfo/own.c).

ALTER TABLE pinfo ADD COLUMN lc_acquire_residual TEXT NOT NULL DEFAULT '';
ALTER TABLE pinfo ADD COLUMN lc_transfer_residual TEXT NOT NULL DEFAULT '';
ALTER TABLE pinfo ADD COLUMN lc_use_residual TEXT NOT NULL DEFAULT '';
ALTER TABLE pinfo ADD COLUMN lc_store_residual TEXT NOT NULL DEFAULT '';
ALTER TABLE pinfo ADD COLUMN lc_dispose_residual TEXT NOT NULL DEFAULT '';
ALTER TABLE pinfo ADD COLUMN retained INTEGER NOT NULL DEFAULT 0;
ALTER TABLE pinfo ADD COLUMN tp_provided INTEGER NOT NULL DEFAULT 0;
ALTER TABLE pinfo ADD COLUMN tp_recipient TEXT NOT NULL DEFAULT '';
ALTER TABLE pinfo ADD COLUMN tp_when TEXT NOT NULL DEFAULT '';
ALTER TABLE pinfo ADD COLUMN tp_items TEXT NOT NULL DEFAULT '';
ALTER TABLE pinfo ADD COLUMN tp_consent TEXT NOT NULL DEFAULT '';
ALTER TABLE pinfo ADD COLUMN abroad INTEGER NOT NULL DEFAULT 0;
ALTER TABLE pinfo ADD COLUMN abroad_country TEXT NOT NULL DEFAULT '';
ALTER TABLE pinfo ADD COLUMN abroad_info TEXT NOT NULL DEFAULT '';
ALTER TABLE pinfo ADD COLUMN processing TEXT NOT NULL DEFAULT 'none';
ALTER TABLE pinfo ADD COLUMN my_number INTEGER NOT NULL DEFAULT 0;
ALTER TABLE pinfo ADD COLUMN own_key TEXT;
CREATE UNIQUE INDEX pinfo_own_key ON pinfo (own_key);
