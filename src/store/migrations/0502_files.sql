-- Uploaded files by content hash (store/files.h): the bytes as base64 text, so that a file
-- lands with its record, is in every backup and is the same on every node.
CREATE TABLE files (
  hash TEXT PRIMARY KEY,
  size BIGINT NOT NULL,
  type TEXT NOT NULL,
  data TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
