//! Ensembles: R replicates of a run in parallel (rayon), each with its own generator, gathered
//! in replicate order so the result is the same at any thread count; per tick the p5, p25, p50,
//! p75 and p95 of the adoption share, and the probability of threshold events.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::EngineError;
use crate::simulation::prepared::Prepared;
use crate::simulation::replica::Replica;
use crate::simulation::run::{RunResult, Simulation};

/// The quantiles every band chart shows.
pub const QUANTILES: [f64; 5] = [0.05, 0.25, 0.5, 0.75, 0.95];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ensemble {
    pub seed: u64,
    pub replicates: u32,
    /// `bands[t]` = the adoption share's p5, p25, p50, p75, p95 at tick t.
    pub bands: Vec<[f64; 5]>,
    pub mean: Vec<f64>,
    /// Mean adoption share by group (archetype) per tick.
    pub by_group_mean: Vec<Vec<f64>>,
    /// Mean share per segment, category and tick.
    pub by_segment_mean: Vec<Vec<Vec<f64>>>,
    /// Each replicate's digest, in order; their hash is the ensemble's digest.
    pub run_digests: Vec<String>,
    pub digest: String,
    /// Each replicate's adoption series (for threshold probabilities and charts).
    pub runs: Vec<Vec<f64>>,
}

impl Ensemble {
    /// Share of replicates whose adoption reached `share` by `tick` (e.g. ≥ 30% by tick 60).
    pub fn probability(&self, share: f64, tick: usize) -> f64 {
        if self.runs.is_empty() {
            return 0.0;
        }
        let hits = self.runs.iter().filter(|r| r.iter().take(tick + 1).any(|s| *s >= share)).count();
        hits as f64 / self.runs.len() as f64
    }

    /// The first tick at which the median reaches `share`, if it does.
    pub fn median_crossing(&self, share: f64) -> Option<usize> {
        self.bands.iter().position(|b| b[2] >= share)
    }
}

/// A quantile of sorted values, by linear interpolation (numpy's default).
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let at = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (at.floor() as usize, at.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo as f64)
}

pub fn ensemble(sim: &Simulation<'_>, seed: u64, replicates: u32) -> Result<Ensemble, EngineError> {
    if replicates == 0 || replicates > 10_000 {
        return Err(EngineError::Simulation(format!("replicates must be 1 to 10000, got {replicates}")));
    }
    sim.check()?;
    let prep = Prepared::new(sim);
    let runs: Vec<RunResult> = (0..replicates)
        .into_par_iter()
        .map(|r| {
            let mut replica = Replica::start(sim, &prep, seed, r);
            while replica.tick < sim.ticks {
                replica.step(sim, &prep);
            }
            replica.result()
        })
        .collect();
    Ok(gather(seed, runs))
}

/// Bands, means and digests of finished runs, in replicate order.
pub fn gather(seed: u64, runs: Vec<RunResult>) -> Ensemble {
    let ticks = runs.first().map_or(0, |r| r.adoption.len());
    let groups = runs.first().map_or(0, |r| r.by_group.len());
    let series: Vec<&[f64]> = runs.iter().map(|r| r.adoption.as_slice()).collect();
    let bands = bands_of(&series);
    let mean = (0..ticks).map(|t| runs.iter().map(|r| r.adoption[t]).sum::<f64>() / runs.len() as f64).collect();
    let mean_of = |series: &dyn Fn(&RunResult) -> &[f64]| -> Vec<f64> {
        (0..ticks).map(|t| runs.iter().map(|r| series(r)[t]).sum::<f64>() / runs.len() as f64).collect()
    };
    let by_group_mean = (0..groups).map(|g| mean_of(&|r: &RunResult| &r.by_group[g])).collect();
    let segments = runs.first().map_or(0, |r| r.by_segment.len());
    let by_segment_mean = (0..segments)
        .map(|s| {
            let parts = runs[0].by_segment[s].len();
            (0..parts).map(|c| mean_of(&|r: &RunResult| &r.by_segment[s][c])).collect()
        })
        .collect();
    let run_digests: Vec<String> = runs.iter().map(|r| r.digest.clone()).collect();
    let mut h = Sha256::new();
    for d in &run_digests {
        h.update(d.as_bytes());
    }
    Ensemble {
        seed,
        replicates: runs.len() as u32,
        bands,
        mean,
        by_group_mean,
        by_segment_mean,
        run_digests,
        digest: hex::encode(h.finalize()),
        runs: runs.into_iter().map(|r| r.adoption).collect(),
    }
}

/// Per tick, the [`QUANTILES`] of the replicates' values (over the ticks all of them have).
pub fn bands_of(series: &[&[f64]]) -> Vec<[f64; 5]> {
    let ticks = series.iter().map(|s| s.len()).min().unwrap_or(0);
    let mut column = Vec::with_capacity(series.len());
    (0..ticks)
        .map(|t| {
            column.clear();
            column.extend(series.iter().map(|s| s[t]));
            column.sort_by(f64::total_cmp);
            QUANTILES.map(|q| quantile(&column, q))
        })
        .collect()
}
