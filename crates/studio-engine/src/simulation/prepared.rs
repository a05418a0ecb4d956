//! What every replicate of a simulation shares, computed once: degrees, the per-agent parts of
//! the model's terms, and the groupings (archetypes, then each segment) the series are split by.

use std::sync::Arc;

use crate::simulation::model::Term;
use crate::simulation::run::Simulation;

/// A way of splitting the agents — archetypes, or a categorical attribute — and the size of
/// each part.
#[derive(Debug, Clone)]
pub(crate) struct Grouping {
    pub(crate) codes: Vec<u8>,
    pub(crate) sizes: Vec<u64>,
}

/// What every replicate of a simulation shares: degrees, the per-agent parts of the terms
/// and the groupings the series are split by. Degrees and groupings are shared with the
/// `Prepared` of other coefficients over the same agents ([`Prepared::with_model`]).
#[derive(Debug, Clone)]
pub struct Prepared {
    pub(crate) degree: Arc<[u16]>,
    pub(crate) max_degree: usize,
    /// When degrees are below 255, an open agent's status is `degree · width + count`: the
    /// index of its threshold in the tick's table, with no lookup of its degree.
    pub(crate) packed: bool,
    /// Per-agent parts of the model's terms, in [`Model::terms`] order.
    pub(crate) personal: Vec<Option<Vec<f32>>>,
    /// Archetypes first, then each segment.
    pub(crate) groupings: Arc<[Grouping]>,
}

impl Prepared {
    pub fn new(sim: &Simulation<'_>) -> Prepared {
        let n = sim.network.nodes();
        let degree: Arc<[u16]> = (0..n).map(|i| sim.network.degree(i).min(usize::from(u16::MAX)) as u16).collect();
        let max_degree = usize::from(degree.iter().copied().max().unwrap_or(0));
        let grouping = |codes: &[u8]| {
            let mut sizes = vec![0u64; usize::from(codes.iter().copied().max().unwrap_or(0)) + 1];
            for &c in codes {
                sizes[usize::from(c)] += 1;
            }
            Grouping { codes: codes.to_vec(), sizes }
        };
        let mut groupings = vec![grouping(sim.groups)];
        groupings.extend(sim.segments.iter().map(|(_, codes)| grouping(codes)));
        Prepared {
            packed: max_degree < 255,
            degree,
            max_degree,
            personal: sim.model.terms().into_iter().map(|(_, t)| personal(sim, t)).collect(),
            groupings: groupings.into(),
        }
    }

    /// The same agents under `sim`'s model (other coefficients): only the terms' per-agent
    /// parts are computed again.
    pub fn with_model(&self, sim: &Simulation<'_>) -> Prepared {
        Prepared {
            degree: Arc::clone(&self.degree),
            max_degree: self.max_degree,
            packed: self.packed,
            personal: sim.model.terms().into_iter().map(|(_, t)| personal(sim, t)).collect(),
            groupings: Arc::clone(&self.groupings),
        }
    }

    /// Agent i's status with no adopted neighbour.
    #[inline]
    pub(crate) fn base(&self, i: usize) -> u16 {
        if self.packed { self.degree[i] * (self.max_degree as u16 + 1) } else { 0 }
    }
}

/// The per-agent part of a term, or None when the term names no attribute.
fn personal(sim: &Simulation<'_>, term: &Term) -> Option<Vec<f32>> {
    if term.attributes.is_empty() {
        return None;
    }
    let mut out = vec![0f32; sim.network.nodes()];
    for (name, coefficient) in &term.attributes {
        if let Some((_, values)) = sim.attributes.iter().find(|(a, _)| a == name) {
            for (o, v) in out.iter_mut().zip(values.iter()) {
                *o += (*coefficient as f32) * v;
            }
        }
    }
    Some(out)
}
