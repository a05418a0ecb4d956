//! Workflow runs, durable: a run's row is written when it is asked for (`queued`), each step's
//! start, output and end before the next step begins (`workflow_engine.rs`), and its end. A run
//! whose program died (kill -9) is adopted by the next program that runs tasks and resumes
//! where it stopped: a finished step is not run again, its output read back instead. At most
//! `max_concurrent_executions` runs go at once; the others wait `queued`. Runs can be paused,
//! resumed and cancelled; their start and end are events on the bus
//! (`studio.workflow.started|completed|failed|cancelled`, in the seed's format).

use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use studio_model::{Permission, Workflow};
use studio_store::{WorkflowRunRow, WorkflowStepRow};

use crate::actor::Actor;
use crate::automation::{Control, seconds_between};
use crate::error::{CoreError, Result};
use crate::studio::Studio;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    Queued,
    Running,
    Paused,
    Completed,
    Failed,
    Cancelled,
}

impl RunStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Queued => "queued",
            RunStatus::Running => "running",
            RunStatus::Paused => "paused",
            RunStatus::Completed => "completed",
            RunStatus::Failed => "failed",
            RunStatus::Cancelled => "cancelled",
        }
    }

    fn of(text: &str) -> RunStatus {
        match text {
            "queued" => RunStatus::Queued,
            "running" => RunStatus::Running,
            "paused" => RunStatus::Paused,
            "completed" => RunStatus::Completed,
            "cancelled" => RunStatus::Cancelled,
            _ => RunStatus::Failed,
        }
    }

    pub fn is_finished(self) -> bool {
        matches!(self, RunStatus::Completed | RunStatus::Failed | RunStatus::Cancelled)
    }
}

/// One step instance of a run: its place (`each[2].fetch` inside a loop), how it went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StepRun {
    pub path: String,
    pub step_id: String,
    pub kind: String,
    /// `running`, `completed`, `failed`.
    pub status: String,
    pub attempt: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub started_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<f64>,
}

/// A run (the seed's execution) with its steps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct WorkflowRun {
    pub execution_id: String,
    pub project_id: String,
    pub workflow_id: String,
    pub workflow_name: String,
    pub status: RunStatus,
    /// What started it: `{"type": "manual"}`, a schedule, a source, an event.
    pub trigger: Value,
    pub input: Value,
    pub user_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub created_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<String>,
    /// Seconds from its start to its end (or to now).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<f64>,
    pub steps_completed: usize,
    pub total_steps: usize,
    pub steps: Vec<StepRun>,
}

pub(crate) fn step_of(row: &WorkflowStepRow) -> StepRun {
    StepRun {
        path: row.path.clone(),
        step_id: row.step_id.clone(),
        kind: row.kind.clone(),
        status: row.status.clone(),
        attempt: row.attempt as u32,
        output: row.output.as_deref().and_then(|o| serde_json::from_str(o).ok()),
        error: row.error.clone(),
        started_at: row.started_at.clone(),
        finished_at: row.finished_at.clone(),
        duration_ms: row
            .finished_at
            .as_deref()
            .and_then(|end| seconds_between(&row.started_at, Some(end)))
            .map(|s| s * 1000.0),
    }
}

fn run_of(row: &WorkflowRunRow, steps: &[WorkflowStepRow]) -> WorkflowRun {
    let workflow: Option<Workflow> = serde_json::from_str(&row.workflow).ok();
    WorkflowRun {
        execution_id: row.run_id.clone(),
        project_id: row.project_id.clone(),
        workflow_id: row.workflow_id.clone(),
        workflow_name: workflow.as_ref().map(|w| w.name.clone()).unwrap_or_default(),
        status: RunStatus::of(&row.status),
        trigger: serde_json::from_str(&row.trigger).unwrap_or(Value::Null),
        input: serde_json::from_str(&row.input).unwrap_or(Value::Null),
        user_id: row.user_id.clone(),
        error: row.error.clone(),
        created_at: row.created_at.clone(),
        started_at: row.started_at.clone(),
        finished_at: row.finished_at.clone(),
        duration: row.started_at.as_deref().and_then(|s| seconds_between(s, row.finished_at.as_deref())),
        steps_completed: steps.iter().filter(|s| s.status == "completed").count(),
        total_steps: workflow.map_or(0, |w| w.steps.len()),
        steps: steps.iter().map(step_of).collect(),
    }
}

impl Studio {
    /// Starts a run of the workflow (queued until a slot is free); answers it as it starts.
    pub async fn execute_workflow(
        &self,
        project_id: &str,
        workflow_id: &str,
        user_id: &str,
        input: &Value,
        trigger: &Value,
    ) -> Result<WorkflowRun> {
        let workflow = self.automation.workflow(project_id, workflow_id).await?;
        self.check_allowed(&Actor::new(project_id, user_id), Permission::Edit).await?;
        if !(input.is_object() || input.is_null()) {
            return Err(CoreError::invalid("a run's input is a JSON object"));
        }
        let now = studio_store::now();
        let row = WorkflowRunRow {
            run_id: uuid::Uuid::new_v4().to_string(),
            project_id: project_id.into(),
            workflow_id: workflow_id.into(),
            workflow: serde_json::to_string(&workflow).map_err(CoreError::internal)?,
            status: RunStatus::Queued.as_str().into(),
            trigger: if trigger.is_null() { json!({"type": "manual"}) } else { trigger.clone() }.to_string(),
            input: if input.is_null() { json!({}) } else { input.clone() }.to_string(),
            user_id: user_id.into(),
            session_id: Some(self.session_id.clone()),
            error: None,
            created_at: now.clone(),
            started_at: None,
            finished_at: None,
            updated_at: now,
        };
        self.store.put_workflow_run(&row).await?;
        match self.me.get().and_then(std::sync::Weak::upgrade) {
            Some(studio) => {
                let run = row.clone();
                let control = self.automation.listen(&row.run_id);
                tokio::spawn(async move { studio.drive(run, control).await });
            }
            // A program that runs no tasks leaves the run to one that does (the app, a server).
            None => {
                self.store.claim_workflow_run(&row.run_id, "", Some(&self.session_id)).await?;
            }
        }
        Ok(run_of(&row, &[]))
    }

    /// A run with its steps.
    pub async fn workflow_run(&self, run_id: &str) -> Result<WorkflowRun> {
        let row = self.run_row(run_id).await?;
        Ok(run_of(&row, &self.store.workflow_steps(run_id).await?))
    }

    /// A project's runs, newest first (of one workflow when it is named), 100 at most.
    pub async fn workflow_runs(&self, project_id: &str, workflow_id: Option<&str>) -> Result<Vec<WorkflowRun>> {
        self.store.project(project_id).await?;
        let mut runs = Vec::new();
        for row in self.store.workflow_runs(project_id, workflow_id, 100).await? {
            let steps = self.store.workflow_steps(&row.run_id).await?;
            runs.push(run_of(&row, &steps));
        }
        Ok(runs)
    }

    /// Pauses a run between two steps, resumes it, or cancels it.
    pub async fn control_run(&self, run_id: &str, user_id: &str, control: &str) -> Result<WorkflowRun> {
        let mut row = self.run_row(run_id).await?;
        self.check_allowed(&Actor::new(&row.project_id, user_id), Permission::Edit).await?;
        let status = RunStatus::of(&row.status);
        if status.is_finished() {
            return Err(CoreError::new("conflict", format!("run {run_id} has already {}", row.status)));
        }
        let told = match control {
            "pause" => Control::Pause,
            "resume" => Control::Run,
            "cancel" => Control::Cancel,
            other => return Err(CoreError::invalid(format!("'{other}' is not pause, resume or cancel"))),
        };
        if !self.automation.tell(run_id, told) {
            // Driven by no program here (queued for a runner, or its program gone): its row says it.
            row = self.run_row(run_id).await?;
            let next = match told {
                Control::Pause => RunStatus::Paused,
                Control::Run => RunStatus::Queued,
                Control::Cancel => RunStatus::Cancelled,
            };
            row.status = next.as_str().into();
            if next == RunStatus::Cancelled {
                row.finished_at = Some(studio_store::now());
            }
            row.updated_at = studio_store::now();
            self.store.put_workflow_run(&row).await?;
        } else {
            // The driver writes the new status between two steps (a run just started may first
            // write `running`); wait a moment for the status told.
            for _ in 0..100 {
                let now = RunStatus::of(&self.run_row(run_id).await?.status);
                let there = match told {
                    Control::Pause => now == RunStatus::Paused,
                    Control::Run => now == RunStatus::Running,
                    Control::Cancel => now.is_finished(),
                };
                if there || now.is_finished() {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
        self.workflow_run(run_id).await
    }

    async fn run_row(&self, run_id: &str) -> Result<WorkflowRunRow> {
        self.store
            .workflow_run(run_id)
            .await?
            .ok_or_else(|| CoreError::new("not_found", format!("there is no workflow run '{run_id}'")))
    }

    /// Runs left by programs that are gone (killed, or a command that ran no tasks) are taken
    /// by this one and resumed where they stopped.
    pub(crate) async fn adopt_workflow_runs(self: &Arc<Self>) -> Result<()> {
        for row in self.store.unfinished_workflow_runs().await? {
            if RunStatus::of(&row.status) == RunStatus::Paused {
                continue;
            }
            let owner = row.session_id.clone().filter(|s| !s.is_empty());
            let alive = match &owner {
                Some(s) if *s == self.session_id => continue,
                Some(s) => self
                    .store
                    .session(s)
                    .await?
                    .is_some_and(|session| crate::liveness::session_alive(&session, Duration::from_secs(90))),
                None => false,
            };
            if alive {
                continue;
            }
            if self.store.claim_workflow_run(&row.run_id, &self.session_id, row.session_id.as_deref()).await? {
                let studio = self.clone();
                let control = self.automation.listen(&row.run_id);
                tokio::spawn(async move { studio.drive(row, control).await });
            }
        }
        Ok(())
    }

    /// Drives a run to its end: waits for a slot, runs its steps, writes how it ended.
    pub(crate) async fn drive(
        self: Arc<Self>,
        mut row: WorkflowRunRow,
        control: tokio::sync::watch::Receiver<Control>,
    ) {
        let outcome = self.drive_inner(&mut row, control).await;
        self.automation.controls.lock().unwrap_or_else(|p| p.into_inner()).remove(&row.run_id);
        if let Err(e) = outcome {
            tracing::error!(run = row.run_id, "a workflow run could not be recorded: {}", e.message);
        }
    }

    async fn drive_inner(
        self: &Arc<Self>,
        row: &mut WorkflowRunRow,
        control: tokio::sync::watch::Receiver<Control>,
    ) -> Result<()> {
        let slots = self.automation.slots.clone();
        let _slot = slots.acquire_owned().await.map_err(CoreError::internal)?;
        let workflow: Workflow = serde_json::from_str(&row.workflow).map_err(CoreError::internal)?;
        let done = self.store.workflow_steps(&row.run_id).await?;
        let resumed = row.started_at.is_some();
        row.status = RunStatus::Running.as_str().into();
        row.started_at.get_or_insert_with(studio_store::now);
        row.session_id = Some(self.session_id.clone());
        row.updated_at = studio_store::now();
        self.store.put_workflow_run(row).await?;
        if !resumed {
            self.announce_run(row, &workflow, "studio.workflow.started", 0);
        }
        let mut scope = Map::new();
        scope.insert("input".into(), serde_json::from_str(&row.input).unwrap_or(Value::Null));
        scope.insert("trigger".into(), serde_json::from_str(&row.trigger).unwrap_or(Value::Null));
        let hours = self.settings.workflow().default_timeout_hours;
        let started = row.started_at.as_deref().and_then(|s| seconds_between(s, None)).unwrap_or(0.0);
        let left = Duration::from_secs_f64((hours * 3600.0 - started).max(0.0));
        let run = crate::workflow_engine::Run::new(row, workflow.clone(), scope, done, control, left);
        self.vitals.gauges.runs_active.inc();
        let ended = self.run_workflow_steps(&run).await;
        self.vitals.gauges.runs_active.dec();
        let (status, error) = match ended {
            Ok(()) => (RunStatus::Completed, None),
            Err(crate::workflow_engine::Stop::Cancelled) => (RunStatus::Cancelled, None),
            Err(crate::workflow_engine::Stop::Failed(why)) => (RunStatus::Failed, Some(why)),
        };
        row.status = status.as_str().into();
        row.error = error;
        self.vitals.gauges.runs.with_label_values(&[status.as_str()]).inc();
        row.finished_at = Some(studio_store::now());
        row.updated_at = studio_store::now();
        self.store.put_workflow_run(row).await?;
        let completed =
            self.store.workflow_steps(&row.run_id).await?.iter().filter(|s| s.status == "completed").count();
        let topic = match status {
            RunStatus::Completed => "studio.workflow.completed",
            RunStatus::Cancelled => "studio.workflow.cancelled",
            _ => "studio.workflow.failed",
        };
        self.announce_run(row, &workflow, topic, completed);
        Ok(())
    }

    /// A run's start or end on the bus, in the seed's format.
    fn announce_run(&self, row: &WorkflowRunRow, workflow: &Workflow, topic: &str, steps_completed: usize) {
        let mut data = Map::new();
        data.insert("workflow_id".into(), row.workflow_id.clone().into());
        data.insert("execution_id".into(), row.run_id.clone().into());
        data.insert("status".into(), row.status.clone().into());
        if let Some(started) = &row.started_at {
            let duration = seconds_between(started, row.finished_at.as_deref()).unwrap_or(0.0);
            data.insert("duration".into(), json!((duration * 1000.0).round() / 1000.0));
        }
        data.insert("steps_completed".into(), steps_completed.into());
        data.insert("total_steps".into(), workflow.steps.len().into());
        if let Some(error) = &row.error {
            data.insert("error".into(), error.clone().into());
        }
        self.bus.publish(topic, Some(&row.project_id), data);
    }
}
