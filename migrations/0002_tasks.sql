-- Task boards and their tasks (crates/studio-tasks), kept so that finished results survive a
-- restart and tasks interrupted by a crash are re-queued or failed with a reason.

CREATE TABLE studio_task_boards (
  board_id TEXT PRIMARY KEY,
  project_id TEXT,
  -- The session whose agents run this board's tasks; another session adopts the board once
  -- that one has ended.
  session_id TEXT NOT NULL,
  -- The board's description as JSON (name, description, metadata).
  info TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX studio_task_boards_project ON studio_task_boards (project_id);

CREATE TABLE studio_tasks (
  task_id TEXT PRIMARY KEY,
  board_id TEXT NOT NULL REFERENCES studio_task_boards (board_id) ON DELETE CASCADE,
  project_id TEXT,
  kind TEXT NOT NULL,
  status TEXT NOT NULL,
  -- The whole task as JSON: inputs, dependencies, attempts, progress, result.
  task TEXT NOT NULL,
  -- Set by another program (`studio task cancel`); the board's session cancels it.
  cancel_requested_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX studio_tasks_board ON studio_tasks (board_id);
CREATE INDEX studio_tasks_project ON studio_tasks (project_id, created_at);
