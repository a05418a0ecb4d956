//! Goal seeking — "what would it take?": the levers the analyst allows (a variable within
//! bounds, a shock's tick and size, a population adjustment), the target (the prediction
//! task's threshold), and what the search found: combinations ranked by their chance of
//! reaching the target and how far they move from the scenario, each ready to become a
//! scenario (artifact `goal_seek`, named on the scenario's run).

use serde::{Deserialize, Serialize};

use crate::{ModelError, ScenarioConfig, Threshold};

/// The format written today of a stored goal seek.
pub const GOAL_SEEK_FORMAT: u32 = 1;
/// The most levers one search moves.
pub const MAX_LEVERS: usize = 8;
/// The most distinct combinations one search may simulate.
pub const MAX_ROLLOUTS: u32 = 5_000;

/// A lever and the values it may take (`steps` levels across its range, the scenario's own value
/// — no change — always among them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Lever {
    /// A variable's value from the start (from the history's end in a calibrated project);
    /// without bounds, its value in the scenario ±30%.
    Variable {
        variable: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        lower: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        upper: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        steps: Option<u32>,
    },
    /// A shock to a variable: its size within `[magnitude_low, magnitude_high]`, at a tick
    /// within `[tick_low, tick_high]` (or none at all).
    Shock {
        variable: String,
        magnitude_low: f64,
        magnitude_high: f64,
        tick_low: u64,
        tick_high: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        steps: Option<u32>,
    },
    /// A shift of the population along one dimension: a fraction of its mass moved up a
    /// category (negative: down), strictly between −1 and 1.
    Population {
        dimension: String,
        lower: f64,
        upper: f64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        steps: Option<u32>,
    },
}

impl Lever {
    /// What the lever moves, for messages: "price", "a price shock", "age_band".
    pub fn name(&self) -> String {
        match self {
            Lever::Variable { variable, .. } => variable.clone(),
            Lever::Shock { variable, .. } => format!("a {variable} shock"),
            Lever::Population { dimension, .. } => dimension.clone(),
        }
    }

    fn steps(&self) -> Option<u32> {
        match self {
            Lever::Variable { steps, .. } | Lever::Shock { steps, .. } | Lever::Population { steps, .. } => *steps,
        }
    }
}

/// What the analyst asks.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GoalSeekRequest {
    pub levers: Vec<Lever>,
    /// The target (default: the simulation's threshold, which the prediction task sets).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<Threshold>,
    /// Distinct combinations to simulate at most (default 400).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rollouts: Option<u32>,
    /// Replicates per combination (default: the settings', at most 8).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicates: Option<u32>,
    /// How much a full change of every lever costs against a certain success (default 0.25):
    /// the search maximises probability − weight × change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_weight: Option<f64>,
    /// Combinations to answer with (default 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keep: Option<u32>,
}

/// Default number of distinct combinations a search simulates.
pub const DEFAULT_ROLLOUTS: u32 = 400;

impl GoalSeekRequest {
    /// Checks the request's numbers and ranges (names are checked against the project).
    pub fn check(&self) -> Result<(), ModelError> {
        if self.levers.is_empty() || self.levers.len() > MAX_LEVERS {
            return Err(ModelError::invalid(format!(
                "levers names {}: allow 1 to {MAX_LEVERS} levers (a variable, a shock or a population shift)",
                self.levers.len()
            )));
        }
        for (i, lever) in self.levers.iter().enumerate() {
            let bad = |what: String| Err(ModelError::invalid(format!("levers[{i}] ({}): {what}", lever.name())));
            let (low, high) = match lever {
                Lever::Variable { lower, upper, .. } => (lower.unwrap_or(f64::MIN), upper.unwrap_or(f64::MAX)),
                Lever::Population { lower, upper, .. } => (*lower, *upper),
                Lever::Shock { magnitude_low, magnitude_high, tick_low, tick_high, .. } => {
                    if tick_low > tick_high {
                        return bad(format!("tick_low {tick_low} is after tick_high {tick_high}"));
                    }
                    (*magnitude_low, *magnitude_high)
                }
            };
            if !(low.is_finite() && high.is_finite() && low <= high) {
                return bad(format!("the range {low} to {high} must be finite numbers, the lower first"));
            }
            if let Lever::Population { lower, upper, .. } = lever
                && (*lower <= -1.0 || *upper >= 1.0)
            {
                return bad("a population shift moves a fraction of the mass, strictly between -1 and 1".into());
            }
            if let Some(steps) = lever.steps()
                && !(2..=21).contains(&steps)
            {
                return bad(format!("steps is {steps}: 2 to 21 levels"));
            }
            if self.levers[..i].iter().any(|other| other.name() == lever.name()) {
                return bad("named twice".into());
            }
        }
        if self.levers.iter().filter(|l| matches!(l, Lever::Population { .. })).count() > 1 {
            return Err(ModelError::invalid(
                "levers: one population shift at most (each level is a population synthesised anew)",
            ));
        }
        if let Some(r) = self.rollouts
            && !(1..=MAX_ROLLOUTS).contains(&r)
        {
            return Err(ModelError::invalid(format!("rollouts is {r}: 1 to {MAX_ROLLOUTS} combinations")));
        }
        if let Some(r) = self.replicates
            && !(1..=200).contains(&r)
        {
            return Err(ModelError::invalid(format!("replicates is {r}: each combination runs 1 to 200")));
        }
        if let Some(w) = self.change_weight
            && !(w.is_finite() && (0.0..=10.0).contains(&w))
        {
            return Err(ModelError::invalid(format!("change_weight is {w}: 0 to 10")));
        }
        if let Some(k) = self.keep
            && !(1..=100).contains(&k)
        {
            return Err(ModelError::invalid(format!("keep is {k}: answer with 1 to 100 combinations")));
        }
        if let Some(t) = &self.target
            && !(t.share.is_finite() && t.share > 0.0 && t.share <= 1.0)
        {
            return Err(ModelError::invalid(format!("target.share is {}: a share above 0, at most 1", t.share)));
        }
        Ok(())
    }
}

/// What one lever is set to in a combination.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LeverSetting {
    /// The lever's name ("price", "a price shock", "age_band").
    pub lever: String,
    /// The value (a shock's size), or null: no change (no shock).
    pub value: Option<f64>,
    /// A shock's tick.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tick: Option<u64>,
    /// In words: "price 0.85 (now 1.24)", "price −0.2 at tick 34", "no price shock".
    pub label: String,
}

/// A combination found: its chance of reaching the target (with its 90% Wilson interval over
/// the replicates), the final share, how far it moves from the scenario (0: not at all; 1:
/// every lever at the far end of its range), and the scenario it makes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct GoalCandidate {
    pub settings: Vec<LeverSetting>,
    pub probability: f64,
    pub interval: [f64; 2],
    pub final_share: f64,
    pub change: f64,
    /// On the front: no other combination is as likely with less change.
    pub efficient: bool,
    pub scenario_config: ScenarioConfig,
}

/// A stored goal seek.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct GoalSeek {
    pub format: u32,
    pub scenario_id: String,
    pub scenario_name: String,
    /// Whether the search still holds is read from it (as a sensitivity analysis's).
    pub source_hash: String,
    pub levers: Vec<Lever>,
    pub target: Threshold,
    pub change_weight: f64,
    /// Distinct combinations simulated, of how many the levers allow; iterations of the search.
    pub rollouts: u32,
    pub combinations: u64,
    pub iterations: u32,
    pub replicates: u32,
    pub simulations: u64,
    pub seed: u64,
    pub conditioned: bool,
    pub elapsed_ms: u64,
    /// The scenario as it is (every lever at no change).
    pub baseline: GoalCandidate,
    /// The combinations more likely to reach the target than the scenario as it is, best
    /// first: the efficient ones by probability, then the rest by the search's score.
    pub candidates: Vec<GoalCandidate>,
}
