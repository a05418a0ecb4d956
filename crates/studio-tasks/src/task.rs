//! A task, what it needs, how it is retried, and its result.

use std::collections::BTreeSet;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::TaskStatus;

pub type TaskId = String;

/// How a task that fails with a transient error is tried again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct RetryPolicy {
    /// Attempts in all, the first one included: 1 means never retried.
    pub max_attempts: u32,
    /// Wait before the second attempt; doubled for each one after, up to `max_backoff_ms`.
    pub backoff_ms: u64,
    pub max_backoff_ms: u64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy { max_attempts: 1, backoff_ms: 500, max_backoff_ms: 30_000 }
    }
}

impl RetryPolicy {
    pub fn attempts(max_attempts: u32) -> Self {
        RetryPolicy { max_attempts, ..Self::default() }
    }

    /// The wait before attempt `next` (2 for the first retry).
    pub fn backoff(&self, next: u32) -> Duration {
        let doublings = next.saturating_sub(2).min(32);
        Duration::from_millis(self.backoff_ms.saturating_mul(1u64 << doublings).min(self.max_backoff_ms))
    }
}

/// What is asked for when a task is added.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct TaskSpec {
    /// Chosen by the caller so tasks added together can name each other; else a new UUID.
    pub id: Option<TaskId>,
    pub name: String,
    pub description: String,
    /// Which handler runs it (e.g. `export_project`).
    pub kind: String,
    pub inputs: Map<String, Value>,
    pub dependencies: Vec<TaskId>,
    pub required_capabilities: BTreeSet<String>,
    /// Seconds it may run before it fails with reason "timeout".
    pub timeout_secs: Option<f64>,
    /// Higher runs first among tasks that are ready; ties go to the longest chain of dependents.
    pub priority: i32,
    pub retry: RetryPolicy,
    /// The project it works on, if any.
    pub project_id: Option<String>,
}

impl TaskSpec {
    pub fn new(kind: &str, name: &str) -> Self {
        TaskSpec { kind: kind.to_string(), name: name.to_string(), ..Self::default() }
    }

    pub fn with_id(mut self, id: &str) -> Self {
        self.id = Some(id.to_string());
        self
    }

    pub fn after(mut self, dependency: &str) -> Self {
        self.dependencies.push(dependency.to_string());
        self
    }

    pub fn needs(mut self, capability: &str) -> Self {
        self.required_capabilities.insert(capability.to_string());
        self
    }

    pub fn input(mut self, key: &str, value: Value) -> Self {
        self.inputs.insert(key.to_string(), value);
        self
    }
}

/// How far a running task is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Progress {
    /// 0 to 1.
    pub fraction: f64,
    pub message: String,
}

/// The outcome of a finished task (the seed's `TaskResult`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TaskResult {
    pub outputs: Map<String, Value>,
    pub metadata: Map<String, Value>,
    pub status: TaskStatus,
    pub timestamp: DateTime<Utc>,
    /// Why it failed or was cancelled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A failed attempt that was retried.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Attempt {
    pub attempt: u32,
    pub agent_id: Option<String>,
    pub reason: String,
    pub at: DateTime<Utc>,
}

/// A unit of work (the seed's `Task`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Task {
    pub id: TaskId,
    pub board_id: String,
    pub name: String,
    pub description: String,
    pub kind: String,
    pub status: TaskStatus,
    pub assigned_agent: Option<String>,
    pub inputs: Map<String, Value>,
    pub result: Option<TaskResult>,
    pub dependencies: Vec<TaskId>,
    pub required_capabilities: BTreeSet<String>,
    pub timeout_secs: Option<f64>,
    pub priority: i32,
    pub retry: RetryPolicy,
    /// 1 for the first attempt.
    pub attempt: u32,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failed_attempts: Vec<Attempt>,
    pub progress: Option<Progress>,
    pub project_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl Task {
    pub fn timeout(&self) -> Option<Duration> {
        self.timeout_secs.filter(|s| s.is_finite() && *s > 0.0).map(Duration::from_secs_f64)
    }

    /// Why it failed or was cancelled, if it did.
    pub fn reason(&self) -> Option<&str> {
        self.result.as_ref().and_then(|r| r.reason.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_its_cap() {
        let policy = RetryPolicy { max_attempts: 10, backoff_ms: 100, max_backoff_ms: 1_000 };
        let waits: Vec<u128> = (2..=7).map(|n| policy.backoff(n).as_millis()).collect();
        assert_eq!(waits, [100, 200, 400, 800, 1_000, 1_000]);
        assert_eq!(policy.backoff(200).as_millis(), 1_000);
    }
}
