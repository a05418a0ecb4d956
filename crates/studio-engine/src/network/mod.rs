//! The social network: a Watts–Strogatz small world built the way networkx's
//! `watts_strogatz_graph` builds it (ring lattice, each lattice edge rewired with probability p
//! to a uniform node that is neither the node itself nor already a neighbour), with an optional
//! homophily bias toward same-archetype ties, stored as CSR.
//!
//! Homophily h places agents on the ring before the lattice is drawn: a share h of them sit
//! among their own archetype, the rest anywhere. Lattice ties — and so the clustering the small
//! world keeps — then join like with like more often than chance; rewired ties stay uniform.

mod stats;

use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::EngineError;
use crate::rng::{Stream, generator};

pub use stats::{EgoNetwork, EgoNode, NetworkSummary, summarise};

/// How the network is built.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct NetworkSpec {
    /// Ties per agent in the ring lattice (k; k/2 on each side).
    pub degree: u32,
    /// Probability that a lattice tie is rewired.
    pub rewiring: f64,
    /// Share of agents placed on the ring among their own archetype (0: at random).
    pub homophily: f64,
}

impl Default for NetworkSpec {
    fn default() -> Self {
        NetworkSpec { degree: 10, rewiring: 0.1, homophily: 0.0 }
    }
}

impl NetworkSpec {
    pub fn check(&self) -> Result<(), EngineError> {
        if self.degree < 2 || self.degree > 100 || !self.degree.is_multiple_of(2) {
            return Err(EngineError::Network(format!(
                "degree k must be an even number from 2 to 100, got {}",
                self.degree
            )));
        }
        for (name, p) in [("rewiring", self.rewiring), ("homophily", self.homophily)] {
            if !(p.is_finite() && (0.0..=1.0).contains(&p)) {
                return Err(EngineError::Network(format!("{name} is a probability between 0 and 1, got {p}")));
            }
        }
        Ok(())
    }
}

/// An undirected graph in compressed sparse rows: node i's neighbours, sorted, are
/// `targets[offsets[i]..offsets[i+1]]` (each tie appears once from each end).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Csr {
    pub offsets: Vec<u32>,
    pub targets: Vec<u32>,
}

impl Csr {
    pub fn nodes(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// Undirected ties.
    pub fn edges(&self) -> usize {
        self.targets.len() / 2
    }

    pub fn neighbours(&self, node: usize) -> &[u32] {
        &self.targets[self.offsets[node] as usize..self.offsets[node + 1] as usize]
    }

    pub fn degree(&self, node: usize) -> usize {
        (self.offsets[node + 1] - self.offsets[node]) as usize
    }

    pub fn has_edge(&self, a: usize, b: u32) -> bool {
        self.neighbours(a).binary_search(&b).is_ok()
    }

    pub fn bytes(&self) -> usize {
        (self.offsets.len() + self.targets.len()) * std::mem::size_of::<u32>()
    }
}

/// Builds the network of `groups.len()` agents (`groups[i]` is agent i's archetype).
pub fn build_network(groups: &[u8], spec: &NetworkSpec, seed: u64) -> Result<Csr, EngineError> {
    spec.check()?;
    let n = groups.len();
    let k = spec.degree as usize;
    if n <= k {
        return Err(EngineError::Network(format!("{n} agents are too few for {k} ties each")));
    }
    if n > u32::MAX as usize / (k + 1) {
        return Err(EngineError::Network(format!("{n} agents are too many for a network of {k} ties each")));
    }
    let half = k / 2;
    let mut rng = generator(seed, Stream::Network);
    let ring = ring_order(groups, spec.homophily, &mut rng);
    // Adjacency while rewiring: k + a little room per node, grown only for the rare node
    // that gains many ties.
    let mut adjacency: Vec<Vec<u32>> = vec![Vec::new(); n];
    for (at, &u) in ring.iter().enumerate() {
        let list = &mut adjacency[u as usize];
        list.reserve_exact(k + 2);
        for j in 1..=half {
            list.push(ring[(at + j) % n]);
            list.push(ring[(at + n - j) % n]);
        }
    }
    let p = spec.rewiring;
    for j in 1..=half {
        for at in 0..n {
            if rng.random::<f64>() >= p {
                continue;
            }
            let u = ring[at] as usize;
            let v = ring[(at + j) % n];
            if adjacency[u].len() >= n - 1 {
                continue;
            }
            let w = loop {
                let w = rng.random_range(0..n);
                if w != u && !adjacency[u].contains(&(w as u32)) {
                    break w;
                }
            };
            remove(&mut adjacency[u], v);
            remove(&mut adjacency[v as usize], u as u32);
            adjacency[u].push(w as u32);
            adjacency[w].push(u as u32);
        }
    }
    let mut offsets = Vec::with_capacity(n + 1);
    let mut targets = Vec::with_capacity(n * k);
    offsets.push(0u32);
    for mut list in adjacency {
        list.sort_unstable();
        targets.extend_from_slice(&list);
        offsets.push(targets.len() as u32);
    }
    Ok(Csr { offsets, targets })
}

/// The agents in ring order. Without homophily, agent ids in order (agents are already
/// shuffled); with it, a share h of each archetype is gathered in that archetype's stretch.
fn ring_order(groups: &[u8], homophily: f64, rng: &mut impl Rng) -> Vec<u32> {
    let n = groups.len();
    if homophily <= 0.0 {
        return (0..n as u32).collect();
    }
    let spread = f64::from(groups.iter().copied().max().unwrap_or(0)) + 1.0;
    let mut keyed: Vec<(f64, u32)> = (0..n)
        .map(|i| {
            let u: f64 = rng.random();
            let key = if rng.random::<f64>() < homophily { f64::from(groups[i]) + u } else { u * spread };
            (key, i as u32)
        })
        .collect();
    keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    keyed.into_iter().map(|(_, i)| i).collect()
}

fn remove(list: &mut Vec<u32>, node: u32) {
    if let Some(i) = list.iter().position(|x| *x == node) {
        list.swap_remove(i);
    }
}
