-- 0531: register entries that hold My Numbers (特定個人情報): the incident form takes the
-- fact from the entries an incident names (docs/incidents.md).
ALTER TABLE pinfo ADD COLUMN mynumber INTEGER NOT NULL DEFAULT 0;
