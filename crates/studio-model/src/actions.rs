//! The document-only workbench actions of Data, Scenario and Report, and the settings a
//! simulation run records: how each edits the
//! content. Their inputs arrive parsed and checked ([`crate::Action::parse`]); what is left
//! here are the rules that need the project (a name already taken, a scenario that exists,
//! the scenario limit).

use serde_json::{Value, json};

use crate::action::{DataAction, ReportAction, ScenarioAction, ScheduleChange, SimulationAction};
use crate::content::{Annotation, CustomSource, Override, ProjectContent, RawJson, ScenarioRecord, ScenarioStatus};
use crate::payload::ScenarioConfig;
use crate::schedule::ReportSchedule;
use crate::state::next_position;
use crate::{ActionContext, MAX_SCENARIOS, ModelError, Workbench};

pub(crate) fn data_action(content: &mut ProjectContent, action: &DataAction) -> Result<(String, Value), ModelError> {
    match action {
        DataAction::ConfigureSource { source_name, configuration } => {
            let configuration = configuration.to_value();
            content.sources.insert(source_name.clone(), RawJson::from_value(&configuration));
            let result = json!({"source_name": source_name, "configuration": configuration});
            Ok((format!("Configured source '{source_name}'"), result))
        }
        DataAction::OverrideValue(o) => {
            let record = Override { field: o.field.clone(), value: o.value.clone(), reason: o.reason.clone() };
            let summary = format!("Overrode '{}' with {} ({})", record.field, record.value, record.reason);
            let result = serde_json::to_value(&record).unwrap_or(Value::Null);
            content.overrides.insert(o.field.clone(), record);
            Ok((summary, result))
        }
        DataAction::AddCustomSource { source_name, kind, configuration } => {
            if content.custom_sources.contains_key(source_name) || content.sources.contains_key(source_name) {
                return Err(ModelError::invalid(format!("a source named '{source_name}' already exists")));
            }
            let record = CustomSource {
                name: source_name.clone(),
                kind: kind.clone(),
                config: RawJson::from_value(&configuration.to_value()),
            };
            let result = serde_json::to_value(&record).unwrap_or(Value::Null);
            content.custom_sources.insert(source_name.clone(), record);
            Ok((format!("Added custom source '{source_name}' ({kind})"), result))
        }
        DataAction::ExploreSources { .. } | DataAction::PreviewData { .. } | DataAction::RefreshData => {
            Err(ModelError::not_an_edit(Workbench::Data, action.name()))
        }
    }
}

fn find_scenario<'a>(content: &'a ProjectContent, id: &str) -> Result<&'a ScenarioRecord, ModelError> {
    content.scenarios.get(id).ok_or_else(|| ModelError::NotFound { what: "scenario", id: id.to_string() })
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
    action: &ScenarioAction,
    ctx: &ActionContext,
) -> Result<(String, Value), ModelError> {
    let (summary, record) = match action {
        ScenarioAction::Create(config) => {
            check_scenario_limit(content)?;
            let record = ScenarioRecord {
                scenario_id: ctx.fresh_id.clone(),
                name: config.name.clone(),
                description: config.description.clone(),
                status: ScenarioStatus::Defined,
                simulation_id: None,
                ensemble_id: None,
                position: next_position(content),
                config: config.clone(),
            };
            (format!("Created scenario '{}'", record.name), record)
        }
        ScenarioAction::Edit { scenario_id, config } => {
            let mut record = find_scenario(content, scenario_id)?.clone();
            if &record.config != config
                && let Some(run) = content.runs.get_mut(&record.scenario_id)
            {
                // Its results no longer describe it: shown as defined until it runs again.
                run.status = ScenarioStatus::Defined;
            }
            record.name = config.name.clone();
            record.description = config.description.clone();
            record.config = config.clone();
            (format!("Edited scenario '{}'", record.name), record)
        }
        ScenarioAction::Duplicate { scenario_id } => {
            let original = find_scenario(content, scenario_id)?.clone();
            check_scenario_limit(content)?;
            let mut record = original.clone();
            record.scenario_id = ctx.fresh_id.clone();
            record.name = copy_name(&original.name);
            record.config.name = record.name.clone();
            record.status = ScenarioStatus::Defined;
            record.simulation_id = None;
            record.ensemble_id = None;
            record.position = next_position(content);
            (format!("Duplicated scenario '{}' as '{}'", original.name, record.name), record)
        }
        ScenarioAction::Delete { scenario_id } => {
            let record = find_scenario(content, scenario_id)?.clone();
            content.scenarios.remove(&record.scenario_id);
            content.runs.remove(&record.scenario_id);
            let summary = format!("Deleted scenario '{}'", record.name);
            return Ok((summary, json!({"deleted": record.scenario_id})));
        }
        ScenarioAction::Compare { .. } | ScenarioAction::Run { .. } => {
            return Err(ModelError::not_an_edit(Workbench::Scenario, action.name()));
        }
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
        status: ScenarioStatus::Defined,
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
    action: &ReportAction,
    ctx: &ActionContext,
) -> Result<(String, Value), ModelError> {
    match action {
        ReportAction::Customize(config) => {
            let template = serde_json::to_value(config.template).unwrap_or(Value::Null);
            let summary = format!(
                "Set the report to {} with {} section{}",
                template.as_str().unwrap_or("custom"),
                config.sections.len(),
                if config.sections.len() == 1 { "" } else { "s" }
            );
            let result = serde_json::to_value(config).unwrap_or(Value::Null);
            content.report.insert("config".into(), config.clone());
            Ok((summary, result))
        }
        ReportAction::AddAnnotation(a) => {
            let record = Annotation {
                annotation_id: ctx.fresh_id.clone(),
                section: a.section.clone(),
                text: a.text.clone(),
                author: a.author.clone(),
                created_at: ctx.now.clone(),
            };
            let summary = format!("Annotated section '{}'", record.section);
            let result = serde_json::to_value(&record).unwrap_or(Value::Null);
            content.annotations.insert(record.annotation_id.clone(), record);
            Ok((summary, result))
        }
        ReportAction::Schedule(ScheduleChange::Off) => {
            let stopped = content.schedules.remove("report");
            let summary =
                if stopped.is_some() { "Stopped the scheduled report" } else { "The report was not scheduled" };
            Ok((summary.to_string(), Value::Null))
        }
        ReportAction::Schedule(ScheduleChange::Every { frequency, recipients }) => {
            // Changing only the recipients keeps the beat: the next report stays when it was due.
            let set_at = match content.schedules.get("report") {
                Some(old) if old.frequency == frequency.name() => old.set_at.clone(),
                _ => ctx.now.clone(),
            };
            let schedule = ReportSchedule {
                frequency: frequency.name(),
                recipients: recipients.clone(),
                set_by: ctx.user_id.clone(),
                set_at,
            };
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
        ReportAction::Generate { .. } | ReportAction::Export { .. } => {
            Err(ModelError::not_an_edit(Workbench::Report, action.name()))
        }
    }
}

/// `run` with a `simulation_config`: records the settings the run will use.
pub(crate) fn simulation_action(
    content: &mut ProjectContent,
    action: &SimulationAction,
) -> Result<(String, Value), ModelError> {
    let SimulationAction::Run { settings: Some(settings) } = action else {
        return Err(ModelError::not_an_edit(Workbench::Simulation, action.name()));
    };
    if let Some(id) = &settings.scenario_id
        && !content.scenarios.contains_key(id)
    {
        return Err(ModelError::NotFound { what: "scenario", id: id.clone() });
    }
    let summary = format!(
        "Set the simulation to {} replicates of {} ticks (seed {})",
        settings.replicates, settings.ticks, settings.seed
    );
    let result = serde_json::to_value(settings).unwrap_or(Value::Null);
    content.simulation.insert(crate::simulation_settings::SETTINGS.into(), settings.to_raw());
    Ok((summary, result))
}
