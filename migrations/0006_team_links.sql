-- Projects this library keeps a local copy of from a team server ("Publish to team…", "Open
-- from team…"): the server's address, the project's id there, the token this desktop signs in
-- with, and the document heads both sides had at the last sync (what is sent next is what came
-- after them). The copy works offline; a sync that could not reach the server says why.
CREATE TABLE studio_team_links (
    project_id        TEXT PRIMARY KEY REFERENCES studio_projects (project_id) ON DELETE CASCADE,
    server            TEXT NOT NULL,
    remote_project_id TEXT NOT NULL,
    token             TEXT NOT NULL,
    synced_heads      TEXT NOT NULL DEFAULT '[]',
    last_sync_at      TEXT,
    last_error        TEXT,
    created_at        TEXT NOT NULL
);
