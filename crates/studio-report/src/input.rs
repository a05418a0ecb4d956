//! What a report is made from, gathered by the caller: the project, the analyst's report
//! settings, and the stored results (ensembles as the engine recorded them, the population's
//! diagnostics, the data sources). Stored results deserialise straight into these types.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use studio_model::{Annotation, ReportConfig};

use crate::Logo;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportInput {
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
}

/// A stored ensemble (the fields of `ensemble_report` a report uses).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ensemble {
    pub engine_version: String,
    pub seed: u64,
    pub replicates: u32,
    pub ticks: u64,
    #[serde(default)]
    pub agents: u64,
    pub digest: String,
    /// Per tick: p5, p25, p50, p75, p95.
    pub bands: Vec<[f64; 5]>,
    pub mean: Vec<f64>,
    #[serde(rename = "final")]
    pub last: Final,
    pub threshold: Threshold,
    #[serde(default)]
    pub median_crossing: Option<u64>,
    /// Archetype label → mean share per tick.
    #[serde(default)]
    pub by_archetype: BTreeMap<String, Vec<f64>>,
    /// Each replicate's series.
    #[serde(default)]
    pub runs: Vec<Vec<f64>>,
    #[serde(default)]
    pub variables: Variables,
    #[serde(default)]
    pub calibration: Option<Calibration>,
}

/// The scenario's global variables at tick 0.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Variables {
    #[serde(default)]
    pub initial: BTreeMap<String, f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Final {
    pub p5: f64,
    pub p25: f64,
    pub p50: f64,
    pub p75: f64,
    pub p95: f64,
    pub mean: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Threshold {
    pub share: f64,
    pub tick: u64,
    pub probability: f64,
}

/// A fit of the model to history, as kept with the ensemble.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    pub series: String,
    pub fitted: BTreeMap<String, f64>,
    #[serde(default)]
    pub start: BTreeMap<String, f64>,
    pub fit_points: usize,
    pub holdout_points: usize,
    pub fit_rmse: f64,
    pub holdout_rmse: f64,
    pub holdout_mape: f64,
    pub coverage_90: f64,
    pub observed: Vec<f64>,
    pub mean: Vec<f64>,
    pub bands: Vec<[f64; 5]>,
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
