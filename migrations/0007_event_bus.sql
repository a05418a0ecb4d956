-- The event bus (issue 20): every event published, in the order it was, so a subscriber that
-- was away replays from the last sequence number it saw.
CREATE TABLE studio_bus_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    topic TEXT NOT NULL,
    project_id TEXT,
    -- The event's own fields, a JSON object.
    payload TEXT NOT NULL,
    published_at TEXT NOT NULL
);

-- Webhook subscriptions: each delivers, in order and at least once, the events after the last
-- one it delivered, signed with its secret.
CREATE TABLE studio_webhooks (
    webhook_id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    -- Topic patterns, a JSON array.
    topics TEXT NOT NULL,
    project_id TEXT,
    secret TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    delivered_seq INTEGER NOT NULL DEFAULT 0,
    failures INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    last_attempt_at TEXT,
    -- Which program delivers it now, and until when (several programs may run tasks).
    lease_holder TEXT,
    lease_until TEXT
);
