-- The audit log (issue 20): every request — allowed, refused or failed — with who made it, in
-- which session, what it did to what, when and how it ended. Append-only: rows are never
-- changed or removed (the triggers refuse it). Secrets are masked before a row is written.
CREATE TABLE studio_audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    user_id TEXT NOT NULL,
    session_id TEXT NOT NULL,
    -- The request's name, with the workbench action or control it carried (`workbench_action:data/override_value`).
    action TEXT NOT NULL,
    -- What it was about: `project:ID`, `agent:ID`, `run:ID`, … ('' for the library as a whole).
    resource TEXT NOT NULL,
    -- allowed, refused or failed.
    outcome TEXT NOT NULL,
    code TEXT,
    message TEXT,
    ms REAL NOT NULL
);
CREATE INDEX studio_audit_at ON studio_audit (at);
CREATE INDEX studio_audit_user ON studio_audit (user_id, seq);
CREATE INDEX studio_audit_resource ON studio_audit (resource, seq);
CREATE TRIGGER studio_audit_no_update BEFORE UPDATE ON studio_audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER studio_audit_no_delete BEFORE DELETE ON studio_audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
