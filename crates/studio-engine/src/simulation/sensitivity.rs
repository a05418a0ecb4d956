//! Global sensitivity of an output to its inputs, each varied within its range: Morris
//! screening (elementary effects along one-at-a-time trajectories: μ*, the mean absolute effect,
//! and σ, their spread — non-linearity or interaction) and Sobol indices (the share of the
//! output's variance each input explains alone, first order, and with all its interactions,
//! total; Saltelli's 2010 estimator for the first and Jansen's for the total). The output is any
//! function of the inputs — an ensemble's final share, a threshold's probability — so callers
//! count its evaluations; draws are seeded.

use crate::fastrng::Xoshiro;

/// An input's name and range.
#[derive(Debug, Clone, PartialEq)]
pub struct Factor {
    pub name: String,
    pub lower: f64,
    pub upper: f64,
}

impl Factor {
    fn at(&self, unit: f64) -> f64 {
        self.lower + unit * (self.upper - self.lower)
    }
}

/// One input's Morris measures, in the output's units per the input's whole range.
#[derive(Debug, Clone, PartialEq)]
pub struct Morris {
    pub name: String,
    pub mu_star: f64,
    pub sigma: f64,
}

/// Morris screening with `trajectories` one-at-a-time paths on a grid of `levels` levels: costs
/// `trajectories × (k + 1)` evaluations.
pub fn morris(
    f: &dyn Fn(&[f64]) -> f64,
    factors: &[Factor],
    trajectories: usize,
    levels: usize,
    seed: u64,
) -> Vec<Morris> {
    let k = factors.len();
    let levels = levels.max(2);
    let delta = levels as f64 / (2.0 * (levels - 1) as f64);
    let mut rng = Xoshiro::seeded(&[seed, 0x4D4F52]);
    let mut effects: Vec<Vec<f64>> = vec![Vec::with_capacity(trajectories); k];
    let point = |u: &[f64]| -> Vec<f64> { factors.iter().zip(u).map(|(f, u)| f.at(*u)).collect() };
    for _ in 0..trajectories {
        // A start on the grid from which every step of +Δ or −Δ stays inside [0, 1].
        let steps_up = levels / 2;
        let mut u: Vec<f64> = (0..k).map(|_| rng.below(steps_up as u64) as f64 / (levels - 1) as f64).collect();
        let mut order: Vec<usize> = (0..k).collect();
        for i in (1..k).rev() {
            order.swap(i, rng.below(i as u64 + 1) as usize);
        }
        let mut y = f(&point(&u));
        for &j in &order {
            u[j] += delta;
            let next = f(&point(&u));
            effects[j].push((next - y) / delta);
            y = next;
        }
    }
    factors
        .iter()
        .zip(effects)
        .map(|(factor, e)| {
            let n = e.len().max(1) as f64;
            let mean = e.iter().sum::<f64>() / n;
            let mu_star = e.iter().map(|v| v.abs()).sum::<f64>() / n;
            let sigma = (e.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0)).sqrt();
            Morris { name: factor.name.clone(), mu_star, sigma }
        })
        .collect()
}

/// One input's Sobol indices.
#[derive(Debug, Clone, PartialEq)]
pub struct Sobol {
    pub name: String,
    /// First order: the share of variance the input explains alone.
    pub first: f64,
    /// Total: with every interaction it takes part in.
    pub total: f64,
}

/// Sobol indices from `n` base samples: costs `n × (k + 2)` evaluations.
pub fn sobol(f: &dyn Fn(&[f64]) -> f64, factors: &[Factor], n: usize, seed: u64) -> Vec<Sobol> {
    let mut rng = Xoshiro::seeded(&[seed, 0x50B0]);
    let draw = |rng: &mut Xoshiro| -> Vec<f64> { factors.iter().map(|f| f.at(rng.next_f64())).collect() };
    let a: Vec<Vec<f64>> = (0..n).map(|_| draw(&mut rng)).collect();
    let b: Vec<Vec<f64>> = (0..n).map(|_| draw(&mut rng)).collect();
    let fa: Vec<f64> = a.iter().map(|x| f(x)).collect();
    let fb: Vec<f64> = b.iter().map(|x| f(x)).collect();
    let all: Vec<f64> = fa.iter().chain(&fb).copied().collect();
    let mean = all.iter().sum::<f64>() / all.len().max(1) as f64;
    let variance = all.iter().map(|y| (y - mean).powi(2)).sum::<f64>() / all.len().max(1) as f64;
    factors
        .iter()
        .enumerate()
        .map(|(j, factor)| {
            // A with its j-th column from B.
            let fab: Vec<f64> = a
                .iter()
                .zip(&b)
                .map(|(x, y)| {
                    let mut mixed = x.clone();
                    mixed[j] = y[j];
                    f(&mixed)
                })
                .collect();
            let first = (0..n).map(|i| fb[i] * (fab[i] - fa[i])).sum::<f64>() / n as f64 / variance;
            let total = (0..n).map(|i| (fa[i] - fab[i]).powi(2)).sum::<f64>() / (2.0 * n as f64) / variance;
            Sobol { name: factor.name.clone(), first, total }
        })
        .collect()
}
