-- Agents spawned through the API and their teams (issue 20, the seed's agent spawner and
-- entanglements). An agent is hosted by one program that runs tasks (`session_id`); when that
-- program ends, the next one adopts it. Messages are kept until delivered: a delivery is leased
-- and counted, so a message handed to a program that died is handed on again (at least once).
CREATE TABLE studio_agents (
    agent_id TEXT PRIMARY KEY,
    agent_type TEXT NOT NULL,
    name TEXT NOT NULL,
    -- The agent's configuration, JSON.
    config TEXT NOT NULL,
    -- requested, running, terminating, terminated
    status TEXT NOT NULL,
    session_id TEXT,
    spawned_by TEXT NOT NULL,
    spawned_at TEXT NOT NULL,
    terminated_at TEXT,
    updated_at TEXT NOT NULL
);
CREATE INDEX studio_agents_live ON studio_agents (status, agent_type);

CREATE TABLE studio_entanglements (
    entanglement_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE studio_entanglement_members (
    entanglement_id TEXT NOT NULL REFERENCES studio_entanglements (entanglement_id) ON DELETE CASCADE,
    agent_id TEXT NOT NULL,
    added_at TEXT NOT NULL,
    PRIMARY KEY (entanglement_id, agent_id)
);

CREATE TABLE studio_agent_messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    entanglement_id TEXT NOT NULL,
    sender_id TEXT NOT NULL,
    receiver_id TEXT NOT NULL,
    content TEXT NOT NULL,
    message_type TEXT NOT NULL,
    created_at TEXT NOT NULL,
    -- How many times it was handed to its agent's program.
    attempts INTEGER NOT NULL DEFAULT 0,
    lease_until TEXT,
    delivered_at TEXT
);
CREATE INDEX studio_agent_messages_pending ON studio_agent_messages (receiver_id, delivered_at, seq);
CREATE INDEX studio_agent_messages_team ON studio_agent_messages (entanglement_id, seq);
