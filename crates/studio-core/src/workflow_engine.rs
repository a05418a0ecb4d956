//! The interpreter of a workflow's steps. Before a step runs, its start is written; after, its
//! output and end — so a run resumed after its program died finds each finished step's output
//! and does not run it again (a step that had started is run again: at least once). Between
//! two steps a run obeys pause and cancel and its deadline.
//!
//! A step's place (`path`) is its id, inside a loop prefixed by the loop's place and the
//! iteration (`each[2].fetch`). Expressions see each step by id as `{output, status, attempts,
//! duration_ms}` (inside a loop, its latest iteration's), plus `input`, `trigger`, and in a
//! loop `item` and `index`.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

use futures::future::{BoxFuture, FutureExt, try_join_all};
use serde_json::{Map, Value, json};
use studio_model::{StepKind, Workbench, WorkbenchAction, Workflow, WorkflowStep};
use studio_store::{WorkflowRunRow, WorkflowStepRow};
use studio_tasks::{RetryPolicy, TaskSpec, TaskStatus};
use tokio::sync::watch;

use crate::automation::{Control, seconds_between};
use crate::bus::EventFilter;
use crate::error::CoreError;
use crate::request::Request;
use crate::studio::Studio;
use crate::workflow_exprs as exprs;

/// Why a run stopped before its end.
#[derive(Debug)]
pub(crate) enum Stop {
    Failed(String),
    Cancelled,
}

type Flow<T> = std::result::Result<T, Stop>;

impl From<CoreError> for Stop {
    fn from(e: CoreError) -> Self {
        Stop::Failed(e.message)
    }
}

/// A run being driven.
pub(crate) struct Run {
    id: String,
    project_id: String,
    user_id: String,
    workflow: Workflow,
    scope: Mutex<Map<String, Value>>,
    /// Step instances already written, by path (a resumed run's).
    done: HashMap<String, WorkflowStepRow>,
    position: AtomicI64,
    control: Mutex<watch::Receiver<Control>>,
    deadline: Instant,
    hours: Duration,
}

impl Run {
    pub(crate) fn new(
        row: &WorkflowRunRow,
        workflow: Workflow,
        mut scope: Map<String, Value>,
        done: Vec<WorkflowStepRow>,
        control: watch::Receiver<Control>,
        left: Duration,
    ) -> Run {
        // What finished steps gave, for the expressions of those that follow.
        for row in done.iter().filter(|r| r.status == "completed") {
            scope.insert(row.step_id.clone(), seen(row));
        }
        let position = done.iter().map(|r| r.position).max().unwrap_or(0) + 1;
        Run {
            id: row.run_id.clone(),
            project_id: row.project_id.clone(),
            user_id: row.user_id.clone(),
            workflow,
            scope: Mutex::new(scope),
            done: done.into_iter().map(|r| (r.path.clone(), r)).collect(),
            position: AtomicI64::new(position),
            control: Mutex::new(control),
            deadline: Instant::now() + left,
            hours: left,
        }
    }

    fn scope(&self, locals: &Map<String, Value>) -> Map<String, Value> {
        let mut scope = self.scope.lock().unwrap_or_else(|p| p.into_inner()).clone();
        scope.extend(locals.iter().map(|(k, v)| (k.clone(), v.clone())));
        scope
    }

    fn remember(&self, step_id: &str, value: Value) {
        self.scope.lock().unwrap_or_else(|p| p.into_inner()).insert(step_id.to_string(), value);
    }

    fn control(&self) -> watch::Receiver<Control> {
        self.control.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

/// A finished step as expressions see it.
fn seen(row: &WorkflowStepRow) -> Value {
    let output = row.output.as_deref().and_then(|o| serde_json::from_str(o).ok()).unwrap_or(Value::Null);
    let duration = row.finished_at.as_deref().and_then(|end| seconds_between(&row.started_at, Some(end)));
    let duration = duration.map_or(0.0, |s| s * 1000.0);
    json!({"output": output, "status": row.status, "attempts": row.attempt, "duration_ms": duration})
}

impl Studio {
    /// Runs the workflow's own sequence.
    pub(crate) async fn run_workflow_steps(&self, run: &Run) -> Flow<()> {
        let top: Vec<String> = run.workflow.top_level().iter().map(|s| s.id.clone()).collect();
        self.run_sequence(run, &top, "", &Map::new()).await
    }

    fn run_sequence<'a>(
        &'a self,
        run: &'a Run,
        ids: &'a [String],
        prefix: &'a str,
        locals: &'a Map<String, Value>,
    ) -> BoxFuture<'a, Flow<()>> {
        async move {
            for id in ids {
                let step = run.workflow.step(id).ok_or_else(|| Stop::Failed(format!("no step '{id}'")))?;
                self.run_step(run, step, prefix, locals).await?;
            }
            Ok(())
        }
        .boxed()
    }

    /// Between two steps: paused (waits), cancelled or past the run's deadline (stops).
    async fn checkpoint(&self, run: &Run) -> Flow<()> {
        let mut control = run.control();
        loop {
            if Instant::now() > run.deadline {
                return Err(Stop::Failed(format!(
                    "the run took longer than its {:.1} hours (default_timeout_hours)",
                    run.hours.as_secs_f64() / 3600.0
                )));
            }
            let now = *control.borrow_and_update();
            match now {
                Control::Run => return Ok(()),
                Control::Cancel => return Err(Stop::Cancelled),
                Control::Pause => {
                    self.set_run_status(run, "paused").await?;
                    while *control.borrow_and_update() == Control::Pause {
                        if control.changed().await.is_err() {
                            return Err(Stop::Cancelled);
                        }
                    }
                    if *control.borrow() == Control::Run {
                        self.set_run_status(run, "running").await?;
                    }
                }
            }
        }
    }

    async fn set_run_status(&self, run: &Run, status: &str) -> Flow<()> {
        let Some(mut row) = self.store.workflow_run(&run.id).await.map_err(CoreError::from)? else {
            return Err(Stop::Failed("the run's record is gone".into()));
        };
        row.status = status.into();
        row.updated_at = studio_store::now();
        self.store.put_workflow_run(&row).await.map_err(CoreError::from)?;
        Ok(())
    }

    /// Writes a step's row, any secret in its output or error masked.
    async fn write_step(&self, row: &WorkflowStepRow) -> Flow<()> {
        let mut row = row.clone();
        if let Some(output) = &row.output
            && let Ok(mut value) = serde_json::from_str::<serde_json::Value>(output)
        {
            crate::secrets::mask_json(&mut value);
            row.output = Some(value.to_string());
        }
        row.error = row.error.map(|e| crate::secrets::mask(&e).into_owned());
        self.store.put_workflow_step(&row).await.map_err(|e| Stop::Failed(CoreError::from(e).message))
    }

    fn run_step<'a>(
        &'a self,
        run: &'a Run,
        step: &'a WorkflowStep,
        prefix: &'a str,
        locals: &'a Map<String, Value>,
    ) -> BoxFuture<'a, Flow<Value>> {
        async move {
            let path = format!("{prefix}{}", step.id);
            if let Some(done) = run.done.get(&path).filter(|r| r.status == "completed") {
                run.remember(&step.id, seen(done));
                return Ok(seen(done)["output"].clone());
            }
            self.checkpoint(run).await?;
            let control = !matches!(step.kind, StepKind::Action { .. } | StepKind::Task { .. });
            let attempts =
                if control { 1 } else { step.retry_attempts.unwrap_or(self.settings.workflow().retry_attempts).max(1) };
            let earlier = run.done.get(&path);
            let position = earlier.map_or_else(|| run.position.fetch_add(1, Ordering::SeqCst), |r| r.position);
            let mut row = WorkflowStepRow {
                run_id: run.id.clone(),
                path: path.clone(),
                step_id: step.id.clone(),
                kind: step.kind.name().into(),
                status: "running".into(),
                attempt: 1,
                // A wait resumed keeps when it began (and the event it waits after).
                output: earlier.and_then(|r| r.output.clone()),
                error: None,
                started_at: earlier.map_or_else(studio_store::now, |r| r.started_at.clone()),
                finished_at: None,
                position,
            };
            let mut attempt: u32 = 1;
            loop {
                row.attempt = i64::from(attempt);
                row.status = "running".into();
                self.write_step(&row).await?;
                let timeout = step.timeout_secs.map(Duration::from_secs_f64).unwrap_or(Duration::MAX);
                let ran = match tokio::time::timeout(timeout, self.carry_out(run, step, &path, locals, &mut row)).await
                {
                    Ok(ran) => ran,
                    Err(_) => Err(Stop::Failed(format!("timed out after {} s", timeout.as_secs_f64()))),
                };
                match ran {
                    Ok(output) => {
                        row.status = "completed".into();
                        row.output = Some(output.to_string());
                        row.error = None;
                        row.finished_at = Some(studio_store::now());
                        self.write_step(&row).await?;
                        self.vitals.gauges.steps.with_label_values(&[step.kind.name(), "completed"]).inc();
                        run.remember(&step.id, seen(&row));
                        return Ok(output);
                    }
                    Err(Stop::Cancelled) => return Err(Stop::Cancelled),
                    Err(Stop::Failed(why)) if attempt < attempts => {
                        row.error = Some(why);
                        self.write_step(&row).await?;
                        let backoff = Duration::from_millis(200 * (1 << (attempt - 1).min(6)));
                        tokio::time::sleep(backoff).await;
                        attempt += 1;
                    }
                    Err(Stop::Failed(why)) => {
                        row.status = "failed".into();
                        row.error = Some(why.clone());
                        row.finished_at = Some(studio_store::now());
                        self.write_step(&row).await?;
                        self.vitals.gauges.steps.with_label_values(&[step.kind.name(), "failed"]).inc();
                        return Err(Stop::Failed(format!("step '{}' failed: {why}", step.id)));
                    }
                }
            }
        }
        .boxed()
    }

    /// What one kind of step does; its output.
    async fn carry_out(
        &self,
        run: &Run,
        step: &WorkflowStep,
        path: &str,
        locals: &Map<String, Value>,
        row: &mut WorkflowStepRow,
    ) -> Flow<Value> {
        let fail = |e: String| Stop::Failed(e);
        match &step.kind {
            StepKind::Action { workbench, action, payload } => {
                let payload = exprs::fill(payload, &run.scope(locals)).map_err(fail)?;
                self.action_step(run, workbench, action, payload).await
            }
            StepKind::Task { agent_type, task, config } => {
                let config = exprs::fill(config, &run.scope(locals)).map_err(fail)?;
                self.task_step(run, step, agent_type, task, config).await
            }
            StepKind::Condition { expression, true_steps, false_steps } => {
                let result = exprs::holds(expression, &run.scope(locals)).map_err(fail)?;
                let branch = if result { true_steps } else { false_steps };
                self.run_sequence(run, branch, &child_prefix(path, None), locals).await?;
                Ok(json!({"result": result, "branch": result.to_string()}))
            }
            StepKind::Parallel { branches } => {
                let prefix = child_prefix(path, None);
                let all = branches.iter().map(|b| self.run_sequence(run, b, &prefix, locals));
                try_join_all(all).await?;
                Ok(json!({"branches": branches.len()}))
            }
            StepKind::Loop { over, while_, steps, max_iterations } => {
                let mut iterations = 0u32;
                let items = match over {
                    Some(list) => match exprs::evaluate(list, &run.scope(locals)).map_err(fail)? {
                        Value::Array(items) => Some(items),
                        other => return Err(fail(format!("`over` gave {other}, not a list"))),
                    },
                    None => None,
                };
                loop {
                    let mut inner = locals.clone();
                    inner.insert("index".into(), iterations.into());
                    match (&items, while_) {
                        (Some(items), _) => match items.get(iterations as usize) {
                            Some(item) => {
                                inner.insert("item".into(), item.clone());
                            }
                            None => break,
                        },
                        (None, Some(condition)) => {
                            if !exprs::holds(condition, &run.scope(&inner)).map_err(fail)? {
                                break;
                            }
                        }
                        (None, None) => break,
                    }
                    if iterations >= *max_iterations {
                        if items.is_some() {
                            return Err(fail(format!(
                                "the list has more than max_iterations ({max_iterations}) items"
                            )));
                        }
                        break;
                    }
                    self.run_sequence(run, steps, &child_prefix(path, Some(iterations)), &inner).await?;
                    iterations += 1;
                }
                Ok(json!({"iterations": iterations}))
            }
            StepKind::Wait { event, until, seconds, timeout_secs } => {
                self.wait_step(run, row, event.as_deref(), until.as_deref(), *seconds, *timeout_secs).await
            }
        }
    }

    async fn action_step(&self, run: &Run, workbench: &str, action: &str, payload: Value) -> Flow<Value> {
        let request = match (workbench, action) {
            ("project", "save") => Request::SaveProject {
                project_id: run.project_id.clone(),
                user_id: run.user_id.clone(),
                background: false,
            },
            ("project", "run_pipeline") => {
                Request::RunPipeline { project_id: run.project_id.clone(), user_id: run.user_id.clone() }
            }
            _ => {
                let workbench: Workbench =
                    workbench.parse().map_err(|e: studio_model::ModelError| Stop::Failed(e.to_string()))?;
                Request::WorkbenchAction(WorkbenchAction {
                    project_id: run.project_id.clone(),
                    user_id: run.user_id.clone(),
                    workbench,
                    action: action.into(),
                    payload,
                })
            }
        };
        let answer = Box::pin(self.dispatch(request)).await?.value();
        // A long action answers with its task: the step ends with it.
        let task_ids: Vec<String> = match answer["result"]["task_id"].as_str() {
            Some(id) => vec![id.to_string()],
            None => answer["tasks"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|t| t["id"].as_str().map(String::from))
                .collect(),
        };
        for task_id in &task_ids {
            let task = self.await_task(run, task_id).await?;
            if task.status != TaskStatus::Completed {
                return Err(Stop::Failed(format!(
                    "its task {} {}",
                    task.kind,
                    task.reason().unwrap_or("did not complete")
                )));
            }
        }
        // The answer's state is the whole project: the step keeps what the action said.
        let mut output = answer;
        if let Some(o) = output.as_object_mut() {
            o.remove("updated_project_state");
        }
        Ok(output)
    }

    async fn task_step(
        &self,
        run: &Run,
        step: &WorkflowStep,
        agent_type: &str,
        task: &str,
        config: Value,
    ) -> Flow<Value> {
        let spec = TaskSpec::new(task, step.name.as_deref().unwrap_or(&step.id))
            .needs(crate::agents::capability(agent_type))
            .input("config", config)
            .input("execution_id", json!(run.id));
        let spec = TaskSpec { retry: RetryPolicy { max_attempts: 1, ..RetryPolicy::default() }, ..spec };
        let task = self.submit_tasks(&run.project_id, vec![spec]).await?.remove(0);
        let task = self.await_task(run, &task.id).await?;
        match task.status {
            TaskStatus::Completed => {
                Ok(task.result.and_then(|r| r.outputs.get("output").cloned()).unwrap_or(Value::Null))
            }
            _ => Err(Stop::Failed(task.reason().unwrap_or("the task did not complete").to_string())),
        }
    }

    /// Waits for a task to end; a cancel of the run cancels it.
    async fn await_task(&self, run: &Run, task_id: &str) -> Flow<studio_tasks::Task> {
        let mut control = run.control();
        tokio::select! {
            task = self.wait_task(task_id, |_| {}) => Ok(task?),
            () = async { let _ = control.wait_for(|c| *c == Control::Cancel).await; } => {
                let _ = self.cancel_task(task_id, Some("the workflow run was cancelled")).await;
                Err(Stop::Cancelled)
            }
        }
    }

    async fn wait_step(
        &self,
        run: &Run,
        row: &mut WorkflowStepRow,
        event: Option<&str>,
        until: Option<&str>,
        seconds: Option<f64>,
        timeout: Option<f64>,
    ) -> Flow<Value> {
        let began = chrono::DateTime::parse_from_rfc3339(&row.started_at)
            .map(|t| t.with_timezone(&chrono::Utc))
            .unwrap_or_else(|_| chrono::Utc::now());
        let mut control = run.control();
        let cancelled = async move {
            let _ = control.wait_for(|c| *c == Control::Cancel).await;
        };
        if let Some(topic) = event {
            // The event must come after the wait began: the bus's head then is kept with the step.
            let after = match row.output.as_deref().and_then(|o| serde_json::from_str::<Value>(o).ok()) {
                Some(v) if v["after"].is_i64() => v["after"].as_i64().unwrap_or(0),
                _ => {
                    let head = self.store.bus_head().await.map_err(CoreError::from)?;
                    row.output = Some(json!({"after": head}).to_string());
                    self.write_step(row).await?;
                    head
                }
            };
            let filter = EventFilter { topics: vec![topic.to_string()], project_id: None };
            let mut subscription = self.subscribe_events(Some(after), filter).await?;
            let limit = Duration::from_secs_f64(timeout.unwrap_or(studio_model::MAX_WAIT_SECS));
            return tokio::select! {
                heard = tokio::time::timeout(limit, subscription.next()) => match heard {
                    Ok(event) => Ok(serde_json::to_value(event?).unwrap_or_default()),
                    Err(_) => Err(Stop::Failed(format!("no {topic} event within {} s", limit.as_secs_f64()))),
                },
                () = cancelled => Err(Stop::Cancelled),
            };
        }
        let end = match (until, seconds) {
            (Some(t), _) => chrono::DateTime::parse_from_rfc3339(t)
                .map(|t| t.with_timezone(&chrono::Utc))
                .map_err(|e| Stop::Failed(e.to_string()))?,
            (None, Some(s)) => began + chrono::Duration::milliseconds((s * 1000.0) as i64),
            (None, None) => began,
        };
        let left = (end - chrono::Utc::now()).to_std().unwrap_or_default();
        // No time left: no timer (tokio's wheel turns by the millisecond).
        if !left.is_zero() {
            tokio::select! {
                () = tokio::time::sleep(left) => {}
                () = cancelled => return Err(Stop::Cancelled),
            }
        }
        let waited = (chrono::Utc::now() - began).num_milliseconds() as f64;
        Ok(json!({"waited_ms": waited}))
    }
}

/// Where the steps a control step runs are placed: beside it, or in a loop's iteration.
fn child_prefix(path: &str, iteration: Option<u32>) -> String {
    match iteration {
        Some(i) => format!("{path}[{i}]."),
        None => match path.rfind('.') {
            Some(dot) => path[..=dot].to_string(),
            None => String::new(),
        },
    }
}
