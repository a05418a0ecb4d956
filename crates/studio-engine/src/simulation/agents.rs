//! A synthesised population made ready to simulate: its network rebuilt from the spec and seed
//! (checked against the population's digest), archetypes as groups, every dimension whose
//! categories read as numbers as a standardised attribute (mean 0, sd 1) the model can name,
//! and every dimension as a segment for the per-category series.

use crate::EngineError;
use crate::network::{Csr, build_network};
use crate::population::{Population, digest};
use crate::simulation::model::{Model, Variables};
use crate::simulation::run::Simulation;

/// A categorical attribute: its name, categories and each agent's category code.
#[derive(Debug, Clone)]
pub struct Segment {
    pub name: String,
    pub categories: Vec<String>,
    pub codes: Vec<u8>,
}

pub struct Agents {
    pub network: Csr,
    pub groups: Vec<u8>,
    /// Archetype labels, by group.
    pub group_names: Vec<String>,
    pub attributes: Vec<(String, Vec<f32>)>,
    pub segments: Vec<Segment>,
}

impl Agents {
    /// Rebuilds the network of `population` and checks it is the one `expected_digest` names.
    pub fn from_population(population: Population, expected_digest: &str) -> Result<Agents, EngineError> {
        let network = build_network(&population.archetype, &population.spec.network, population.spec.seed)?;
        let rebuilt = digest(&population, &network);
        if rebuilt != expected_digest {
            return Err(EngineError::Simulation(format!(
                "the population's network could not be rebuilt exactly (digest {} instead of {}): regenerate the population",
                &rebuilt[..12.min(rebuilt.len())],
                &expected_digest[..12.min(expected_digest.len())]
            )));
        }
        let mut attributes = Vec::new();
        let mut segments = Vec::new();
        for (d, dim) in population.dimensions.iter().enumerate() {
            let codes = &population.attributes[d];
            if let Some(values) = &dim.values {
                attributes.push((dim.name.clone(), standardised(codes, values)));
            }
            segments.push(Segment { name: dim.name.clone(), categories: dim.categories.clone(), codes: codes.clone() });
        }
        Ok(Agents {
            network,
            group_names: population.archetypes.iter().map(|a| a.label.clone()).collect(),
            groups: population.archetype,
            attributes,
            segments,
        })
    }

    pub fn simulation(&self, model: Model, variables: Variables, ticks: u32, initial_share: f64) -> Simulation<'_> {
        Simulation {
            network: &self.network,
            groups: &self.groups,
            attributes: self.attributes.iter().map(|(n, v)| (n.clone(), v.as_slice())).collect(),
            model,
            segments: self.segments.iter().map(|s| (s.name.clone(), s.codes.as_slice())).collect(),
            variables,
            ticks,
            initial_share,
        }
    }
}

/// Each agent's category value, standardised over the agents.
fn standardised(codes: &[u8], values: &[f64]) -> Vec<f32> {
    let raw = |c: u8| values.get(usize::from(c)).copied().unwrap_or(0.0);
    let n = codes.len().max(1) as f64;
    let mean = codes.iter().map(|&c| raw(c)).sum::<f64>() / n;
    let var = codes.iter().map(|&c| (raw(c) - mean).powi(2)).sum::<f64>() / n;
    let sd = if var > 0.0 { var.sqrt() } else { 1.0 };
    codes.iter().map(|&c| ((raw(c) - mean) / sd) as f32).collect()
}
