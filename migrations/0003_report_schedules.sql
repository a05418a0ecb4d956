-- Reports sent on a schedule: the project document holds the schedule (versioned, undoable);
-- this table indexes it so the scheduler need not open every project, and keeps when it last
-- ran and what came of it.

CREATE TABLE studio_report_schedules (
  project_id TEXT PRIMARY KEY REFERENCES studio_projects (project_id) ON DELETE CASCADE,
  -- The schedule as JSON: frequency, recipients, set_by, set_at.
  schedule TEXT NOT NULL,
  -- When a scheduled report was last started (claimed by one session, so two programs on one
  -- library never send it twice).
  last_run_at TEXT,
  -- The last delivery as JSON: when, report, file, sent or written to the outbox, and why.
  last_outcome TEXT
);
