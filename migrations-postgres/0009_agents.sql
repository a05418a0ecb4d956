-- Agents spawned through the API and their teams (issue 20), as in the library file.
CREATE TABLE studio_agents (
    agent_id TEXT PRIMARY KEY,
    agent_type TEXT NOT NULL,
    name TEXT NOT NULL,
    config JSONB NOT NULL,
    status TEXT NOT NULL,
    session_id TEXT,
    spawned_by TEXT NOT NULL,
    spawned_at TIMESTAMP NOT NULL,
    terminated_at TIMESTAMP,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX studio_agents_live ON studio_agents (status, agent_type);

CREATE TABLE studio_entanglements (
    entanglement_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE studio_entanglement_members (
    entanglement_id TEXT NOT NULL REFERENCES studio_entanglements (entanglement_id) ON DELETE CASCADE,
    agent_id TEXT NOT NULL,
    added_at TIMESTAMP NOT NULL,
    PRIMARY KEY (entanglement_id, agent_id)
);

CREATE TABLE studio_agent_messages (
    seq BIGSERIAL PRIMARY KEY,
    entanglement_id TEXT NOT NULL,
    sender_id TEXT NOT NULL,
    receiver_id TEXT NOT NULL,
    content TEXT NOT NULL,
    message_type TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    lease_until TIMESTAMP,
    delivered_at TIMESTAMP
);
CREATE INDEX studio_agent_messages_pending ON studio_agent_messages (receiver_id, delivered_at, seq);
CREATE INDEX studio_agent_messages_team ON studio_agent_messages (entanglement_id, seq);
