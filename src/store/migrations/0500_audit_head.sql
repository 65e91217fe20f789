-- 0500: the audit chain is keyed (a MAC under a key derived from master.key, see
-- src/audit/audit.h) and its head is recorded with a MAC of its own, so that events removed
-- from the end or a wiped trail are noticed. A trail written before this keeps its unkeyed
-- hashes up to keyed_from - 1; `mamori` appends one keyed audit.rekey event after them the
-- first time it opens the database with the key (audit_upgrade).
CREATE TABLE audit_head (
  id INTEGER PRIMARY KEY,
  seq BIGINT NOT NULL,
  hash TEXT NOT NULL,
  keyed_from BIGINT NOT NULL,
  mac TEXT NOT NULL
);
