//! What a report is made from, gathered by the caller: the project, the analyst's report
//! settings, and the stored results (ensembles as the core stored them — the model's
//! `Ensemble`, shared, not mirrored —, the population's diagnostics, the data sources).
//!
//! The input is stored with each report (`report_input`) so the report can be exported again
//! later in another format: [`REPORT_INPUT_FORMAT`] says which shape it has; inputs stored
//! before it had a `format` are format 1 and still read (`tests/stored_input.rs`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use studio_model::{Annotation, Ensemble, PredictionTask, ReportConfig, TimeAxis};

use crate::Logo;

/// The format of a stored report input written today.
pub const REPORT_INPUT_FORMAT: u32 = 1;

fn format_one() -> u32 {
    1
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportInput {
    #[serde(default = "format_one")]
    pub format: u32,
    pub project_id: String,
    pub project_name: String,
    /// The forecasting question (the project's description), used as the title when given.
    #[serde(default)]
    pub question: String,
    pub version: u64,
    pub engine_version: String,
    /// RFC 3339.
    pub generated_at: String,
    pub config: ReportConfig,
    /// The branding's logo file, read by the caller.
    #[serde(skip)]
    pub logo: Option<Logo>,
    /// Scenarios with results, the baseline first.
    pub scenarios: Vec<ScenarioResult>,
    /// Scenarios defined but never run (named in the caveats).
    #[serde(default)]
    pub not_run: Vec<String>,
    #[serde(default)]
    pub population: Option<PopulationFacts>,
    #[serde(default)]
    pub data_sources: Vec<SourceFacts>,
    /// Overrides of data fields with the analyst's reasons.
    #[serde(default)]
    pub overrides: Vec<OverrideFacts>,
    #[serde(default)]
    pub annotations: Vec<Annotation>,
    /// Stages whose results are out of date (`data`, `population`, `simulation`…).
    #[serde(default)]
    pub stale_stages: Vec<String>,
    /// The question read into a prediction task, when the project has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<PredictionTask>,
    /// The scenario the confirmed task's conditions made (its answer is that scenario's run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question_scenario: Option<String>,
    /// When ticks are: the data's calendar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_axis: Option<TimeAxis>,
    /// The model as a causal graph, laid out (drawn in the methodology).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub causal_graph: Option<studio_model::CausalGraph>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioResult {
    pub scenario_id: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub ensemble_id: String,
    /// The hash of what the run was computed from.
    #[serde(default)]
    pub input_hash: String,
    /// Something upstream changed since the run.
    #[serde(default)]
    pub stale: bool,
    /// Variable overrides of the scenario: variable → value.
    #[serde(default)]
    pub overrides: BTreeMap<String, serde_json::Value>,
    /// Planned shocks: "tick 10: price × −0.2".
    #[serde(default)]
    pub shocks: Vec<String>,
    pub ensemble: Ensemble,
    /// The scenario's global sensitivity analysis, when one was made from the run's inputs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sensitivity: Option<studio_model::Sensitivity>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PopulationFacts {
    pub population_id: String,
    pub size: u64,
    pub seed: u64,
    pub digest: String,
    pub marginals: Vec<MarginalFacts>,
    /// `[degree, agents]`.
    pub degree_distribution: Vec<(u32, u64)>,
    pub mean_degree: f64,
    pub archetypes: Vec<ArchetypeFacts>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MarginalFacts {
    pub dimension: String,
    pub categories: Vec<String>,
    pub target: Vec<f64>,
    pub synthetic: Vec<f64>,
    pub max_share_error: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArchetypeFacts {
    pub archetype_id: String,
    pub label: String,
    pub share: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceFacts {
    pub name: String,
    pub kind: String,
    /// Hash of the source's content when it was read.
    pub hash: String,
    #[serde(default)]
    pub rows: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OverrideFacts {
    pub field: String,
    pub value: String,
    pub reason: String,
}
