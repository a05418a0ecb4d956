-- Settings changed at runtime through the API (issue 20), shared by every instance: the top
-- layer over the defaults, the configuration file, the environment and the command line.
CREATE TABLE studio_settings (
    key TEXT PRIMARY KEY,
    value JSONB NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TIMESTAMP NOT NULL
);
