-- Workflow runs (issue 20): each run with the workflow as it was when it started, and each
-- step's start, output and end, written before the next step begins, so a run interrupted by a
-- crash resumes where it stopped without running a finished step again.
CREATE TABLE studio_workflow_runs (
    run_id TEXT PRIMARY KEY,
    project_id TEXT NOT NULL,
    workflow_id TEXT NOT NULL,
    -- The workflow as it was when the run started, JSON.
    workflow TEXT NOT NULL,
    -- queued, running, paused, completed, failed, cancelled
    status TEXT NOT NULL,
    -- What started it, JSON ({"type": "manual"}, {"type": "event", "seq": …}).
    trigger TEXT NOT NULL,
    input TEXT NOT NULL,
    user_id TEXT NOT NULL,
    -- The program running it (its session), so another adopts it when that one is gone.
    session_id TEXT,
    error TEXT,
    created_at TEXT NOT NULL,
    started_at TEXT,
    finished_at TEXT,
    updated_at TEXT NOT NULL
);
CREATE INDEX studio_workflow_runs_project ON studio_workflow_runs (project_id, created_at);

CREATE TABLE studio_workflow_steps (
    run_id TEXT NOT NULL REFERENCES studio_workflow_runs (run_id) ON DELETE CASCADE,
    -- The step's place: its id, inside a loop with the iteration (`each[2].fetch`).
    path TEXT NOT NULL,
    step_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    -- running, completed, failed, skipped
    status TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    output TEXT,
    error TEXT,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    -- The order steps started in within the run.
    position INTEGER NOT NULL,
    PRIMARY KEY (run_id, path)
);
