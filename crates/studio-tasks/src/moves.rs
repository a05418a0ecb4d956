//! What moves a task on a board: assign, start, progress, complete, fail (with retries),
//! cancel (with its dependents), timeouts, and an agent that went away.

use std::cmp::Reverse;
use std::collections::BTreeSet;
use std::time::Duration;

use chrono::Utc;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tokio::time::Instant;

use crate::{Attempt, Progress, Task, TaskBoard, TaskError, TaskId, TaskResult, TaskStatus};

/// Why an attempt failed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Failure {
    pub reason: String,
    #[serde(default)]
    pub metadata: Map<String, Value>,
    /// Worth trying again (a busy resource, a lost connection), per the task's retry policy.
    #[serde(default)]
    pub transient: bool,
}

impl Failure {
    pub fn new(reason: impl Into<String>) -> Self {
        Failure { reason: reason.into(), ..Self::default() }
    }

    pub fn transient(reason: impl Into<String>) -> Self {
        Failure { reason: reason.into(), transient: true, ..Self::default() }
    }
}

/// What a failure led to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum FailOutcome {
    /// Back in the queue for attempt `attempt`, after `backoff_ms`.
    Retrying { attempt: u32, backoff_ms: u64 },
    /// Failed for good; these dependents were cancelled as blocked.
    Failed { cancelled: Vec<TaskId> },
}

impl TaskBoard {
    pub fn assign_task(&mut self, task_id: &str, agent_id: &str) -> Result<(), TaskError> {
        let idx = self.slot(task_id)?;
        let slot = &self.slots[idx];
        slot.task.status.check_move(TaskStatus::Assigned, task_id)?;
        if slot.waiting > 0 {
            return Err(TaskError::DependenciesUnfinished { task_id: task_id.to_string(), waiting: slot.waiting });
        }
        if slot.key.is_none() {
            return Err(TaskError::Invalid(format!("task '{task_id}' waits for its retry backoff")));
        }
        self.unready(idx);
        let task = &mut self.slots[idx].task;
        task.status = TaskStatus::Assigned;
        task.assigned_agent = Some(agent_id.to_string());
        self.active.insert(idx);
        self.mark(idx);
        Ok(())
    }

    pub fn start_task(&mut self, task_id: &str, agent_id: &str) -> Result<(), TaskError> {
        let idx = self.owned(task_id, agent_id, TaskStatus::InProgress)?;
        let slot = &mut self.slots[idx];
        slot.task.status = TaskStatus::InProgress;
        slot.task.started_at = Some(Utc::now());
        slot.started = Some(Instant::now());
        self.mark(idx);
        Ok(())
    }

    /// Assigns and starts the best ready task for an agent whose capabilities are given
    /// expanded (see `CapabilityHierarchy::expand`); what an agent of the pool calls.
    pub fn claim_next(&mut self, agent_id: &str, expanded: &BTreeSet<String>) -> Option<Task> {
        self.promote_due(Instant::now());
        let idx = self.ready.best_for(expanded)?;
        let id = self.slots[idx].task.id.clone();
        self.assign_task(&id, agent_id).ok()?;
        self.start_task(&id, agent_id).ok()?;
        Some(self.slots[idx].task.clone())
    }

    pub fn report_progress(&mut self, task_id: &str, fraction: f64, message: &str) -> Result<(), TaskError> {
        let idx = self.slot(task_id)?;
        if !fraction.is_finite() {
            return Err(TaskError::Invalid(format!("progress of task '{task_id}' must be a number from 0 to 1")));
        }
        let task = &mut self.slots[idx].task;
        if task.status != TaskStatus::InProgress {
            return Err(TaskError::Invalid(format!("task '{task_id}' is {}, not running", task.status)));
        }
        task.progress = Some(Progress { fraction: fraction.clamp(0.0, 1.0), message: message.to_string() });
        self.mark(idx);
        Ok(())
    }

    pub fn complete_task(
        &mut self,
        task_id: &str,
        agent_id: &str,
        outputs: Map<String, Value>,
        metadata: Map<String, Value>,
    ) -> Result<(), TaskError> {
        let idx = self.owned(task_id, agent_id, TaskStatus::Completed)?;
        self.finish(idx, TaskStatus::Completed, None, outputs, metadata);
        Ok(())
    }

    /// Fails the agent's attempt: retried when transient and attempts remain, else failed for
    /// good with its dependents cancelled as blocked.
    pub fn fail_task(&mut self, task_id: &str, agent_id: &str, failure: Failure) -> Result<FailOutcome, TaskError> {
        let idx = self.owned(task_id, agent_id, TaskStatus::Failed)?;
        Ok(self.fail_at(idx, failure))
    }

    fn fail_at(&mut self, idx: usize, failure: Failure) -> FailOutcome {
        let task = &self.slots[idx].task;
        if failure.transient && task.attempt < task.retry.max_attempts {
            let backoff = task.retry.backoff(task.attempt + 1);
            self.requeue(idx, failure.reason, backoff);
            let task = &self.slots[idx].task;
            return FailOutcome::Retrying { attempt: task.attempt, backoff_ms: backoff.as_millis() as u64 };
        }
        let cancelled = self.finish(idx, TaskStatus::Failed, Some(failure.reason), Map::new(), failure.metadata);
        FailOutcome::Failed { cancelled }
    }

    /// Cancels a task that has not finished, and every task that depends on it, directly or
    /// not; returns the ids cancelled, the task's own first. A running task's agent learns of
    /// it through the runtime and stops.
    pub fn cancel_task(&mut self, task_id: &str, reason: &str) -> Result<Vec<TaskId>, TaskError> {
        let idx = self.slot(task_id)?;
        self.slots[idx].task.status.check_move(TaskStatus::Cancelled, task_id)?;
        let reason = if reason.is_empty() { "cancelled".to_string() } else { reason.to_string() };
        let mut cancelled = vec![task_id.to_string()];
        cancelled.extend(self.finish(idx, TaskStatus::Cancelled, Some(reason), Map::new(), Map::new()));
        Ok(cancelled)
    }

    /// Fails the running tasks that have outlived their timeout, with reason "timeout".
    pub fn check_timeouts(&mut self, now: Instant) -> Vec<TaskId> {
        let expired: Vec<usize> = self
            .active
            .iter()
            .copied()
            .filter(|&i| {
                let slot = &self.slots[i];
                slot.task.status == TaskStatus::InProgress
                    && matches!((slot.started, slot.task.timeout()), (Some(s), Some(t)) if now >= s + t)
            })
            .collect();
        let mut failed = Vec::new();
        for idx in expired {
            failed.push(self.slots[idx].task.id.clone());
            self.fail_at(idx, Failure::new("timeout"));
        }
        failed
    }

    /// An agent went away: its assigned tasks go back to the queue; its running ones are
    /// retried if their policy allows another attempt, else fail with `reason`.
    pub fn release_agent(&mut self, agent_id: &str, reason: &str) -> Vec<TaskId> {
        let held: Vec<usize> = self
            .active
            .iter()
            .copied()
            .filter(|&i| self.slots[i].task.assigned_agent.as_deref() == Some(agent_id))
            .collect();
        let mut released = Vec::new();
        for idx in held {
            released.push(self.slots[idx].task.id.clone());
            if self.slots[idx].task.status == TaskStatus::Assigned {
                self.requeue(idx, String::new(), Duration::ZERO);
            } else {
                self.fail_at(idx, Failure::transient(reason));
            }
        }
        released
    }

    /// Back to pending: a new attempt after `backoff` when `reason` says why the last failed,
    /// or the same attempt when an agent let go of a task it had not started.
    pub(crate) fn requeue(&mut self, idx: usize, reason: String, backoff: Duration) {
        self.active.remove(&idx);
        let slot = &mut self.slots[idx];
        let task = &mut slot.task;
        if !reason.is_empty() {
            task.failed_attempts.push(Attempt {
                attempt: task.attempt,
                agent_id: task.assigned_agent.clone(),
                reason,
                at: Utc::now(),
            });
            task.attempt += 1;
        }
        task.status = TaskStatus::Pending;
        task.assigned_agent = None;
        task.started_at = None;
        task.progress = None;
        slot.started = None;
        if backoff > Duration::ZERO {
            let at = Instant::now() + backoff;
            slot.not_before = Some(at);
            self.delayed.push(Reverse((at, idx)));
        }
        self.mark(idx);
        self.make_ready_if_due(idx);
    }

    /// Ends a task; a completion frees its dependents, a failure or cancellation cancels them
    /// (returned) as blocked.
    pub(crate) fn finish(
        &mut self,
        idx: usize,
        status: TaskStatus,
        reason: Option<String>,
        outputs: Map<String, Value>,
        metadata: Map<String, Value>,
    ) -> Vec<TaskId> {
        self.unready(idx);
        self.active.remove(&idx);
        let now = Utc::now();
        let slot = &mut self.slots[idx];
        slot.not_before = None;
        slot.task.status = status;
        slot.task.finished_at = Some(now);
        if status == TaskStatus::Completed
            && let Some(p) = slot.task.progress.as_mut()
        {
            p.fraction = 1.0;
        }
        slot.task.result = Some(TaskResult { outputs, metadata, status, timestamp: now, reason });
        self.mark(idx);
        if status == TaskStatus::Completed {
            for d in self.slots[idx].dependents.clone() {
                self.slots[d].waiting -= 1;
                self.make_ready_if_due(d);
            }
            return Vec::new();
        }
        self.cancel_dependents(idx)
    }

    fn cancel_dependents(&mut self, idx: usize) -> Vec<TaskId> {
        let mut cancelled = Vec::new();
        let mut stack: Vec<(usize, usize)> = self.slots[idx].dependents.iter().map(|&d| (d, idx)).collect();
        while let Some((d, blocker)) = stack.pop() {
            if self.slots[d].task.status.is_finished() {
                continue;
            }
            let reason = self.blocked_reason(blocker);
            self.unready(d);
            self.active.remove(&d);
            let now = Utc::now();
            let slot = &mut self.slots[d];
            slot.not_before = None;
            slot.task.status = TaskStatus::Cancelled;
            slot.task.finished_at = Some(now);
            slot.task.result = Some(TaskResult {
                outputs: Map::new(),
                metadata: Map::new(),
                status: TaskStatus::Cancelled,
                timestamp: now,
                reason: Some(reason),
            });
            cancelled.push(slot.task.id.clone());
            self.mark(d);
            stack.extend(self.slots[d].dependents.iter().map(|&n| (n, d)));
        }
        cancelled
    }

    /// The task's slot if it may make this move and is the agent's.
    fn owned(&self, task_id: &str, agent_id: &str, to: TaskStatus) -> Result<usize, TaskError> {
        let idx = self.slot(task_id)?;
        let task = &self.slots[idx].task;
        task.status.check_move(to, task_id)?;
        match task.assigned_agent.as_deref() {
            Some(a) if a == agent_id => Ok(idx),
            assigned => Err(TaskError::NotAssignedTo {
                task_id: task_id.to_string(),
                agent: agent_id.to_string(),
                assigned: assigned.unwrap_or("nobody").to_string(),
            }),
        }
    }
}
