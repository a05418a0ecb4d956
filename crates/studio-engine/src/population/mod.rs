//! Population synthesis: marginals (and a microdata sample, when there is one) in; agents out,
//! with their attributes column by column, their archetypes, the fit diagnostics and a digest.

mod archetypes;
mod codec;
mod fit;
mod fitting;
mod spec;

use rand::Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::network::{Csr, NetworkSummary, build_network, summarise};
use crate::rng::{Stream, generator};
use crate::{ENGINE_VERSION, EngineError};

pub use archetypes::Archetype;
pub use codec::{decode, encode, header};
pub use fit::MarginalFit;
pub use fitting::{Convergence, MAX_CELLS};
pub use spec::{
    ArchetypeEdit, DEFAULT_AGENTS, Dimension, DistributionTarget, MAX_AGENTS, Marginal, Microdata, PopulationSpec,
    band_value,
};

/// The synthetic agents, attribute by attribute.
#[derive(Debug, Clone, PartialEq)]
pub struct Population {
    pub spec: PopulationSpec,
    pub dimensions: Vec<Dimension>,
    /// `attributes[d][i]`: agent i's category code in dimension d.
    pub attributes: Vec<Vec<u8>>,
    /// Agent i's archetype, an index into `archetypes`.
    pub archetype: Vec<u8>,
    pub archetypes: Vec<Archetype>,
    pub fit: Vec<MarginalFit>,
    pub convergence: Convergence,
    /// Distinct attribute combinations the fit worked on.
    pub cells: usize,
}

impl Population {
    pub fn size(&self) -> usize {
        self.archetype.len()
    }

    pub fn bytes(&self) -> usize {
        self.attributes.iter().map(Vec::len).sum::<usize>() + self.archetype.len()
    }
}

/// A population with its network, their summary and the digest of both.
#[derive(Debug, Clone)]
pub struct Synthesis {
    pub population: Population,
    pub network: Csr,
    pub summary: NetworkSummary,
    /// SHA-256 of the engine version, the attributes, the archetypes and the network.
    pub digest: String,
}

/// Builds the population `spec` describes, then its network. `progress` hears how far it got.
pub fn synthesise(spec: &PopulationSpec, progress: &mut dyn FnMut(f64, &str)) -> Result<Synthesis, EngineError> {
    progress(0.0, "fitting the marginals");
    let population = fit_population(spec)?;
    progress(0.5, "building the network");
    let network = build_network(&population.archetype, &spec.network, spec.seed)?;
    progress(0.8, "summarising the network");
    let summary = summarise(&network, &population.archetype, spec.seed, None);
    let digest = digest(&population, &network);
    progress(1.0, "done");
    Ok(Synthesis { population, network, summary, digest })
}

/// Fits, integerises and expands the agents, without the network.
pub fn fit_population(spec: &PopulationSpec) -> Result<Population, EngineError> {
    spec.check()?;
    let dimensions = spec
        .marginals
        .iter()
        .map(|m| {
            let mut targets = m.shares()?;
            if let Some(adjustment) = spec.adjustments.get(&m.dimension) {
                targets = spec::adjust(m, &targets, adjustment)?;
            }
            let values: Option<Vec<f64>> = m.categories.iter().map(|c| band_value(c)).collect();
            Ok(Dimension { name: m.dimension.clone(), categories: m.categories.clone(), targets, values })
        })
        .collect::<Result<Vec<_>, EngineError>>()?;
    let mut cells = match &spec.microdata {
        Some(sample) => fitting::Cells::from_sample(&dimensions, sample)?,
        None => fitting::Cells::cross(&dimensions)?,
    };
    let convergence = fitting::fit(&mut cells, &dimensions, spec.size as f64);
    let clustering = archetypes::cluster(&dimensions, &mut cells, spec.archetypes, spec.seed, &spec.archetype_edits)?;
    let counts = fitting::integerise(&cells.weights, spec.size, spec.seed);

    // Agents in cell order, then shuffled so that neighbours on the ring are strangers.
    let mut order: Vec<u32> = Vec::with_capacity(spec.size as usize);
    for (cell, count) in counts.iter().enumerate() {
        order.extend(std::iter::repeat_n(cell as u32, *count as usize));
    }
    let mut rng = generator(spec.seed, Stream::Shuffle);
    for i in (1..order.len()).rev() {
        let j = rng.random_range(0..=i);
        order.swap(i, j);
    }
    let attributes: Vec<Vec<u8>> = (0..dimensions.len())
        .into_par_iter()
        .map(|d| order.iter().map(|c| cells.code(*c as usize, d)).collect())
        .collect();
    let archetype: Vec<u8> = order.par_iter().map(|c| clustering.assignment[*c as usize]).collect();
    let fit = fit::diagnose(&dimensions, &attributes, spec.size);
    Ok(Population {
        spec: spec.clone(),
        dimensions,
        attributes,
        archetype,
        archetypes: clustering.archetypes,
        fit,
        convergence,
        cells: cells.len(),
    })
}

/// SHA-256 over everything that defines the result, in a fixed order.
pub fn digest(population: &Population, network: &Csr) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(ENGINE_VERSION.as_bytes());
    h.update((population.size() as u64).to_le_bytes());
    for (dim, column) in population.dimensions.iter().zip(&population.attributes) {
        h.update(dim.name.as_bytes());
        h.update([0]);
        for c in &dim.categories {
            h.update(c.as_bytes());
            h.update([0]);
        }
        h.update(column);
    }
    h.update(&population.archetype);
    for x in network.offsets.iter().chain(&network.targets) {
        h.update(x.to_le_bytes());
    }
    hex::encode(h.finalize())
}

/// The shape of a stored population, for readers that do not need the agents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PopulationHeader {
    pub format: u32,
    pub engine_version: String,
    pub spec: PopulationSpec,
    pub dimensions: Vec<Dimension>,
    pub archetypes: Vec<Archetype>,
    pub fit: Vec<MarginalFit>,
    pub convergence: Convergence,
    pub cells: usize,
    pub network: NetworkSummary,
    pub digest: String,
}
