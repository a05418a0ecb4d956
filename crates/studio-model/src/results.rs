//! Stored results as types: a finished ensemble (artifact `ensemble`) and a calibration fit
//! (artifact `calibration`, and kept inside each ensemble it shaped). The core writes them, the
//! core's reads, the report and the UI read them; all name the same structs.
//!
//! Each carries a `format`. A reader accepts every format written before: a field added later
//! gets a default, so a library or report input saved by an older version still reads. The
//! crate's `tests/stored_formats.rs` reads records written by the previous writers.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{ShockEvent, SimulationSettings};

/// The format written today of a stored ensemble.
pub const ENSEMBLE_FORMAT: u32 = 1;
/// The format written today of a stored calibration fit (records before it had no `format`).
pub const CALIBRATION_FORMAT: u32 = 1;

fn format_one() -> u32 {
    1
}

/// A finished ensemble as stored: what it was computed from (settings, variables, shocks,
/// population), its digests, and its results (bands, means overall, by archetype and by
/// attribute, the threshold, every replicate's series). Report inputs saved before the record
/// was shared kept only the fields a report reads: the others default.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Ensemble {
    #[serde(default = "format_one")]
    pub format: u32,
    pub engine_version: String,
    #[serde(default)]
    pub scenario_id: String,
    #[serde(default)]
    pub scenario_name: String,
    /// The digest of the population the agents came from.
    #[serde(default)]
    pub population_digest: String,
    /// Agents in the population.
    #[serde(default)]
    pub agents: u64,
    #[serde(default)]
    pub settings: SimulationSettings,
    /// The scenario's global variables: values at tick 0 and the shocks planned.
    #[serde(default)]
    pub variables: EnsembleVariables,
    /// Shocks given by hand in the console while it played.
    #[serde(default)]
    pub injected_shocks: Vec<ShockEvent>,
    pub seed: u64,
    pub replicates: u32,
    pub ticks: u64,
    /// The digest of the replicates' digests, in replicate order.
    pub digest: String,
    #[serde(default)]
    pub run_digests: Vec<String>,
    /// Per tick: p5, p25, p50, p75, p95 of the outcome share.
    pub bands: Vec<[f64; 5]>,
    /// Per tick: the mean outcome share.
    pub mean: Vec<f64>,
    #[serde(rename = "final")]
    pub last: FinalShares,
    pub threshold: ThresholdOdds,
    /// The first tick the median reaches the threshold's share.
    #[serde(default)]
    pub median_crossing: Option<u64>,
    /// Archetype label → mean share per tick.
    #[serde(default)]
    pub by_archetype: BTreeMap<String, Vec<f64>>,
    /// Attribute → category → mean share per tick.
    #[serde(default)]
    pub by_segment: BTreeMap<String, BTreeMap<String, Vec<f64>>>,
    /// Each replicate's series.
    #[serde(default)]
    pub runs: Vec<Vec<f64>>,
    /// The fit the runs started from, when the settings asked for calibration.
    #[serde(default)]
    pub calibration: Option<CalibrationFit>,
}

impl Ensemble {
    /// What a run's answer carries: the headline numbers, not every replicate.
    pub fn summary(&self, ensemble_id: &str) -> EnsembleSummary {
        EnsembleSummary {
            scenario_id: self.scenario_id.clone(),
            ensemble_id: ensemble_id.to_string(),
            digest: self.digest.clone(),
            replicates: self.replicates,
            ticks: self.ticks,
            last: self.last,
            threshold: self.threshold,
            median_crossing: self.median_crossing,
            bands: self.bands.clone(),
        }
    }
}

/// A scenario's global variables: values at tick 0 and shocks (from that tick on, the
/// variable is `magnitude` higher).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EnsembleVariables {
    #[serde(default)]
    pub initial: BTreeMap<String, f64>,
    #[serde(default)]
    pub shocks: Vec<ShockEvent>,
}

/// The outcome share at the last tick: its quantiles and mean over the replicates.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FinalShares {
    pub p5: f64,
    pub p25: f64,
    pub p50: f64,
    pub p75: f64,
    pub p95: f64,
    pub mean: f64,
}

impl FinalShares {
    /// From the last tick's band (p5, p25, p50, p75, p95) and mean.
    pub fn of(band: [f64; 5], mean: f64) -> FinalShares {
        let [p5, p25, p50, p75, p95] = band;
        FinalShares { p5, p25, p50, p75, p95, mean }
    }
}

/// The threshold event and the share of replicates that reached it.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ThresholdOdds {
    pub share: f64,
    pub tick: u64,
    pub probability: f64,
}

/// The 90% Wilson interval of a proportion `p` seen in `n` runs.
pub fn wilson(p: f64, n: u32) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let (n, z) = (f64::from(n), 1.644_853_626_951_472_2_f64);
    let centre = (p + z * z / (2.0 * n)) / (1.0 + z * z / n);
    let half = z / (1.0 + z * z / n) * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt();
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// A run's answer: the headline numbers of its ensemble.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EnsembleSummary {
    pub scenario_id: String,
    pub ensemble_id: String,
    pub digest: String,
    pub replicates: u32,
    pub ticks: u64,
    #[serde(rename = "final")]
    pub last: FinalShares,
    pub threshold: ThresholdOdds,
    pub median_crossing: Option<u64>,
    pub bands: Vec<[f64; 5]>,
}

/// A fit of the model to history: the coefficients found, how well it fits the points it saw
/// and the points held out, and the calibrated forecast over the history's ticks.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CalibrationFit {
    #[serde(default = "format_one")]
    pub format: u32,
    /// The data's time series fitted to.
    pub series: String,
    /// Coefficient path → value found.
    pub fitted: BTreeMap<String, f64>,
    /// Coefficient path → value the search started from.
    #[serde(default)]
    pub start: BTreeMap<String, f64>,
    /// Evaluations of the objective the search took.
    #[serde(default)]
    pub evaluations: usize,
    pub fit_points: usize,
    pub holdout_points: usize,
    pub fit_rmse: f64,
    pub holdout_rmse: f64,
    /// Mean absolute percentage error over held-out points, in percent.
    pub holdout_mape: f64,
    /// Share of held-out points inside the calibrated ensemble's p5..p95.
    pub coverage_90: f64,
    /// The history: point i is tick i.
    pub observed: Vec<f64>,
    pub mean: Vec<f64>,
    pub bands: Vec<[f64; 5]>,
    /// The fitted model, as `simulation_config.model` writes one (its coefficients the
    /// posterior's means).
    #[serde(default)]
    pub model: Value,
    /// The coefficients' posterior by ABC-SMC, which forecasts draw from: `parameters` (paths),
    /// `particles` (values in that order), `weights`, `distances`, `tolerance`, `generations`,
    /// `simulations`. Null in fits made before it.
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub posterior: Value,
    /// What the model leaves unexplained, carried into forecasts, on the logit scale: a drift
    /// whose trend persists with `rho` per tick and steps by `sigma`, and measurement noise
    /// (`noise` on the logit scale, `noise_share` on the share's).
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub discrepancy: Value,
}
