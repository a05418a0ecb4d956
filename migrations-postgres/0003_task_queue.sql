-- The team server's task queue: tasks that must run once across every instance (a scheduled
-- report, a simulation) are claimed from here with FOR UPDATE SKIP LOCKED, as job queues such
-- as River and Oban do. A claim holds while its worker's heartbeat is fresh; a lapsed one is
-- queued again.
CREATE TABLE studio_task_queue (
  task_id UUID PRIMARY KEY,
  project_id UUID,
  kind VARCHAR(50) NOT NULL,
  -- The task's inputs as the core gives them.
  payload JSONB NOT NULL DEFAULT '{}',
  status VARCHAR(20) NOT NULL DEFAULT 'queued'
    CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  claimed_by TEXT,
  heartbeat_at TIMESTAMP,
  result JSONB,
  error TEXT,
  created_at TIMESTAMP NOT NULL DEFAULT (NOW() AT TIME ZONE 'UTC'),
  finished_at TIMESTAMP
);
-- What a claim looks for: the oldest queued task of the kinds a worker runs.
CREATE INDEX idx_task_queue_queued ON studio_task_queue (kind, created_at) WHERE status = 'queued';
CREATE INDEX idx_task_queue_running ON studio_task_queue (heartbeat_at) WHERE status = 'running';
