//! The Simulation console's settings (the seed's `simulation_config`): which scenario the
//! console plays, ticks, replicates, seed, checkpoint interval, the model and the baseline
//! values of its global variables. Stored in the document, so they are versioned and undone
//! like any edit; every field has a default, so `{}` is a valid configuration.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::ModelError;
use crate::content::{ProjectContent, RawJson};

/// The most ticks a run may have.
pub const MAX_TICKS: u64 = 10_000;
/// The most replicates an ensemble may have.
pub const MAX_REPLICATES: u32 = 1_000;
/// The key of the settings in the `simulation` section.
pub const SETTINGS: &str = "config";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SimulationSettings {
    /// The scenario the console plays; the first (the baseline) when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario_id: Option<String>,
    #[serde(default = "default_ticks")]
    pub ticks: u64,
    #[serde(default = "default_replicates")]
    pub replicates: u32,
    #[serde(default = "default_seed")]
    pub seed: u64,
    #[serde(default = "default_checkpoint_every")]
    pub checkpoint_every: u32,
    /// Share of agents adopted at tick 0.
    #[serde(default = "default_initial_share")]
    pub initial_share: f64,
    /// The model as data: `{kind: "diffusion", spontaneous: term, influence: term}`, a term
    /// being `{constant, variables: {name: coefficient}, attributes: {name: coefficient}}`.
    #[serde(default = "default_model")]
    pub model: Value,
    /// Baseline values of the global variables; scenarios override them, shocks move them.
    #[serde(default = "default_variables")]
    pub variables: BTreeMap<String, f64>,
    /// The threshold event whose probability is reported: share reached by a tick.
    #[serde(default = "default_threshold")]
    pub threshold: Threshold,
    /// When set, runs first fit these coefficients to the data's history, and start from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calibration: Option<CalibrationSettings>,
}

/// Which coefficients to fit to which historical series, and how.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CalibrationSettings {
    /// A time series of the data package (its `outcome` name); the first one when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub series: Option<String>,
    /// Coefficients by path (`spontaneous.constant`, `influence.variables.price`, `potential`…) and bounds.
    pub parameters: Vec<CoefficientBounds>,
    /// Share of the history held out at its end to test the fit.
    #[serde(default = "default_holdout")]
    pub holdout_share: f64,
    /// Replicates per evaluation of the fit.
    #[serde(default = "default_fit_replicates")]
    pub replicates: u32,
    /// Evaluations in all (a point, then the posterior by ABC-SMC): 20 to 5000.
    #[serde(default = "default_evaluations")]
    pub max_evaluations: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CoefficientBounds {
    pub path: String,
    pub lower: f64,
    pub upper: f64,
}

fn default_holdout() -> f64 {
    0.2
}
fn default_fit_replicates() -> u32 {
    1
}
fn default_evaluations() -> usize {
    600
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Threshold {
    pub share: f64,
    pub tick: u64,
}

fn default_ticks() -> u64 {
    100
}
fn default_replicates() -> u32 {
    50
}
fn default_seed() -> u64 {
    1
}
fn default_checkpoint_every() -> u32 {
    10
}
fn default_initial_share() -> f64 {
    0.01
}
/// Spontaneous adoption 0.002 · (1.2 − price), and neighbours' influence 0.2: the reference
/// model's shape.
fn default_model() -> Value {
    json!({
        "kind": "diffusion",
        "spontaneous": {"constant": 0.0024, "variables": {"price": -0.002}},
        "influence": {"constant": 0.2}
    })
}
fn default_variables() -> BTreeMap<String, f64> {
    BTreeMap::from([("price".to_string(), 1.0)])
}
fn default_threshold() -> Threshold {
    Threshold { share: 0.3, tick: 60 }
}

impl Default for SimulationSettings {
    fn default() -> Self {
        SimulationSettings {
            scenario_id: None,
            ticks: default_ticks(),
            replicates: default_replicates(),
            seed: default_seed(),
            checkpoint_every: default_checkpoint_every(),
            initial_share: default_initial_share(),
            model: default_model(),
            variables: default_variables(),
            threshold: default_threshold(),
            calibration: None,
        }
    }
}

impl SimulationSettings {
    /// Reads and checks `simulation_config`, naming the field at fault.
    pub fn parse(config: &Map<String, Value>) -> Result<SimulationSettings, ModelError> {
        let mut settings: SimulationSettings = serde_json::from_value(Value::Object(config.clone()))
            .map_err(|e| ModelError::invalid(format!("simulation_config is not valid: {e}")))?;
        if !config.contains_key("threshold") {
            // The default event is judged by the run's last tick when it is shorter than 60.
            settings.threshold.tick = settings.threshold.tick.min(settings.ticks);
        }
        settings.check()?;
        Ok(settings)
    }

    /// The project's settings: the stored ones, else the defaults.
    pub fn of(content: &ProjectContent) -> Result<SimulationSettings, ModelError> {
        match content.simulation.get(SETTINGS) {
            None => Ok(SimulationSettings::default()),
            Some(raw) => match raw.to_value() {
                Value::Object(map) => SimulationSettings::parse(&map),
                _ => Err(ModelError::invalid("the stored simulation_config is not an object")),
            },
        }
    }

    pub fn to_raw(&self) -> RawJson {
        RawJson::from_value(&serde_json::to_value(self).unwrap_or(Value::Null))
    }

    pub(crate) fn check(&self) -> Result<(), ModelError> {
        let bad = |m: String| Err(ModelError::invalid(m));
        if self.ticks == 0 || self.ticks > MAX_TICKS {
            return bad(format!("simulation_config.ticks is {}: it must be 1 to {MAX_TICKS}", self.ticks));
        }
        if self.replicates == 0 || self.replicates > MAX_REPLICATES {
            return bad(format!(
                "simulation_config.replicates is {}: it must be 1 to {MAX_REPLICATES}",
                self.replicates
            ));
        }
        if self.checkpoint_every == 0 {
            return bad("simulation_config.checkpoint_every must be at least 1".into());
        }
        if !(0.0..=1.0).contains(&self.initial_share) {
            return bad(format!("simulation_config.initial_share is {}: it must be 0 to 1", self.initial_share));
        }
        if let Some((name, value)) = self.variables.iter().find(|(_, v)| !v.is_finite()) {
            return bad(format!("simulation_config.variables.{name} is {value}: it must be a finite number"));
        }
        if !self.model.is_object() {
            return bad("simulation_config.model must be an object: {kind, spontaneous, influence}".into());
        }
        if !(0.0..=1.0).contains(&self.threshold.share) || self.threshold.tick > self.ticks {
            return bad(format!(
                "simulation_config.threshold is share {} by tick {}: the share must be 0 to 1 and the tick within the run's {} ticks",
                self.threshold.share, self.threshold.tick, self.ticks
            ));
        }
        if let Some(c) = &self.calibration {
            if c.parameters.is_empty() {
                return bad("simulation_config.calibration.parameters must name at least one coefficient".into());
            }
            if let Some(p) =
                c.parameters.iter().find(|p| !(p.lower.is_finite() && p.upper.is_finite() && p.lower < p.upper))
            {
                return bad(format!(
                    "simulation_config.calibration: '{}' has bounds {} to {}: the lower must be below the upper",
                    p.path, p.lower, p.upper
                ));
            }
            if !(0.05..=0.5).contains(&c.holdout_share) {
                return bad(format!("simulation_config.calibration.holdout_share is {}: 0.05 to 0.5", c.holdout_share));
            }
            if c.replicates == 0 || c.replicates > 200 || c.max_evaluations < 20 || c.max_evaluations > 5_000 {
                return bad("simulation_config.calibration: replicates 1 to 200, max_evaluations 20 to 5000".into());
            }
        }
        Ok(())
    }
}
