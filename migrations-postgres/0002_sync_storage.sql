-- The sync layer's storage (samod's key/value store: a document's snapshots and incremental
-- changes), shared by every instance of the team server. Keys are the storage key's parts
-- joined by '/' (no part holds a '/').
CREATE TABLE studio_sync_storage (
  key TEXT PRIMARY KEY COLLATE "C",
  data BYTEA NOT NULL,
  updated_at TIMESTAMP NOT NULL DEFAULT (NOW() AT TIME ZONE 'UTC')
);
