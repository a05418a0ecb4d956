//! `(workbench, action, payload)` → [`Action`]: the payload is read with the seed's field
//! names (unknown fields refused), every field an action needs is there, and every value is
//! checked as far as it can be without the project. Errors name the field at fault.

use std::collections::BTreeSet;

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::action::{
    Action, ArchetypeEdits, DataAction, DataExport, DistributionAdjustment, ExportFormat, PopulationAction,
    PopulationSettings, ReportAction, ReportFormat, ScenarioAction, ScheduleChange, SimulationAction,
};
use crate::error::kind_of;
use crate::payload::{
    DataWorkbenchPayload, PopulationWorkbenchPayload, ReportGeneratorPayload, ScenarioConfig, ScenarioWorkbenchPayload,
    SimulationConsolePayload, WorkbenchAction,
};
use crate::population_checks::{check_archetype_edits, check_settings, check_target};
use crate::schedule::{Frequency, check_recipients};
use crate::{
    MAX_POPULATION, MAX_SCENARIOS, MAX_TICKS, ModelError, SimulationSettings, SourceConfig, Workbench, validate_name,
};

/// Where a payload is being read: names the action in errors.
#[derive(Clone, Copy)]
struct At<'a> {
    workbench: Workbench,
    action: &'a str,
}

impl At<'_> {
    /// The field an action cannot do without, or an error naming it and its shape.
    fn field<T>(self, value: Option<T>, field: &str, shape: &str) -> Result<T, ModelError> {
        value.ok_or_else(|| {
            ModelError::invalid(format!("{}/{} needs payload.{field} ({shape})", self.workbench, self.action))
        })
    }

    /// The error for an action this workbench does not have, naming the ones it has.
    fn unknown(self) -> ModelError {
        match self.workbench.check_action(self.action) {
            Err(e) => e,
            Ok(()) => ModelError::invalid(format!("{}/{} cannot be read", self.workbench, self.action)),
        }
    }

    /// The payload as the workbench's payload type; `null` is the empty payload.
    fn read<T: DeserializeOwned + Default>(self, payload: &Value) -> Result<T, ModelError> {
        let (workbench, action) = (self.workbench, self.action);
        match payload {
            Value::Null => Ok(T::default()),
            Value::Object(_) => T::deserialize(payload)
                .map_err(|e| ModelError::invalid(format!("invalid payload for {workbench}/{action}: {e}"))),
            other => Err(ModelError::invalid(format!(
                "payload for {workbench}/{action} must be a JSON object, not {}",
                kind_of(other)
            ))),
        }
    }
}

pub(crate) fn non_empty(value: &str, what: &str) -> Result<(), ModelError> {
    if value.trim().is_empty() {
        return Err(ModelError::invalid(format!("{what} must not be empty")));
    }
    Ok(())
}

impl Action {
    /// Reads one action from the seed's wire form. An unknown action names the valid ones; a
    /// malformed payload names the field.
    pub fn parse(workbench: Workbench, action: &str, payload: &Value) -> Result<Action, ModelError> {
        let at = At { workbench, action };
        workbench.check_action(action)?;
        if let Some(named) = payload.get("action").and_then(Value::as_str)
            && named != action
        {
            return Err(ModelError::invalid(format!(
                "payload.action is '{named}' but the request's action is '{action}'"
            )));
        }
        Ok(match workbench {
            Workbench::Data => Action::Data(data(at, at.read(payload)?)?),
            Workbench::Population => Action::Population(population(at, at.read(payload)?)?),
            Workbench::Scenario => Action::Scenario(scenario(at, at.read(payload)?)?),
            Workbench::Simulation => Action::Simulation(simulation(at, at.read(payload)?)?),
            Workbench::Report => Action::Report(report(at, at.read(payload)?)?),
        })
    }

    /// The action of a seed `WorkbenchAction` request.
    pub fn of(request: &WorkbenchAction) -> Result<Action, ModelError> {
        Action::parse(request.workbench, &request.action, &request.payload)
    }
}

fn data(at: At, p: DataWorkbenchPayload) -> Result<DataAction, ModelError> {
    Ok(match at.action {
        "explore_sources" => DataAction::ExploreSources { source_name: p.source_name },
        "configure_source" => {
            let source_name = at.field(p.source_name, "source_name", "a string")?;
            validate_name("source_name", &source_name)?;
            let configuration = at.field(p.configuration, "configuration", "an object")?;
            let configuration = SourceConfig::try_from(configuration)
                .map_err(|e| ModelError::invalid(format!("data/configure_source: {e}")))?;
            DataAction::ConfigureSource { source_name, configuration: Box::new(configuration) }
        }
        "preview_data" => {
            DataAction::PreviewData { source_name: at.field(p.source_name, "source_name", "which source to preview")? }
        }
        "override_value" => {
            let o = at.field(p.override_value, "override", "{field, value, reason}")?;
            non_empty(&o.field, "override.field")?;
            non_empty(&o.reason, "override.reason (why the value is overridden)")?;
            DataAction::OverrideValue(o)
        }
        "add_custom_source" => {
            let source_name = at.field(p.source_name, "source_name", "a string")?;
            validate_name("source_name", &source_name)?;
            let mut configuration = at.field(p.configuration, "configuration", "an object with a 'type'")?;
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
            check_table(&configuration)?;
            let configuration = SourceConfig::try_from(configuration)
                .map_err(|e| ModelError::invalid(format!("data/add_custom_source: {e}")))?;
            DataAction::AddCustomSource { source_name, kind, configuration: Box::new(configuration) }
        }
        "refresh_data" => DataAction::RefreshData,
        _ => return Err(at.unknown()),
    })
}

/// A typed table's rows must each hold one value per column: a short row would otherwise be
/// found only when the data is refreshed.
fn check_table(configuration: &Map<String, Value>) -> Result<(), ModelError> {
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

fn population(at: At, p: PopulationWorkbenchPayload) -> Result<PopulationAction, ModelError> {
    Ok(match at.action {
        "view_archetypes" => PopulationAction::ViewArchetypes,
        "view_network" => PopulationAction::ViewNetwork,
        "resize_population" => {
            let target_size = at.field(p.target_size, "target_size", "a number of agents")?;
            if target_size == 0 || target_size > MAX_POPULATION {
                return Err(ModelError::Limit(format!(
                    "target_size must be between 1 and {MAX_POPULATION} agents, got {target_size}"
                )));
            }
            PopulationAction::Resize { target_size }
        }
        "adjust_distribution" => {
            let a = at.field(p.adjustment, "adjustment", "{dimension, target}")?;
            let dimension = a.dimension.trim().to_string();
            if dimension.is_empty() {
                return Err(ModelError::invalid("adjustment.dimension '' is not an attribute"));
            }
            let target = check_target(&dimension, &a.target)?;
            PopulationAction::AdjustDistribution(DistributionAdjustment { dimension, target, original: a.original })
        }
        "edit_archetype" => {
            let id = at.field(p.archetype_id, "archetype_id", "e.g. \"A2\"")?;
            if !(id.len() > 1 && id.starts_with('A') && id[1..].chars().all(|c| c.is_ascii_digit())) {
                return Err(ModelError::invalid(format!("archetype_id '{id}' is not an archetype id like A1, A2 …")));
            }
            let edits = at.field(p.edits, "edits", "{share?, centre?, label?}")?;
            check_archetype_edits(&id, &edits)?;
            let edits: ArchetypeEdits = typed(edits, "edits")?;
            PopulationAction::EditArchetype { archetype_id: id, edits }
        }
        "regenerate" => {
            let settings = match p.edits {
                Some(edits) => {
                    check_settings(&edits)?;
                    Some(typed::<PopulationSettings>(edits, "edits")?)
                }
                None => None,
            };
            PopulationAction::Regenerate { settings }
        }
        _ => return Err(at.unknown()),
    })
}

/// A checked map as its type; the checks above give the clearer messages, this the last word.
fn typed<T: DeserializeOwned>(map: Map<String, Value>, what: &str) -> Result<T, ModelError> {
    serde_json::from_value(Value::Object(map)).map_err(|e| ModelError::invalid(format!("{what}: {e}")))
}

fn scenario(at: At, p: ScenarioWorkbenchPayload) -> Result<ScenarioAction, ModelError> {
    let config_shape = "{name, description, variable_overrides}";
    let id = |p: &ScenarioWorkbenchPayload| at.field(p.scenario_id.clone(), "scenario_id", "a string");
    Ok(match at.action {
        "create_scenario" => {
            let config = at.field(p.scenario_config, "scenario_config", config_shape)?;
            validate_scenario(&config)?;
            ScenarioAction::Create(config)
        }
        "edit_scenario" => {
            let scenario_id = id(&p)?;
            let config = at.field(p.scenario_config, "scenario_config", config_shape)?;
            validate_scenario(&config)?;
            ScenarioAction::Edit { scenario_id, config }
        }
        "duplicate_scenario" => ScenarioAction::Duplicate { scenario_id: id(&p)? },
        "delete_scenario" => ScenarioAction::Delete { scenario_id: id(&p)? },
        "run_scenario" => ScenarioAction::Run { scenario_id: id(&p)? },
        "compare_scenarios" => {
            let compare_ids = at.field(p.compare_ids, "compare_ids", "two or more scenario ids")?;
            if compare_ids.len() < 2 || compare_ids.len() > MAX_SCENARIOS {
                return Err(ModelError::invalid(format!(
                    "compare_ids names {} scenario(s): compare 2 to {MAX_SCENARIOS}",
                    compare_ids.len()
                )));
            }
            let mut seen = BTreeSet::new();
            if let Some(twice) = compare_ids.iter().find(|id| !seen.insert(*id)) {
                return Err(ModelError::invalid(format!("compare_ids names scenario '{twice}' twice")));
            }
            ScenarioAction::Compare { compare_ids }
        }
        _ => return Err(at.unknown()),
    })
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
        if s.tick == 0 || s.tick > MAX_TICKS {
            return Err(ModelError::invalid(format!(
                "scenario_config.shock_events[{i}].tick is {}: shocks happen at ticks 1 to {MAX_TICKS}",
                s.tick
            )));
        }
    }
    Ok(())
}

fn simulation(at: At, p: SimulationConsolePayload) -> Result<SimulationAction, ModelError> {
    Ok(match at.action {
        "run" => {
            SimulationAction::Run { settings: p.simulation_config.as_ref().map(SimulationSettings::parse).transpose()? }
        }
        "pause" => SimulationAction::Pause,
        "resume" => SimulationAction::Resume,
        "stop" => SimulationAction::Stop,
        "step_forward" => SimulationAction::StepForward,
        "step_backward" => SimulationAction::StepBackward,
        "replay" => SimulationAction::Replay { tick: at.field(p.tick, "tick", "the tick to go back to")? },
        "inject_shock" => SimulationAction::InjectShock(at.field(p.shock, "shock", "{variable, magnitude}")?),
        "export_data" => SimulationAction::ExportData(data_export(p)?),
        _ => return Err(at.unknown()),
    })
}

/// `export_data`'s `simulation_config`: `{scenario_id?, agents?, replicate?}`.
fn data_export(p: SimulationConsolePayload) -> Result<DataExport, ModelError> {
    let format =
        match p.export_format.as_deref() {
            None => None,
            Some(text) => Some(ExportFormat::ALL.into_iter().find(|f| f.as_str() == text).ok_or_else(|| {
                ModelError::invalid(format!("export_format '{text}' is not one of: csv, json, parquet"))
            })?),
        };
    let config = p.simulation_config.unwrap_or_default();
    let bad = |field: &str, shape: &str, value: &Value| {
        ModelError::invalid(format!("simulation_config.{field} must be {shape}, not {}", kind_of(value)))
    };
    let mut export = DataExport { format, ..DataExport::default() };
    for (key, value) in &config {
        match key.as_str() {
            "scenario_id" => {
                export.scenario_id = Some(value.as_str().ok_or_else(|| bad(key, "a string", value))?.to_string())
            }
            "agents" => export.agents = value.as_bool().ok_or_else(|| bad(key, "true or false", value))?,
            "replicate" => {
                let n = value.as_u64().ok_or_else(|| bad(key, "a whole number ≥ 0", value))?;
                export.replicate = u32::try_from(n).unwrap_or(u32::MAX);
            }
            other => {
                return Err(ModelError::invalid(format!(
                    "simulation_config.{other} is unknown to export_data: it takes scenario_id, agents and replicate"
                )));
            }
        }
    }
    Ok(export)
}

fn report(at: At, p: ReportGeneratorPayload) -> Result<ReportAction, ModelError> {
    Ok(match at.action {
        "generate" => ReportAction::Generate { config: p.report_config },
        "customize" => {
            let config = at.field(
                p.report_config,
                "report_config",
                "{template, sections, include_charts, include_methodology}",
            )?;
            for (i, s) in config.sections.iter().enumerate() {
                non_empty(s, &format!("report_config.sections[{i}]"))?;
            }
            ReportAction::Customize(config)
        }
        "export" => {
            let format = at.field(p.export_format, "export_format", "one of pdf, pptx, html, docx")?;
            ReportAction::Export { format: ReportFormat::parse(&format)? }
        }
        "schedule" => {
            let input = at.field(p.schedule, "schedule", "{frequency, recipients}")?;
            ReportAction::Schedule(match Frequency::parse(&input.frequency)? {
                None => ScheduleChange::Off,
                Some(frequency) => {
                    ScheduleChange::Every { frequency, recipients: check_recipients(&input.recipients)? }
                }
            })
        }
        "add_annotation" => {
            let a = at.field(p.annotation, "annotation", "{section, text, author}")?;
            non_empty(&a.section, "annotation.section")?;
            non_empty(&a.text, "annotation.text")?;
            non_empty(&a.author, "annotation.author")?;
            ReportAction::AddAnnotation(a)
        }
        _ => return Err(at.unknown()),
    })
}
