//! Global sensitivity of an output to its inputs, each varied within its range: Morris
//! screening (elementary effects along one-at-a-time trajectories: μ*, the mean absolute effect,
//! and σ, their spread — non-linearity or interaction) and Sobol indices (the share of the
//! output's variance each input explains alone, first order, and with all its interactions,
//! total; Saltelli's 2010 estimator for the first and Jansen's for the total, with bootstrap
//! intervals).
//!
//! Each method is a design — the points to evaluate, drawn from a seed — and an analysis of the
//! outputs at those points, so the caller evaluates them as it likes (in parallel, with
//! progress, several outputs from the same evaluations) and counts what they cost.

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

/// Morris screening's points: `trajectories` one-at-a-time paths on a grid of `levels` levels,
/// `trajectories × (k + 1)` points.
#[derive(Debug, Clone)]
pub struct MorrisDesign {
    factors: Vec<Factor>,
    delta: f64,
    points: Vec<Vec<f64>>,
    /// For each trajectory, the order its factors were stepped in.
    orders: Vec<Vec<usize>>,
}

impl MorrisDesign {
    pub fn new(factors: &[Factor], trajectories: usize, levels: usize, seed: u64) -> MorrisDesign {
        let k = factors.len();
        let levels = levels.max(2);
        let delta = levels as f64 / (2.0 * (levels - 1) as f64);
        let mut rng = Xoshiro::seeded(&[seed, 0x4D4F52]);
        let mut points = Vec::with_capacity(trajectories * (k + 1));
        let mut orders = Vec::with_capacity(trajectories);
        let steps_up = (levels / 2).max(1);
        for _ in 0..trajectories {
            // A start on the grid from which every step of +Δ stays inside [0, 1].
            let mut u: Vec<f64> = (0..k).map(|_| rng.below(steps_up as u64) as f64 / (levels - 1) as f64).collect();
            let mut order: Vec<usize> = (0..k).collect();
            for i in (1..k).rev() {
                order.swap(i, rng.below(i as u64 + 1) as usize);
            }
            points.push(u.clone());
            for &j in &order {
                u[j] += delta;
                points.push(u.clone());
            }
            orders.push(order);
        }
        let points = points.iter().map(|u| unit_to(factors, u)).collect();
        MorrisDesign { factors: factors.to_vec(), delta, points, orders }
    }

    /// The points to evaluate, in the factors' units.
    pub fn points(&self) -> &[Vec<f64>] {
        &self.points
    }

    /// The measures of each factor from the outputs at [`points`](Self::points), in order.
    pub fn analyse(&self, outputs: &[f64]) -> Vec<Morris> {
        let k = self.factors.len();
        let mut effects: Vec<Vec<f64>> = vec![Vec::with_capacity(self.orders.len()); k];
        for (t, order) in self.orders.iter().enumerate() {
            let ys = &outputs[t * (k + 1)..(t + 1) * (k + 1)];
            for (step, &j) in order.iter().enumerate() {
                effects[j].push((ys[step + 1] - ys[step]) / self.delta);
            }
        }
        self.factors
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
}

/// Morris screening of `f`: costs `trajectories × (k + 1)` evaluations.
pub fn morris(
    f: &dyn Fn(&[f64]) -> f64,
    factors: &[Factor],
    trajectories: usize,
    levels: usize,
    seed: u64,
) -> Vec<Morris> {
    let design = MorrisDesign::new(factors, trajectories, levels, seed);
    let outputs: Vec<f64> = design.points().iter().map(|x| f(x)).collect();
    design.analyse(&outputs)
}

/// One input's Sobol indices, with 90% bootstrap intervals.
#[derive(Debug, Clone, PartialEq)]
pub struct Sobol {
    pub name: String,
    /// First order: the share of variance the input explains alone.
    pub first: f64,
    pub first_interval: [f64; 2],
    /// Total: with every interaction it takes part in.
    pub total: f64,
    pub total_interval: [f64; 2],
}

/// Sobol indices' points: `n` base rows of two independent samples A and B, then for each
/// factor j the rows of A with column j from B — `n × (k + 2)` points.
#[derive(Debug, Clone)]
pub struct SobolDesign {
    factors: Vec<Factor>,
    n: usize,
    seed: u64,
    points: Vec<Vec<f64>>,
}

/// Bootstrap resamples behind each interval.
const RESAMPLES: usize = 200;

impl SobolDesign {
    pub fn new(factors: &[Factor], n: usize, seed: u64) -> SobolDesign {
        let mut rng = Xoshiro::seeded(&[seed, 0x50B0]);
        let mut draw = || -> Vec<f64> { factors.iter().map(|f| f.at(rng.next_f64())).collect() };
        let a: Vec<Vec<f64>> = (0..n).map(|_| draw()).collect();
        let b: Vec<Vec<f64>> = (0..n).map(|_| draw()).collect();
        let mut points = Vec::with_capacity(n * (factors.len() + 2));
        points.extend(a.iter().cloned());
        points.extend(b.iter().cloned());
        for j in 0..factors.len() {
            points.extend(a.iter().zip(&b).map(|(x, y)| {
                let mut mixed = x.clone();
                mixed[j] = y[j];
                mixed
            }));
        }
        SobolDesign { factors: factors.to_vec(), n, seed, points }
    }

    pub fn points(&self) -> &[Vec<f64>] {
        &self.points
    }

    /// The indices of each factor from the outputs at [`points`](Self::points), in order. An
    /// output that does not vary has every index 0.
    pub fn analyse(&self, outputs: &[f64]) -> Vec<Sobol> {
        let n = self.n;
        let fa = &outputs[..n];
        let fb = &outputs[n..2 * n];
        let all_rows: Vec<usize> = (0..n).collect();
        let mut rng = Xoshiro::seeded(&[self.seed, 0xB0075]);
        let resamples: Vec<Vec<usize>> =
            (0..RESAMPLES).map(|_| (0..n).map(|_| rng.below(n as u64) as usize).collect()).collect();
        self.factors
            .iter()
            .enumerate()
            .map(|(j, factor)| {
                let fab = &outputs[(2 + j) * n..(3 + j) * n];
                let (first, total) = indices(fa, fb, fab, &all_rows);
                let (firsts, totals): (Vec<f64>, Vec<f64>) =
                    resamples.iter().map(|rows| indices(fa, fb, fab, rows)).unzip();
                Sobol {
                    name: factor.name.clone(),
                    first,
                    first_interval: interval(firsts),
                    total,
                    total_interval: interval(totals),
                }
            })
            .collect()
    }
}

/// First-order (Saltelli 2010, on centred outputs) and total (Jansen) indices over the rows `rows`.
fn indices(fa: &[f64], fb: &[f64], fab: &[f64], rows: &[usize]) -> (f64, f64) {
    let m = rows.len().max(1) as f64;
    let mean = rows.iter().map(|&i| fa[i] + fb[i]).sum::<f64>() / (2.0 * m);
    let variance = rows.iter().map(|&i| (fa[i] - mean).powi(2) + (fb[i] - mean).powi(2)).sum::<f64>() / (2.0 * m);
    if variance <= f64::EPSILON * mean.abs().max(1.0) {
        return (0.0, 0.0);
    }
    // Centred: the same expectation (f_ABj and f_A share theirs), far less variance when the
    // output's mean is large against its spread.
    let first = rows.iter().map(|&i| (fb[i] - mean) * (fab[i] - fa[i])).sum::<f64>() / m / variance;
    let total = rows.iter().map(|&i| (fa[i] - fab[i]).powi(2)).sum::<f64>() / (2.0 * m) / variance;
    (first, total)
}

/// The 5th and 95th percentiles of bootstrap estimates.
fn interval(mut estimates: Vec<f64>) -> [f64; 2] {
    estimates.sort_by(f64::total_cmp);
    let at = |q: f64| estimates[((estimates.len() - 1) as f64 * q).round() as usize];
    [at(0.05), at(0.95)]
}

/// Sobol indices of `f` from `n` base samples: costs `n × (k + 2)` evaluations.
pub fn sobol(f: &dyn Fn(&[f64]) -> f64, factors: &[Factor], n: usize, seed: u64) -> Vec<Sobol> {
    let design = SobolDesign::new(factors, n, seed);
    let outputs: Vec<f64> = design.points().iter().map(|x| f(x)).collect();
    design.analyse(&outputs)
}

fn unit_to(factors: &[Factor], unit: &[f64]) -> Vec<f64> {
    factors.iter().zip(unit).map(|(f, u)| f.at(*u)).collect()
}
