//! One replicate's state and its tick: the single tick loop that whole runs, ensembles and the
//! console's step-by-step playback all go through, so a replay cannot drift from a run.
//!
//! Diffusion agents are columns: the tick each adopted (`adopted_at`), `status` (CLOSED once
//! adopted, else its threshold's place in the tick's table) and the list of agents still open,
//! in index order. The state at an earlier tick follows from `adopted_at` alone, so a
//! checkpoint is the generator's state. Opinion agents hold an opinion each; a checkpoint keeps
//! the opinions too.

use sha2::{Digest, Sha256};

use crate::ENGINE_VERSION;
use crate::EngineError;
use crate::fastrng::Xoshiro;
use crate::simulation::model::Model;
use crate::simulation::opinion;
use crate::simulation::prepared::Prepared;
use crate::simulation::run::{NEVER, RunResult, Simulation};

const STREAM_RUN: u64 = 0x52_55_4E;
const STREAM_FORK: u64 = 0x46_4F_52_4B;
/// `status` of an agent that has adopted.
const CLOSED: u16 = u16::MAX;

/// What a checkpoint keeps of a replicate: its generator, and the opinions in an opinion model.
#[derive(Debug, Clone)]
pub struct Snapshot {
    rng: Xoshiro,
    opinion: Vec<f32>,
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
    /// Opinion models: each agent's opinion (and the next tick's, being computed).
    opinion: Vec<f32>,
    next: Vec<f32>,
    /// Agents in (adopted, or of opinion ≥ threshold) per grouping and part.
    inside: Vec<Vec<u64>>,
    total: u64,
    /// Share in at the end of each tick so far; index 0 is the start.
    pub adoption: Vec<f64>,
    /// The same per grouping, part and tick.
    series: Vec<Vec<Vec<f64>>>,
}

impl Replica {
    /// Tick 0. Diffusion: round(share · n) agents adopted, chosen uniformly (Floyd's sampling).
    /// Opinion: every agent's initial opinion drawn.
    pub fn start(sim: &Simulation<'_>, prep: &Prepared, seed: u64, replicate: u32) -> Replica {
        let n = sim.network.nodes();
        let mut rng = Xoshiro::seeded(&[seed, u64::from(replicate), STREAM_RUN]);
        let width = sim.ticks as usize + 1;
        let mut replica = Replica {
            seed,
            replicate,
            tick: 0,
            rng: rng.clone(),
            adopted_at: Vec::new(),
            status: Vec::new(),
            active: Vec::new(),
            newly: Vec::new(),
            opinion: Vec::new(),
            next: Vec::new(),
            inside: prep.groupings.iter().map(|g| vec![0; g.sizes.len()]).collect(),
            total: 0,
            adoption: Vec::with_capacity(width),
            series: prep.groupings.iter().map(|g| vec![Vec::with_capacity(width); g.sizes.len()]).collect(),
        };
        match &sim.model {
            Model::Diffusion(_) => {
                let m = (sim.initial_share * n as f64).round() as usize;
                let mut chosen = vec![false; n];
                replica.newly.reserve(m.max(1024));
                for j in n - m..n {
                    let t = rng.below(j as u64 + 1) as usize;
                    let pick = if chosen[t] { j } else { t };
                    chosen[pick] = true;
                    replica.newly.push(pick as u32);
                }
                replica.rng = rng;
                replica.adopted_at = vec![NEVER; n];
                replica.status = (0..n).map(|i| prep.base(i)).collect();
                replica.apply(sim, prep, 0);
                replica.active = (0..n as u32).filter(|&i| replica.status[i as usize] != CLOSED).collect();
            }
            Model::Opinion(model) => {
                replica.opinion = opinion::initial(sim, model, prep, &mut rng);
                replica.next = vec![0.0; n];
                replica.rng = rng;
                replica.recount(model.threshold, prep);
            }
        }
        replica
    }

    /// This state made replicate `replicate`'s from here on, with its own generator from this
    /// tick (a particle filter's copies of one replicate must not share their futures).
    pub fn fork(&mut self, replicate: u32) {
        self.replicate = replicate;
        self.rng = Xoshiro::seeded(&[self.seed, u64::from(replicate), u64::from(self.tick), STREAM_FORK]);
    }

    /// What a checkpoint at this tick keeps.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot { rng: self.rng.clone(), opinion: self.opinion.clone() }
    }

    /// What a checkpoint of this replicate costs beyond its generator.
    pub fn snapshot_bytes(&self) -> usize {
        self.opinion.len() * 4
    }

    /// The tick each agent adopted at, or [`NEVER`] (diffusion models).
    pub fn adopted_at(&self) -> &[u16] {
        &self.adopted_at
    }

    /// Goes back to the end of an earlier tick `tick`, kept in `snapshot`: later adoptions are
    /// undone and the counts rebuilt (diffusion), or the opinions restored (opinion).
    pub fn rewind(&mut self, sim: &Simulation<'_>, prep: &Prepared, tick: u32, snapshot: &Snapshot) {
        self.adoption.truncate(tick as usize + 1);
        for parts in &mut self.series {
            parts.iter_mut().for_each(|s| s.truncate(tick as usize + 1));
        }
        self.rng = snapshot.rng.clone();
        self.tick = tick;
        if let Model::Opinion(model) = &sim.model {
            self.opinion.clone_from(&snapshot.opinion);
            self.count_inside(model.threshold, prep);
            return;
        }
        let keep = tick.min(u32::from(NEVER - 1)) as u16;
        for t in &mut self.adopted_at {
            if *t != NEVER && *t > keep {
                *t = NEVER;
            }
        }
        self.status.iter_mut().enumerate().for_each(|(i, s)| *s = prep.base(i));
        self.inside.iter_mut().for_each(|c| c.iter_mut().for_each(|k| *k = 0));
        self.total = 0;
        for i in 0..self.adopted_at.len() {
            if self.adopted_at[i] == NEVER {
                continue;
            }
            self.status[i] = CLOSED;
            self.count_in(prep, i);
            for &j in sim.network.neighbours(i) {
                let s = &mut self.status[j as usize];
                if *s < CLOSED - 1 {
                    *s += 1;
                }
            }
        }
        self.active = (0..self.adopted_at.len() as u32).filter(|&i| self.status[i as usize] != CLOSED).collect();
    }

    /// Runs tick `self.tick + 1`: every agent decides from the state at the start of the tick,
    /// then the changes are applied.
    pub fn step(&mut self, sim: &Simulation<'_>, prep: &Prepared) {
        let tick = self.tick + 1;
        let values = sim.variables.at(tick);
        let model = match &sim.model {
            Model::Diffusion(model) => model,
            Model::Opinion(model) => {
                let drift = model.drift.global(&values);
                opinion::step(sim, model, prep, drift, &self.opinion, &mut self.next, &mut self.rng);
                std::mem::swap(&mut self.opinion, &mut self.next);
                self.tick = tick;
                self.recount(model.threshold, prep);
                return;
            }
        };
        let a_global = model.spontaneous.global(&values);
        let b_global = model.influence.global(&values);
        // The room left under the market potential, from the state at the start of the tick.
        let room = model.room(self.total as f64 / self.adopted_at.len().max(1) as f64);
        let (a_personal, b_personal) = (&prep.personal[0], &prep.personal[1]);
        if a_personal.is_none() && b_personal.is_none() {
            // p depends only on (degree, adopted neighbours): a table of thresholds on u32.
            let (a, b) = (a_global.clamp(0.0, 1.0), b_global.clamp(0.0, 1.0));
            let width = prep.max_degree + 1;
            let mut table = vec![0u64; width * width];
            for d in 0..width {
                for c in 0..=d {
                    let f = if d == 0 { 0.0 } else { c as f64 / d as f64 };
                    let p = (1.0 - (1.0 - a) * (1.0 - b * f)) * room;
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
                let a = (a_global + a_personal.as_ref().map_or(0.0, |v| f64::from(v[i]))).clamp(0.0, 1.0);
                let b = (b_global + b_personal.as_ref().map_or(0.0, |v| f64::from(v[i]))).clamp(0.0, 1.0);
                let d = prep.degree[i];
                let f = if d == 0 { 0.0 } else { f64::from(self.status[i] - prep.base(i)) / f64::from(d) };
                let p = (1.0 - (1.0 - a) * (1.0 - b * f)) * room;
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

    fn count_in(&mut self, prep: &Prepared, i: usize) {
        for (g, grouping) in prep.groupings.iter().enumerate() {
            self.inside[g][usize::from(grouping.codes[i])] += 1;
        }
        self.total += 1;
    }

    /// Marks this tick's adopters, tells their neighbours, and records the shares.
    fn apply(&mut self, sim: &Simulation<'_>, prep: &Prepared, tick: u32) {
        let stamp = tick.min(u32::from(NEVER - 1)) as u16;
        let newly = std::mem::take(&mut self.newly);
        for &i in &newly {
            self.adopted_at[i as usize] = stamp;
            self.status[i as usize] = CLOSED;
            self.count_in(prep, i as usize);
            for &j in sim.network.neighbours(i as usize) {
                let s = &mut self.status[j as usize];
                if *s < CLOSED - 1 {
                    *s += 1;
                }
            }
        }
        self.newly = newly;
        self.newly.clear();
        self.tick = tick;
        self.record(prep);
    }

    /// Opinion models: counts the agents at or above `threshold`.
    fn count_inside(&mut self, threshold: f64, prep: &Prepared) {
        self.inside.iter_mut().for_each(|c| c.iter_mut().for_each(|k| *k = 0));
        self.total = 0;
        let threshold = threshold as f32;
        for i in 0..self.opinion.len() {
            if self.opinion[i] >= threshold {
                self.count_in(prep, i);
            }
        }
    }

    fn recount(&mut self, threshold: f64, prep: &Prepared) {
        self.count_inside(threshold, prep);
        self.record(prep);
    }

    /// Appends this tick's shares, overall and per grouping.
    fn record(&mut self, prep: &Prepared) {
        let n = prep.degree.len().max(1) as f64;
        self.adoption.push(self.total as f64 / n);
        for (g, grouping) in prep.groupings.iter().enumerate() {
            for (part, series) in self.series[g].iter_mut().enumerate() {
                let size = grouping.sizes[part];
                series.push(if size == 0 { 0.0 } else { self.inside[g][part] as f64 / size as f64 });
            }
        }
    }

    /// The run as it stands, with its digest: SHA-256 of the engine version, seed, replicate
    /// and every agent's final state.
    pub fn result(&self) -> RunResult {
        let mut h = Sha256::new();
        h.update(ENGINE_VERSION.as_bytes());
        h.update(self.seed.to_le_bytes());
        h.update(self.replicate.to_le_bytes());
        let bytes: Vec<u8> = if self.opinion.is_empty() {
            self.adopted_at.iter().flat_map(|t| t.to_le_bytes()).collect()
        } else {
            self.opinion.iter().flat_map(|x| x.to_le_bytes()).collect()
        };
        h.update(&bytes);
        RunResult {
            seed: self.seed,
            replicate: self.replicate,
            adoption: self.adoption.clone(),
            by_group: self.series[0].clone(),
            by_segment: self.series[1..].to_vec(),
            digest: hex::encode(h.finalize()),
            adopted_at: self.adopted_at.clone(),
            opinion: self.opinion.clone(),
        }
    }
}

impl Simulation<'_> {
    /// Runs replicate `replicate` with `seed`.
    pub fn run(&self, seed: u64, replicate: u32) -> Result<RunResult, EngineError> {
        self.check()?;
        let prep = Prepared::new(self);
        let mut replica = Replica::start(self, &prep, seed, replicate);
        while replica.tick < self.ticks {
            replica.step(self, &prep);
        }
        Ok(replica.result())
    }
}
