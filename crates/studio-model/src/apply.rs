//! Applying a workbench action to the content: validation, the edit itself, the stage
//! statuses, invalidation downstream and the modification-log entry. Undo and redo are
//! the same machinery run over recorded edits.

use serde_json::{Value, json};

use crate::action::Action;
use crate::actions::{data_action, report_action, scenario_action, simulation_action};
use crate::content::{Edit, ProjectContent, Section};
use crate::context::ActionContext;
use crate::population_actions::population_action;
use crate::state::{LogEntry, StateChanges};
use crate::{ModelError, StageStatus, Workbench, invalidated_by, project_status, validate_name, warning_for};

/// The result of applying an action: the new content, its edits and the log entry.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub content: ProjectContent,
    pub entry: LogEntry,
    /// Record edits over the undoable sections; empty when nothing changed.
    pub edits: Vec<Edit>,
    pub result: Value,
    pub state_changes: StateChanges,
}

/// Applies one workbench action's edit to `content`, which is left untouched: a document
/// action, or the settings a task records first ([`Action::records_settings`]).
pub fn apply_action(content: &ProjectContent, action: &Action, ctx: &ActionContext) -> Result<Outcome, ModelError> {
    let mut next = content.clone();
    let (summary, result) = match action {
        Action::Data(a) => data_action(&mut next, a)?,
        Action::Scenario(a) => scenario_action(&mut next, a, ctx)?,
        Action::Report(a) => report_action(&mut next, a, ctx)?,
        Action::Population(a) => population_action(&mut next, a)?,
        Action::Simulation(a) => simulation_action(&mut next, a)?,
    };
    let workbench = action.workbench();
    let status = match workbench {
        Workbench::Scenario if next.scenarios.is_empty() => StageStatus::InProgress,
        Workbench::Scenario => StageStatus::Complete,
        _ => StageStatus::InProgress,
    };
    let change = Change {
        workbench: Some(workbench),
        action: action.name(),
        summary,
        reversible: true,
        result,
        status: Some(status),
    };
    Ok(finish(content, next, change, ctx))
}

/// Re-applies recorded edits: their `before` values to undo, their `after` values to redo.
/// Refuses when a record was changed since, so an undo never overwrites someone's later work.
pub fn apply_edits(
    content: &ProjectContent,
    edits: &[Edit],
    undo: bool,
    original: &LogEntry,
    ctx: &ActionContext,
) -> Result<Outcome, ModelError> {
    let verb = if undo { "undo" } else { "redo" };
    // Project-level entries (rename, restore) touch no workbench.
    let workbench: Option<Workbench> = original.workbench.parse().ok();
    let mut next = content.clone();
    for edit in edits {
        let (expected, target) = if undo { (&edit.after, &edit.before) } else { (&edit.before, &edit.after) };
        if &content.get(edit.section, &edit.key) != expected {
            return Err(ModelError::Undo(format!(
                "cannot {verb} '{}': {} '{}' was changed after it",
                original.summary,
                edit.section.as_str(),
                edit.key
            )));
        }
        next.set(edit.section, &edit.key, target.as_ref())?;
    }
    let summary = format!("{}: {}", if undo { "Undo" } else { "Redo" }, original.summary);
    let result = json!({ verb: original });
    let change = Change { workbench, action: verb, summary, reversible: true, result, status: None };
    let mut outcome = finish(content, next, change, ctx);
    outcome.entry.workbench = original.workbench.clone();
    Ok(outcome)
}

/// What a metadata edit changes; `None` leaves a field as it is.
#[derive(Debug, Clone, Copy, Default)]
pub struct MetadataChange<'a> {
    pub project_name: Option<&'a str>,
    pub description: Option<&'a str>,
    /// The question, with the prediction task read from it.
    pub question: Option<(&'a str, Option<&'a crate::PredictionTask>)>,
    /// The team the project moves into; empty: out of its team.
    pub team_id: Option<&'a str>,
}

/// Renames or redescribes the project, changes its question or moves it into a team: a
/// reversible, project-level edit.
pub fn update_metadata(
    content: &ProjectContent,
    change: &MetadataChange<'_>,
    ctx: &ActionContext,
) -> Result<Outcome, ModelError> {
    let MetadataChange { project_name, description, question, team_id } = *change;
    let mut next = content.clone();
    let mut said = Vec::new();
    if let Some(team) = team_id {
        if team.is_empty() {
            next.meta.remove("team_id");
            said.push("moved out of its team".to_string());
        } else {
            next.meta.insert("team_id".into(), team.to_string());
            said.push(format!("moved into team {team}"));
        }
    }
    if let Some((question, task)) = question {
        crate::question::put_question(&mut next, question, task);
        said.push(if question.trim().is_empty() {
            "question removed".to_string()
        } else {
            "question updated".to_string()
        });
    }
    if let Some(name) = project_name {
        validate_name("project_name", name)?;
        next.meta.insert("project_name".into(), name.to_string());
        said.push(format!("renamed to '{name}'"));
    }
    if let Some(description) = description {
        if description.is_empty() {
            next.meta.remove("description");
        } else {
            next.meta.insert("description".into(), description.to_string());
        }
        said.push("description updated".to_string());
    }
    if said.is_empty() {
        return Err(ModelError::invalid("nothing to update: give project_name, description, initial_query or team_id"));
    }
    let summary = format!("Project {}", said.join(", "));
    let change = Change {
        workbench: None,
        action: "update_metadata",
        summary,
        reversible: true,
        result: Value::Null,
        status: None,
    };
    let mut outcome = finish(content, next, change, ctx);
    outcome.entry.workbench = PROJECT.into();
    Ok(outcome)
}

/// Makes `target` (a saved version's content) the current content. Reversible like any edit:
/// undo puts back what the restore replaced, and refuses where someone changed it since.
pub fn restore_content(
    content: &ProjectContent,
    target: &ProjectContent,
    version: u32,
    ctx: &ActionContext,
) -> Outcome {
    let mut next = target.clone();
    next.collaborators = content.collaborators.clone();
    let summary = format!("Restored version {version}");
    let mut outcome = finish(
        content,
        next,
        Change {
            workbench: None,
            action: "restore_version",
            summary,
            reversible: true,
            result: json!({"version": version}),
            status: None,
        },
        ctx,
    );
    outcome.entry.workbench = PROJECT.into();
    outcome
}

/// A stage's computed result, as recorded in the document: which stage, by which action, the
/// artifact (by its hash) and the hash of what it was computed from.
#[derive(Debug, Clone)]
pub struct StageResult {
    pub workbench: Workbench,
    pub action: String,
    pub artifact_id: String,
    pub input_hash: String,
    /// The log entry's words.
    pub summary: String,
    pub result: Value,
}

/// Records a stage's computed result (the data package, the population): the stage is
/// complete, and when the result differs from the one it had, what depends on it is stale,
/// with the seed's warnings. Not reversible: undoing a computation is re-running it.
pub fn record_stage_result(content: &ProjectContent, computed: StageResult, ctx: &ActionContext) -> Outcome {
    let StageResult { workbench, action, artifact_id, input_hash, summary, result } = computed;
    let (artifact_id, input_hash) = (artifact_id.as_str(), input_hash.as_str());
    let mut next = content.clone();
    let changed = content.stage(workbench).artifact_id.as_deref() != Some(artifact_id);
    let stage = next.stage_mut(workbench);
    stage.status = StageStatus::Complete;
    stage.last_accessed = ctx.now.clone();
    stage.artifact_id = Some(artifact_id.to_string());
    stage.input_hash = Some(input_hash.to_string());
    let mut changes = StateChanges::default();
    if changed {
        invalidate_downstream(&mut next, workbench, &mut changes);
    }
    changes.project_status_changed = project_status(content) != project_status(&next);
    let entry = LogEntry {
        timestamp: ctx.now.clone(),
        user_id: ctx.user_id.clone(),
        workbench: workbench.as_str().into(),
        action,
        summary,
        reversible: false,
    };
    Outcome { content: next, entry, edits: Vec::new(), result, state_changes: changes }
}

/// Marks every stage that depends on `changed` and has results as needing a re-run.
fn invalidate_downstream(after: &mut ProjectContent, changed: Workbench, changes: &mut StateChanges) {
    for &downstream in invalidated_by(changed) {
        if downstream == Workbench::Simulation {
            after.mark_runs_stale();
        }
        if after.stage(downstream).status.has_results() {
            after.stage_mut(downstream).status = match downstream {
                Workbench::Simulation => StageStatus::NotStarted,
                _ => StageStatus::InProgress,
            };
            changes.downstream_invalidated.push(downstream);
            changes.warnings.push(warning_for(downstream, changed));
        }
    }
}

/// The `workbench` of log entries that concern the whole project.
pub const PROJECT: &str = "project";

fn content_changed_settings(before: &ProjectContent, after: &ProjectContent) -> bool {
    before.adjustments != after.adjustments || before.population != after.population
}

/// What a change of the content is, for its log entry: the workbench it touched (none: the
/// project), the action, its words, whether it can be undone, what it answers and the status
/// it leaves the stage in (none: in progress if it was not started).
pub(crate) struct Change<'a> {
    pub workbench: Option<Workbench>,
    pub action: &'a str,
    pub summary: String,
    pub reversible: bool,
    pub result: Value,
    pub status: Option<StageStatus>,
}

/// Records the touched stage, invalidates what depends on it and writes the log entry.
pub(crate) fn finish(
    before: &ProjectContent,
    mut after: ProjectContent,
    change: Change<'_>,
    ctx: &ActionContext,
) -> Outcome {
    let Change { workbench, action, summary, reversible, result, status } = change;
    let edits = before.diff(&after, &Section::UNDOABLE);
    if let Some(workbench) = workbench {
        let stage = after.stage_mut(workbench);
        stage.last_accessed = ctx.now.clone();
        if let Some(status) = status {
            stage.status = status;
        } else if stage.status == StageStatus::NotStarted {
            stage.status = StageStatus::InProgress;
        }
    }
    let mut changes = StateChanges::default();
    if let Some(workbench) = workbench.filter(|_| !edits.is_empty()) {
        invalidate_downstream(&mut after, workbench, &mut changes);
        if workbench == Workbench::Population && content_changed_settings(before, &after) {
            changes.warnings.push("Population must be re-generated to apply this change".into());
        }
    }
    // A stage back at its defaults is the same as an absent one: keep one spelling of it.
    after.stages.retain(|_, s| *s != crate::StageState::default());
    if let Some(me) = after.collaborators.get_mut(&ctx.user_id) {
        me.last_active = ctx.now.clone();
    }
    changes.project_status_changed = project_status(before) != project_status(&after);
    let entry = LogEntry {
        timestamp: ctx.now.clone(),
        user_id: ctx.user_id.clone(),
        workbench: workbench.map_or(PROJECT, Workbench::as_str).into(),
        action: action.into(),
        summary,
        reversible,
    };
    Outcome { content: after, entry, edits, result, state_changes: changes }
}
