-- Collaboration. A project this library shares as a hub, or has joined at someone else's hub
-- (then the hub's sync address, its owner's key and its certificate's fingerprint, and the
-- invite it was joined with).
CREATE TABLE studio_shares (
    project_id  TEXT PRIMARY KEY REFERENCES studio_projects (project_id) ON DELETE CASCADE,
    side        TEXT NOT NULL CHECK (side IN ('hub', 'peer')),
    hub_url     TEXT,
    hub_key     TEXT,
    fingerprint TEXT,
    invite      TEXT,
    created_at  TEXT NOT NULL
);

-- Invites this library's hub has issued: the hub refuses one revoked or past its expiry.
CREATE TABLE studio_invites (
    invite_id  TEXT PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES studio_projects (project_id) ON DELETE CASCADE,
    role       TEXT NOT NULL,
    token      TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX studio_invites_project ON studio_invites (project_id);

-- Where this library's hub was last reachable (`studio serve --share`), for the invites that
-- `studio share` writes while it runs, or before it starts again.
CREATE TABLE studio_hub (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    url        TEXT NOT NULL,
    started_at TEXT NOT NULL
);
