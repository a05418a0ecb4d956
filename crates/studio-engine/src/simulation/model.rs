//! Models are data, of two kinds.
//!
//! *Diffusion*: two linear terms — spontaneous adoption `a` and the weight of neighbours `b` —
//! each a constant plus coefficients on global variables and on agents' attributes — and a
//! market potential `m`, the share that can ever adopt. Each tick a non-adopter adopts with
//! p = (1 − (1 − a)(1 − b·f)) · (m − F)/(1 − F), f the share of its neighbours that had adopted
//! at the start of the tick and F the population's: the room left under the potential (1 when
//! m = 1, so the model without a potential is unchanged), as Bass's hazard scales with it.
//!
//! *Opinion*: each agent holds an opinion in [0, 1], first `initial` (a term) plus uniform
//! noise of sd `spread`. Each tick it moves by `convergence` toward the mean opinion of the
//! neighbours within `confidence` of its own (bounded confidence), by `drift` (a term: the
//! variables' and its attributes' push), and by noise of sd `noise`. The outcome share is the
//! share of agents whose opinion is at least `threshold`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::EngineError;

/// constant + Σ coefficient · variable + Σ coefficient · attribute, clamped to [0, 1].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Term {
    pub constant: f64,
    pub variables: BTreeMap<String, f64>,
    pub attributes: BTreeMap<String, f64>,
}

impl Term {
    pub fn constant(value: f64) -> Term {
        Term { constant: value, ..Term::default() }
    }

    /// The part shared by every agent at the given variable values.
    pub fn global(&self, values: &BTreeMap<String, f64>) -> f64 {
        self.constant + self.variables.iter().map(|(v, c)| c * values.get(v).copied().unwrap_or(0.0)).sum::<f64>()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiffusionModel {
    pub spontaneous: Term,
    pub influence: Term,
    /// The share that can ever adopt, 0 to 1 (1: everyone; not written then, so models
    /// stored before it read and hash alike).
    #[serde(default = "everyone", skip_serializing_if = "is_everyone")]
    pub potential: f64,
}

fn everyone() -> f64 {
    1.0
}

fn is_everyone(m: &f64) -> bool {
    *m == 1.0
}

impl DiffusionModel {
    /// A model without a potential: everyone may adopt.
    pub fn new(spontaneous: Term, influence: Term) -> DiffusionModel {
        DiffusionModel { spontaneous, influence, potential: 1.0 }
    }

    /// The factor a non-adopter's chance is scaled by when a share `adopted` has adopted.
    pub fn room(&self, adopted: f64) -> f64 {
        if self.potential >= 1.0 {
            return 1.0;
        }
        if adopted >= 1.0 {
            return 0.0;
        }
        ((self.potential - adopted) / (1.0 - adopted)).clamp(0.0, 1.0)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpinionModel {
    #[serde(default)]
    pub initial: Term,
    #[serde(default)]
    pub spread: f64,
    pub convergence: f64,
    pub confidence: f64,
    #[serde(default)]
    pub drift: Term,
    #[serde(default)]
    pub noise: f64,
    #[serde(default = "half")]
    pub threshold: f64,
}

fn half() -> f64 {
    0.5
}

/// A model as the project stores it: data, with its kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Model {
    Diffusion(DiffusionModel),
    Opinion(OpinionModel),
}

impl From<DiffusionModel> for Model {
    fn from(m: DiffusionModel) -> Model {
        Model::Diffusion(m)
    }
}

impl Model {
    /// Every term of the model, named.
    pub fn terms(&self) -> Vec<(&'static str, &Term)> {
        match self {
            Model::Diffusion(m) => vec![("spontaneous", &m.spontaneous), ("influence", &m.influence)],
            Model::Opinion(m) => vec![("initial", &m.initial), ("drift", &m.drift)],
        }
    }

    /// Checks the model's numbers: a diffusion model's potential, an opinion model's shares.
    pub fn check(&self) -> Result<(), EngineError> {
        if let Model::Diffusion(m) = self
            && !(m.potential > 0.0 && m.potential <= 1.0)
        {
            return Err(EngineError::Simulation(format!(
                "the diffusion model's potential is {}: it must be above 0 and at most 1 (the share that can ever adopt)",
                m.potential
            )));
        }
        if let Model::Opinion(m) = self {
            let unit = |name: &str, v: f64| {
                if (0.0..=1.0).contains(&v) {
                    Ok(())
                } else {
                    Err(EngineError::Simulation(format!("the opinion model's {name} is {v}: it must be 0 to 1")))
                }
            };
            unit("convergence", m.convergence)?;
            unit("confidence", m.confidence)?;
            unit("threshold", m.threshold)?;
            unit("spread", m.spread)?;
            unit("noise", m.noise)?;
        }
        Ok(())
    }
}

/// A variable's change at a tick: from that tick on it is `magnitude` higher (lower if negative).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shock {
    pub tick: u32,
    pub variable: String,
    pub magnitude: f64,
}

/// Global variables over time: their values at tick 0 and the shocks that move them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Variables {
    pub initial: BTreeMap<String, f64>,
    #[serde(default)]
    pub shocks: Vec<Shock>,
}

impl Variables {
    /// Every variable's value at `tick`.
    pub fn at(&self, tick: u32) -> BTreeMap<String, f64> {
        let mut values = self.initial.clone();
        for s in self.shocks.iter().filter(|s| s.tick <= tick) {
            *values.entry(s.variable.clone()).or_default() += s.magnitude;
        }
        values
    }

    /// Checks that every shock and every variable the model reads is known.
    pub fn check(&self, model: &Model, ticks: u32) -> Result<(), EngineError> {
        let known = |v: &String| self.initial.contains_key(v);
        for (_, term) in model.terms() {
            if let Some(v) = term.variables.keys().find(|v| !known(v)) {
                return Err(EngineError::Simulation(format!(
                    "the model reads variable '{v}', which has no value; variables: {}",
                    self.names()
                )));
            }
        }
        for s in &self.shocks {
            if !known(&s.variable) {
                return Err(EngineError::Simulation(format!(
                    "a shock at tick {} names variable '{}', which is unknown; variables: {}",
                    s.tick,
                    s.variable,
                    self.names()
                )));
            }
            if s.tick == 0 || s.tick > ticks {
                return Err(EngineError::Simulation(format!(
                    "a shock of '{}' at tick {} is outside the run's ticks 1 to {ticks}",
                    s.variable, s.tick
                )));
            }
            if !s.magnitude.is_finite() {
                return Err(EngineError::Simulation(format!(
                    "a shock of '{}' has magnitude {}",
                    s.variable, s.magnitude
                )));
            }
        }
        Ok(())
    }

    fn names(&self) -> String {
        if self.initial.is_empty() {
            "none".into()
        } else {
            self.initial.keys().cloned().collect::<Vec<_>>().join(", ")
        }
    }
}
