//! An agent (seed 003's ScalableAgent): an id, a type, capabilities, configuration and a
//! status; in a pool it loops taking the next task it can do and running it.

use std::collections::{BTreeSet, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tokio::time::Instant;

use crate::{CancelToken, Failure, Handlers, TaskBoards, TaskContext};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AgentStatus {
    Initialized,
    Running,
    Stopped,
    Failed,
}

/// How an agent is made (the seed's agent config).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct AgentConfig {
    /// Given, or made from the type and a short random suffix.
    pub agent_id: Option<String>,
    pub agent_type: String,
    pub capabilities: Vec<String>,
    pub parameters: Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Agent {
    pub id: String,
    pub agent_type: String,
    pub capabilities: BTreeSet<String>,
    pub config: AgentConfig,
    pub status: AgentStatus,
}

/// Makes an agent from its configuration (the seed's `create_scalable_agent`).
pub fn create_agent(config: AgentConfig) -> Agent {
    let agent_type = if config.agent_type.is_empty() { "worker".to_string() } else { config.agent_type.clone() };
    let id = config.agent_id.clone().unwrap_or_else(|| {
        let suffix = uuid::Uuid::new_v4().simple().to_string();
        format!("{agent_type}_{}", &suffix[..8])
    });
    Agent {
        id,
        agent_type,
        capabilities: config.capabilities.iter().cloned().collect(),
        config,
        status: AgentStatus::Initialized,
    }
}

/// A task an agent ran, for its history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AgentTaskRecord {
    pub task_id: String,
    pub kind: String,
    /// `completed`, `failed` (with the reason) or `cancelled`.
    pub outcome: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub started_at: String,
    pub ms: u64,
}

/// How many tasks an agent's history keeps.
pub(crate) const HISTORY_KEPT: usize = 50;

/// What a running agent shares with its pool.
#[derive(Debug, Default)]
pub(crate) struct AgentState {
    pub current: Mutex<Option<String>>,
    /// Milliseconds since the pool's epoch at the last sign of life.
    pub heartbeat_ms: AtomicU64,
    pub tasks_done: AtomicU64,
    /// The tasks it ran, newest last.
    pub history: Mutex<VecDeque<AgentTaskRecord>>,
}

/// The longest an idle agent sleeps before looking again without being woken.
const IDLE_POLL: Duration = Duration::from_millis(250);

pub(crate) struct AgentLoop {
    pub id: String,
    pub expanded: BTreeSet<String>,
    pub boards: TaskBoards,
    pub handlers: Handlers,
    pub stop: CancelToken,
    pub state: Arc<AgentState>,
    pub epoch: Instant,
}

impl AgentLoop {
    pub async fn run(self) {
        loop {
            if self.stop.is_cancelled() {
                return;
            }
            self.beat();
            let woken = self.boards.wake().notified();
            tokio::pin!(woken);
            woken.as_mut().enable();
            if let Some(task) = self.boards.claim(&self.id, &self.expanded) {
                self.run_task(task).await;
                continue;
            }
            let wait = self.boards.next_due().map_or(IDLE_POLL, |due| due.saturating_duration_since(Instant::now()));
            tokio::select! {
                _ = woken => {}
                _ = tokio::time::sleep(wait.min(IDLE_POLL)) => {}
                _ = self.stop.cancelled() => return,
            }
        }
    }

    fn beat(&self) {
        self.state.heartbeat_ms.store(self.epoch.elapsed().as_millis() as u64, Ordering::Relaxed);
    }

    async fn run_task(&self, task: crate::Task) {
        let task_id = task.id.clone();
        let kind = task.kind.clone();
        let started_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let started = Instant::now();
        *self.state.current.lock().unwrap_or_else(|p| p.into_inner()) = Some(task_id.clone());
        let cancel = self.boards.register_running(&task_id);
        let outcome = match self.handlers.get(&task.kind) {
            None => Some(Err(Failure::new(format!("no handler runs tasks of kind '{}'", task.kind)))),
            Some(handler) => {
                let timeout = task.timeout();
                let ctx = TaskContext {
                    task,
                    agent_id: self.id.clone(),
                    boards: self.boards.clone(),
                    cancel: cancel.clone(),
                };
                let work = handler.run(ctx);
                let deadline = async {
                    match timeout {
                        Some(t) => tokio::time::sleep(t).await,
                        None => std::future::pending().await,
                    }
                };
                tokio::select! {
                    result = work => Some(result),
                    _ = deadline => {
                        cancel.cancel();
                        Some(Err(Failure::new("timeout")))
                    }
                    // Cancelled on the board already: nothing to report.
                    _ = cancel.cancelled() => None,
                }
            }
        };
        self.boards.unregister_running(&task_id);
        let (ended, error) = match &outcome {
            Some(Ok(_)) => ("completed", None),
            Some(Err(failure)) => ("failed", Some(failure.reason.clone())),
            None => ("cancelled", None),
        };
        let record = AgentTaskRecord {
            task_id: task_id.clone(),
            kind,
            outcome: ended.to_string(),
            error,
            started_at,
            ms: started.elapsed().as_millis() as u64,
        };
        {
            let mut history = self.state.history.lock().unwrap_or_else(|p| p.into_inner());
            if history.len() == HISTORY_KEPT {
                history.pop_front();
            }
            history.push_back(record);
        }
        // A task cancelled or timed out meanwhile refuses the report; that is expected.
        match outcome {
            Some(Ok(output)) => {
                let _ = self.boards.complete_task(&task_id, &self.id, output.outputs, output.metadata);
            }
            Some(Err(failure)) => {
                let _ = self.boards.fail_task(&task_id, &self.id, failure);
            }
            None => {}
        }
        self.state.tasks_done.fetch_add(1, Ordering::Relaxed);
        *self.state.current.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }
}
