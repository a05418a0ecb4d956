-- What a session is: the program (`cli`, `serve`, `desktop`; empty for tools and for rows
-- written before this column) and since when it runs tasks. A long action queued from the
-- command line is left only to a live session that runs tasks, and a restarted server folds
-- the journal of its own previous session back in.
ALTER TABLE studio_sessions ADD COLUMN program TEXT NOT NULL DEFAULT '';
ALTER TABLE studio_sessions ADD COLUMN runs_tasks_since TEXT;
