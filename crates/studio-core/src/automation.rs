//! The Automation service: a project's workflows — saved into its document (versioned,
//! undoable) once they are known to run: the model checks their shape, this their expressions
//! (each compiles, names only steps of the workflow and what a run provides, and fits the
//! outputs it reads: tried on samples of them), their tasks and waits — and what the runs of
//! this program are told (pause, resume, cancel) and how many may run at once.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use serde_json::{Map, Value, json};
use studio_model::{CONTEXT_NAMES, Permission, StepKind, Trigger, Workflow, WorkflowStep};
use tokio::sync::{Semaphore, watch};

use crate::bus::EventFilter;
use crate::error::{CoreError, Result};
use crate::library::{Library, on_library};
use crate::workflow_exprs as exprs;
use crate::workflow_tasks::check_task;

/// What a run is told between two steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Control {
    Run,
    Pause,
    Cancel,
}

pub struct Automation {
    library: Arc<Library>,
    /// The runs this program drives, each with what it is told.
    pub(crate) controls: Mutex<HashMap<String, watch::Sender<Control>>>,
    /// `max_concurrent_executions` slots; a run waits `queued` for one.
    pub(crate) slots: Arc<Semaphore>,
}

on_library!(Automation);

impl Automation {
    pub(crate) fn new(library: Arc<Library>) -> Self {
        let slots = library.settings.workflow_slots.clone();
        Automation { library, controls: Mutex::default(), slots }
    }

    /// Saves a workflow into the project (made, or replaced whole) once it is known to run;
    /// its triggers are armed.
    pub async fn save_workflow(&self, project_id: &str, user_id: &str, workflow: &Workflow) -> Result<Workflow> {
        check_workflow(workflow)?;
        let mut open = self.project(project_id).await?;
        Library::check_permission(&open, user_id, Permission::Edit)?;
        let ctx = self.context(user_id);
        let outcome = studio_model::save_workflow(open.doc.content(), workflow, &ctx)?;
        self.commit_outcome(project_id, &mut open, user_id, &outcome).await?;
        drop(open);
        let saved: Workflow = serde_json::from_value(outcome.result).map_err(CoreError::internal)?;
        self.arm_triggers(project_id, &saved.workflow_id, Some(&saved), user_id).await?;
        Ok(saved)
    }

    pub async fn delete_workflow(&self, project_id: &str, user_id: &str, workflow_id: &str) -> Result<()> {
        let mut open = self.project(project_id).await?;
        Library::check_permission(&open, user_id, Permission::Edit)?;
        let ctx = self.context(user_id);
        let outcome = studio_model::delete_workflow(open.doc.content(), workflow_id, &ctx)?;
        self.commit_outcome(project_id, &mut open, user_id, &outcome).await?;
        drop(open);
        self.arm_triggers(project_id, workflow_id, None, user_id).await
    }

    /// Indexes a workflow's triggers (none once it is gone), each from now on: a schedule's
    /// beats after the last one passed, an event trigger's events after the bus's head.
    async fn arm_triggers(
        &self,
        project_id: &str,
        workflow_id: &str,
        w: Option<&Workflow>,
        user_id: &str,
    ) -> Result<()> {
        let head = self.store.bus_head().await?;
        let now = chrono::Utc::now();
        let mut rows = Vec::new();
        for (i, trigger) in w.map(|w| w.triggers.as_slice()).unwrap_or_default().iter().enumerate() {
            if matches!(trigger, Trigger::Manual) {
                continue;
            }
            rows.push(studio_store::TriggerRow {
                project_id: project_id.into(),
                workflow_id: workflow_id.into(),
                position: i as i64,
                trigger: serde_json::to_string(trigger).map_err(CoreError::internal)?,
                user_id: user_id.into(),
                last_fired_at: latest_beat(trigger, now).map(stamp),
                last_seq: head,
            });
        }
        Ok(self.store.set_workflow_triggers(project_id, workflow_id, &rows).await?)
    }

    pub async fn workflows(&self, project_id: &str) -> Result<Vec<Workflow>> {
        Ok(self.content_of(project_id).await?.workflows.into_values().collect())
    }

    pub async fn workflow(&self, project_id: &str, workflow_id: &str) -> Result<Workflow> {
        self.content_of(project_id).await?.workflows.remove(workflow_id).ok_or_else(|| {
            CoreError::new("not_found", format!("project '{project_id}' has no workflow '{workflow_id}'"))
        })
    }

    /// The channel a run this program is about to drive is told through.
    pub(crate) fn listen(&self, run_id: &str) -> watch::Receiver<Control> {
        let (tell, control) = watch::channel(Control::Run);
        self.controls.lock().unwrap_or_else(|p| p.into_inner()).insert(run_id.to_string(), tell);
        control
    }

    /// Tells a run this program drives; false when it drives no such run.
    pub(crate) fn tell(&self, run_id: &str, control: Control) -> bool {
        let controls = self.controls.lock().unwrap_or_else(|p| p.into_inner());
        controls.get(run_id).is_some_and(|c| c.send(control).is_ok())
    }
}

/// A time as the store writes it.
pub(crate) fn stamp(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Seconds from one stamp to another (to now when there is none).
pub(crate) fn seconds_between(from: &str, to: Option<&str>) -> Option<f64> {
    let from = chrono::DateTime::parse_from_rfc3339(from).ok()?.with_timezone(&chrono::Utc);
    let to = match to {
        Some(t) => chrono::DateTime::parse_from_rfc3339(t).ok()?.with_timezone(&chrono::Utc),
        None => chrono::Utc::now(),
    };
    Some((to - from).num_milliseconds() as f64 / 1000.0)
}

/// A schedule trigger's latest beat at or before `now` (beats fall every interval from its
/// `since`); `None` for other triggers, or before the first beat.
pub(crate) fn latest_beat(
    trigger: &Trigger,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<chrono::DateTime<chrono::Utc>> {
    let Trigger::Schedule { frequency, since } = trigger else { return None };
    let step = studio_model::Frequency::parse(frequency).ok()??.0;
    let since = chrono::DateTime::parse_from_rfc3339(since).ok()?.with_timezone(&chrono::Utc);
    if now < since {
        return None;
    }
    match step {
        studio_model::Step::Minutes(m) => {
            let every = i64::from(m.max(1)) * 60_000;
            let beats = (now - since).num_milliseconds() / every;
            Some(since + chrono::Duration::milliseconds(beats * every))
        }
        studio_model::Step::Months(m) => {
            let mut beat = since;
            for _ in 0..1200 {
                match beat.checked_add_months(chrono::Months::new(m.max(1))) {
                    Some(next) if next <= now => beat = next,
                    _ => break,
                }
            }
            Some(beat)
        }
    }
}

fn bad(step: &str, why: impl std::fmt::Display) -> CoreError {
    CoreError::invalid(format!("step '{step}': {why}"))
}

/// The steps inside a loop (directly or deeper): they may read `item` and `index`.
fn in_loops(w: &Workflow) -> BTreeSet<&str> {
    let mut inside = BTreeSet::new();
    let mut todo: Vec<&str> =
        w.steps.iter().filter(|s| matches!(s.kind, StepKind::Loop { .. })).flat_map(|s| s.kind.children()).collect();
    while let Some(id) = todo.pop() {
        if inside.insert(id) {
            todo.extend(w.step(id).map(|s| s.kind.children()).unwrap_or_default());
        }
    }
    inside
}

/// What each kind of step answers, as a sample with the right types; `None` where the output
/// is open (an action's result, an echo's config): expressions on those are checked for their
/// names alone.
fn sample_output(step: &WorkflowStep) -> Option<Value> {
    match &step.kind {
        StepKind::Condition { .. } => Some(json!({"result": true, "branch": "true"})),
        StepKind::Parallel { branches } => Some(json!({"branches": branches.len()})),
        StepKind::Loop { .. } => Some(json!({"iterations": 1})),
        StepKind::Wait { event: Some(_), .. } => None,
        StepKind::Wait { .. } => Some(json!({"waited_ms": 0.0})),
        StepKind::Task { task, .. } if task == "http_request" => Some(json!({"status": 200, "body": null})),
        _ => None,
    }
}

/// A step as an expression sees it, with a sample output.
fn sample(step: &WorkflowStep) -> Option<Value> {
    Some(json!({"output": sample_output(step)?, "status": "completed", "attempts": 1, "duration_ms": 1.0}))
}

/// Checks one expression of `step`: it compiles, reads only known names, and — when every step
/// it reads has a known output — evaluates on their samples without a type error.
fn check_expression(w: &Workflow, step: &WorkflowStep, expression: &str, loops: &BTreeSet<&str>) -> Result<()> {
    let names = exprs::names(expression).map_err(|e| bad(&step.id, e))?;
    let mut scope = Map::new();
    let mut all_known = true;
    for name in &names {
        let looped = matches!(name.as_str(), "item" | "index");
        if looped && !loops.contains(step.id.as_str()) && !matches!(step.kind, StepKind::Loop { .. }) {
            return Err(bad(&step.id, format!("'{name}' is only known inside a loop")));
        }
        if CONTEXT_NAMES.contains(&name.as_str()) {
            all_known = false;
            continue;
        }
        let Some(read) = w.step(name) else {
            return Err(bad(&step.id, format!("'{expression}' reads '{name}', which is not a step of this workflow")));
        };
        if read.id == step.id && !matches!(step.kind, StepKind::Loop { .. }) {
            return Err(bad(&step.id, "an expression cannot read its own step's output"));
        }
        match sample(read) {
            Some(value) => {
                scope.insert(name.clone(), value);
            }
            None => all_known = false,
        }
    }
    if all_known && let Err(e) = exprs::evaluate(expression, &scope) {
        return Err(bad(&step.id, format!("{e} (with the outputs its steps give)")));
    }
    Ok(())
}

/// Everything the model does not check: expressions, tasks, waits, actions.
pub(crate) fn check_workflow(w: &Workflow) -> Result<()> {
    w.check()?;
    let loops = in_loops(w);
    for step in &w.steps {
        let mut expressions: Vec<String> = Vec::new();
        match &step.kind {
            StepKind::Condition { expression, .. } => expressions.push(expression.clone()),
            StepKind::Loop { over, while_, .. } => expressions.extend(over.iter().chain(while_).cloned()),
            StepKind::Action { workbench, action, payload } => {
                expressions.extend(exprs::templates(payload));
                check_action(&step.id, workbench, action, payload)?;
            }
            StepKind::Task { agent_type, task, config } => {
                check_task(agent_type, task).map_err(|e| bad(&step.id, e))?;
                expressions.extend(exprs::templates(config));
            }
            StepKind::Wait { event, until, .. } => {
                if let Some(topic) = event {
                    EventFilter { topics: vec![topic.clone()], project_id: None }
                        .check()
                        .map_err(|e| bad(&step.id, e.message))?;
                }
                if let Some(t) = until
                    && chrono::DateTime::parse_from_rfc3339(t).is_err()
                {
                    return Err(bad(&step.id, format!("until '{t}' is not a time (RFC 3339: 2027-01-04T09:00:00Z)")));
                }
            }
            StepKind::Parallel { .. } => {}
        }
        for expression in expressions {
            check_expression(w, step, &expression, &loops)?;
        }
    }
    for trigger in &w.triggers {
        if let Trigger::Schedule { since, .. } = trigger
            && !since.is_empty()
            && chrono::DateTime::parse_from_rfc3339(since).is_err()
        {
            return Err(CoreError::invalid(format!(
                "a schedule trigger's since '{since}' is not a time (RFC 3339: 2027-01-04T09:00:00Z)"
            )));
        }
        if let Trigger::Event { topic, condition } = trigger {
            EventFilter { topics: vec![topic.clone()], project_id: None }.check()?;
            if let Some(condition) = condition {
                let names = exprs::names(condition).map_err(CoreError::invalid)?;
                if let Some(other) = names.iter().find(|n| n.as_str() != "event") {
                    return Err(CoreError::invalid(format!(
                        "an event trigger's condition reads `event`, not '{other}'"
                    )));
                }
            }
        }
    }
    Ok(())
}

/// The project-level actions a workflow may take besides the workbenches' own.
pub(crate) const PROJECT_ACTIONS: [&str; 2] = ["save", "run_pipeline"];

/// A workbench action that exists (and, when its payload holds no `${…}`, one that parses).
fn check_action(step: &str, workbench: &str, action: &str, payload: &Value) -> Result<()> {
    if workbench == "project" {
        if !PROJECT_ACTIONS.contains(&action) {
            return Err(bad(step, format!("the project's actions are {}", PROJECT_ACTIONS.join(", "))));
        }
        return Ok(());
    }
    let bench: studio_model::Workbench = workbench.parse().map_err(|e: studio_model::ModelError| bad(step, e))?;
    if exprs::templates(payload).is_empty() {
        studio_model::Action::parse(bench, action, payload).map_err(|e| bad(step, e))?;
    }
    Ok(())
}
