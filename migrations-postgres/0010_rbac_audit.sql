-- Role-based access (issue 20): custom roles, each a set of the seed's permissions, granted to
-- users on the whole server (team_id '') or on one team's projects. `admin` is built in (every
-- permission everywhere); the first team's maker holds it on a server made before this.
CREATE TABLE studio_roles (
    name TEXT PRIMARY KEY,
    description TEXT NOT NULL DEFAULT '',
    permissions JSONB NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'utc')
);
INSERT INTO studio_roles (name, description, permissions, created_by)
VALUES ('admin', 'Every permission on the whole server', '["admin"]', 'studio');

CREATE TABLE studio_role_grants (
    user_id UUID NOT NULL REFERENCES studio_users (user_id) ON DELETE CASCADE,
    role TEXT NOT NULL REFERENCES studio_roles (name) ON DELETE CASCADE,
    team_id TEXT NOT NULL DEFAULT '',
    granted_by TEXT NOT NULL,
    granted_at TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    PRIMARY KEY (user_id, role, team_id)
);
INSERT INTO studio_role_grants (user_id, role, team_id, granted_by)
SELECT created_by, 'admin', '', 'studio' FROM studio_teams ORDER BY created_at LIMIT 1;

-- The audit log, as in the library file; append-only (the trigger refuses changes).
CREATE TABLE studio_audit (
    seq BIGSERIAL PRIMARY KEY,
    at TIMESTAMP NOT NULL,
    user_id TEXT NOT NULL,
    session_id TEXT NOT NULL,
    action TEXT NOT NULL,
    resource TEXT NOT NULL,
    outcome TEXT NOT NULL,
    code TEXT,
    message TEXT,
    ms DOUBLE PRECISION NOT NULL
);
CREATE INDEX studio_audit_at ON studio_audit (at);
CREATE INDEX studio_audit_user ON studio_audit (user_id, seq);
CREATE INDEX studio_audit_resource ON studio_audit (resource, seq);
CREATE FUNCTION studio_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER studio_audit_no_change BEFORE UPDATE OR DELETE ON studio_audit
    FOR EACH ROW EXECUTE FUNCTION studio_audit_append_only();
CREATE TRIGGER studio_audit_no_truncate BEFORE TRUNCATE ON studio_audit
    FOR EACH STATEMENT EXECUTE FUNCTION studio_audit_append_only();
