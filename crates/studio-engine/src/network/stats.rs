//! What the analyst sees of a network: the degree distribution, the clustering coefficient
//! and the mean path length (both estimated on a seeded sample of nodes), and an ego network
//! small enough to draw.

use std::collections::VecDeque;

use rand::Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::network::Csr;
use crate::rng::{Stream, generator};

/// Nodes whose local clustering is averaged.
const CLUSTERING_SAMPLE: usize = 2_000;
/// Breadth-first searches whose distances are averaged.
const PATH_SOURCES: usize = 12;
/// The most nodes an ego network shows.
const EGO_NODES: usize = 40;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkSummary {
    pub nodes: u64,
    pub edges: u64,
    pub mean_degree: f64,
    /// `[degree, agents]`, by degree.
    pub degree_distribution: Vec<(u32, u64)>,
    pub clustering_coefficient: f64,
    pub clustering_sample: u64,
    pub mean_path_length: f64,
    pub path_sources: u64,
    /// Share of ties between agents of the same archetype.
    pub same_archetype_ties: f64,
    pub ego: EgoNetwork,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EgoNode {
    pub id: u32,
    pub archetype: u8,
    pub degree: u32,
    /// 0 for the centre, 1 for its neighbours, 2 for theirs.
    pub ring: u8,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EgoNetwork {
    pub centre: u32,
    pub nodes: Vec<EgoNode>,
    /// Ties among the shown nodes, as pairs of ids.
    pub edges: Vec<(u32, u32)>,
}

/// Summarises `network`; `groups[i]` is node i's archetype. Parallel, and the same at any
/// thread count: the samples are drawn first and the results added in sample order.
pub fn summarise(network: &Csr, groups: &[u8], seed: u64, ego_centre: Option<u32>) -> NetworkSummary {
    let n = network.nodes();
    let mut histogram = std::collections::BTreeMap::<u32, u64>::new();
    for i in 0..n {
        *histogram.entry(network.degree(i) as u32).or_default() += 1;
    }
    let mut rng = generator(seed, Stream::Sample);
    let sample: Vec<usize> = if n <= CLUSTERING_SAMPLE {
        (0..n).collect()
    } else {
        (0..CLUSTERING_SAMPLE).map(|_| rng.random_range(0..n)).collect()
    };
    let local: Vec<f64> = sample.par_iter().map(|&i| local_clustering(network, i)).collect();
    let clustering = if local.is_empty() { 0.0 } else { local.iter().sum::<f64>() / local.len() as f64 };
    let sources: Vec<usize> = (0..PATH_SOURCES.min(n)).map(|_| rng.random_range(0..n)).collect();
    let paths: Vec<(u64, u64)> = sources.par_iter().map(|&s| distances_from(network, s)).collect();
    let (sum, pairs) = paths.iter().fold((0u64, 0u64), |(a, b), (s, p)| (a + s, b + p));
    let same = (0..n)
        .map(|i| network.neighbours(i).iter().filter(|j| groups[**j as usize] == groups[i]).count() as u64)
        .sum::<u64>();
    let centre =
        ego_centre.filter(|c| (*c as usize) < n).unwrap_or_else(|| sample.first().copied().unwrap_or(0) as u32);
    NetworkSummary {
        nodes: n as u64,
        edges: network.edges() as u64,
        mean_degree: if n == 0 { 0.0 } else { network.targets.len() as f64 / n as f64 },
        degree_distribution: histogram.into_iter().collect(),
        clustering_coefficient: clustering,
        clustering_sample: sample.len() as u64,
        mean_path_length: if pairs == 0 { 0.0 } else { sum as f64 / pairs as f64 },
        path_sources: sources.len() as u64,
        same_archetype_ties: if network.targets.is_empty() { 0.0 } else { same as f64 / network.targets.len() as f64 },
        ego: ego(network, groups, centre),
    }
}

/// Ties among a node's neighbours over the ties there could be.
fn local_clustering(network: &Csr, node: usize) -> f64 {
    let near = network.neighbours(node);
    let d = near.len();
    if d < 2 {
        return 0.0;
    }
    let mut links = 0u64;
    for (x, a) in near.iter().enumerate() {
        for b in &near[x + 1..] {
            if network.has_edge(*a as usize, *b) {
                links += 1;
            }
        }
    }
    links as f64 / (d * (d - 1) / 2) as f64
}

/// Breadth-first search: the sum of distances to the nodes reached, and how many.
fn distances_from(network: &Csr, source: usize) -> (u64, u64) {
    let mut depth = vec![u32::MAX; network.nodes()];
    let mut queue = VecDeque::with_capacity(1024);
    depth[source] = 0;
    queue.push_back(source as u32);
    let (mut sum, mut reached) = (0u64, 0u64);
    while let Some(u) = queue.pop_front() {
        let du = depth[u as usize];
        for v in network.neighbours(u as usize) {
            if depth[*v as usize] == u32::MAX {
                depth[*v as usize] = du + 1;
                sum += u64::from(du + 1);
                reached += 1;
                queue.push_back(*v);
            }
        }
    }
    (sum, reached)
}

fn ego(network: &Csr, groups: &[u8], centre: u32) -> EgoNetwork {
    if network.nodes() == 0 {
        return EgoNetwork { centre, nodes: Vec::new(), edges: Vec::new() };
    }
    let mut shown: Vec<(u32, u8)> = vec![(centre, 0)];
    let near = network.neighbours(centre as usize);
    shown.extend(near.iter().take(EGO_NODES - 1).map(|v| (*v, 1)));
    'outer: for v in near {
        for w in network.neighbours(*v as usize) {
            if shown.len() >= EGO_NODES {
                break 'outer;
            }
            if !shown.iter().any(|(s, _)| s == w) {
                shown.push((*w, 2));
            }
        }
    }
    let mut edges = Vec::new();
    for (x, (a, _)) in shown.iter().enumerate() {
        for (b, _) in &shown[x + 1..] {
            if network.has_edge(*a as usize, *b) {
                edges.push((*a, *b));
            }
        }
    }
    let nodes = shown
        .into_iter()
        .map(|(id, ring)| EgoNode {
            id,
            archetype: groups[id as usize],
            degree: network.degree(id as usize) as u32,
            ring,
        })
        .collect();
    EgoNetwork { centre, nodes, edges }
}
