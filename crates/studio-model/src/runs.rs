//! Recording a scenario's run: its status (`running | completed | failed`), the ensemble it
//! produced, and the Simulation workbench's tick counters. A result, not an edit: not undone,
//! and a run that finishes after the scenario was edited or deleted records nothing stale.

use serde_json::Value;

use crate::ScenarioStatus;
use crate::apply::Outcome;
use crate::content::{ProjectContent, ScenarioRun};
use crate::context::ActionContext;
use crate::state::{LogEntry, StateChanges};
use crate::{ModelError, StageStatus, Workbench, project_status};

/// Where a run stands, for the Simulation workbench's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ticks {
    pub current: u64,
    pub total: u64,
}

/// Records `run` as scenario `scenario_id`'s latest, with the console at `ticks`.
pub fn record_scenario_run(
    content: &ProjectContent,
    scenario_id: &str,
    run: ScenarioRun,
    ticks: Ticks,
    summary: String,
    ctx: &ActionContext,
) -> Result<Outcome, ModelError> {
    if !content.scenarios.contains_key(scenario_id) {
        return Err(ModelError::NotFound { what: "scenario", id: scenario_id.to_string() });
    }
    let mut next = content.clone();
    let mut run = run;
    // The latest analyses stay named (each says which inputs it was made from).
    if let Some(before) = content.runs.get(scenario_id) {
        run.sensitivity_id = run.sensitivity_id.or_else(|| before.sensitivity_id.clone());
        run.goal_seek_id = run.goal_seek_id.or_else(|| before.goal_seek_id.clone());
    }
    let stage_status = match run.status {
        ScenarioStatus::Running => StageStatus::Running,
        ScenarioStatus::Completed if all_completed(&next, scenario_id) => StageStatus::Complete,
        _ => StageStatus::InProgress,
    };
    next.runs.insert(scenario_id.to_string(), run);
    let stage = next.stage_mut(Workbench::Simulation);
    stage.status = stage_status;
    stage.current_tick = Some(ticks.current);
    stage.total_ticks = Some(ticks.total);
    stage.last_accessed = ctx.now.clone();
    Ok(computed(content, next, Workbench::Simulation, "run", summary, ctx))
}

/// Which analysis of a scenario is recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Analysis {
    Sensitivity,
    GoalSeek,
}

/// Records scenario `scenario_id`'s latest analysis of a kind (artifact `artifact_id`, which
/// names the inputs it was computed from): a result, not undone.
pub fn record_analysis(
    content: &ProjectContent,
    scenario_id: &str,
    kind: Analysis,
    artifact_id: &str,
    summary: String,
    ctx: &ActionContext,
) -> Result<Outcome, ModelError> {
    if !content.scenarios.contains_key(scenario_id) {
        return Err(ModelError::NotFound { what: "scenario", id: scenario_id.to_string() });
    }
    let mut next = content.clone();
    // None yet: a record of the analysis alone, the scenario still to be run.
    let mut run = content.runs.get(scenario_id).cloned().unwrap_or_default();
    let action = match kind {
        Analysis::Sensitivity => {
            run.sensitivity_id = Some(artifact_id.to_string());
            "sensitivity"
        }
        Analysis::GoalSeek => {
            run.goal_seek_id = Some(artifact_id.to_string());
            "goal_seek"
        }
    };
    next.runs.insert(scenario_id.to_string(), run);
    Ok(computed(content, next, Workbench::Scenario, action, summary, ctx))
}

/// Records a generated report: the Report stage complete with its id (a result, not undone).
pub fn record_report(
    content: &ProjectContent,
    report_id: &str,
    record_id: &str,
    summary: String,
    ctx: &ActionContext,
) -> Outcome {
    let mut next = content.clone();
    let stage = next.stage_mut(Workbench::Report);
    stage.status = StageStatus::Complete;
    stage.report_id = Some(report_id.to_string());
    // The report's record, by hash: how peers get the report.
    stage.artifact_id = Some(record_id.to_string());
    stage.last_accessed = ctx.now.clone();
    computed(content, next, Workbench::Report, "generate", summary, ctx)
}

/// The outcome of recording a result: a log entry that cannot be undone, and whether the
/// project's status moved.
fn computed(
    before: &ProjectContent,
    next: ProjectContent,
    workbench: Workbench,
    action: &str,
    summary: String,
    ctx: &ActionContext,
) -> Outcome {
    let changes = StateChanges {
        project_status_changed: project_status(before) != project_status(&next),
        ..StateChanges::default()
    };
    let entry = LogEntry {
        timestamp: ctx.now.clone(),
        user_id: ctx.user_id.clone(),
        workbench: workbench.as_str().into(),
        action: action.into(),
        summary,
        reversible: false,
    };
    Outcome { content: next, entry, edits: Vec::new(), result: Value::Null, state_changes: changes }
}

/// True when every scenario but `except` has a completed run (and `except` is completing).
fn all_completed(content: &ProjectContent, except: &str) -> bool {
    content
        .scenarios
        .keys()
        .filter(|id| id.as_str() != except)
        .all(|id| content.runs.get(id).is_some_and(|r| r.status == ScenarioStatus::Completed))
}
