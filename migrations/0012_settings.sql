-- Settings changed at runtime through the API (issue 20): the top layer over the defaults, the
-- configuration file, the environment and the command line. Only keys a running program takes
-- up are kept here; the value is JSON.
CREATE TABLE studio_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TEXT NOT NULL
);
