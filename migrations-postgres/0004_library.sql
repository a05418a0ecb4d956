-- The rest of what the core keeps, as the local library does (migrations/), so that a team
-- server's core stands on PostgreSQL as the desktop's stands on its library file: templates,
-- the sessions of the instances and their crash journal, content-addressed artifacts, task
-- boards and their tasks, and the index of scheduled reports.
--
-- Times are TIMESTAMP in UTC; the core reads and writes them as ISO 8601 text with
-- milliseconds, through studio_iso and studio_ts.

CREATE FUNCTION studio_iso(t TIMESTAMP) RETURNS TEXT
  LANGUAGE SQL IMMUTABLE PARALLEL SAFE
  RETURN to_char(t, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"');

CREATE FUNCTION studio_ts(t TEXT) RETURNS TIMESTAMP
  LANGUAGE SQL STABLE PARALLEL SAFE
  RETURN date_trunc('milliseconds', t::timestamptz AT TIME ZONE 'UTC');

CREATE TABLE studio_templates (
  template_id UUID PRIMARY KEY,
  name VARCHAR(255) NOT NULL,
  description TEXT,
  content JSONB NOT NULL,
  created_by UUID NOT NULL,
  created_at TIMESTAMP NOT NULL
);

-- One row per running instance (or other program) that opened the database.
CREATE TABLE studio_sessions (
  session_id UUID PRIMARY KEY,
  pid BIGINT NOT NULL,
  process_start TEXT NOT NULL,
  host TEXT NOT NULL,
  started_at TIMESTAMP NOT NULL,
  heartbeat_at TIMESTAMP NOT NULL,
  closed_at TIMESTAMP,
  program TEXT NOT NULL DEFAULT '',
  runs_tasks_since TIMESTAMP
);

-- Acknowledged edits not yet folded into studio_projects.document.
CREATE TABLE studio_journal (
  seq BIGSERIAL PRIMARY KEY,
  project_id UUID NOT NULL REFERENCES studio_projects (project_id) ON DELETE CASCADE,
  session_id UUID NOT NULL REFERENCES studio_sessions (session_id),
  change BYTEA NOT NULL,
  summary TEXT NOT NULL,
  created_at TIMESTAMP NOT NULL
);
CREATE INDEX idx_journal_project ON studio_journal (project_id, seq);
CREATE INDEX idx_journal_session ON studio_journal (session_id, seq);

-- Derived artifacts (data files, populations, ensembles, exports), once by the SHA-256 of
-- their bytes.
CREATE TABLE studio_artifacts (
  hash CHAR(64) PRIMARY KEY,
  kind TEXT NOT NULL,
  size BIGINT NOT NULL,
  content BYTEA NOT NULL,
  created_at TIMESTAMP NOT NULL
);

CREATE TABLE studio_project_artifacts (
  project_id UUID NOT NULL REFERENCES studio_projects (project_id) ON DELETE CASCADE,
  hash CHAR(64) NOT NULL REFERENCES studio_artifacts (hash),
  PRIMARY KEY (project_id, hash)
);

CREATE TABLE studio_task_boards (
  board_id TEXT PRIMARY KEY,
  project_id TEXT,
  session_id TEXT NOT NULL,
  info JSONB NOT NULL,
  created_at TIMESTAMP NOT NULL
);
CREATE INDEX idx_task_boards_project ON studio_task_boards (project_id);

CREATE TABLE studio_tasks (
  task_id TEXT PRIMARY KEY,
  board_id TEXT NOT NULL REFERENCES studio_task_boards (board_id) ON DELETE CASCADE,
  project_id TEXT,
  kind TEXT NOT NULL,
  status TEXT NOT NULL,
  task JSONB NOT NULL,
  cancel_requested_at TIMESTAMP,
  created_at TIMESTAMP NOT NULL,
  updated_at TIMESTAMP NOT NULL
);
CREATE INDEX idx_tasks_board ON studio_tasks (board_id);
CREATE INDEX idx_tasks_project ON studio_tasks (project_id, created_at);

CREATE TABLE studio_report_schedules (
  project_id UUID PRIMARY KEY REFERENCES studio_projects (project_id) ON DELETE CASCADE,
  schedule JSONB NOT NULL,
  last_run_at TIMESTAMP,
  last_outcome JSONB
);

-- A version's snapshot is JSON, not the seed's JSONB: JSONB reorders keys and rewrites numbers,
-- and a snapshot must come back byte for byte as it was saved (the same document gives the
-- same snapshot on the desktop and on the team server). It is still JSON to PostgreSQL.
ALTER TABLE studio_project_versions ALTER COLUMN state_snapshot TYPE JSON USING state_snapshot::json;
