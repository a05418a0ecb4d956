//! One run of a diffusion model over a population: agents column-wise (adoption tick, adopted
//! neighbours, degree), the CSR network, a synchronous update — every decision of tick t reads
//! the state at the start of t, and adoptions are applied after — and one generator per
//! (seed, replicate), so a run is the same whatever thread runs it.

use serde::{Deserialize, Serialize};

use crate::EngineError;
use crate::network::Csr;
use crate::simulation::model::{Model, Variables};

/// The tick value of an agent that has not adopted.
pub const NEVER: u16 = u16::MAX;
/// The most ticks a run may have.
pub const MAX_TICKS: u32 = 10_000;

/// What a run is computed over: the network, the agents' groups (archetypes) and attributes,
/// the model and the variables.
#[derive(Debug, Clone)]
pub struct Simulation<'a> {
    pub network: &'a Csr,
    /// Agent i's group (its archetype), for the series by group.
    pub groups: &'a [u8],
    /// Numeric attributes the model's terms may name, one value per agent.
    pub attributes: Vec<(String, &'a [f32])>,
    pub model: Model,
    /// Categorical attributes whose categories get their own series: name and each agent's code.
    pub segments: Vec<(String, &'a [u8])>,
    pub variables: Variables,
    pub ticks: u32,
    /// Share of agents adopted at tick 0, chosen uniformly.
    pub initial_share: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunResult {
    pub seed: u64,
    pub replicate: u32,
    /// Share adopted at the end of each tick; index 0 is the start.
    pub adoption: Vec<f64>,
    /// The same by group: `by_group[g][t]`.
    pub by_group: Vec<Vec<f64>>,
    /// The same by each segment's category: `by_segment[s][c][t]`.
    pub by_segment: Vec<Vec<Vec<f64>>>,
    /// SHA-256 of the engine version, seed, replicate and every agent's final state (its
    /// adoption tick; its opinion in an opinion model).
    pub digest: String,
    /// Agent i's adoption tick, or [`NEVER`] (diffusion models).
    #[serde(skip)]
    pub adopted_at: Vec<u16>,
    /// Agent i's final opinion (opinion models).
    #[serde(skip)]
    pub opinion: Vec<f32>,
}

impl Simulation<'_> {
    pub fn check(&self) -> Result<(), EngineError> {
        let n = self.network.nodes();
        if self.groups.len() != n {
            return Err(EngineError::Simulation(format!("{} groups for {n} agents", self.groups.len())));
        }
        if self.ticks == 0 || self.ticks > MAX_TICKS {
            return Err(EngineError::Simulation(format!("ticks must be 1 to {MAX_TICKS}, got {}", self.ticks)));
        }
        if !(0.0..=1.0).contains(&self.initial_share) {
            return Err(EngineError::Simulation(format!("initial share {} is not in 0..1", self.initial_share)));
        }
        self.model.check()?;
        if let Some((name, codes)) = self.segments.iter().find(|(_, c)| c.len() != n) {
            return Err(EngineError::Simulation(format!("segment '{name}' has {} codes for {n} agents", codes.len())));
        }
        for (_, term) in self.model.terms() {
            for name in term.attributes.keys() {
                match self.attributes.iter().find(|(a, _)| a == name) {
                    None => {
                        return Err(EngineError::Simulation(format!(
                            "the model reads attribute '{name}', which the agents do not have; they have {}",
                            self.attributes.iter().map(|(a, _)| a.as_str()).collect::<Vec<_>>().join(", ")
                        )));
                    }
                    Some((_, values)) if values.len() != n => {
                        return Err(EngineError::Simulation(format!("attribute '{name}' has {} values", values.len())));
                    }
                    _ => {}
                }
            }
        }
        self.variables.check(&self.model, self.ticks)
    }
}
