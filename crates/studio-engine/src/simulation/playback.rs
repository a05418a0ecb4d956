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

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::EngineError;
use crate::simulation::ensemble::{Ensemble, bands_of, gather};
use crate::simulation::model::Shock;
use crate::simulation::prepared::Prepared;
use crate::simulation::replica::{Replica, Snapshot};
use crate::simulation::run::Simulation;

/// Checkpoint interval when none is given.
pub const DEFAULT_CHECKPOINT_EVERY: u32 = 10;
/// Most bytes the checkpoints of an opinion model may hold: past it they are spaced out.
pub const CHECKPOINT_BUDGET: usize = 512 << 20;

pub struct Playback<'a> {
    sim: Simulation<'a>,
    prep: Prepared,
    seed: u64,
    replicas: Vec<Replica>,
    every: u32,
    checkpoints: BTreeMap<u32, Vec<Snapshot>>,
    planned: Vec<Shock>,
    injected: Vec<Shock>,
    /// The tick at which shocks were last injected, until the run moves: shocks injected
    /// together all apply.
    injecting_at: Option<u32>,
}

impl<'a> Playback<'a> {
    /// `replicates` replicates at tick 0, a checkpoint every `every` ticks.
    pub fn new(sim: Simulation<'a>, seed: u64, replicates: u32, every: u32) -> Result<Playback<'a>, EngineError> {
        if replicates == 0 || replicates > 10_000 {
            return Err(EngineError::Simulation(format!("replicates must be 1 to 10000, got {replicates}")));
        }
        if every == 0 {
            return Err(EngineError::Simulation("checkpoints must be at least 1 tick apart".into()));
        }
        sim.check()?;
        let prep = Prepared::new(&sim);
        let replicas: Vec<Replica> =
            (0..replicates).into_par_iter().map(|r| Replica::start(&sim, &prep, seed, r)).collect();
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
            sim,
            prep,
            seed,
            replicas,
            every,
            checkpoints: BTreeMap::new(),
            planned,
            injected: Vec::new(),
            injecting_at: None,
        };
        playback.checkpoint();
        Ok(playback)
    }

    pub fn tick(&self) -> u32 {
        self.replicas[0].tick
    }

    pub fn total_ticks(&self) -> u32 {
        self.sim.ticks
    }

    pub fn finished(&self) -> bool {
        self.tick() == self.sim.ticks
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn replicas(&self) -> &[Replica] {
        &self.replicas
    }

    /// The simulation with every shock in effect, planned and injected.
    pub fn simulation(&self) -> &Simulation<'a> {
        &self.sim
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
                self.sim.ticks
            )));
        }
        let (sim, prep) = (&self.sim, &self.prep);
        self.replicas.par_iter_mut().for_each(|r| r.step(sim, prep));
        self.injecting_at = None;
        self.checkpoint();
        Ok(self.tick())
    }

    /// Goes back one tick.
    pub fn step_backward(&mut self) -> Result<u32, EngineError> {
        if self.tick() == 0 {
            return Err(EngineError::Simulation("the run is at tick 0: nothing to step back to".into()));
        }
        self.replay(self.tick() - 1)
    }

    /// Moves to the end of tick `tick`, back from a checkpoint or forward from here.
    pub fn replay(&mut self, tick: u32) -> Result<u32, EngineError> {
        if tick > self.sim.ticks {
            return Err(EngineError::Simulation(format!(
                "tick {tick} is out of range: the run has ticks 0 to {}",
                self.sim.ticks
            )));
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
            let (sim, prep) = (&self.sim, &self.prep);
            self.replicas.par_iter_mut().zip(states.par_iter()).for_each(|(r, snap)| r.rewind(sim, prep, at, snap));
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
        if !self.sim.variables.initial.contains_key(variable) {
            let known: Vec<&str> = self.sim.variables.initial.keys().map(String::as_str).collect();
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
        self.sim.variables.shocks = self.planned.iter().chain(&self.injected).cloned().collect();
        Ok(shock)
    }

    /// p5..p95 of the adoption share at ticks 0..=current, across replicates.
    pub fn bands(&self) -> Vec<[f64; 5]> {
        let series: Vec<&[f64]> = self.replicas.iter().map(|r| r.adoption.as_slice()).collect();
        bands_of(&series)
    }

    /// p5..p95 of the adoption share at `tick` (at most the current one), across replicates.
    pub fn band(&self, tick: u32) -> [f64; 5] {
        let t = tick.min(self.tick()) as usize;
        let series: Vec<&[f64]> = self.replicas.iter().map(|r| &r.adoption[t..=t]).collect();
        bands_of(&series).first().copied().unwrap_or_default()
    }

    /// The ensemble as it stands (complete when [`Playback::finished`]), with its digest.
    pub fn ensemble(&self) -> Ensemble {
        gather(self.seed, self.replicas.iter().map(Replica::result).collect())
    }

    fn checkpoint(&mut self) {
        let tick = self.tick();
        if tick.is_multiple_of(self.every) && !self.checkpoints.contains_key(&tick) {
            self.checkpoints.insert(tick, self.replicas.iter().map(Replica::snapshot).collect());
        }
    }
}
