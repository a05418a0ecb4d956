//! What the product allows and what it assumes when nothing is set, in one answer: the UI reads
//! its bounds and defaults from here instead of writing numbers of its own.

use serde::{Deserialize, Serialize};
use studio_engine::{NetworkSpec, PopulationSpec};
use studio_model::{
    DEFAULT_POPULATION, MAX_ARCHETYPES, MAX_DEGREE, MAX_NAME_LEN, MAX_POPULATION, MAX_RECIPIENTS, MAX_REPLICATES,
    MAX_SCENARIOS, MAX_TICKS, NetworkSettings, PopulationSettings, SimulationSettings,
};

use crate::population::DEFAULT_SEED;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Limits {
    pub max_scenarios: usize,
    /// Longest project or scenario name, in characters.
    pub max_name_length: usize,
    pub max_population: u64,
    pub max_archetypes: u64,
    /// The most ties per agent in the network (an even number).
    pub max_degree: u64,
    pub max_ticks: u64,
    pub max_replicates: u32,
    /// The most recipients a report schedule mails.
    pub max_recipients: usize,
    pub defaults: Defaults,
}

/// What a project uses until the analyst sets something else.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Defaults {
    pub population_size: u64,
    /// Every field set: the seed, the number of archetypes and the network.
    pub population: PopulationSettings,
    pub simulation: SimulationSettings,
}

impl Limits {
    pub fn current() -> Limits {
        let spec = PopulationSpec::new(DEFAULT_POPULATION, DEFAULT_SEED, Vec::new());
        let network = NetworkSpec::default();
        Limits {
            max_scenarios: MAX_SCENARIOS,
            max_name_length: MAX_NAME_LEN,
            max_population: MAX_POPULATION,
            max_archetypes: MAX_ARCHETYPES,
            max_degree: MAX_DEGREE,
            max_ticks: MAX_TICKS,
            max_replicates: MAX_REPLICATES,
            max_recipients: MAX_RECIPIENTS,
            defaults: Defaults {
                population_size: DEFAULT_POPULATION,
                population: PopulationSettings {
                    seed: Some(spec.seed),
                    archetypes: Some(spec.archetypes as u64),
                    network: Some(NetworkSettings {
                        degree: Some(u64::from(network.degree)),
                        rewiring: Some(network.rewiring),
                        homophily: Some(network.homophily),
                    }),
                },
                simulation: SimulationSettings::default(),
            },
        }
    }
}
