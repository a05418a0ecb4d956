-- The FutureOS Studio library: the seed's tables (studio_projects, studio_project_versions,
-- studio_scenarios, studio_reports) adapted to SQLite, plus what the product needs: the
-- Automerge document, templates, a crash journal, sessions and content-addressed artifacts.
-- Portable SQL: TEXT ids and ISO 8601 times, no SQLite-only types.

CREATE TABLE studio_library (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
INSERT INTO studio_library (key, value) VALUES ('format', 'futureos-studio-library');

CREATE TABLE studio_projects (
  project_id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  team_id TEXT,
  project_name VARCHAR(255) NOT NULL,
  description TEXT,
  status VARCHAR(30) NOT NULL DEFAULT 'draft',
  version INTEGER NOT NULL DEFAULT 1,
  prediction_task_id TEXT,
  data_package_id TEXT,
  population_id TEXT,
  workbench_states TEXT NOT NULL DEFAULT '{}',
  modification_log TEXT NOT NULL DEFAULT '[]',
  -- The Automerge document as of the last save or autosave.
  document BLOB NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted_at TEXT
);

CREATE TABLE studio_project_versions (
  version_id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL REFERENCES studio_projects(project_id) ON DELETE CASCADE,
  version_number INTEGER NOT NULL,
  -- Live versions hold the ProjectState JSON; archived ones hold it deflated.
  state_snapshot TEXT,
  archived_snapshot BLOB,
  -- Automerge heads of the document at this version, as a JSON array of hex hashes.
  heads TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  archived_at TEXT,
  UNIQUE (project_id, version_number),
  CHECK ((state_snapshot IS NULL) <> (archived_snapshot IS NULL))
);

-- A mirror of the document's scenarios, for queries. Keyed by project too, since a duplicated
-- or re-imported project keeps its scenario ids.
CREATE TABLE studio_scenarios (
  scenario_id TEXT NOT NULL,
  project_id TEXT NOT NULL REFERENCES studio_projects(project_id) ON DELETE CASCADE,
  name VARCHAR(255) NOT NULL,
  description TEXT,
  config TEXT NOT NULL,
  status VARCHAR(20) NOT NULL DEFAULT 'defined',
  simulation_id TEXT,
  ensemble_id TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (project_id, scenario_id)
);

CREATE TABLE studio_reports (
  report_id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL REFERENCES studio_projects(project_id) ON DELETE CASCADE,
  template VARCHAR(50),
  content TEXT NOT NULL,
  export_urls TEXT NOT NULL DEFAULT '{}',
  generated_at TEXT NOT NULL
);

CREATE TABLE studio_templates (
  template_id TEXT PRIMARY KEY,
  name VARCHAR(255) NOT NULL,
  description TEXT,
  -- The template's content: the project content JSON (section -> key -> record).
  content TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL
);

-- One row per running program that opened the library; closed_at is set on a clean exit.
CREATE TABLE studio_sessions (
  session_id TEXT PRIMARY KEY,
  pid INTEGER NOT NULL,
  -- When the process started (Linux: jiffies since boot), so a reused pid is not mistaken for it.
  process_start TEXT NOT NULL,
  host TEXT NOT NULL,
  started_at TEXT NOT NULL,
  heartbeat_at TEXT NOT NULL,
  closed_at TEXT
);

-- Acknowledged edits not yet folded into studio_projects.document: Automerge changes,
-- written before the edit is acknowledged, removed by the next save or autosave.
CREATE TABLE studio_journal (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  project_id TEXT NOT NULL REFERENCES studio_projects(project_id) ON DELETE CASCADE,
  session_id TEXT NOT NULL REFERENCES studio_sessions(session_id),
  change BLOB NOT NULL,
  summary TEXT NOT NULL,
  created_at TEXT NOT NULL
);

-- Derived artifacts, stored once by the SHA-256 of their bytes.
CREATE TABLE studio_artifacts (
  hash TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  size INTEGER NOT NULL,
  content BLOB NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE studio_project_artifacts (
  project_id TEXT NOT NULL REFERENCES studio_projects(project_id) ON DELETE CASCADE,
  hash TEXT NOT NULL REFERENCES studio_artifacts(hash),
  PRIMARY KEY (project_id, hash)
);

CREATE INDEX idx_projects_user ON studio_projects(user_id, deleted_at);
CREATE INDEX idx_projects_team ON studio_projects(team_id, deleted_at);
CREATE INDEX idx_scenarios_project ON studio_scenarios(project_id);
CREATE INDEX idx_versions_project ON studio_project_versions(project_id, version_number DESC);
CREATE INDEX idx_journal_project ON studio_journal(project_id, seq);
