//! Agents spawned through the API (the seed's agent spawner): an agent of a type — assistant,
//! data_processor, api, workflow, simulation, report — joins the task engine with its type's
//! capability and stays until it is terminated, within `max_instances_per_type` and
//! `max_total_instances` live agents. Agents are kept in the store: one program that runs
//! tasks hosts each (a spawn made where none runs waits for one; a host that ends hands its
//! agents on to the next), and the host delivers the messages sent to them.

use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use studio_store::{AgentRow, SpawnRoom};
use studio_tasks::{AgentConfig, AgentPool, AgentTaskRecord, PoolReport, create_agent};

use crate::entanglements::AgentMessage;
use crate::error::{CoreError, Result};
use crate::studio::Studio;

/// The agent types one may spawn: the seed's four and the product's own two.
pub const AGENT_TYPES: [&str; 6] = ["assistant", "data_processor", "api", "workflow", "simulation", "report"];

/// Largest agent configuration kept, in bytes of JSON.
const MAX_CONFIG_BYTES: usize = 16 * 1024;
/// How long a program holds a message it is delivering before another may try.
const MESSAGE_LEASE: Duration = Duration::from_secs(30);

/// The capability an agent of this type has on the task engine.
pub(crate) fn capability(agent_type: &str) -> &'static str {
    match agent_type {
        "data_processor" => "data",
        "simulation" => "simulation",
        "report" => "report",
        "api" => "api",
        "workflow" => "workflow",
        _ => "assistant",
    }
}

/// An agent spawned through the API, as kept and, where this program hosts it, as it runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SpawnedAgent {
    pub agent_id: String,
    pub agent_type: String,
    pub name: String,
    /// What it takes from the task engine.
    pub capabilities: Vec<String>,
    /// Its configuration as given (the seed's personality, base URL, …).
    pub config: Value,
    /// `requested` (no program that runs tasks has taken it yet), `running`, `terminating`
    /// (its host stops it within a second) or `terminated`.
    pub status: String,
    /// The program hosting it: "studio serve (pid 123 on host)".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    pub spawned_by: String,
    pub spawned_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terminated_at: Option<String>,
    /// The task it runs now (known where it is hosted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_task: Option<String>,
    #[serde(default)]
    pub tasks_done: u64,
    /// The tasks it ran, newest first (where it is hosted; since its host started it).
    #[serde(default)]
    pub history: Vec<AgentTaskRecord>,
}

/// Every agent: the engine's own in this program, and those spawned (live ones, every program).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AgentList {
    /// This program's task pool (null where it runs none).
    pub pool: Option<PoolReport>,
    /// Spawned agents, newest first; with `ended`, terminated ones too.
    pub agents: Vec<SpawnedAgent>,
    pub max_instances_per_type: usize,
    pub max_total_instances: usize,
}

/// One spawned agent with its teams and its latest messages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AgentDetail {
    pub agent: SpawnedAgent,
    /// The entanglements it is in.
    pub entanglements: Vec<String>,
    /// Messages to or from it, oldest first (the latest 100).
    pub messages: Vec<AgentMessage>,
}

impl Studio {
    fn pool(&self) -> Option<&AgentPool> {
        self.tasks.pool.get()
    }

    /// Spawns an agent of `agent_type`; with a program that runs tasks here it runs at once,
    /// else it waits for one.
    pub async fn spawn_agent(
        &self,
        agent_type: &str,
        name: Option<&str>,
        config: &Value,
        user_id: &str,
    ) -> Result<SpawnedAgent> {
        if !AGENT_TYPES.contains(&agent_type) {
            return Err(CoreError::invalid(format!(
                "there is no agent type '{agent_type}' (there are {})",
                AGENT_TYPES.join(", ")
            )));
        }
        let config = match config {
            Value::Null => Value::Object(Map::new()),
            Value::Object(_) => config.clone(),
            other => {
                return Err(CoreError::invalid(format!("an agent's config is a JSON object, not {other}")));
            }
        };
        let config_text = config.to_string();
        if config_text.len() > MAX_CONFIG_BYTES {
            return Err(CoreError::invalid(format!(
                "an agent's config is {} KB at most; this one is {} KB",
                MAX_CONFIG_BYTES / 1024,
                config_text.len().div_ceil(1024)
            )));
        }
        let name = name.map(str::trim).filter(|n| !n.is_empty()).unwrap_or(agent_type);
        if name.chars().count() > 100 {
            return Err(CoreError::invalid("an agent's name is 100 characters at most"));
        }
        let agent = create_agent(AgentConfig { agent_type: agent_type.into(), ..AgentConfig::default() });
        let hosted = self.pool().is_some();
        let now = studio_store::now();
        let row = AgentRow {
            agent_id: agent.id.clone(),
            agent_type: agent_type.into(),
            name: name.into(),
            config: config_text,
            status: if hosted { "running" } else { "requested" }.into(),
            session_id: hosted.then(|| self.session_id.clone()),
            spawned_by: user_id.into(),
            spawned_at: now.clone(),
            terminated_at: None,
            updated_at: now,
        };
        let limits = self.settings.agents();
        let room = self.store.add_agent(&row, limits.max_instances_per_type as i64, limits.max_total_instances as i64);
        match room.await? {
            SpawnRoom::Made => {}
            SpawnRoom::TypeFull(n) => {
                return Err(CoreError::new(
                    "limit_reached",
                    format!(
                        "{n} {agent_type} agents are running: max_instances_per_type is {} (terminate one first)",
                        limits.max_instances_per_type
                    ),
                ));
            }
            SpawnRoom::Full(n) => {
                return Err(CoreError::new(
                    "limit_reached",
                    format!("{n} agents are running: max_total_instances is {}", limits.max_total_instances),
                ));
            }
        }
        if let Some(pool) = self.pool() {
            pool.add_pinned(self.agent_of(&row))?;
        }
        self.announce_agent("studio.agent.spawned", &row);
        self.spawned_agent(row).await
    }

    /// Terminates a spawned agent: its task goes back to the queue. Hosted elsewhere, its host
    /// stops it within a second (`terminating` until then).
    pub async fn terminate_agent(&self, agent_id: &str) -> Result<SpawnedAgent> {
        let row = self.agent_row(agent_id).await?;
        if row.status != "terminated" {
            let host = row.session_id.as_deref();
            let status = match host {
                Some(me) if me == self.session_id => {
                    if let Some(pool) = self.pool() {
                        let _ = pool.remove_agent(agent_id);
                    }
                    "terminated"
                }
                Some(other) if self.program_alive(other).await? => "terminating",
                _ => "terminated",
            };
            let next_host = if status == "terminating" { host } else { None };
            if self.store.move_agent(agent_id, host, status, next_host, &studio_store::now()).await?
                && status == "terminated"
            {
                self.announce_agent("studio.agent.terminated", &row);
            }
        }
        self.spawned_agent(self.agent_row(agent_id).await?).await
    }

    /// Every agent (with `ended`, the terminated ones too).
    pub async fn list_agents(&self, ended: bool) -> Result<AgentList> {
        let mut agents = Vec::new();
        for row in self.store.agent_rows(ended).await? {
            agents.push(self.spawned_agent(row).await?);
        }
        let limits = self.settings.agents();
        Ok(AgentList {
            pool: self.pool().map(AgentPool::report),
            agents,
            max_instances_per_type: limits.max_instances_per_type,
            max_total_instances: limits.max_total_instances,
        })
    }

    /// A spawned agent, its teams and its latest messages.
    pub async fn get_agent(&self, agent_id: &str) -> Result<AgentDetail> {
        let agent = self.spawned_agent(self.agent_row(agent_id).await?).await?;
        let entanglements = self
            .store
            .entanglements(None)
            .await?
            .into_iter()
            .filter(|e| e.members.split(',').any(|m| m == agent_id))
            .map(|e| e.entanglement_id)
            .collect();
        let latest = self.store.latest_agent_messages(agent_id, 100).await?;
        Ok(AgentDetail { agent, entanglements, messages: latest.into_iter().map(AgentMessage::from).collect() })
    }

    pub(crate) async fn agent_row(&self, agent_id: &str) -> Result<AgentRow> {
        self.store
            .agent_row(agent_id)
            .await?
            .ok_or_else(|| CoreError::new("not_found", format!("there is no agent '{agent_id}'")))
    }

    async fn spawned_agent(&self, row: AgentRow) -> Result<SpawnedAgent> {
        let host = match &row.session_id {
            Some(session) => self.store.session(session).await?.map(|s| {
                crate::tasks::TaskRunner {
                    program: crate::config::Program::describe(&s.program).to_string(),
                    pid: s.pid,
                    host: s.host,
                }
                .to_string()
            }),
            None => None,
        };
        let live = (row.session_id.as_deref() == Some(self.session_id.as_str()))
            .then(|| self.pool().and_then(|p| p.agent_report(&row.agent_id)))
            .flatten();
        Ok(SpawnedAgent {
            capabilities: vec![capability(&row.agent_type).to_string()],
            config: serde_json::from_str(&row.config).unwrap_or(Value::Null),
            host,
            current_task: live.as_ref().and_then(|r| r.current_task.clone()),
            tasks_done: live.as_ref().map_or(0, |r| r.tasks_done),
            history: live.map(|r| r.history).unwrap_or_default(),
            agent_id: row.agent_id,
            agent_type: row.agent_type,
            name: row.name,
            status: row.status,
            spawned_by: row.spawned_by,
            spawned_at: row.spawned_at,
            terminated_at: row.terminated_at,
        })
    }

    fn agent_of(&self, row: &AgentRow) -> studio_tasks::Agent {
        create_agent(AgentConfig {
            agent_id: Some(row.agent_id.clone()),
            agent_type: row.agent_type.clone(),
            capabilities: vec![capability(&row.agent_type).to_string()],
            parameters: serde_json::from_str(&row.config).unwrap_or_default(),
        })
    }

    async fn program_alive(&self, session_id: &str) -> Result<bool> {
        Ok(self
            .store
            .session(session_id)
            .await?
            .is_some_and(|s| crate::liveness::session_alive(&s, Duration::from_secs(90))))
    }

    fn announce_agent(&self, topic: &str, row: &AgentRow) {
        let mut data = Map::new();
        data.insert("agent_id".into(), row.agent_id.clone().into());
        data.insert("agent_type".into(), row.agent_type.clone().into());
        data.insert("name".into(), row.name.clone().into());
        data.insert("spawned_by".into(), row.spawned_by.clone().into());
        self.bus.publish(topic, None, data);
    }

    /// One look, by a program that runs tasks, at the spawned agents: takes those waiting for
    /// a host or left by one that ended, stops those terminated here, and delivers the messages
    /// waiting for the agents it hosts.
    pub(crate) async fn host_agents(self: &Arc<Self>) -> Result<()> {
        let Some(pool) = self.pool() else { return Ok(()) };
        let now = studio_store::now();
        let mut hosted = Vec::new();
        for row in self.store.agent_rows(false).await? {
            let mine = row.session_id.as_deref() == Some(self.session_id.as_str());
            match row.status.as_str() {
                "terminating" if mine => {
                    let _ = pool.remove_agent(&row.agent_id);
                    let moved =
                        self.store.move_agent(&row.agent_id, row.session_id.as_deref(), "terminated", None, &now);
                    if moved.await? {
                        self.announce_agent("studio.agent.terminated", &row);
                    }
                }
                "running" if mine => {
                    if pool.agent_report(&row.agent_id).is_none() {
                        pool.add_pinned(self.agent_of(&row))?;
                    }
                    hosted.push(row.agent_id);
                }
                "requested" | "running" => {
                    let left = match row.session_id.as_deref() {
                        Some(other) => !self.program_alive(other).await?,
                        None => true,
                    };
                    let me = Some(self.session_id.as_str());
                    if left
                        && self.store.move_agent(&row.agent_id, row.session_id.as_deref(), "running", me, &now).await?
                    {
                        let _ = pool.add_pinned(self.agent_of(&row));
                        hosted.push(row.agent_id);
                    }
                }
                _ => {}
            }
        }
        for agent_id in hosted {
            self.deliver_messages(&agent_id).await?;
        }
        Ok(())
    }

    /// Hands the messages waiting for an agent hosted here to it — each published on the bus
    /// as `studio.agent.message` for whatever listens for the agent — then marks them
    /// delivered. A program that dies between the two leaves them to be handed on again.
    async fn deliver_messages(&self, agent_id: &str) -> Result<()> {
        let stamp = |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let now = chrono::Utc::now();
        let until = stamp(now + MESSAGE_LEASE);
        let leased = self.store.lease_agent_messages(agent_id, &until, &stamp(now), 100).await?;
        if leased.is_empty() {
            return Ok(());
        }
        let seqs: Vec<i64> = leased.iter().map(|m| m.seq).collect();
        for row in leased {
            let message = AgentMessage::from(row);
            if let Ok(Value::Object(data)) = serde_json::to_value(&message) {
                self.bus.publish("studio.agent.message", None, data);
            }
        }
        self.bus.flush(Duration::from_secs(5)).await;
        self.store.mark_messages_delivered(&seqs, &studio_store::now()).await?;
        Ok(())
    }
}
