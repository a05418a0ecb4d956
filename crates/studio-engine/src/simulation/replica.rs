//! One replicate's state and its tick: the single tick loop that whole runs, ensembles and the
//! console's step-by-step playback all go through, so a replay cannot drift from a run.
//!
//! Agents are columns: the tick each adopted (`adopted_at`), `status` (CLOSED once adopted,
//! else the count of adopted neighbours) and the list of agents still open, in index order.
//! The state at any earlier tick follows from `adopted_at` alone, which is what lets a
//! checkpoint be just the generator's state.

use sha2::{Digest, Sha256};

use crate::ENGINE_VERSION;
use crate::fastrng::Xoshiro;
use crate::simulation::model::Term;
use crate::simulation::run::{NEVER, RunResult, Simulation};

const STREAM_RUN: u64 = 0x52_55_4E;
/// `status` of an agent that has adopted.
const CLOSED: u16 = u16::MAX;

/// What every replicate of a simulation shares: degrees, the per-agent parts of the terms
/// and the size of each group.
#[derive(Debug, Clone)]
pub struct Prepared {
    degree: Vec<u16>,
    max_degree: usize,
    /// When degrees are below 255, an open agent's status is `degree · width + count`: the
    /// index of its threshold in the tick's table, with no lookup of its degree.
    packed: bool,
    a_personal: Option<Vec<f32>>,
    b_personal: Option<Vec<f32>>,
    group_size: Vec<u64>,
}

impl Prepared {
    /// Agent i's status with no adopted neighbour.
    #[inline]
    fn base(&self, i: usize) -> u16 {
        if self.packed { self.degree[i] * (self.max_degree as u16 + 1) } else { 0 }
    }

    /// The count of adopted neighbours in a status.
    #[inline]
    fn count(&self, i: usize, status: u16) -> u16 {
        status - self.base(i)
    }

    pub fn new(sim: &Simulation<'_>) -> Prepared {
        let n = sim.network.nodes();
        let degree: Vec<u16> = (0..n).map(|i| sim.network.degree(i).min(usize::from(u16::MAX)) as u16).collect();
        let max_degree = usize::from(degree.iter().copied().max().unwrap_or(0));
        let groups = usize::from(sim.groups.iter().copied().max().unwrap_or(0)) + 1;
        let mut group_size = vec![0u64; groups];
        for g in sim.groups {
            group_size[usize::from(*g)] += 1;
        }
        Prepared {
            packed: max_degree < 255,
            degree,
            max_degree,
            a_personal: personal(sim, &sim.model.spontaneous),
            b_personal: personal(sim, &sim.model.influence),
            group_size,
        }
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

/// One replicate, at the end of tick `tick`.
#[derive(Debug, Clone)]
pub struct Replica {
    pub seed: u64,
    pub replicate: u32,
    pub tick: u32,
    rng: Xoshiro,
    adopted_at: Vec<u16>,
    status: Vec<u16>,
    active: Vec<u32>,
    newly: Vec<u32>,
    in_group: Vec<u64>,
    total: u64,
    /// Share adopted at the end of each tick so far; index 0 is the start.
    pub adoption: Vec<f64>,
    pub by_group: Vec<Vec<f64>>,
}

impl Replica {
    /// Tick 0: round(share · n) agents adopted, chosen uniformly (Floyd's sampling).
    pub fn start(sim: &Simulation<'_>, prep: &Prepared, seed: u64, replicate: u32) -> Replica {
        let n = sim.network.nodes();
        let mut rng = Xoshiro::seeded(&[seed, u64::from(replicate), STREAM_RUN]);
        let m = (sim.initial_share * n as f64).round() as usize;
        let mut newly: Vec<u32> = Vec::with_capacity(m.max(1024));
        let mut chosen = vec![false; n];
        for j in n - m..n {
            let t = rng.below(j as u64 + 1) as usize;
            let pick = if chosen[t] { j } else { t };
            chosen[pick] = true;
            newly.push(pick as u32);
        }
        let mut replica = Replica {
            seed,
            replicate,
            tick: 0,
            rng,
            adopted_at: vec![NEVER; n],
            status: (0..n).map(|i| prep.base(i)).collect(),
            active: Vec::new(),
            newly,
            in_group: vec![0; prep.group_size.len()],
            total: 0,
            adoption: Vec::with_capacity(sim.ticks as usize + 1),
            by_group: vec![Vec::with_capacity(sim.ticks as usize + 1); prep.group_size.len()],
        };
        replica.apply(sim, prep, 0);
        replica.active = (0..n as u32).filter(|&i| replica.status[i as usize] != CLOSED).collect();
        replica
    }

    /// The generator as it stands: with `adopted_at`, all a checkpoint needs.
    pub fn generator(&self) -> Xoshiro {
        self.rng.clone()
    }

    /// The tick each agent adopted at, or [`NEVER`].
    pub fn adopted_at(&self) -> &[u16] {
        &self.adopted_at
    }

    /// Goes back to the end of an earlier tick `tick`, whose generator state is `rng`: every
    /// later adoption is undone and the counts are rebuilt from the adoptions kept.
    pub fn rewind(&mut self, sim: &Simulation<'_>, prep: &Prepared, tick: u32, rng: Xoshiro) {
        let keep = tick.min(u32::from(NEVER - 1)) as u16;
        for t in &mut self.adopted_at {
            if *t != NEVER && *t > keep {
                *t = NEVER;
            }
        }
        self.status.iter_mut().enumerate().for_each(|(i, s)| *s = prep.base(i));
        self.in_group.iter_mut().for_each(|c| *c = 0);
        self.total = 0;
        for i in 0..self.adopted_at.len() {
            if self.adopted_at[i] == NEVER {
                continue;
            }
            self.status[i] = CLOSED;
            self.in_group[usize::from(sim.groups[i])] += 1;
            self.total += 1;
            for &j in sim.network.neighbours(i) {
                let s = &mut self.status[j as usize];
                if *s < CLOSED - 1 {
                    *s += 1;
                }
            }
        }
        self.active = (0..self.adopted_at.len() as u32).filter(|&i| self.status[i as usize] != CLOSED).collect();
        self.adoption.truncate(tick as usize + 1);
        for series in &mut self.by_group {
            series.truncate(tick as usize + 1);
        }
        self.rng = rng;
        self.tick = tick;
    }

    /// Runs tick `self.tick + 1`: every open agent decides from the state at the start of the
    /// tick, then the adoptions are applied.
    pub fn step(&mut self, sim: &Simulation<'_>, prep: &Prepared) {
        let tick = self.tick + 1;
        let values = sim.variables.at(tick);
        let a_global = sim.model.spontaneous.global(&values);
        let b_global = sim.model.influence.global(&values);
        if prep.a_personal.is_none() && prep.b_personal.is_none() {
            // p depends only on (degree, adopted neighbours): a table of thresholds on u32.
            let (a, b) = (a_global.clamp(0.0, 1.0), b_global.clamp(0.0, 1.0));
            let width = prep.max_degree + 1;
            let mut table = vec![0u64; width * width];
            for d in 0..width {
                for c in 0..=d {
                    let f = if d == 0 { 0.0 } else { c as f64 / d as f64 };
                    let p = 1.0 - (1.0 - a) * (1.0 - b * f);
                    table[d * width + c] = (p.clamp(0.0, 1.0) * 4_294_967_296.0) as u64;
                }
            }
            // Only the agents still open, in index order: the same draws as scanning every
            // agent and skipping the adopted, without a branch that is a coin toss mid-run.
            if prep.packed {
                for &i in &self.active {
                    let threshold = table[usize::from(self.status[i as usize])];
                    if (self.rng.next_u64() >> 32) < threshold {
                        self.newly.push(i);
                    }
                }
            } else {
                for &i in &self.active {
                    let i = i as usize;
                    let threshold = table[usize::from(prep.degree[i]) * width + usize::from(self.status[i])];
                    if (self.rng.next_u64() >> 32) < threshold {
                        self.newly.push(i as u32);
                    }
                }
            }
        } else {
            for &i in &self.active {
                let i = i as usize;
                let a = (a_global + prep.a_personal.as_ref().map_or(0.0, |v| f64::from(v[i]))).clamp(0.0, 1.0);
                let b = (b_global + prep.b_personal.as_ref().map_or(0.0, |v| f64::from(v[i]))).clamp(0.0, 1.0);
                let d = prep.degree[i];
                let f = if d == 0 { 0.0 } else { f64::from(prep.count(i, self.status[i])) / f64::from(d) };
                let p = 1.0 - (1.0 - a) * (1.0 - b * f);
                if self.rng.next_f64() < p {
                    self.newly.push(i as u32);
                }
            }
        }
        let adopted_now = !self.newly.is_empty();
        self.apply(sim, prep, tick);
        if adopted_now {
            let status = &self.status;
            self.active.retain(|&i| status[i as usize] != CLOSED);
        }
    }

    /// Marks this tick's adopters, tells their neighbours, and records the shares.
    fn apply(&mut self, sim: &Simulation<'_>, prep: &Prepared, tick: u32) {
        let stamp = tick.min(u32::from(NEVER - 1)) as u16;
        for &i in &self.newly {
            self.adopted_at[i as usize] = stamp;
            self.status[i as usize] = CLOSED;
            self.in_group[usize::from(sim.groups[i as usize])] += 1;
            for &j in sim.network.neighbours(i as usize) {
                let s = &mut self.status[j as usize];
                if *s < CLOSED - 1 {
                    *s += 1;
                }
            }
        }
        self.total += self.newly.len() as u64;
        self.newly.clear();
        self.tick = tick;
        let n = self.adopted_at.len().max(1) as f64;
        self.adoption.push(self.total as f64 / n);
        for (g, series) in self.by_group.iter_mut().enumerate() {
            let size = prep.group_size[g];
            series.push(if size == 0 { 0.0 } else { self.in_group[g] as f64 / size as f64 });
        }
    }

    /// The run as it stands, with its digest: SHA-256 of the engine version, seed, replicate
    /// and every agent's adoption tick.
    pub fn result(&self) -> RunResult {
        let mut h = Sha256::new();
        h.update(ENGINE_VERSION.as_bytes());
        h.update(self.seed.to_le_bytes());
        h.update(self.replicate.to_le_bytes());
        let bytes: Vec<u8> = self.adopted_at.iter().flat_map(|t| t.to_le_bytes()).collect();
        h.update(&bytes);
        RunResult {
            seed: self.seed,
            replicate: self.replicate,
            adoption: self.adoption.clone(),
            by_group: self.by_group.clone(),
            digest: hex::encode(h.finalize()),
            adopted_at: self.adopted_at.clone(),
        }
    }
}

/// Share adopted per tick within each category of a categorical attribute, from the adoption
/// ticks: `out[c][t]` for category code `c` (codes 0..categories), ticks 0..=ticks.
pub fn segment_series(adopted_at: &[u16], codes: &[u8], categories: usize, ticks: u32) -> Vec<Vec<f64>> {
    let width = ticks as usize + 1;
    let mut counts = vec![0u64; categories * width];
    let mut sizes = vec![0u64; categories];
    for (&t, &c) in adopted_at.iter().zip(codes) {
        let c = usize::from(c);
        if c >= categories {
            continue;
        }
        sizes[c] += 1;
        if t != NEVER && (t as usize) < width {
            counts[c * width + t as usize] += 1;
        }
    }
    (0..categories)
        .map(|c| {
            let mut sum = 0u64;
            counts[c * width..(c + 1) * width]
                .iter()
                .map(|k| {
                    sum += k;
                    if sizes[c] == 0 { 0.0 } else { sum as f64 / sizes[c] as f64 }
                })
                .collect()
        })
        .collect()
}
