//! Workflows (seed 004): steps an analyst's pipeline runs by itself — "every Monday: refresh the
//! data; if the history moved more than 2 points, regenerate, re-run every scenario, and mail
//! the comparison" — kept in the project's `workflows` section (versioned, undoable).
//!
//! A step is an `action` (a workbench action), a `task` (a task kind for an agent type), a
//! `condition` (`true_steps` / `false_steps`), `parallel` (branches, joined), a `loop` (over a
//! list, or while a condition holds, with a maximum) or a `wait` (for an event, a time or a
//! number of seconds). Control steps name the steps they run by id; a step named by none runs
//! in the workflow's own sequence. Expressions (`${step.output.path}` in payloads, conditions)
//! are CEL, checked by the core; here the shape is checked: ids, references, bounds.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::apply::{Change, Outcome, finish};
use crate::{ActionContext, ModelError, ProjectContent};

/// Most workflows in one project.
pub const MAX_WORKFLOWS: usize = 50;

/// Most steps in one workflow.
pub const MAX_STEPS: usize = 200;
/// Most iterations a loop may declare.
pub const MAX_ITERATIONS: u32 = 10_000;
/// Most attempts a step's retry may ask for.
pub const MAX_ATTEMPTS: u32 = 10;
/// Longest wait a step may declare: a week.
pub const MAX_WAIT_SECS: f64 = 7.0 * 86_400.0;
/// Names an expression has besides the steps: the run's input, what triggered it, and a
/// loop's current item and index.
pub const CONTEXT_NAMES: [&str; 4] = ["input", "trigger", "item", "index"];
/// The seed's agent types, and the product's.
pub const AGENT_TYPES: [&str; 6] = ["assistant", "data_processor", "api", "workflow", "simulation", "report"];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Workflow {
    pub workflow_id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// What starts a run besides a person asking.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub triggers: Vec<Trigger>,
    pub steps: Vec<WorkflowStep>,
    #[serde(default)]
    pub created_by: String,
    #[serde(default)]
    pub updated_at: String,
}

/// What starts a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Trigger {
    /// Only when someone runs it.
    Manual,
    /// On a beat, written as report schedules are (`weekly`, `every 2 hours`), from `since`.
    Schedule {
        frequency: String,
        #[serde(default)]
        since: String,
    },
    /// When a data source's file changes on disk (any linked source when none is named).
    SourceChanged {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source: Option<String>,
    },
    /// When an event of this topic pattern is published (and the condition, if any, holds).
    Event {
        topic: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        condition: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct WorkflowStep {
    /// Its name in expressions: a letter or `_`, then letters, digits or `_`.
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(flatten)]
    pub kind: StepKind,
    /// Attempts when it fails (the workflow settings' `retry_attempts` when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_attempts: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_secs: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum StepKind {
    /// A workbench action; strings of its payload may hold `${expression}`s.
    Action {
        workbench: String,
        action: String,
        #[serde(default)]
        payload: Value,
    },
    /// A task of `task`'s kind for an agent of `agent_type`; `config` may hold `${…}`s.
    #[serde(alias = "agent_task")]
    Task {
        agent_type: String,
        task: String,
        #[serde(default)]
        config: Value,
    },
    Condition {
        expression: String,
        #[serde(default)]
        true_steps: Vec<String>,
        #[serde(default)]
        false_steps: Vec<String>,
    },
    /// Branches run at once, each its steps in order; the step ends when all have.
    Parallel { branches: Vec<Vec<String>> },
    /// Its steps once per item of `over` (a list), or while `while` holds; never more than
    /// `max_iterations` times.
    Loop {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        over: Option<String>,
        #[serde(default, rename = "while", skip_serializing_if = "Option::is_none")]
        while_: Option<String>,
        steps: Vec<String>,
        max_iterations: u32,
    },
    /// Until an event of the topic pattern is published, a time (RFC 3339) or some seconds.
    Wait {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        event: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        until: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        seconds: Option<f64>,
        /// How long an event is waited for before the step fails.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        timeout_secs: Option<f64>,
    },
}

impl StepKind {
    pub fn name(&self) -> &'static str {
        match self {
            StepKind::Action { .. } => "action",
            StepKind::Task { .. } => "task",
            StepKind::Condition { .. } => "condition",
            StepKind::Parallel { .. } => "parallel",
            StepKind::Loop { .. } => "loop",
            StepKind::Wait { .. } => "wait",
        }
    }

    /// The steps it runs, by id, in the order it names them.
    pub fn children(&self) -> Vec<&str> {
        match self {
            StepKind::Condition { true_steps, false_steps, .. } => {
                true_steps.iter().chain(false_steps).map(String::as_str).collect()
            }
            StepKind::Parallel { branches } => branches.iter().flatten().map(String::as_str).collect(),
            StepKind::Loop { steps, .. } => steps.iter().map(String::as_str).collect(),
            _ => Vec::new(),
        }
    }
}

fn bad(step: &str, why: impl std::fmt::Display) -> ModelError {
    ModelError::invalid(format!("step '{step}': {why}"))
}

/// CEL's reserved words, which cannot name a step.
const RESERVED: [&str; 20] = [
    "true",
    "false",
    "null",
    "in",
    "as",
    "break",
    "const",
    "continue",
    "else",
    "for",
    "function",
    "if",
    "import",
    "let",
    "loop",
    "package",
    "namespace",
    "return",
    "var",
    "void",
];

fn identifier(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && id.len() <= 64
}

impl Workflow {
    /// The steps by id.
    pub fn step(&self, id: &str) -> Option<&WorkflowStep> {
        self.steps.iter().find(|s| s.id == id)
    }

    /// The steps the workflow runs in its own sequence: those no control step names.
    pub fn top_level(&self) -> Vec<&WorkflowStep> {
        let owned: BTreeSet<&str> = self.steps.iter().flat_map(|s| s.kind.children()).collect();
        self.steps.iter().filter(|s| !owned.contains(s.id.as_str())).collect()
    }

    /// The shape: a name, ids that are unique identifiers, references to steps that exist,
    /// each step run from one place, none running itself, bounds kept. Expressions are the
    /// core's to check.
    pub fn check(&self) -> Result<(), ModelError> {
        if self.name.trim().is_empty() || self.name.len() > 200 {
            return Err(ModelError::invalid("a workflow's name is 1 to 200 characters"));
        }
        if self.steps.is_empty() || self.steps.len() > MAX_STEPS {
            return Err(ModelError::invalid(format!(
                "a workflow has 1 to {MAX_STEPS} steps; this one has {}",
                self.steps.len()
            )));
        }
        let mut ids = BTreeSet::new();
        for step in &self.steps {
            if !identifier(&step.id)
                || RESERVED.contains(&step.id.as_str())
                || CONTEXT_NAMES.contains(&step.id.as_str())
            {
                return Err(bad(
                    &step.id,
                    "an id is a letter or _, then letters, digits or _ (64 at most), and not a reserved word",
                ));
            }
            if !ids.insert(step.id.as_str()) {
                return Err(bad(&step.id, "two steps have this id"));
            }
        }
        let mut owner: BTreeMap<&str, &str> = BTreeMap::new();
        for step in &self.steps {
            for child in step.kind.children() {
                if !ids.contains(child) {
                    return Err(bad(&step.id, format!("it runs '{child}', which is not a step of this workflow")));
                }
                if child == step.id {
                    return Err(bad(&step.id, "it runs itself"));
                }
                if let Some(first) = owner.insert(child, &step.id) {
                    return Err(bad(
                        child,
                        format!("it is run by both '{first}' and '{}'; a step runs from one place", step.id),
                    ));
                }
            }
            check_step(step)?;
        }
        // Every step is reached from the workflow's own sequence (a loop of control steps
        // running each other is reached from nowhere).
        let mut reached: BTreeSet<&str> = BTreeSet::new();
        let mut todo: Vec<&str> = self.top_level().iter().map(|s| s.id.as_str()).collect();
        if todo.is_empty() {
            return Err(ModelError::invalid("every step is run by another: nothing starts the workflow"));
        }
        while let Some(id) = todo.pop() {
            if reached.insert(id) {
                todo.extend(self.step(id).map(|s| s.kind.children()).unwrap_or_default());
            }
        }
        if let Some(lost) = self.steps.iter().find(|s| !reached.contains(s.id.as_str())) {
            return Err(bad(&lost.id, "control steps run each other in a circle, so it would never run"));
        }
        for trigger in &self.triggers {
            match trigger {
                Trigger::Schedule { frequency, .. } if crate::schedule::Frequency::parse(frequency)?.is_none() => {
                    return Err(ModelError::invalid(
                        "a schedule trigger needs a frequency ('weekly', 'every 2 hours')",
                    ));
                }
                Trigger::Event { topic, .. } if topic.trim().is_empty() => {
                    return Err(ModelError::invalid(
                        "an event trigger names a topic (custom.data_refreshed, studio.task.*)",
                    ));
                }
                _ => {}
            }
        }
        Ok(())
    }
}

/// Saves a workflow into the project (made, or replaced whole), once its shape is right.
pub fn save_workflow(
    content: &ProjectContent,
    workflow: &Workflow,
    ctx: &ActionContext,
) -> Result<Outcome, ModelError> {
    workflow.check()?;
    let mut saved = workflow.clone();
    let before = content.workflows.get(&workflow.workflow_id);
    if before.is_none() && content.workflows.len() >= MAX_WORKFLOWS {
        return Err(ModelError::Limit(format!("a project holds {MAX_WORKFLOWS} workflows at most")));
    }
    saved.created_by = before.map_or_else(|| ctx.user_id.clone(), |b| b.created_by.clone());
    saved.updated_at = ctx.now.clone();
    // A schedule beats from when it was saved unless it says from when.
    for trigger in &mut saved.triggers {
        if let Trigger::Schedule { since, .. } = trigger
            && since.is_empty()
        {
            *since = ctx.now.clone();
        }
    }
    let mut next = content.clone();
    next.workflows.insert(saved.workflow_id.clone(), saved.clone());
    let verb = if before.is_some() { "Changed" } else { "Created" };
    let change = Change {
        workbench: None,
        action: "save_workflow",
        summary: format!("{verb} the workflow '{}' ({} steps)", saved.name, saved.steps.len()),
        reversible: true,
        result: serde_json::to_value(&saved).unwrap_or_default(),
        status: None,
    };
    Ok(finish(content, next, change, ctx))
}

/// Removes a workflow from the project (its runs stay in the library).
pub fn delete_workflow(
    content: &ProjectContent,
    workflow_id: &str,
    ctx: &ActionContext,
) -> Result<Outcome, ModelError> {
    let mut next = content.clone();
    let Some(gone) = next.workflows.remove(workflow_id) else {
        return Err(ModelError::NotFound { what: "workflow", id: workflow_id.into() });
    };
    let change = Change {
        workbench: None,
        action: "delete_workflow",
        summary: format!("Deleted the workflow '{}'", gone.name),
        reversible: true,
        result: serde_json::json!({"deleted": workflow_id}),
        status: None,
    };
    Ok(finish(content, next, change, ctx))
}

fn check_step(step: &WorkflowStep) -> Result<(), ModelError> {
    let id = &step.id;
    if let Some(attempts) = step.retry_attempts
        && !(1..=MAX_ATTEMPTS).contains(&attempts)
    {
        return Err(bad(id, format!("retry_attempts is 1 to {MAX_ATTEMPTS}")));
    }
    if let Some(t) = step.timeout_secs
        && !(t > 0.0 && t <= MAX_WAIT_SECS)
    {
        return Err(bad(id, "timeout_secs is above 0 and at most a week"));
    }
    match &step.kind {
        StepKind::Action { workbench, action, .. } => {
            if workbench.parse::<crate::Workbench>().is_err() && workbench != "project" {
                return Err(bad(
                    id,
                    format!("'{workbench}' is not a workbench (data, population, scenario, simulation, report)"),
                ));
            }
            if action.trim().is_empty() {
                return Err(bad(id, "an action step names its action"));
            }
        }
        StepKind::Task { agent_type, task, .. } => {
            if !AGENT_TYPES.contains(&agent_type.as_str()) {
                return Err(bad(id, format!("'{agent_type}' is not an agent type ({})", AGENT_TYPES.join(", "))));
            }
            if task.trim().is_empty() {
                return Err(bad(id, "a task step names its task"));
            }
        }
        StepKind::Condition { expression, true_steps, false_steps } => {
            if expression.trim().is_empty() {
                return Err(bad(id, "a condition has an expression"));
            }
            if true_steps.is_empty() && false_steps.is_empty() {
                return Err(bad(id, "a condition runs true_steps or false_steps"));
            }
        }
        StepKind::Parallel { branches } => {
            if branches.len() < 2 || branches.iter().any(Vec::is_empty) {
                return Err(bad(id, "parallel runs two branches or more, none empty"));
            }
        }
        StepKind::Loop { over, while_, steps, max_iterations } => {
            if over.is_some() == while_.is_some() {
                return Err(bad(id, "a loop runs `over` a list or `while` a condition holds (one of the two)"));
            }
            if steps.is_empty() {
                return Err(bad(id, "a loop runs steps"));
            }
            if !(1..=MAX_ITERATIONS).contains(max_iterations) {
                return Err(bad(id, format!("max_iterations is 1 to {MAX_ITERATIONS}")));
            }
        }
        StepKind::Wait { event, until, seconds, .. } => {
            if [event.is_some(), until.is_some(), seconds.is_some()].iter().filter(|b| **b).count() != 1 {
                return Err(bad(id, "a wait is for an `event`, `until` a time, or some `seconds` (one of the three)"));
            }
            if let Some(s) = seconds
                && !(*s >= 0.0 && *s <= MAX_WAIT_SECS)
            {
                return Err(bad(id, "a wait is 0 seconds to a week"));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workflow(steps: Value) -> Workflow {
        serde_json::from_value(serde_json::json!({"workflow_id": "w", "name": "Weekly", "steps": steps})).unwrap()
    }

    #[test]
    fn the_seeds_conditional_workflow_reads_and_checks() {
        let w = workflow(serde_json::json!([
            {"id": "step1", "type": "agent_task", "agent_type": "assistant", "task": "echo", "config": {"threshold": 0.8}},
            {"id": "condition1", "type": "condition", "expression": "${step1.output.threshold} > 0.5",
             "true_steps": ["high"], "false_steps": ["low"]},
            {"id": "high", "type": "task", "agent_type": "data_processor", "task": "echo"},
            {"id": "low", "type": "task", "agent_type": "data_processor", "task": "echo"},
        ]));
        w.check().unwrap();
        let top: Vec<&str> = w.top_level().iter().map(|s| s.id.as_str()).collect();
        assert_eq!(top, ["step1", "condition1"]);
    }

    #[test]
    fn shapes_that_cannot_run_are_refused_naming_the_step() {
        let cases = [
            (
                serde_json::json!([{"id": "a", "type": "condition", "expression": "true", "true_steps": ["ghost"]}]),
                "'ghost'",
            ),
            (serde_json::json!([{"id": "a", "type": "task", "agent_type": "x", "task": "t"}]), "agent type"),
            (serde_json::json!([{"id": "1a", "type": "wait", "seconds": 1}]), "step '1a'"),
            (
                serde_json::json!([{"id": "a", "type": "wait", "seconds": 1}, {"id": "a", "type": "wait", "seconds": 2}]),
                "two steps",
            ),
            (
                serde_json::json!([
                    {"id": "s", "type": "wait", "seconds": 1},
                    {"id": "a", "type": "loop", "while": "true", "steps": ["b"], "max_iterations": 3},
                    {"id": "b", "type": "loop", "while": "true", "steps": ["a"], "max_iterations": 3}
                ]),
                "circle",
            ),
            (
                serde_json::json!([{"id": "a", "type": "loop", "over": "[1]", "steps": ["a"], "max_iterations": 3}]),
                "runs itself",
            ),
            (
                serde_json::json!([{"id": "a", "type": "loop", "steps": ["b"], "max_iterations": 3}, {"id": "b", "type": "wait", "seconds": 1}]),
                "one of the two",
            ),
            (
                serde_json::json!([{"id": "a", "type": "wait", "seconds": 1, "until": "2027-01-01T00:00:00Z"}]),
                "one of the three",
            ),
            (
                serde_json::json!([{"id": "a", "type": "parallel", "branches": [["b"]]}, {"id": "b", "type": "wait", "seconds": 1}]),
                "two branches",
            ),
            (serde_json::json!([{"id": "a", "type": "action", "workbench": "kitchen", "action": "x"}]), "'kitchen'"),
            (serde_json::json!([{"id": "input", "type": "wait", "seconds": 1}]), "reserved"),
        ];
        for (steps, says) in cases {
            let error = workflow(steps.clone()).check().unwrap_err().to_string();
            assert!(error.contains(says), "{steps}: {error}");
        }
    }
}
