//! One run of a diffusion model over a population: agents column-wise (adoption tick, adopted
//! neighbours, degree), the CSR network, a synchronous update — every decision of tick t reads
//! the state at the start of t, and adoptions are applied after — and one generator per
//! (seed, replicate), so a run is the same whatever thread runs it.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::fastrng::Xoshiro;
use crate::network::Csr;
use crate::simulation::model::{DiffusionModel, Variables};
use crate::{ENGINE_VERSION, EngineError};

/// The tick value of an agent that has not adopted.
pub const NEVER: u16 = u16::MAX;
/// The most ticks a run may have.
pub const MAX_TICKS: u32 = 10_000;
const STREAM_RUN: u64 = 0x52_55_4E;
/// `status` of an agent that has adopted.
const CLOSED: u16 = u16::MAX;

/// What a run is computed over: the network, the agents' groups (archetypes) and attributes,
/// the model and the variables.
#[derive(Debug, Clone)]
pub struct Simulation<'a> {
    pub network: &'a Csr,
    /// Agent i's group (its archetype), for the series by group.
    pub groups: &'a [u8],
    /// Numeric attributes the model's terms may name, one value per agent.
    pub attributes: Vec<(String, &'a [f32])>,
    pub model: DiffusionModel,
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
    /// SHA-256 of the engine version, seed, replicate and every agent's adoption tick.
    pub digest: String,
    /// Agent i's adoption tick, or [`NEVER`].
    #[serde(skip)]
    pub adopted_at: Vec<u16>,
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
        for term in [&self.model.spontaneous, &self.model.influence] {
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

    /// Per-agent part of a term, or None when the term names no attribute.
    fn personal(&self, term: &crate::simulation::model::Term) -> Option<Vec<f32>> {
        if term.attributes.is_empty() {
            return None;
        }
        let n = self.network.nodes();
        let mut out = vec![0f32; n];
        for (name, coefficient) in &term.attributes {
            if let Some((_, values)) = self.attributes.iter().find(|(a, _)| a == name) {
                for (o, v) in out.iter_mut().zip(values.iter()) {
                    *o += (*coefficient as f32) * v;
                }
            }
        }
        Some(out)
    }

    /// Runs replicate `replicate` with `seed`.
    pub fn run(&self, seed: u64, replicate: u32) -> Result<RunResult, EngineError> {
        self.check()?;
        let n = self.network.nodes();
        let groups = usize::from(self.groups.iter().copied().max().unwrap_or(0)) + 1;
        let mut rng = Xoshiro::seeded(&[seed, u64::from(replicate), STREAM_RUN]);
        let degree: Vec<u16> = (0..n).map(|i| self.network.degree(i).min(usize::from(u16::MAX)) as u16).collect();
        let max_degree = degree.iter().copied().max().unwrap_or(0) as usize;
        let mut adopted_at = vec![NEVER; n];
        // One column for the hot loop: CLOSED once adopted, else the adopted neighbours.
        let mut status = vec![0u16; n];
        let mut in_group = vec![0u64; groups];
        let group_size = {
            let mut s = vec![0u64; groups];
            for g in self.groups {
                s[usize::from(*g)] += 1;
            }
            s
        };
        // Initial adopters: round(share · n), uniformly, by Floyd's sampling.
        let m = (self.initial_share * n as f64).round() as usize;
        let mut newly: Vec<u32> = Vec::with_capacity(m.max(1024));
        let mut chosen = vec![false; n];
        for j in n - m..n {
            let t = rng.below(j as u64 + 1) as usize;
            let pick = if chosen[t] { j } else { t };
            chosen[pick] = true;
            newly.push(pick as u32);
        }
        drop(chosen);
        let mut adoption = Vec::with_capacity(self.ticks as usize + 1);
        let mut by_group = vec![Vec::with_capacity(self.ticks as usize + 1); groups];
        let mut total = 0u64;
        let mut apply = |newly: &mut Vec<u32>, tick: u16, adopted_at: &mut [u16], status: &mut [u16]| {
            for &i in newly.iter() {
                adopted_at[i as usize] = tick;
                status[i as usize] = CLOSED;
                in_group[usize::from(self.groups[i as usize])] += 1;
                for &j in self.network.neighbours(i as usize) {
                    let s = &mut status[j as usize];
                    if *s < CLOSED - 1 {
                        *s += 1;
                    }
                }
            }
            total += newly.len() as u64;
            newly.clear();
            (total, in_group.clone())
        };
        let record = |adoption: &mut Vec<f64>, by_group: &mut Vec<Vec<f64>>, (total, in_group): (u64, Vec<u64>)| {
            adoption.push(total as f64 / n.max(1) as f64);
            for (g, series) in by_group.iter_mut().enumerate() {
                series.push(if group_size[g] == 0 { 0.0 } else { in_group[g] as f64 / group_size[g] as f64 });
            }
        };
        let state = apply(&mut newly, 0, &mut adopted_at, &mut status);
        record(&mut adoption, &mut by_group, state);
        let mut active: Vec<u32> = (0..n as u32).filter(|&i| status[i as usize] != CLOSED).collect();

        let a_personal = self.personal(&self.model.spontaneous);
        let b_personal = self.personal(&self.model.influence);
        let mut table = vec![0u64; (max_degree + 1) * (max_degree + 1)];
        for tick in 1..=self.ticks {
            let values = self.variables.at(tick);
            let a_global = self.model.spontaneous.global(&values);
            let b_global = self.model.influence.global(&values);
            if a_personal.is_none() && b_personal.is_none() {
                // p depends only on (degree, adopted neighbours): a table of thresholds on u32.
                let a = a_global.clamp(0.0, 1.0);
                let b = b_global.clamp(0.0, 1.0);
                for d in 0..=max_degree {
                    for c in 0..=d {
                        let f = if d == 0 { 0.0 } else { c as f64 / d as f64 };
                        let p = 1.0 - (1.0 - a) * (1.0 - b * f);
                        table[d * (max_degree + 1) + c] = (p.clamp(0.0, 1.0) * 4_294_967_296.0) as u64;
                    }
                }
                let width = max_degree + 1;
                // Only the agents still open, in index order: the same draws as scanning every
                // agent and skipping the adopted, without a branch that is a coin toss mid-run.
                for &i in &active {
                    let i = i as usize;
                    let s = status[i];
                    let threshold = table[usize::from(degree[i]) * width + usize::from(s)];
                    if (rng.next_u64() >> 32) < threshold {
                        newly.push(i as u32);
                    }
                }
            } else {
                for i in 0..n {
                    if status[i] == CLOSED {
                        continue;
                    }
                    let a = (a_global + a_personal.as_ref().map_or(0.0, |v| f64::from(v[i]))).clamp(0.0, 1.0);
                    let b = (b_global + b_personal.as_ref().map_or(0.0, |v| f64::from(v[i]))).clamp(0.0, 1.0);
                    let f = if degree[i] == 0 { 0.0 } else { f64::from(status[i]) / f64::from(degree[i]) };
                    let p = 1.0 - (1.0 - a) * (1.0 - b * f);
                    if rng.next_f64() < p {
                        newly.push(i as u32);
                    }
                }
            }
            let adopted_now = !newly.is_empty();
            let state = apply(&mut newly, tick.min(u32::from(NEVER - 1)) as u16, &mut adopted_at, &mut status);
            record(&mut adoption, &mut by_group, state);
            if adopted_now {
                active.retain(|&i| status[i as usize] != CLOSED);
            }
        }
        let mut h = Sha256::new();
        h.update(ENGINE_VERSION.as_bytes());
        h.update(seed.to_le_bytes());
        h.update(replicate.to_le_bytes());
        let bytes: Vec<u8> = adopted_at.iter().flat_map(|t| t.to_le_bytes()).collect();
        h.update(&bytes);
        Ok(RunResult { seed, replicate, adoption, by_group, digest: hex::encode(h.finalize()), adopted_at })
    }
}
