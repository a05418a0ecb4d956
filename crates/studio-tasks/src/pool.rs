//! The agent pool (seed 003's ScalableFramework): at most `max_agents` agents, started and
//! stopped together, health-checked on an interval — an agent that died has its tasks
//! re-queued or failed and is replaced — and scaled between a minimum and a maximum with the
//! length of the queue. Agents added pinned (spawned by someone, of one type) are neither
//! counted nor scaled: they stay until removed, and one that dies is restarted in place.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::task::JoinHandle;
use tokio::time::Instant;

use crate::agent::{AgentLoop, AgentState, AgentTaskRecord};
use crate::{Agent, AgentConfig, AgentStatus, CancelToken, Handlers, TaskBoards, TaskError, create_agent};

/// How a pool is made (the seed's framework config).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct PoolConfig {
    pub max_agents: usize,
    /// Kept running while the pool runs; dead agents are replaced up to this.
    pub min_agents: usize,
    pub health_check_interval_ms: u64,
    /// Scale between `min_agents` and `max_agents`, one agent per this many queued tasks.
    pub auto_scaling: bool,
    pub tasks_per_agent: usize,
    /// What agents made by scaling or replacement look like.
    pub agent: AgentConfig,
}

impl Default for PoolConfig {
    fn default() -> Self {
        PoolConfig {
            max_agents: 4,
            min_agents: 1,
            health_check_interval_ms: 1_000,
            auto_scaling: true,
            tasks_per_agent: 2,
            agent: AgentConfig { agent_type: "worker".to_string(), ..AgentConfig::default() },
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PoolStatus {
    Initialized,
    Running,
    Stopped,
}

/// One agent as the pool reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AgentReport {
    pub agent: Agent,
    pub current_task: Option<String>,
    pub tasks_done: u64,
    /// Milliseconds since it last showed a sign of life.
    pub idle_ms: u64,
    /// Added by someone rather than by scaling: it stays until removed.
    #[serde(default)]
    pub pinned: bool,
    /// The tasks it ran, newest first (50 at most).
    #[serde(default)]
    pub history: Vec<AgentTaskRecord>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PoolReport {
    pub status: PoolStatus,
    pub max_agents: usize,
    pub min_agents: usize,
    pub queue_length: usize,
    pub agents: Vec<AgentReport>,
}

struct Member {
    agent: Agent,
    pinned: bool,
    state: Arc<AgentState>,
    stop: CancelToken,
    handle: Option<JoinHandle<()>>,
}

#[derive(Clone)]
pub struct AgentPool {
    inner: Arc<PoolInner>,
}

struct PoolInner {
    config: PoolConfig,
    boards: TaskBoards,
    handlers: Handlers,
    members: Mutex<Vec<Member>>,
    /// Agents that died, newest last, kept for the report.
    departed: Mutex<Vec<Agent>>,
    status: Mutex<PoolStatus>,
    monitor: Mutex<Option<(CancelToken, JoinHandle<()>)>>,
    epoch: Instant,
}

/// How many dead agents the report remembers.
const DEPARTED_KEPT: usize = 16;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Makes a pool from its configuration (the seed's `create_scalable_framework`), with
/// `min_agents` agents like `config.agent`, not started.
pub fn create_pool(config: PoolConfig, boards: TaskBoards, handlers: Handlers) -> Result<AgentPool, TaskError> {
    if config.max_agents == 0 || config.min_agents > config.max_agents {
        return Err(TaskError::Invalid(format!(
            "a pool needs 1 ≤ min_agents ≤ max_agents, got min {} and max {}",
            config.min_agents, config.max_agents
        )));
    }
    let pool = AgentPool {
        inner: Arc::new(PoolInner {
            boards,
            handlers,
            members: Mutex::new(Vec::new()),
            departed: Mutex::new(Vec::new()),
            status: Mutex::new(PoolStatus::Initialized),
            monitor: Mutex::new(None),
            epoch: Instant::now(),
            config,
        }),
    };
    for _ in 0..pool.inner.config.min_agents {
        pool.add_agent(create_agent(pool.template()))?;
    }
    Ok(pool)
}

impl AgentPool {
    fn template(&self) -> AgentConfig {
        let mut config = self.inner.config.agent.clone();
        config.agent_id = None;
        config
    }

    pub fn boards(&self) -> &TaskBoards {
        &self.inner.boards
    }

    pub fn status(&self) -> PoolStatus {
        *lock(&self.inner.status)
    }

    /// Adds an agent; it starts at once if the pool is running.
    pub fn add_agent(&self, agent: Agent) -> Result<(), TaskError> {
        self.add(agent, false)
    }

    /// Adds an agent that stays until it is removed, outside `max_agents` and scaling (its
    /// limits are its spawner's); it starts at once if the pool is running.
    pub fn add_pinned(&self, agent: Agent) -> Result<(), TaskError> {
        self.add(agent, true)
    }

    fn add(&self, agent: Agent, pinned: bool) -> Result<(), TaskError> {
        let running = self.status() == PoolStatus::Running;
        let mut members = lock(&self.inner.members);
        if members.iter().any(|m| m.agent.id == agent.id) {
            return Err(TaskError::Invalid(format!("the pool has an agent with id '{}' already", agent.id)));
        }
        if !pinned && members.iter().filter(|m| !m.pinned).count() >= self.inner.config.max_agents {
            return Err(TaskError::PoolFull(self.inner.config.max_agents));
        }
        let mut member =
            Member { agent, pinned, state: Arc::new(AgentState::default()), stop: CancelToken::new(), handle: None };
        if running {
            self.spawn(&mut member);
        }
        members.push(member);
        Ok(())
    }

    /// Stops an agent and takes it out; a task it held goes back to the queue.
    pub fn remove_agent(&self, agent_id: &str) -> Result<Agent, TaskError> {
        let mut member = {
            let mut members = lock(&self.inner.members);
            let at = members
                .iter()
                .position(|m| m.agent.id == agent_id)
                .ok_or_else(|| TaskError::UnknownAgent(agent_id.to_string()))?;
            members.remove(at)
        };
        member.stop.cancel();
        if let Some(handle) = member.handle.take() {
            handle.abort();
        }
        self.inner.boards.release_agent(agent_id, &format!("agent '{agent_id}' was removed from the pool"));
        member.agent.status = AgentStatus::Stopped;
        Ok(member.agent)
    }

    /// Starts every agent and the health check.
    pub fn start_all(&self) {
        *lock(&self.inner.status) = PoolStatus::Running;
        for member in lock(&self.inner.members).iter_mut() {
            if member.handle.is_none() || member.agent.status != AgentStatus::Running {
                self.spawn(member);
            }
        }
        let mut monitor = lock(&self.inner.monitor);
        if monitor.is_none() {
            let stop = CancelToken::new();
            let pool = self.clone();
            let interval = Duration::from_millis(self.inner.config.health_check_interval_ms.max(1));
            let stopping = stop.clone();
            let handle = tokio::spawn(async move {
                loop {
                    tokio::select! {
                        _ = tokio::time::sleep(interval) => pool.health_check(),
                        _ = stopping.cancelled() => return,
                    }
                }
            });
            *monitor = Some((stop, handle));
        }
    }

    /// Asks every agent to stop once its current task ends; waits for them up to `grace`, then
    /// stops them where they are (their tasks are re-queued or failed, per their policies).
    pub async fn stop_all(&self, grace: Duration) {
        *lock(&self.inner.status) = PoolStatus::Stopped;
        if let Some((stop, handle)) = lock(&self.inner.monitor).take() {
            stop.cancel();
            handle.abort();
        }
        let handles: Vec<(String, JoinHandle<()>)> = {
            let mut members = lock(&self.inner.members);
            members
                .iter_mut()
                .filter_map(|m| {
                    m.stop.cancel();
                    m.agent.status = AgentStatus::Stopped;
                    m.handle.take().map(|h| (m.agent.id.clone(), h))
                })
                .collect()
        };
        let deadline = tokio::time::Instant::now() + grace;
        for (id, mut handle) in handles {
            if tokio::time::timeout_at(deadline, &mut handle).await.is_err() {
                handle.abort();
                self.inner.boards.release_agent(&id, &format!("agent '{id}' was stopped while running the task"));
            }
        }
    }

    fn spawn(&self, member: &mut Member) {
        member.stop = CancelToken::new();
        let boards = &self.inner.boards;
        let run = AgentLoop {
            id: member.agent.id.clone(),
            expanded: boards.hierarchy().expand(&member.agent.capabilities),
            boards: boards.clone(),
            handlers: self.inner.handlers.clone(),
            stop: member.stop.clone(),
            state: member.state.clone(),
            epoch: self.inner.epoch,
        };
        member.handle = Some(tokio::spawn(run.run()));
        member.agent.status = AgentStatus::Running;
    }

    /// Finds agents that died (their tasks are re-queued or failed, they are replaced up to
    /// `min_agents`), fails tasks past their timeout, and scales with the queue. Runs on the
    /// health-check interval while the pool runs.
    pub fn health_check(&self) {
        let mut dead = Vec::new();
        {
            let mut members = lock(&self.inner.members);
            for member in members.iter_mut() {
                let finished = member.handle.as_ref().is_some_and(|h| h.is_finished());
                if finished && member.agent.status == AgentStatus::Running {
                    member.agent.status = AgentStatus::Failed;
                    member.handle = None;
                    dead.push(member.agent.id.clone());
                }
            }
        }
        for id in &dead {
            self.inner.boards.release_agent(id, &format!("agent '{id}' died while running the task"));
        }
        self.inner.boards.check_timeouts();
        if self.status() == PoolStatus::Running {
            self.scale();
        }
    }

    fn scale(&self) {
        let config = &self.inner.config;
        let queue = self.inner.boards.queue_length();
        let mut members = lock(&self.inner.members);
        // A pinned agent that died is restarted where it is.
        for member in members.iter_mut().filter(|m| m.pinned && m.agent.status == AgentStatus::Failed) {
            self.spawn(member);
        }
        // Failed agents leave room for their replacements.
        let mut departed = lock(&self.inner.departed);
        departed.extend(members.iter().filter(|m| m.agent.status == AgentStatus::Failed).map(|m| m.agent.clone()));
        let excess = departed.len().saturating_sub(DEPARTED_KEPT);
        departed.drain(..excess);
        drop(departed);
        members.retain(|m| m.agent.status != AgentStatus::Failed);
        let scaled = members.iter().filter(|m| !m.pinned).count();
        let busy = members.iter().filter(|m| !m.pinned && lock(&m.state.current).is_some()).count();
        let wanted = if config.auto_scaling {
            (busy + queue.div_ceil(config.tasks_per_agent.max(1))).clamp(config.min_agents, config.max_agents)
        } else {
            config.min_agents.max(scaled).min(config.max_agents)
        };
        for _ in scaled..wanted {
            let mut member = Member {
                agent: create_agent(self.template()),
                pinned: false,
                state: Arc::new(AgentState::default()),
                stop: CancelToken::new(),
                handle: None,
            };
            self.spawn(&mut member);
            members.push(member);
        }
        if config.auto_scaling && scaled > wanted {
            let mut surplus = scaled - wanted;
            members.retain(|m| {
                if !m.pinned && surplus > 0 && lock(&m.state.current).is_none() {
                    surplus -= 1;
                    m.stop.cancel();
                    false
                } else {
                    true
                }
            });
        }
    }

    /// The pool's status, queue and every agent.
    pub fn report(&self) -> PoolReport {
        let now = self.inner.epoch.elapsed().as_millis() as u64;
        let mut agents: Vec<AgentReport> = lock(&self.inner.members).iter().map(|m| member_report(m, now)).collect();
        agents.extend(lock(&self.inner.departed).iter().map(|agent| AgentReport {
            agent: agent.clone(),
            current_task: None,
            tasks_done: 0,
            idle_ms: 0,
            pinned: false,
            history: Vec::new(),
        }));
        PoolReport {
            status: self.status(),
            max_agents: self.inner.config.max_agents,
            min_agents: self.inner.config.min_agents,
            queue_length: self.inner.boards.queue_length(),
            agents,
        }
    }

    /// One agent of the pool as the report shows it.
    pub fn agent_report(&self, agent_id: &str) -> Option<AgentReport> {
        let now = self.inner.epoch.elapsed().as_millis() as u64;
        lock(&self.inner.members).iter().find(|m| m.agent.id == agent_id).map(|m| member_report(m, now))
    }

    pub fn agent_status(&self, agent_id: &str) -> Result<AgentStatus, TaskError> {
        let members = lock(&self.inner.members);
        let departed = lock(&self.inner.departed);
        let mut agents = members.iter().map(|m| &m.agent).chain(departed.iter());
        agents.find(|a| a.id == agent_id).map(|a| a.status).ok_or_else(|| TaskError::UnknownAgent(agent_id.to_string()))
    }
}

fn member_report(m: &Member, now: u64) -> AgentReport {
    AgentReport {
        agent: m.agent.clone(),
        current_task: lock(&m.state.current).clone(),
        tasks_done: m.state.tasks_done.load(Ordering::Relaxed),
        idle_ms: now.saturating_sub(m.state.heartbeat_ms.load(Ordering::Relaxed)),
        pinned: m.pinned,
        history: lock(&m.state.history).iter().rev().cloned().collect(),
    }
}
