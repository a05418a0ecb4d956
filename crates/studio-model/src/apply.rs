//! Applying a workbench action to the content: validation, the edit itself, the stage
//! statuses, invalidation downstream and the modification-log entry. Undo and redo are
//! the same machinery run over recorded edits.

use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::content::{Annotation, CustomSource, Edit, Override, ProjectContent, RawJson, ScenarioRecord, Section};
use crate::payload::{DataWorkbenchPayload, ReportGeneratorPayload, ScenarioConfig, ScenarioWorkbenchPayload};
use crate::state::{LogEntry, StateChanges, next_position};
use crate::{
    MAX_SCENARIOS, ModelError, StageStatus, Workbench, invalidated_by, project_status, validate_name, warning_for,
};

/// What the caller supplies so that applying stays pure.
#[derive(Debug, Clone)]
pub struct ActionContext {
    pub user_id: String,
    /// ISO 8601 time of the action.
    pub now: String,
    /// A fresh UUID for anything the action creates.
    pub fresh_id: String,
}

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

/// Whether an action works on the document alone or needs a computation not yet built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Availability {
    Document,
    NotYetAvailable(&'static str),
}

pub fn availability(workbench: Workbench, action: &str) -> Availability {
    use Availability::*;
    match (workbench, action) {
        (Workbench::Data, "configure_source" | "override_value" | "add_custom_source") => Document,
        (Workbench::Data, _) => NotYetAvailable("data engine (source reading and refresh)"),
        (Workbench::Population, _) => NotYetAvailable("population synthesis engine"),
        (Workbench::Scenario, "create_scenario" | "edit_scenario" | "duplicate_scenario" | "delete_scenario") => {
            Document
        }
        (Workbench::Scenario, _) => NotYetAvailable("simulation engine"),
        (Workbench::Simulation, _) => NotYetAvailable("simulation engine"),
        (Workbench::Report, "customize" | "add_annotation") => Document,
        (Workbench::Report, _) => NotYetAvailable("report renderer"),
    }
}

/// Applies one workbench action to `content`, which is left untouched.
pub fn apply_action(
    content: &ProjectContent,
    workbench: Workbench,
    action: &str,
    payload: &Value,
    ctx: &ActionContext,
) -> Result<Outcome, ModelError> {
    workbench.check_action(action)?;
    if let Availability::NotYetAvailable(needs) = availability(workbench, action) {
        return Err(ModelError::NotAvailable { workbench: workbench.as_str().into(), action: action.into(), needs });
    }
    if let Some(named) = payload.get("action").and_then(Value::as_str)
        && named != action
    {
        return Err(ModelError::invalid(format!("payload.action is '{named}' but the request's action is '{action}'")));
    }
    let mut next = content.clone();
    let (summary, result) = match workbench {
        Workbench::Data => data_action(&mut next, action, parse(workbench, action, payload)?)?,
        Workbench::Scenario => scenario_action(&mut next, action, parse(workbench, action, payload)?, ctx)?,
        Workbench::Report => report_action(&mut next, action, parse(workbench, action, payload)?, ctx)?,
        Workbench::Population | Workbench::Simulation => unreachable_action(workbench, action)?,
    };
    let status = match workbench {
        Workbench::Scenario if next.scenarios.is_empty() => StageStatus::InProgress,
        Workbench::Scenario => StageStatus::Complete,
        _ => StageStatus::InProgress,
    };
    Ok(finish(content, next, Some(workbench), action, summary, true, result, Some(status), ctx))
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
    let mut outcome = finish(content, next, workbench, verb, summary, true, result, None, ctx);
    outcome.entry.workbench = original.workbench.clone();
    Ok(outcome)
}

/// Renames or redescribes the project: a reversible, project-level edit.
pub fn update_metadata(
    content: &ProjectContent,
    project_name: Option<&str>,
    description: Option<&str>,
    ctx: &ActionContext,
) -> Result<Outcome, ModelError> {
    let mut next = content.clone();
    let mut said = Vec::new();
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
        return Err(ModelError::invalid("nothing to update: give project_name or description"));
    }
    let summary = format!("Project {}", said.join(", "));
    let mut outcome = finish(content, next, None, "update_metadata", summary, true, Value::Null, None, ctx);
    outcome.entry.workbench = PROJECT.into();
    Ok(outcome)
}

/// Makes `target` (a saved version's content) the current content. Not reversible: another
/// restore goes back, and an undo could overwrite collaborators' work wholesale.
pub fn restore_content(
    content: &ProjectContent,
    target: &ProjectContent,
    version: u32,
    ctx: &ActionContext,
) -> Outcome {
    let mut next = target.clone();
    next.collaborators = content.collaborators.clone();
    let summary = format!("Restored version {version}");
    let mut outcome =
        finish(content, next, None, "restore_version", summary, false, json!({"version": version}), None, ctx);
    outcome.entry.workbench = PROJECT.into();
    outcome
}

/// The `workbench` of log entries that concern the whole project.
pub const PROJECT: &str = "project";

/// Records the touched stage, invalidates what depends on it and writes the log entry.
#[allow(clippy::too_many_arguments)]
fn finish(
    before: &ProjectContent,
    mut after: ProjectContent,
    workbench: Option<Workbench>,
    action: &str,
    summary: String,
    reversible: bool,
    result: Value,
    status: Option<StageStatus>,
    ctx: &ActionContext,
) -> Outcome {
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
        for &downstream in invalidated_by(workbench) {
            if after.stage(downstream).status.has_results() {
                after.stage_mut(downstream).status = match downstream {
                    Workbench::Simulation => StageStatus::NotStarted,
                    _ => StageStatus::InProgress,
                };
                changes.downstream_invalidated.push(downstream);
                changes.warnings.push(warning_for(downstream, workbench));
            }
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

fn unreachable_action(workbench: Workbench, action: &str) -> Result<(String, Value), ModelError> {
    Err(ModelError::NotAvailable { workbench: workbench.as_str().into(), action: action.into(), needs: "engine" })
}

fn parse<T: DeserializeOwned + Default>(workbench: Workbench, action: &str, payload: &Value) -> Result<T, ModelError> {
    if payload.is_null() {
        return Ok(T::default());
    }
    if !payload.is_object() {
        return Err(ModelError::invalid(format!(
            "payload for {workbench}/{action} must be a JSON object, not {}",
            kind_of(payload)
        )));
    }
    T::deserialize(payload).map_err(|e| ModelError::invalid(format!("invalid payload for {workbench}/{action}: {e}")))
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn required<T>(value: Option<T>, workbench: &str, action: &str, field: &str, shape: &str) -> Result<T, ModelError> {
    value.ok_or_else(|| ModelError::invalid(format!("{workbench}/{action} needs payload.{field} ({shape})")))
}

fn non_empty(value: &str, what: &str) -> Result<(), ModelError> {
    if value.trim().is_empty() {
        return Err(ModelError::invalid(format!("{what} must not be empty")));
    }
    Ok(())
}

fn data_action(
    content: &mut ProjectContent,
    action: &str,
    p: DataWorkbenchPayload,
) -> Result<(String, Value), ModelError> {
    match action {
        "configure_source" => {
            let name = required(p.source_name, "data", action, "source_name", "a string")?;
            validate_name("source_name", &name)?;
            let configuration = required(p.configuration, "data", action, "configuration", "an object")?;
            let configuration = Value::Object(configuration);
            content.sources.insert(name.clone(), RawJson::from_value(&configuration));
            Ok((format!("Configured source '{name}'"), json!({"source_name": name, "configuration": configuration})))
        }
        "override_value" => {
            let o = required(p.override_value, "data", action, "override", "{field, value, reason}")?;
            non_empty(&o.field, "override.field")?;
            non_empty(&o.reason, "override.reason (why the value is overridden)")?;
            let record = Override { field: o.field.clone(), value: o.value, reason: o.reason };
            let summary = format!("Overrode '{}' with {} ({})", record.field, record.value, record.reason);
            let result = serde_json::to_value(&record).unwrap_or(Value::Null);
            content.overrides.insert(o.field, record);
            Ok((summary, result))
        }
        "add_custom_source" => {
            let name = required(p.source_name, "data", action, "source_name", "a string")?;
            validate_name("source_name", &name)?;
            let mut configuration =
                required(p.configuration, "data", action, "configuration", "an object with a 'type'")?;
            let kind = match configuration.remove("type") {
                Some(Value::String(kind)) if !kind.trim().is_empty() => kind,
                Some(other) => {
                    return Err(ModelError::invalid(format!(
                        "data/add_custom_source: configuration.type must be a non-empty string, not {}",
                        kind_of(&other)
                    )));
                }
                None => {
                    return Err(ModelError::invalid(
                        "data/add_custom_source needs payload.configuration.type (e.g. \"table\")",
                    ));
                }
            };
            if content.custom_sources.contains_key(&name) || content.sources.contains_key(&name) {
                return Err(ModelError::invalid(format!("a source named '{name}' already exists")));
            }
            let record = CustomSource {
                name: name.clone(),
                kind: kind.clone(),
                config: RawJson::from_value(&Value::Object(configuration)),
            };
            let result = serde_json::to_value(&record).unwrap_or(Value::Null);
            content.custom_sources.insert(name.clone(), record);
            Ok((format!("Added custom source '{name}' ({kind})"), result))
        }
        _ => unreachable_action(Workbench::Data, action),
    }
}

fn validate_scenario(config: &ScenarioConfig) -> Result<(), ModelError> {
    validate_name("scenario_config.name", &config.name)?;
    for (i, o) in config.variable_overrides.iter().enumerate() {
        non_empty(&o.variable, &format!("scenario_config.variable_overrides[{i}].variable"))?;
    }
    for (i, s) in config.shock_events.iter().flatten().enumerate() {
        non_empty(&s.variable, &format!("scenario_config.shock_events[{i}].variable"))?;
        if !s.magnitude.is_finite() {
            return Err(ModelError::invalid(format!("scenario_config.shock_events[{i}].magnitude must be finite")));
        }
    }
    Ok(())
}

fn find_scenario<'a>(
    content: &'a ProjectContent,
    id: &Option<String>,
    action: &str,
) -> Result<&'a ScenarioRecord, ModelError> {
    let id = required(id.as_ref(), "scenario", action, "scenario_id", "a string")?;
    content.scenarios.get(id).ok_or_else(|| ModelError::NotFound { what: "scenario", id: id.clone() })
}

fn check_scenario_limit(content: &ProjectContent) -> Result<(), ModelError> {
    if content.scenarios.len() >= MAX_SCENARIOS {
        return Err(ModelError::Limit(format!(
            "a project holds at most {MAX_SCENARIOS} scenarios; delete one before adding another"
        )));
    }
    Ok(())
}

fn scenario_action(
    content: &mut ProjectContent,
    action: &str,
    p: ScenarioWorkbenchPayload,
    ctx: &ActionContext,
) -> Result<(String, Value), ModelError> {
    let (summary, record) = match action {
        "create_scenario" => {
            let config = required(
                p.scenario_config,
                "scenario",
                action,
                "scenario_config",
                "{name, description, variable_overrides}",
            )?;
            validate_scenario(&config)?;
            check_scenario_limit(content)?;
            let record = ScenarioRecord {
                scenario_id: ctx.fresh_id.clone(),
                name: config.name.clone(),
                description: config.description.clone(),
                status: "defined".into(),
                simulation_id: None,
                ensemble_id: None,
                position: next_position(content),
                config,
            };
            (format!("Created scenario '{}'", record.name), record)
        }
        "edit_scenario" => {
            let mut record = find_scenario(content, &p.scenario_id, action)?.clone();
            let config = required(
                p.scenario_config,
                "scenario",
                action,
                "scenario_config",
                "{name, description, variable_overrides}",
            )?;
            validate_scenario(&config)?;
            record.name = config.name.clone();
            record.description = config.description.clone();
            record.config = config;
            (format!("Edited scenario '{}'", record.name), record)
        }
        "duplicate_scenario" => {
            let original = find_scenario(content, &p.scenario_id, action)?.clone();
            check_scenario_limit(content)?;
            let mut record = original.clone();
            record.scenario_id = ctx.fresh_id.clone();
            record.name = copy_name(&original.name);
            record.config.name = record.name.clone();
            record.status = "defined".into();
            record.simulation_id = None;
            record.ensemble_id = None;
            record.position = next_position(content);
            (format!("Duplicated scenario '{}' as '{}'", original.name, record.name), record)
        }
        "delete_scenario" => {
            let record = find_scenario(content, &p.scenario_id, action)?.clone();
            content.scenarios.remove(&record.scenario_id);
            let summary = format!("Deleted scenario '{}'", record.name);
            return Ok((summary, json!({"deleted": record.scenario_id})));
        }
        _ => return unreachable_action(Workbench::Scenario, action),
    };
    let result = serde_json::to_value(&record).unwrap_or(Value::Null);
    content.scenarios.insert(record.scenario_id.clone(), record);
    Ok((summary, result))
}

/// "Name" → "Name (copy)", kept within the name limit.
fn copy_name(name: &str) -> String {
    let suffix = " (copy)";
    let keep = crate::MAX_NAME_LEN - suffix.len();
    let base: String = name.chars().take(keep).collect();
    format!("{base}{suffix}")
}

fn report_action(
    content: &mut ProjectContent,
    action: &str,
    p: ReportGeneratorPayload,
    ctx: &ActionContext,
) -> Result<(String, Value), ModelError> {
    match action {
        "customize" => {
            let config = required(
                p.report_config,
                "report",
                action,
                "report_config",
                "{template, sections, include_charts, include_methodology}",
            )?;
            for (i, s) in config.sections.iter().enumerate() {
                non_empty(s, &format!("report_config.sections[{i}]"))?;
            }
            let template = serde_json::to_value(config.template).unwrap_or(Value::Null);
            let summary = format!(
                "Set the report to {} with {} section{}",
                template.as_str().unwrap_or("custom"),
                config.sections.len(),
                if config.sections.len() == 1 { "" } else { "s" }
            );
            let result = serde_json::to_value(&config).unwrap_or(Value::Null);
            content.report.insert("config".into(), config);
            Ok((summary, result))
        }
        "add_annotation" => {
            let a = required(p.annotation, "report", action, "annotation", "{section, text, author}")?;
            non_empty(&a.section, "annotation.section")?;
            non_empty(&a.text, "annotation.text")?;
            non_empty(&a.author, "annotation.author")?;
            let record = Annotation {
                annotation_id: ctx.fresh_id.clone(),
                section: a.section,
                text: a.text,
                author: a.author,
                created_at: ctx.now.clone(),
            };
            let summary = format!("Annotated section '{}'", record.section);
            let result = serde_json::to_value(&record).unwrap_or(Value::Null);
            content.annotations.insert(record.annotation_id.clone(), record);
            Ok((summary, result))
        }
        _ => unreachable_action(Workbench::Report, action),
    }
}
