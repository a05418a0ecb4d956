-- Workflow runs (issue 20), as in the library file.
CREATE TABLE studio_workflow_runs (
    run_id UUID PRIMARY KEY,
    project_id TEXT NOT NULL,
    workflow_id TEXT NOT NULL,
    workflow JSONB NOT NULL,
    status TEXT NOT NULL,
    trigger JSONB NOT NULL,
    input JSONB NOT NULL,
    user_id TEXT NOT NULL,
    session_id TEXT,
    error TEXT,
    created_at TIMESTAMP NOT NULL,
    started_at TIMESTAMP,
    finished_at TIMESTAMP,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX studio_workflow_runs_project ON studio_workflow_runs (project_id, created_at);

CREATE TABLE studio_workflow_steps (
    run_id UUID NOT NULL REFERENCES studio_workflow_runs (run_id) ON DELETE CASCADE,
    path TEXT NOT NULL,
    step_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    output JSONB,
    error TEXT,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    position INTEGER NOT NULL,
    PRIMARY KEY (run_id, path)
);
