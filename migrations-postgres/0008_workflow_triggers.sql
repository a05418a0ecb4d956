-- What starts workflow runs by itself (issue 20), as in the library file.
CREATE TABLE studio_workflow_triggers (
    project_id TEXT NOT NULL,
    workflow_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    trigger JSONB NOT NULL,
    user_id TEXT NOT NULL,
    last_fired_at TIMESTAMP,
    last_seq BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (project_id, workflow_id, position)
);
