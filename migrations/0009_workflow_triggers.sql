-- What starts workflow runs by itself (issue 20): each trigger of each workflow, indexed here
-- when the workflow is saved so a program that runs tasks finds them without reading every
-- project; a beat or an event fires once, claimed by compare-and-set.
CREATE TABLE studio_workflow_triggers (
    project_id TEXT NOT NULL,
    workflow_id TEXT NOT NULL,
    -- The trigger's place among the workflow's.
    position INTEGER NOT NULL,
    -- The trigger, JSON.
    trigger TEXT NOT NULL,
    -- Whose rights its runs have: who saved the workflow.
    user_id TEXT NOT NULL,
    -- A schedule's last beat fired.
    last_fired_at TEXT,
    -- An event trigger's last event looked at.
    last_seq INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (project_id, workflow_id, position)
);
