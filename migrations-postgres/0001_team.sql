-- The team server's database (PostgreSQL): the seed's tables with the seed's names and types
-- (studio_projects, studio_project_versions, studio_scenarios, studio_reports and their
-- indexes), the columns the product adds to them in the local library (the Automerge document,
-- a version's heads, archived versions), and the team's accounts: users with their public keys,
-- teams with a default role, members, and the tokens invitations issue.

CREATE TABLE studio_users (
  user_id UUID PRIMARY KEY,
  display_name VARCHAR(255) NOT NULL,
  -- The user's ed25519 public key, hex; signs their changes as on the desktop.
  public_key VARCHAR(64) UNIQUE,
  created_at TIMESTAMP NOT NULL DEFAULT (NOW() AT TIME ZONE 'UTC')
);

CREATE TABLE studio_teams (
  team_id UUID PRIMARY KEY,
  name VARCHAR(255) NOT NULL,
  -- What a member is unless made otherwise: viewer, commenter, editor or admin.
  default_role VARCHAR(20) NOT NULL DEFAULT 'viewer'
    CHECK (default_role IN ('viewer', 'commenter', 'editor', 'admin')),
  created_by UUID NOT NULL REFERENCES studio_users (user_id),
  created_at TIMESTAMP NOT NULL DEFAULT (NOW() AT TIME ZONE 'UTC')
);

CREATE TABLE studio_team_members (
  team_id UUID NOT NULL REFERENCES studio_teams (team_id) ON DELETE CASCADE,
  user_id UUID NOT NULL REFERENCES studio_users (user_id) ON DELETE CASCADE,
  role VARCHAR(20) NOT NULL CHECK (role IN ('viewer', 'commenter', 'editor', 'admin', 'owner')),
  added_at TIMESTAMP NOT NULL DEFAULT (NOW() AT TIME ZONE 'UTC'),
  PRIMARY KEY (team_id, user_id)
);
CREATE INDEX idx_team_members_user ON studio_team_members (user_id);

-- Bearer tokens, kept as their SHA-256 only: an invitation issues one, a member can revoke it.
CREATE TABLE studio_tokens (
  token_hash CHAR(64) PRIMARY KEY,
  user_id UUID NOT NULL REFERENCES studio_users (user_id) ON DELETE CASCADE,
  label VARCHAR(255) NOT NULL DEFAULT '',
  created_at TIMESTAMP NOT NULL DEFAULT (NOW() AT TIME ZONE 'UTC'),
  expires_at TIMESTAMP,
  revoked_at TIMESTAMP
);
CREATE INDEX idx_tokens_user ON studio_tokens (user_id);

CREATE TABLE studio_projects (
  project_id UUID PRIMARY KEY,
  user_id UUID NOT NULL,
  team_id UUID REFERENCES studio_teams (team_id),
  project_name VARCHAR(255) NOT NULL,
  description TEXT,
  status VARCHAR(30) NOT NULL DEFAULT 'draft',
  version INTEGER NOT NULL DEFAULT 1,
  -- The seed's UUIDs where the product makes UUIDs; the data package, population and ensembles
  -- are named by the SHA-256 of their content, and the prediction task by its own id: TEXT.
  prediction_task_id TEXT,
  data_package_id TEXT,
  population_id TEXT,
  workbench_states JSONB NOT NULL DEFAULT '{}',
  modification_log JSONB NOT NULL DEFAULT '[]',
  -- The Automerge document as of the last save (the product's addition).
  document BYTEA NOT NULL,
  created_at TIMESTAMP DEFAULT NOW(),
  updated_at TIMESTAMP DEFAULT NOW(),
  deleted_at TIMESTAMP
);

CREATE TABLE studio_project_versions (
  version_id UUID PRIMARY KEY,
  project_id UUID REFERENCES studio_projects (project_id) ON DELETE CASCADE,
  version_number INTEGER NOT NULL,
  -- The full project state at this version; an archived version holds it deflated instead
  -- (the seed keeps 50 live versions).
  state_snapshot JSONB,
  archived_snapshot BYTEA,
  -- The Automerge heads of the document at this version, hex.
  heads JSONB NOT NULL DEFAULT '[]',
  created_by UUID NOT NULL,
  created_at TIMESTAMP DEFAULT NOW(),
  archived_at TIMESTAMP,
  UNIQUE (project_id, version_number),
  CHECK ((state_snapshot IS NULL) <> (archived_snapshot IS NULL))
);

-- Keyed by project too (as in the local library): a duplicated project keeps its scenarios' ids.
CREATE TABLE studio_scenarios (
  scenario_id TEXT NOT NULL,
  project_id UUID NOT NULL REFERENCES studio_projects (project_id) ON DELETE CASCADE,
  name VARCHAR(255) NOT NULL,
  description TEXT,
  config JSONB NOT NULL,
  status VARCHAR(20) NOT NULL DEFAULT 'defined',
  simulation_id UUID,
  ensemble_id TEXT,
  created_at TIMESTAMP DEFAULT NOW(),
  updated_at TIMESTAMP DEFAULT NOW(),
  PRIMARY KEY (project_id, scenario_id)
);

CREATE TABLE studio_reports (
  report_id UUID PRIMARY KEY,
  project_id UUID REFERENCES studio_projects (project_id) ON DELETE CASCADE,
  template VARCHAR(50),
  content JSONB NOT NULL,
  export_urls JSONB DEFAULT '{}',
  generated_at TIMESTAMP DEFAULT NOW()
);

CREATE INDEX idx_projects_user ON studio_projects (user_id, deleted_at);
CREATE INDEX idx_projects_team ON studio_projects (team_id, deleted_at);
CREATE INDEX idx_scenarios_project ON studio_scenarios (project_id);
CREATE INDEX idx_versions_project ON studio_project_versions (project_id, version_number DESC);
