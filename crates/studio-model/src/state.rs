//! The seed's outputs: `ProjectState`, its workbench states and log, and `WorkbenchResponse`.
//!
//! A `ProjectState` is assembled from the content, the store's header and the log; its extra
//! fields (source configurations, scenario configs, report config and annotations) make it a
//! complete snapshot, so [`ProjectState::content`] gives the content back for a restore.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::content::{
    Annotation, Collaborator, CustomSource, Override, PopulationAdjustment, PopulationRecord, ProjectContent, RawJson,
    ScenarioRecord, ScenarioRun, StageState,
};
use crate::{ProjectStatus, ReportConfig, ReportSchedule, ScenarioConfig, StageStatus, Workbench, project_status};

/// What the store knows of a project beyond its content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, schemars::JsonSchema)]
pub struct ProjectHeader {
    pub project_id: String,
    pub version: u32,
    pub created_at: String,
    pub updated_at: String,
    pub prediction_task_id: Option<String>,
    pub data_package_id: Option<String>,
    pub population_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LogEntry {
    pub timestamp: String,
    pub user_id: String,
    pub workbench: String,
    pub action: String,
    pub summary: String,
    pub reversible: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ScenarioSummary {
    pub scenario_id: String,
    pub name: String,
    pub description: String,
    pub status: crate::ScenarioStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub simulation_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ensemble_id: Option<String>,
    pub config: ScenarioConfig,
    /// The latest run, when there was one: its digest, inputs and any failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run: Option<ScenarioRun>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DataState {
    pub status: StageStatus,
    pub overrides: Vec<Override>,
    pub custom_sources: Vec<CustomSource>,
    pub last_accessed: String,
    /// Source configuration by source name.
    #[serde(default)]
    pub sources: BTreeMap<String, RawJson>,
    /// The hash of the sources, configuration and overrides the data package was built from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_hash: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PopulationState {
    pub status: StageStatus,
    pub adjustments: Vec<PopulationAdjustment>,
    /// The number of agents the population is made with (resize_population).
    #[serde(default = "default_population")]
    pub size: u64,
    /// The seed, archetypes and network set with regenerate; absent fields are the defaults
    /// (`GET /api/v1/studio/limits`).
    #[serde(default)]
    pub settings: crate::PopulationSettings,
    /// The analyst's edits of each archetype (edit_archetype), by archetype id.
    #[serde(default)]
    pub archetype_edits: BTreeMap<String, crate::ArchetypeEdits>,
    pub last_accessed: String,
    /// The hash of the data package and settings the population was built from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_hash: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ScenarioState {
    pub status: StageStatus,
    pub scenario_count: usize,
    pub last_accessed: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SimulationState {
    pub status: StageStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_tick: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_ticks: Option<u64>,
    pub last_accessed: String,
    /// The console's settings: model, ticks, replicates, seed, variables.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<RawJson>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ReportState {
    pub status: StageStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report_id: Option<String>,
    pub last_accessed: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<ReportConfig>,
    #[serde(default)]
    pub annotations: Vec<Annotation>,
    /// The report sent on a schedule, if one is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<ReportSchedule>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct WorkbenchStates {
    pub data: DataState,
    pub population: PopulationState,
    pub scenario: ScenarioState,
    pub simulation: SimulationState,
    pub report: ReportState,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ProjectState {
    pub project_id: String,
    pub user_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_id: Option<String>,
    pub project_name: String,
    pub description: String,
    pub created_at: String,
    pub updated_at: String,
    pub version: u32,
    pub status: ProjectStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prediction_task_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_package_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub population_id: Option<String>,
    pub scenarios: Vec<ScenarioSummary>,
    pub workbench_states: WorkbenchStates,
    pub modification_log: Vec<LogEntry>,
    pub collaborators: Vec<Collaborator>,
    pub active_users: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_query: Option<String>,
    /// The question read into a prediction task (`prediction_task_id` is its id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prediction_task: Option<crate::PredictionTask>,
    /// Records two peers changed at once, each value with its author, until someone picks one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conflicts: Vec<Conflict>,
    /// The project's workflows (Automation), kept with it so a version restores them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub workflows: Vec<crate::Workflow>,
}

/// A record two (or more) peers set at the same time: every value is kept, with who set it,
/// until someone picks one. The project shows one of them meanwhile (the same on every peer).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Conflict {
    pub section: crate::Section,
    pub key: String,
    pub values: Vec<ConflictValue>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ConflictValue {
    pub value: serde_json::Value,
    /// Who set it (as their change says), and when.
    pub user_id: String,
    pub timestamp: String,
    /// Whether this is the value the project shows meanwhile.
    pub shown: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, schemars::JsonSchema)]
pub struct StateChanges {
    pub project_status_changed: bool,
    pub downstream_invalidated: Vec<Workbench>,
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct WorkbenchResponse {
    pub project_id: String,
    pub workbench: Workbench,
    pub action: String,
    pub success: bool,
    pub result: Value,
    pub state_changes: StateChanges,
    pub updated_project_state: ProjectState,
}

impl ProjectState {
    /// Assembles the seed's view of a project.
    pub fn assemble(
        header: &ProjectHeader,
        content: &ProjectContent,
        modification_log: Vec<LogEntry>,
        active_users: Vec<String>,
    ) -> ProjectState {
        let meta = |key: &str| content.meta(key).map(str::to_string);
        let stage = |w: Workbench| content.stage(w);
        let (data, population, scenario, simulation, report) = (
            stage(Workbench::Data),
            stage(Workbench::Population),
            stage(Workbench::Scenario),
            stage(Workbench::Simulation),
            stage(Workbench::Report),
        );
        let scenarios = content
            .scenarios_in_order()
            .into_iter()
            .map(|s| {
                let run = content.runs.get(&s.scenario_id).cloned();
                ScenarioSummary {
                    scenario_id: s.scenario_id.clone(),
                    name: s.name.clone(),
                    description: s.description.clone(),
                    status: run.as_ref().map_or(s.status, |r| r.status),
                    simulation_id: run.as_ref().map_or_else(|| s.simulation_id.clone(), |r| r.simulation_id.clone()),
                    ensemble_id: run.as_ref().map_or_else(|| s.ensemble_id.clone(), |r| r.ensemble_id.clone()),
                    config: s.config.clone(),
                    run,
                }
            })
            .collect::<Vec<_>>();
        let mut annotations: Vec<Annotation> = content.annotations.values().cloned().collect();
        annotations.sort_by(|a, b| (&a.created_at, &a.annotation_id).cmp(&(&b.created_at, &b.annotation_id)));
        ProjectState {
            project_id: header.project_id.clone(),
            user_id: meta("owner").unwrap_or_default(),
            team_id: meta("team_id"),
            project_name: meta("project_name").unwrap_or_default(),
            description: meta("description").unwrap_or_default(),
            created_at: meta("created_at").unwrap_or_else(|| header.created_at.clone()),
            updated_at: header.updated_at.clone(),
            version: header.version,
            status: project_status(content),
            prediction_task_id: content
                .prediction_task()
                .map(|t| t.task_id)
                .or_else(|| header.prediction_task_id.clone()),
            data_package_id: data.artifact_id.clone().or_else(|| header.data_package_id.clone()),
            population_id: population.artifact_id.clone().or_else(|| header.population_id.clone()),
            workbench_states: WorkbenchStates {
                data: DataState {
                    status: data.status,
                    overrides: content.overrides.values().cloned().collect(),
                    custom_sources: content.custom_sources.values().cloned().collect(),
                    last_accessed: data.last_accessed,
                    sources: content.sources.clone(),
                    input_hash: data.input_hash,
                },
                population: PopulationState {
                    status: population.status,
                    adjustments: content.dimension_adjustments().cloned().collect(),
                    size: content.population_size(),
                    settings: content.population_settings().unwrap_or_default(),
                    archetype_edits: content.archetype_edits().unwrap_or_default(),
                    last_accessed: population.last_accessed,
                    input_hash: population.input_hash,
                },
                scenario: ScenarioState {
                    status: scenario.status,
                    scenario_count: scenarios.len(),
                    last_accessed: scenario.last_accessed,
                },
                simulation: SimulationState {
                    status: simulation.status,
                    current_tick: simulation.current_tick,
                    total_ticks: simulation.total_ticks,
                    last_accessed: simulation.last_accessed,
                    config: content.simulation.get("config").cloned(),
                },
                report: ReportState {
                    status: report.status,
                    report_id: report.report_id,
                    last_accessed: report.last_accessed,
                    config: content.report.get("config").cloned(),
                    annotations,
                    schedule: content.schedules.get("report").cloned(),
                },
            },
            scenarios,
            modification_log,
            collaborators: content.collaborators.values().cloned().collect(),
            active_users,
            initial_query: meta("initial_query"),
            prediction_task: content.prediction_task(),
            conflicts: Vec::new(),
            workflows: content.workflows.values().cloned().collect(),
        }
    }

    /// The content this state was assembled from (the inverse of [`ProjectState::assemble`]).
    pub fn content(&self) -> ProjectContent {
        let mut c = ProjectContent::default();
        let mut meta = |key: &str, value: Option<&String>| {
            if let Some(v) = value {
                c.meta.insert(key.to_string(), v.clone());
            }
        };
        meta("owner", Some(&self.user_id));
        meta("project_name", Some(&self.project_name));
        meta("description", Some(&self.description).filter(|d| !d.is_empty()));
        meta("created_at", Some(&self.created_at));
        meta("team_id", self.team_id.as_ref());
        meta("initial_query", self.initial_query.as_ref());
        let task = self.prediction_task.as_ref().and_then(|t| serde_json::to_string(t).ok());
        meta(crate::PREDICTION_TASK, task.as_ref());
        let w = &self.workbench_states;
        c.sources = w.data.sources.clone();
        c.overrides = w.data.overrides.iter().map(|o| (o.field.clone(), o.clone())).collect();
        c.custom_sources = w.data.custom_sources.iter().map(|s| (s.name.clone(), s.clone())).collect();
        c.adjustments = w.population.adjustments.iter().map(|a| (a.dimension.clone(), a.clone())).collect();
        c.population = population_records(&w.population, &c.adjustments);
        c.scenarios = self
            .scenarios
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let ran = s.run.is_some();
                let record = ScenarioRecord {
                    scenario_id: s.scenario_id.clone(),
                    name: s.name.clone(),
                    description: s.description.clone(),
                    status: if ran { crate::ScenarioStatus::Defined } else { s.status },
                    simulation_id: s.simulation_id.clone().filter(|_| !ran),
                    ensemble_id: s.ensemble_id.clone().filter(|_| !ran),
                    config: s.config.clone(),
                    position: i as u64,
                };
                (s.scenario_id.clone(), record)
            })
            .collect();
        c.runs = self.scenarios.iter().filter_map(|s| Some((s.scenario_id.clone(), s.run.clone()?))).collect();
        if let Some(config) = &w.simulation.config {
            c.simulation.insert("config".into(), config.clone());
        }
        if let Some(config) = &w.report.config {
            c.report.insert("config".into(), config.clone());
        }
        if let Some(schedule) = &w.report.schedule {
            c.schedules.insert("report".into(), schedule.clone());
        }
        c.annotations = w.report.annotations.iter().map(|a| (a.annotation_id.clone(), a.clone())).collect();
        let stages = [
            (
                Workbench::Data,
                StageState {
                    status: w.data.status,
                    last_accessed: w.data.last_accessed.clone(),
                    artifact_id: self.data_package_id.clone().filter(|_| w.data.input_hash.is_some()),
                    input_hash: w.data.input_hash.clone(),
                    ..Default::default()
                },
            ),
            (
                Workbench::Population,
                StageState {
                    status: w.population.status,
                    last_accessed: w.population.last_accessed.clone(),
                    artifact_id: self.population_id.clone().filter(|_| w.population.input_hash.is_some()),
                    input_hash: w.population.input_hash.clone(),
                    ..Default::default()
                },
            ),
            (
                Workbench::Scenario,
                StageState {
                    status: w.scenario.status,
                    last_accessed: w.scenario.last_accessed.clone(),
                    ..Default::default()
                },
            ),
            (
                Workbench::Simulation,
                StageState {
                    status: w.simulation.status,
                    last_accessed: w.simulation.last_accessed.clone(),
                    current_tick: w.simulation.current_tick,
                    total_ticks: w.simulation.total_ticks,
                    ..Default::default()
                },
            ),
            (
                Workbench::Report,
                StageState {
                    status: w.report.status,
                    last_accessed: w.report.last_accessed.clone(),
                    report_id: w.report.report_id.clone(),
                    ..Default::default()
                },
            ),
        ];
        for (workbench, state) in stages {
            if state != StageState::default() {
                c.stages.insert(workbench.as_str().to_string(), state);
            }
        }
        c.collaborators = self.collaborators.iter().map(|x| (x.user_id.clone(), x.clone())).collect();
        c.workflows = self.workflows.iter().map(|w| (w.workflow_id.clone(), w.clone())).collect();
        c
    }
}

/// Shorthand used by [`ProjectContent`] positions: the next free position.
pub(crate) fn next_position(content: &ProjectContent) -> u64 {
    content.scenarios.values().map(|s| s.position + 1).max().unwrap_or(0)
}

/// The `population` section a state shows: its size, settings and archetype edits, where they
/// are not the defaults and the state's adjustments (a version saved before the section) do not
/// already hold them.
fn population_records(
    state: &PopulationState,
    adjustments: &BTreeMap<String, PopulationAdjustment>,
) -> BTreeMap<String, PopulationRecord> {
    let mut records = BTreeMap::new();
    if state.size != crate::DEFAULT_POPULATION && !adjustments.contains_key("size") {
        records.insert("size".to_string(), PopulationRecord::Size(state.size));
    }
    if state.settings != crate::PopulationSettings::default() && !adjustments.contains_key("settings") {
        records.insert("settings".to_string(), PopulationRecord::Settings(state.settings.clone()));
    }
    for (id, edits) in &state.archetype_edits {
        let key = format!("archetype:{id}");
        if !adjustments.contains_key(&key) {
            records.insert(key, PopulationRecord::Archetype(edits.clone()));
        }
    }
    records
}

fn default_population() -> u64 {
    crate::DEFAULT_POPULATION
}
