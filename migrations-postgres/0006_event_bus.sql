-- The event bus (issue 20): every event published, in the order it was committed (appends
-- hold a transaction-scoped advisory lock, so a sequence number never commits after a higher
-- one), for subscribers that replay from the last one they saw.
CREATE TABLE studio_bus_events (
    seq BIGSERIAL PRIMARY KEY,
    topic TEXT NOT NULL,
    project_id TEXT,
    payload JSONB NOT NULL,
    published_at TIMESTAMP NOT NULL
);
CREATE INDEX studio_bus_events_project ON studio_bus_events (project_id, seq);

CREATE TABLE studio_webhooks (
    webhook_id UUID PRIMARY KEY,
    url TEXT NOT NULL,
    topics JSONB NOT NULL,
    project_id TEXT,
    secret TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    delivered_seq BIGINT NOT NULL DEFAULT 0,
    failures INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    last_attempt_at TIMESTAMP,
    lease_holder TEXT,
    lease_until TIMESTAMP
);
