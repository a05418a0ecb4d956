//! Global sensitivity of a scenario's answer (its final share and its threshold probability)
//! to the model's coefficients and the scenario's variables, each varied within a range: what
//! the analyst asks for (`SensitivityRequest`) and what is stored (artifact `sensitivity`,
//! named by the scenario's run).

use serde::{Deserialize, Serialize};

use crate::ModelError;

/// The format written today of a stored sensitivity analysis.
pub const SENSITIVITY_FORMAT: u32 = 1;

/// The most factors one analysis varies.
pub const MAX_FACTORS: usize = 32;
/// The most evaluations (points × their replicates are the simulations) one analysis makes.
pub const MAX_EVALUATIONS: u64 = 20_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SensitivityMethod {
    /// Screening: μ* (mean absolute elementary effect) and σ, `samples` trajectories.
    Morris,
    /// First-order and total indices, `samples` base rows.
    #[default]
    Sobol,
}

impl SensitivityMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            SensitivityMethod::Morris => "morris",
            SensitivityMethod::Sobol => "sobol",
        }
    }

    /// Evaluations for `samples` with `k` factors.
    pub fn evaluations(self, samples: u32, k: usize) -> u64 {
        let per = match self {
            SensitivityMethod::Morris => k + 1,
            SensitivityMethod::Sobol => k + 2,
        };
        u64::from(samples) * per as u64
    }

    /// The samples asked for when none are given.
    pub fn default_samples(self) -> u32 {
        match self {
            SensitivityMethod::Morris => 10,
            SensitivityMethod::Sobol => 64,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FactorKind {
    /// A model coefficient, by path (`spontaneous.constant`, `influence.variables.price`,
    /// `potential`).
    Coefficient,
    /// A variable of the scenario (its value from the start, or from the history's end in a
    /// calibrated project's forecast).
    Variable,
}

/// A factor to vary and its range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FactorRange {
    pub kind: FactorKind,
    pub name: String,
    pub lower: f64,
    pub upper: f64,
}

/// What the analyst asks: the method, the factors (default: every non-zero coefficient ±50%,
/// fitted ones over their posterior's 5–95%, and every variable ±20%), the samples and the
/// replicates each evaluation runs (default: the settings', at most 8).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SensitivityRequest {
    #[serde(default)]
    pub method: SensitivityMethod,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub factors: Option<Vec<FactorRange>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub samples: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicates: Option<u32>,
}

impl SensitivityRequest {
    /// Checks the numbers the request gives (the factors' names are checked against the model).
    pub fn check(&self) -> Result<(), ModelError> {
        if let Some(samples) = self.samples {
            let (low, high) = match self.method {
                SensitivityMethod::Morris => (2, 1_000),
                SensitivityMethod::Sobol => (8, 4_096),
            };
            if !(low..=high).contains(&samples) {
                return Err(ModelError::invalid(format!(
                    "samples is {samples}: {} takes {low} to {high}",
                    self.method.as_str()
                )));
            }
        }
        if let Some(r) = self.replicates
            && !(1..=200).contains(&r)
        {
            return Err(ModelError::invalid(format!("replicates is {r}: each evaluation runs 1 to 200")));
        }
        let Some(factors) = &self.factors else { return Ok(()) };
        if factors.is_empty() || factors.len() > MAX_FACTORS {
            return Err(ModelError::invalid(format!(
                "factors names {}: vary 1 to {MAX_FACTORS} factors (or leave it out for the model's own)",
                factors.len()
            )));
        }
        for (i, f) in factors.iter().enumerate() {
            if !(f.lower.is_finite() && f.upper.is_finite() && f.lower < f.upper) {
                return Err(ModelError::invalid(format!(
                    "factors[{i}] '{}': the range {} to {} must be finite numbers, lower below upper",
                    f.name, f.lower, f.upper
                )));
            }
            if factors[..i].iter().any(|g| g.kind == f.kind && g.name == f.name) {
                return Err(ModelError::invalid(format!("factors[{i}] '{}' is named twice", f.name)));
            }
        }
        Ok(())
    }
}

/// A factor as analysed: its range, its value in the scenario as it stands, and whether
/// calibration fitted it (its range then the posterior's).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SensitivityFactor {
    pub kind: FactorKind,
    pub name: String,
    pub lower: f64,
    pub upper: f64,
    pub value: f64,
    #[serde(default)]
    pub fitted: bool,
}

/// One factor's measures of one output: Sobol's `first` and `total` (with 90% bootstrap
/// intervals) or Morris's `mu_star` and `sigma` (in the output's units per the whole range).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FactorIndex {
    pub factor: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_interval: Option<[f64; 2]>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_interval: Option<[f64; 2]>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mu_star: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sigma: Option<f64>,
    /// The output's mean over the points with the factor in the lowest quarter of its range
    /// (`low`) and in the highest (`high`), the other factors varying too: the tornado's bar.
    pub low: f64,
    pub high: f64,
}

/// An output's indices, the factors most influential first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SensitivityOutput {
    /// `final_share` or `threshold_probability`.
    pub output: String,
    pub label: String,
    /// The output's mean and standard deviation over the design's points.
    pub mean: f64,
    pub sd: f64,
    pub indices: Vec<FactorIndex>,
}

/// A stored sensitivity analysis of one scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Sensitivity {
    pub format: u32,
    pub scenario_id: String,
    pub scenario_name: String,
    /// The scenario run's input hash it was computed from.
    pub input_hash: String,
    /// The hash of the scenario, the population and the simulation settings as the project
    /// held them (before any calibration): whether the analysis still holds is read from it.
    #[serde(default)]
    pub source_hash: String,
    pub method: SensitivityMethod,
    pub factors: Vec<SensitivityFactor>,
    pub samples: u32,
    pub replicates: u32,
    pub seed: u64,
    /// Points evaluated; simulations are these × replicates.
    pub evaluations: u64,
    pub simulations: u64,
    /// True when each evaluation was a forecast from the history's end.
    pub conditioned: bool,
    pub threshold_share: f64,
    pub threshold_tick: u64,
    pub elapsed_ms: u64,
    pub outputs: Vec<SensitivityOutput>,
}
