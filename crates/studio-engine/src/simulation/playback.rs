//! The console's run: every replicate of an ensemble advanced tick by tick together, so it can
//! be paused between ticks, stepped forward and back, replayed to any tick, and shocked while
//! it runs.
//!
//! A checkpoint every K ticks is only the replicates' generator states (and, in an opinion
//! model, their opinions): a diffusion's state at an earlier tick follows from its adoption
//! ticks. Going back restores the nearest
//! checkpoint at or before the tick and steps forward from it through the same tick loop as a
//! whole run, so a replay's digest is the original's. A shock injected at tick t takes effect
//! from tick t + 1 and is recorded with the run; injecting after stepping back replaces the
//! future that was there, shocks included.
//!
//! A *conditioned* playback (`Playback::conditioned`) starts where a history ends: each
//! replicate draws its coefficients from a calibration's posterior, runs through the history's
//! ticks as a particle filter — weighted at every observed tick by how likely the history is
//! given its path and a discrepancy filtered along it, resampled when the weights degenerate and
//! at the history's end — and continues from the state the filter kept. What it shows is the
//! observed history up to its end, then each replicate's share plus its own draw of the
//! discrepancy carried on. It cannot be stepped back before the history's end.

use std::collections::BTreeMap;

use rayon::prelude::*;

use sha2::{Digest, Sha256};

use crate::EngineError;
use crate::fastrng::Xoshiro;
use crate::simulation::abc::{Posterior, systematic};
use crate::simulation::calibrate::set_coefficient;
use crate::simulation::discrepancy::{Discrepancy, Filtered, offset, residual};
use crate::simulation::ensemble::{Ensemble, bands_of, gather};
use crate::simulation::model::Shock;
use crate::simulation::prepared::Prepared;
use crate::simulation::replica::{Replica, Snapshot};
use crate::simulation::run::{RunResult, Simulation};

const STREAM_RESAMPLE: u64 = 0x50_46;
const STREAM_DISCREPANCY: u64 = 0x44_49_53_43;

/// What a conditioned playback is conditioned on.
pub struct Conditioning<'p> {
    /// The history: point t is tick t.
    pub observed: &'p [f64],
    pub posterior: &'p Posterior,
    pub discrepancy: Discrepancy,
}

/// One set of coefficients over the agents, and what its replicates share.
struct World<'a> {
    sim: Simulation<'a>,
    prep: Prepared,
}

/// A conditioned playback's history and each replicate's offsets after it.
struct Conditioned {
    observed: Vec<f64>,
    offsets: Vec<Vec<f64>>,
}

/// Checkpoint interval when none is given.
pub const DEFAULT_CHECKPOINT_EVERY: u32 = 10;
/// Most bytes the checkpoints of an opinion model may hold: past it they are spaced out.
pub const CHECKPOINT_BUDGET: usize = 512 << 20;

pub struct Playback<'a> {
    /// The first world is the simulation as given (every world has its variables and shocks).
    worlds: Vec<World<'a>>,
    /// Each replicate's world.
    world_of: Vec<usize>,
    seed: u64,
    replicas: Vec<Replica>,
    every: u32,
    checkpoints: BTreeMap<u32, Vec<Snapshot>>,
    planned: Vec<Shock>,
    injected: Vec<Shock>,
    /// The tick at which shocks were last injected, until the run moves: shocks injected
    /// together all apply.
    injecting_at: Option<u32>,
    /// The earliest tick the run holds: the history's end when conditioned, else 0.
    start: u32,
    conditioned: Option<Conditioned>,
}

/// A playback's replicates (1 to 10,000) and checkpoint spacing (at least 1 tick).
fn check_counts(replicates: u32, every: u32) -> Result<(), EngineError> {
    if replicates == 0 || replicates > 10_000 {
        return Err(EngineError::Simulation(format!("replicates must be 1 to 10000, got {replicates}")));
    }
    if every == 0 {
        return Err(EngineError::Simulation("checkpoints must be at least 1 tick apart".into()));
    }
    Ok(())
}

impl<'a> Playback<'a> {
    /// `replicates` replicates at tick 0, a checkpoint every `every` ticks.
    pub fn new(sim: Simulation<'a>, seed: u64, replicates: u32, every: u32) -> Result<Playback<'a>, EngineError> {
        check_counts(replicates, every)?;
        sim.check()?;
        let prep = Prepared::new(&sim);
        let replicas: Vec<Replica> =
            (0..replicates).into_par_iter().map(|r| Replica::start(&sim, &prep, seed, r)).collect();
        let worlds = vec![World { sim, prep }];
        Ok(Playback::assemble(worlds, vec![0; replicates as usize], replicas, seed, every, 0, None))
    }

    /// A playback conditioned on a history (see the module's documentation), at its last tick.
    pub fn conditioned(
        sim: Simulation<'a>,
        seed: u64,
        replicates: u32,
        every: u32,
        on: &Conditioning<'_>,
    ) -> Result<Playback<'a>, EngineError> {
        check_counts(replicates, every)?;
        if on.observed.len() < 2 || on.posterior.particles.is_empty() {
            return Err(EngineError::Simulation(
                "a conditioned run needs a history of 2 points at least and a posterior".into(),
            ));
        }
        sim.check()?;
        let end = ((on.observed.len() - 1) as u32).min(sim.ticks);
        let base = Prepared::new(&sim);
        // Each replicate's coefficients, drawn from the posterior; one world per particle drawn.
        let draws = on.posterior.draws(replicates as usize, seed);
        let mut particles: Vec<usize> = draws.clone();
        particles.dedup();
        let mut worlds = Vec::with_capacity(particles.len());
        for &p in &particles {
            let mut s = sim.clone();
            for (path, value) in on.posterior.parameters.iter().zip(&on.posterior.particles[p]) {
                set_coefficient(&mut s.model, path, *value)?;
            }
            s.check()?;
            let prep = base.with_model(&s);
            worlds.push(World { sim: s, prep });
        }
        let mut world_of: Vec<usize> = draws.iter().map(|d| particles.binary_search(d).unwrap_or(0)).collect();
        let mut replicas: Vec<Replica> = (0..replicates)
            .into_par_iter()
            .map(|r| {
                let w = &worlds[world_of[r as usize]];
                Replica::start(&w.sim, &w.prep, seed, r)
            })
            .collect();
        // The particle filter over the history's ticks.
        let d = on.discrepancy;
        let weighs = d.sigma > 0.0 || d.noise > 0.0;
        let mut filters = vec![Filtered::START; replicas.len()];
        for t in 1..=end {
            replicas.par_iter_mut().zip(&world_of).for_each(|(r, &w)| r.step(&worlds[w].sim, &worlds[w].prep));
            let y = on.observed[t as usize];
            for (f, r) in filters.iter_mut().zip(&replicas) {
                *f = d.update(f, residual(y, r.adoption[t as usize]), y);
            }
            let log_w: Vec<f64> = filters.iter().map(|f| if weighs { f.log_likelihood } else { 0.0 }).collect();
            let top = log_w.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let weights: Vec<f64> = log_w.iter().map(|l| (l - top).exp()).collect();
            let total: f64 = weights.iter().sum();
            let ess = total * total / weights.iter().map(|w| w * w).sum::<f64>().max(f64::MIN_POSITIVE);
            if t == end || ess < replicas.len() as f64 / 2.0 {
                let offset = Xoshiro::seeded(&[seed, u64::from(t), STREAM_RESAMPLE]).next_f64();
                let picks = systematic(&weights, replicas.len(), offset);
                replicas = picks.iter().map(|&i| replicas[i].clone()).collect();
                world_of = picks.iter().map(|&i| world_of[i]).collect();
                filters = picks.iter().map(|&i| Filtered { log_likelihood: 0.0, ..filters[i] }).collect();
                for (r, replica) in replicas.iter_mut().enumerate() {
                    replica.fork(r as u32);
                }
            }
        }
        let steps = (sim.ticks - end) as usize;
        let offsets = filters
            .iter()
            .enumerate()
            .map(|(r, f)| {
                let level = on.observed[end as usize];
                d.path(f, steps, level, &mut Xoshiro::seeded(&[seed, r as u64, STREAM_DISCREPANCY]))
            })
            .collect();
        let conditioned = Conditioned { observed: on.observed[..=end as usize].to_vec(), offsets };
        Ok(Playback::assemble(worlds, world_of, replicas, seed, every, end, Some(conditioned)))
    }

    fn assemble(
        worlds: Vec<World<'a>>,
        world_of: Vec<usize>,
        replicas: Vec<Replica>,
        seed: u64,
        every: u32,
        start: u32,
        conditioned: Option<Conditioned>,
    ) -> Playback<'a> {
        let sim = &worlds[0].sim;
        let planned = sim.variables.shocks.clone();
        // Opinions make checkpoints heavy (4 bytes an agent a replicate): keep them in budget.
        let heavy = replicas.first().map_or(0, |r| r.snapshot_bytes()) * replicas.len();
        let every = if heavy > 64 {
            let most = (CHECKPOINT_BUDGET / heavy).max(1) as u32;
            every.max(sim.ticks.div_ceil(most))
        } else {
            every
        };
        let mut playback = Playback {
            worlds,
            world_of,
            seed,
            replicas,
            every,
            checkpoints: BTreeMap::new(),
            planned,
            injected: Vec::new(),
            injecting_at: None,
            start,
            conditioned,
        };
        playback.checkpoint();
        playback
    }

    pub fn tick(&self) -> u32 {
        self.replicas[0].tick
    }

    pub fn total_ticks(&self) -> u32 {
        self.worlds[0].sim.ticks
    }

    pub fn finished(&self) -> bool {
        self.tick() == self.total_ticks()
    }

    /// The earliest tick the run can be at: the history's end when conditioned, else 0.
    pub fn start(&self) -> u32 {
        self.start
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn replicas(&self) -> &[Replica] {
        &self.replicas
    }

    /// The simulation with every shock in effect, planned and injected (a conditioned run's
    /// first replicate's coefficients).
    pub fn simulation(&self) -> &Simulation<'a> {
        &self.worlds[0].sim
    }

    /// Shocks injected during this run, in tick order.
    pub fn injected(&self) -> &[Shock] {
        &self.injected
    }

    /// Ticks that hold a checkpoint.
    pub fn checkpoints(&self) -> Vec<u32> {
        self.checkpoints.keys().copied().collect()
    }

    /// Runs the next tick of every replicate.
    pub fn step_forward(&mut self) -> Result<u32, EngineError> {
        if self.finished() {
            return Err(EngineError::Simulation(format!(
                "the run is at its last tick ({}): nothing to step forward to",
                self.total_ticks()
            )));
        }
        let worlds = &self.worlds;
        self.replicas.par_iter_mut().zip(&self.world_of).for_each(|(r, &w)| r.step(&worlds[w].sim, &worlds[w].prep));
        self.injecting_at = None;
        self.checkpoint();
        Ok(self.tick())
    }

    /// Goes back one tick.
    pub fn step_backward(&mut self) -> Result<u32, EngineError> {
        if self.tick() == self.start {
            return Err(EngineError::Simulation(self.before_start(self.start)));
        }
        self.replay(self.tick() - 1)
    }

    /// Moves to the end of tick `tick`, back from a checkpoint or forward from here.
    pub fn replay(&mut self, tick: u32) -> Result<u32, EngineError> {
        if tick > self.total_ticks() {
            return Err(EngineError::Simulation(format!(
                "tick {tick} is out of range: the run has ticks {} to {}",
                self.start,
                self.total_ticks()
            )));
        }
        if tick < self.start {
            return Err(EngineError::Simulation(self.before_start(tick)));
        }
        if tick != self.tick() {
            self.injecting_at = None;
        }
        if tick < self.tick() {
            let (&at, states) = self
                .checkpoints
                .range(..=tick)
                .next_back()
                .ok_or_else(|| EngineError::Simulation(format!("no checkpoint at or before tick {tick}")))?;
            let worlds = &self.worlds;
            self.replicas
                .par_iter_mut()
                .zip(states.par_iter())
                .zip(&self.world_of)
                .for_each(|((r, snap), &w)| r.rewind(&worlds[w].sim, &worlds[w].prep, at, snap));
        }
        while self.tick() < tick {
            self.step_forward()?;
        }
        Ok(self.tick())
    }

    /// Moves `variable` by `magnitude` from the next tick on, in every replicate. A future left
    /// by stepping back is replaced: later injected shocks and checkpoints are dropped (shocks
    /// injected one after another at the same tick all stay).
    pub fn inject_shock(&mut self, variable: &str, magnitude: f64) -> Result<Shock, EngineError> {
        let variables = &self.worlds[0].sim.variables;
        if !variables.initial.contains_key(variable) {
            let known: Vec<&str> = variables.initial.keys().map(String::as_str).collect();
            return Err(EngineError::Simulation(format!(
                "unknown variable '{variable}'; variables: {}",
                if known.is_empty() { "none".to_string() } else { known.join(", ") }
            )));
        }
        if !magnitude.is_finite() {
            return Err(EngineError::Simulation(format!("a shock's magnitude must be finite, got {magnitude}")));
        }
        if self.finished() {
            return Err(EngineError::Simulation("the run is at its last tick: a shock would change nothing".into()));
        }
        let now = self.tick();
        let shock = Shock { tick: now + 1, variable: variable.to_string(), magnitude };
        let together = self.injecting_at == Some(now);
        self.injected.retain(|s| s.tick <= now || (together && s.tick == now + 1));
        self.injected.push(shock.clone());
        self.injecting_at = Some(now);
        self.checkpoints.retain(|&t, _| t <= now);
        let shocks: Vec<Shock> = self.planned.iter().chain(&self.injected).cloned().collect();
        for w in &mut self.worlds {
            w.sim.variables.shocks.clone_from(&shocks);
        }
        Ok(shock)
    }

    /// What replicate `r` shows: its share, or when conditioned the history up to its end and
    /// then its share moved by its discrepancy, within 0 to 1.
    fn shown(&self, r: usize) -> Vec<f64> {
        let own = &self.replicas[r].adoption;
        let Some(c) = &self.conditioned else { return own.clone() };
        own.iter()
            .enumerate()
            .map(|(t, x)| match c.observed.get(t) {
                Some(y) => *y,
                None => offset(*x, c.offsets[r][t - c.observed.len()]),
            })
            .collect()
    }

    /// p5..p95 of the adoption share at ticks 0..=current, across replicates.
    pub fn bands(&self) -> Vec<[f64; 5]> {
        let shown: Vec<Vec<f64>> = (0..self.replicas.len()).map(|r| self.shown(r)).collect();
        let series: Vec<&[f64]> = shown.iter().map(Vec::as_slice).collect();
        bands_of(&series)
    }

    /// p5..p95 of the adoption share at `tick` (at most the current one), across replicates.
    pub fn band(&self, tick: u32) -> [f64; 5] {
        let t = tick.min(self.tick()) as usize;
        let shown: Vec<Vec<f64>> = (0..self.replicas.len()).map(|r| self.shown(r)[t..=t].to_vec()).collect();
        let series: Vec<&[f64]> = shown.iter().map(Vec::as_slice).collect();
        bands_of(&series).first().copied().unwrap_or_default()
    }

    /// The ensemble as it stands (complete when [`Playback::finished`]), with its digest: a
    /// conditioned run's replicates show what [`Playback::bands`] shows, and their digests
    /// cover the history and their discrepancy too.
    pub fn ensemble(&self) -> Ensemble {
        let results: Vec<RunResult> = (0..self.replicas.len())
            .map(|r| {
                let mut result = self.replicas[r].result();
                if let Some(c) = &self.conditioned {
                    let mut h = Sha256::new();
                    h.update(result.digest.as_bytes());
                    c.observed.iter().chain(&c.offsets[r]).for_each(|v| h.update(v.to_le_bytes()));
                    result.digest = hex::encode(h.finalize());
                    result.adoption = self.shown(r);
                }
                result
            })
            .collect();
        gather(self.seed, results)
    }

    fn before_start(&self, tick: u32) -> String {
        format!("tick {tick} is before this run's start: it starts where the history ends, at tick {}", self.start)
    }

    fn checkpoint(&mut self) {
        let tick = self.tick();
        if (tick == self.start || tick.is_multiple_of(self.every)) && !self.checkpoints.contains_key(&tick) {
            self.checkpoints.insert(tick, self.replicas.iter().map(Replica::snapshot).collect());
        }
    }
}
