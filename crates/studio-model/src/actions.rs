//! The document-only workbench actions: how each one reads its payload and edits the content.

use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::content::{Annotation, CustomSource, Override, ProjectContent, RawJson, ScenarioRecord};
use crate::payload::{DataWorkbenchPayload, ReportGeneratorPayload, ScenarioConfig, ScenarioWorkbenchPayload};
use crate::schedule::{Frequency, ReportSchedule, check_recipients};
use crate::state::next_position;
use crate::{ActionContext, MAX_SCENARIOS, ModelError, Workbench, validate_name};

pub(crate) fn unreachable_action(workbench: Workbench, action: &str) -> Result<(String, Value), ModelError> {
    Err(ModelError::NotAvailable { workbench: workbench.as_str().into(), action: action.into(), needs: "engine" })
}

pub(crate) fn parse<T: DeserializeOwned + Default>(
    workbench: Workbench,
    action: &str,
    payload: &Value,
) -> Result<T, ModelError> {
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

pub(crate) fn required<T>(
    value: Option<T>,
    workbench: &str,
    action: &str,
    field: &str,
    shape: &str,
) -> Result<T, ModelError> {
    value.ok_or_else(|| ModelError::invalid(format!("{workbench}/{action} needs payload.{field} ({shape})")))
}

fn non_empty(value: &str, what: &str) -> Result<(), ModelError> {
    if value.trim().is_empty() {
        return Err(ModelError::invalid(format!("{what} must not be empty")));
    }
    Ok(())
}

pub(crate) fn data_action(
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
            check_table(&configuration)?;
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

/// A typed table's rows must each hold one value per column: a short row would otherwise be
/// found only when the data is refreshed.
fn check_table(configuration: &serde_json::Map<String, Value>) -> Result<(), ModelError> {
    let at = "data/add_custom_source: configuration";
    let has_rows = configuration.get("rows").and_then(Value::as_array).is_some_and(|rows| !rows.is_empty());
    let columns = match configuration.get("columns") {
        None if has_rows => {
            return Err(ModelError::invalid(format!(
                "{at}.rows needs configuration.columns: [{{name, type}}], one for each value of a row"
            )));
        }
        None => return Ok(()),
        Some(Value::Array(columns)) => columns,
        Some(other) => {
            return Err(ModelError::invalid(format!(
                "{at}.columns must be a list of {{name, type}}, not {}",
                kind_of(other)
            )));
        }
    };
    let mut names = Vec::with_capacity(columns.len());
    for (i, column) in columns.iter().enumerate() {
        match column.get("name").and_then(Value::as_str).filter(|n| !n.trim().is_empty()) {
            Some(name) => names.push(name),
            None => return Err(ModelError::invalid(format!("{at}.columns[{i}] needs a name"))),
        }
    }
    let rows = match configuration.get("rows") {
        None => return Ok(()),
        Some(Value::Array(rows)) => rows,
        Some(other) => {
            return Err(ModelError::invalid(format!("{at}.rows must be a list of rows, not {}", kind_of(other))));
        }
    };
    for (i, row) in rows.iter().enumerate() {
        let Value::Array(values) = row else {
            return Err(ModelError::invalid(format!("{at}.rows[{i}] must be a list of values, not {}", kind_of(row))));
        };
        if values.len() != names.len() {
            return Err(ModelError::invalid(format!(
                "{at}.rows[{i}] has {} value{} for {} column{} ({})",
                values.len(),
                if values.len() == 1 { "" } else { "s" },
                names.len(),
                if names.len() == 1 { "" } else { "s" },
                names.join(", ")
            )));
        }
    }
    Ok(())
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
        if s.tick == 0 || s.tick > crate::MAX_TICKS {
            return Err(ModelError::invalid(format!(
                "scenario_config.shock_events[{i}].tick is {}: shocks happen at ticks 1 to {}",
                s.tick,
                crate::MAX_TICKS
            )));
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

pub(crate) fn scenario_action(
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
            if record.config != config
                && let Some(run) = content.runs.get_mut(&record.scenario_id)
            {
                // Its results no longer describe it: shown as defined until it runs again.
                run.status = "defined".into();
            }
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
            content.runs.remove(&record.scenario_id);
            let summary = format!("Deleted scenario '{}'", record.name);
            return Ok((summary, json!({"deleted": record.scenario_id})));
        }
        _ => return unreachable_action(Workbench::Scenario, action),
    };
    let result = serde_json::to_value(&record).unwrap_or(Value::Null);
    content.scenarios.insert(record.scenario_id.clone(), record);
    Ok((summary, result))
}

/// The scenario every project starts with: the data as it is, no overrides, no shocks.
pub fn baseline_scenario(scenario_id: &str) -> ScenarioRecord {
    ScenarioRecord {
        scenario_id: scenario_id.to_string(),
        name: "Baseline".into(),
        description: "The data as it is: no overrides, no shocks.".into(),
        status: "defined".into(),
        simulation_id: None,
        ensemble_id: None,
        config: ScenarioConfig {
            name: "Baseline".into(),
            description: "The data as it is: no overrides, no shocks.".into(),
            variable_overrides: Vec::new(),
            population_adjustments: None,
            shock_events: None,
        },
        position: 0,
    }
}

/// "Name" → "Name (copy)", kept within the name limit.
fn copy_name(name: &str) -> String {
    let suffix = " (copy)";
    let keep = crate::MAX_NAME_LEN - suffix.len();
    let base: String = name.chars().take(keep).collect();
    format!("{base}{suffix}")
}

pub(crate) fn report_action(
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
        "schedule" => {
            let input = required(p.schedule, "report", action, "schedule", "{frequency, recipients}")?;
            let Some(frequency) = Frequency::parse(&input.frequency)? else {
                let stopped = content.schedules.remove("report");
                let summary =
                    if stopped.is_some() { "Stopped the scheduled report" } else { "The report was not scheduled" };
                return Ok((summary.to_string(), Value::Null));
            };
            let recipients = check_recipients(&input.recipients)?;
            // Changing only the recipients keeps the beat: the next report stays when it was due.
            let set_at = match content.schedules.get("report") {
                Some(old) if old.frequency == frequency.name() => old.set_at.clone(),
                _ => ctx.now.clone(),
            };
            let schedule =
                ReportSchedule { frequency: frequency.name(), recipients, set_by: ctx.user_id.clone(), set_at };
            let n = schedule.recipients.len();
            let summary = format!(
                "Scheduled the report {} to {n} recipient{}",
                schedule.frequency,
                if n == 1 { "" } else { "s" }
            );
            let result = serde_json::to_value(&schedule).unwrap_or(Value::Null);
            content.schedules.insert("report".into(), schedule);
            Ok((summary, result))
        }
        _ => unreachable_action(Workbench::Report, action),
    }
}
