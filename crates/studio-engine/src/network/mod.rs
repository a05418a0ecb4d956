//! The social network: a Watts–Strogatz small world built the way networkx's
//! `watts_strogatz_graph` builds it (ring lattice, each lattice edge rewired with probability p
//! to a uniform node that is neither the node itself nor already a neighbour), with an optional
//! homophily bias toward same-archetype ties, stored as CSR.

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
    /// Probability that a rewired tie looks for a same-archetype partner first.
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

/// How many times a rewired tie looks for a same-archetype partner before taking any.
const HOMOPHILY_TRIES: usize = 16;

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
    // Adjacency while rewiring: k + a little room per node, grown only for the rare node
    // that gains many ties.
    let mut adjacency: Vec<Vec<u32>> = (0..n)
        .map(|u| {
            let mut list = Vec::with_capacity(k + 2);
            for j in 1..=half {
                list.push(((u + j) % n) as u32);
                list.push(((u + n - j) % n) as u32);
            }
            list
        })
        .collect();
    let mut rng = generator(seed, Stream::Network);
    let p = spec.rewiring;
    let h = spec.homophily;
    for j in 1..=half {
        for u in 0..n {
            if rng.random::<f64>() >= p {
                continue;
            }
            let v = ((u + j) % n) as u32;
            if adjacency[u].len() >= n - 1 {
                continue;
            }
            let candidate = |w: usize, adjacency: &Vec<Vec<u32>>| w != u && !adjacency[u].contains(&(w as u32));
            let mut chosen = None;
            if h > 0.0 && rng.random::<f64>() < h {
                for _ in 0..HOMOPHILY_TRIES {
                    let w = rng.random_range(0..n);
                    if groups[w] == groups[u] && candidate(w, &adjacency) {
                        chosen = Some(w);
                        break;
                    }
                }
            }
            let w = match chosen {
                Some(w) => w,
                None => loop {
                    let w = rng.random_range(0..n);
                    if candidate(w, &adjacency) {
                        break w;
                    }
                },
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

fn remove(list: &mut Vec<u32>, node: u32) {
    if let Some(i) = list.iter().position(|x| *x == node) {
        list.swap_remove(i);
    }
}
