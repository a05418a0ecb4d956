//! Approximate Bayesian computation by sequential Monte Carlo (ABC-SMC, Beaumont et al. 2009):
//! a population of coefficient vectors drawn from the prior (uniform within bounds), then
//! generations whose tolerance is a quantile of the last population's distances (Del Moral et
//! al. 2012), each proposal a weighted particle moved by a Gaussian kernel twice the
//! population's variance and kept when its simulation lands within the tolerance. The result
//! is a weighted sample of the posterior, not a point.
//!
//! Deterministic at any thread count: proposals are drawn in batches from generators seeded by
//! (seed, generation, batch), simulated in parallel, and accepted in proposal order. The budget
//! (simulations) is a hard limit.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::EngineError;
use crate::fastrng::Xoshiro;

/// The weighted sample of coefficient vectors ABC-SMC ends with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Posterior {
    /// The coefficients' paths, in the order of each particle's values.
    pub parameters: Vec<String>,
    pub particles: Vec<Vec<f64>>,
    /// Normalised importance weights.
    pub weights: Vec<f64>,
    /// Each particle's distance to the observations.
    pub distances: Vec<f64>,
    /// The last generation's tolerance.
    pub tolerance: f64,
    pub generations: usize,
    /// Simulations used, accepted or not.
    pub simulations: usize,
}

/// What one simulation answers: its distance to the observations and the series it made.
pub type Outcome = (f64, Vec<f64>);

pub struct AbcSpec {
    pub bounds: Vec<(f64, f64)>,
    pub particles: usize,
    /// Most simulations in all.
    pub budget: usize,
    pub seed: u64,
    /// The quantile of the last distances that becomes the next tolerance.
    pub quantile: f64,
    /// Where the first population is drawn around (a point estimate, in the coefficients'
    /// units) and its spread as a share of each range; without it, from the whole prior.
    pub centre: Option<(Vec<f64>, f64)>,
}

/// A posterior and the series each of its particles made.
pub struct AbcResult {
    pub posterior: Posterior,
    pub series: Vec<Vec<f64>>,
}

struct Population {
    units: Vec<Vec<f64>>,
    weights: Vec<f64>,
    outcomes: Vec<Outcome>,
    tolerance: f64,
}

impl Posterior {
    /// The weighted mean of each coefficient.
    pub fn mean(&self) -> Vec<f64> {
        let d = self.particles.first().map_or(0, Vec::len);
        (0..d).map(|j| self.particles.iter().zip(&self.weights).map(|(p, w)| w * p[j]).sum()).collect()
    }

    /// The weighted standard deviation of each coefficient.
    pub fn sd(&self) -> Vec<f64> {
        let mean = self.mean();
        (0..mean.len())
            .map(|j| {
                let v: f64 = self.particles.iter().zip(&self.weights).map(|(p, w)| w * (p[j] - mean[j]).powi(2)).sum();
                v.sqrt()
            })
            .collect()
    }

    /// 1 / Σ w²: how many equally weighted particles the sample is worth.
    pub fn effective_size(&self) -> f64 {
        1.0 / self.weights.iter().map(|w| w * w).sum::<f64>().max(f64::MIN_POSITIVE)
    }

    /// `count` particle indices drawn by weight (systematic resampling, one offset from `seed`).
    pub fn draws(&self, count: usize, seed: u64) -> Vec<usize> {
        let offset = Xoshiro::seeded(&[seed, 0xD2A5]).next_f64();
        systematic(&self.weights, count, offset)
    }
}

/// `count` indices into `weights` (which sum to 1), by systematic resampling from `offset` in [0, 1).
pub fn systematic(weights: &[f64], count: usize, offset: f64) -> Vec<usize> {
    let total: f64 = weights.iter().sum();
    let mut out = Vec::with_capacity(count);
    let (mut i, mut cumulative) = (0usize, weights.first().copied().unwrap_or(0.0) / total);
    for k in 0..count {
        let u = (k as f64 + offset) / count as f64;
        while u > cumulative && i + 1 < weights.len() {
            i += 1;
            cumulative += weights[i] / total;
        }
        out.push(i);
    }
    out
}

/// Runs ABC-SMC: `simulate(coefficients, index)` answers one simulation's outcome (None when
/// the coefficients cannot be simulated), `index` being distinct for every simulation.
/// `progress` hears the share of the budget spent and the tolerance reached.
pub fn abc_smc(
    simulate: &(dyn Fn(&[f64], u64) -> Option<Outcome> + Sync),
    spec: &AbcSpec,
    progress: &mut dyn FnMut(f64, f64),
) -> Result<AbcResult, EngineError> {
    let d = spec.bounds.len();
    let n = spec.particles;
    if d == 0 || n < 4 {
        return Err(EngineError::Simulation(format!("ABC needs a coefficient and 4 particles, got {d} and {n}")));
    }
    if spec.budget < n {
        return Err(EngineError::Simulation(format!(
            "a budget of {} simulations cannot fill even the first {n} particles",
            spec.budget
        )));
    }
    let to_x = |u: &[f64]| -> Vec<f64> { spec.bounds.iter().zip(u).map(|((lo, hi), u)| lo + u * (hi - lo)).collect() };
    let mut used = 0usize;
    // Generation 0: the prior, as evenly as a Halton sequence covers it; or, around a centre, a
    // Gaussian whose draws are weighted by prior / proposal so the sample is still the prior's.
    let (units, weights): (Vec<Vec<f64>>, Vec<f64>) = match &spec.centre {
        None => (0..n).map(|i| (halton_point(i + 1, d), 1.0)).unzip(),
        Some((centre, spread)) => {
            // Half from the prior, half around the centre (a defensive mixture, Hesterberg
            // 1995: a centre in the wrong place cannot hide the right one), each draw weighted
            // by prior / mixture.
            let c: Vec<f64> =
                spec.bounds.iter().zip(centre).map(|((lo, hi), x)| ((x - lo) / (hi - lo)).clamp(0.0, 1.0)).collect();
            let mut rng = Xoshiro::seeded(&[spec.seed, 0xC3]);
            let norm = (std::f64::consts::TAU.sqrt() * spread).powi(d as i32);
            let mixture = |u: &[f64]| {
                let z2: f64 = u.iter().zip(&c).map(|(u, c)| ((u - c) / spread).powi(2)).sum();
                0.5 + 0.5 * (-0.5 * z2).exp() / norm
            };
            (0..n)
                .map(|i| {
                    let u: Vec<f64> = if i % 2 == 0 {
                        halton_point(i / 2 + 1, d)
                    } else {
                        loop {
                            let u: Vec<f64> = c.iter().map(|c| c + spread * rng.normal()).collect();
                            if u.iter().all(|u| (0.0..=1.0).contains(u)) {
                                break u;
                            }
                        }
                    };
                    let w = 1.0 / mixture(&u);
                    (u, w)
                })
                .unzip()
        }
    };
    let outcomes = run_batch(simulate, &units, &to_x, used as u64);
    used += n;
    let (units, (outcomes, weights)): (Vec<_>, (Vec<_>, Vec<f64>)) =
        units.into_iter().zip(outcomes.into_iter().zip(weights)).filter_map(|(u, (o, w))| Some((u, (o?, w)))).unzip();
    if units.len() < n / 2 {
        return Err(EngineError::Simulation(format!(
            "only {} of {n} draws from the prior could be simulated",
            units.len()
        )));
    }
    // The first tolerance: the population's median distance; the draws beyond it are dropped.
    let mut sorted: Vec<f64> = outcomes.iter().map(|o: &Outcome| o.0).collect();
    sorted.sort_by(f64::total_cmp);
    let tolerance = crate::simulation::quantile(&sorted, spec.quantile);
    let (units, (outcomes, weights)): (Vec<_>, (Vec<Outcome>, Vec<f64>)) =
        units.into_iter().zip(outcomes.into_iter().zip(weights)).filter(|(_, (o, _))| o.0 <= tolerance).unzip();
    let total: f64 = weights.iter().sum();
    let weights = weights.iter().map(|w| w / total).collect();
    let mut population = Population { units, weights, outcomes, tolerance };
    let mut generations = 1;
    progress(used as f64 / spec.budget as f64, population.tolerance);
    while used < spec.budget {
        let mut distances: Vec<f64> = population.outcomes.iter().map(|o| o.0).collect();
        distances.sort_by(f64::total_cmp);
        let tolerance = crate::simulation::quantile(&distances, spec.quantile);
        let kernel = Kernel::of(&population);
        let mut accepted: Vec<(Vec<f64>, Outcome)> = Vec::with_capacity(n);
        let spent_before = used;
        let mut batch_no = 0u64;
        while accepted.len() < n && used < spec.budget {
            let size = (2 * (n - accepted.len())).max(8).min(spec.budget - used);
            let mut rng = Xoshiro::seeded(&[spec.seed, generations as u64, batch_no, 0xABC]);
            let proposals: Vec<Vec<f64>> = (0..size).map(|_| propose(&population, &kernel, &mut rng)).collect();
            let outcomes = run_batch(simulate, &proposals, &to_x, used as u64);
            used += size;
            for (u, o) in proposals.into_iter().zip(outcomes) {
                if let Some(o) = o.filter(|o| o.0 <= tolerance) {
                    accepted.push((u, o));
                    if accepted.len() == n {
                        break;
                    }
                }
            }
            batch_no += 1;
        }
        // A generation the budget cut short counts only if it holds half a population.
        if accepted.len() < n / 2 {
            break;
        }
        let spent = used - spent_before;
        let weights: Vec<f64> = accepted
            .iter()
            .map(|(u, _)| {
                let denominator: f64 =
                    population.units.iter().zip(&population.weights).map(|(v, w)| w * kernel.density(u, v)).sum();
                1.0 / denominator.max(f64::MIN_POSITIVE)
            })
            .collect();
        let total: f64 = weights.iter().sum();
        let (units, outcomes) = accepted.into_iter().unzip();
        population = Population { units, weights: weights.iter().map(|w| w / total).collect(), outcomes, tolerance };
        generations += 1;
        progress(used as f64 / spec.budget as f64, tolerance);
        // Fewer than 1 in 30 proposals accepted: the tolerance is at the simulations' own noise
        // (or the model's misfit), and going on would spend the budget for nothing.
        if spent > 30 * n {
            break;
        }
    }
    let (distances, series): (Vec<f64>, Vec<Vec<f64>>) = population.outcomes.into_iter().unzip();
    Ok(AbcResult {
        posterior: Posterior {
            parameters: Vec::new(),
            particles: population.units.iter().map(|u| to_x(u)).collect(),
            weights: population.weights,
            distances,
            tolerance: population.tolerance,
            generations,
            simulations: used,
        },
        series,
    })
}

fn run_batch(
    simulate: &(dyn Fn(&[f64], u64) -> Option<Outcome> + Sync),
    units: &[Vec<f64>],
    to_x: &(dyn Fn(&[f64]) -> Vec<f64> + Sync),
    first: u64,
) -> Vec<Option<Outcome>> {
    units.par_iter().enumerate().map(|(i, u)| simulate(&to_x(u), first + i as u64)).collect()
}

/// The kernel: a Gaussian of twice the population's weighted covariance (Beaumont et al.),
/// kept as its Cholesky factor — coefficients that trade off against each other are moved
/// along their ridge, not across it.
struct Kernel {
    /// Lower-triangular L with L·Lᵀ = 2Σ, row-major d×d.
    l: Vec<f64>,
    d: usize,
}

impl Kernel {
    fn of(p: &Population) -> Kernel {
        let d = p.units[0].len();
        let mean: Vec<f64> = (0..d).map(|j| p.units.iter().zip(&p.weights).map(|(u, w)| w * u[j]).sum()).collect();
        let mut cov = vec![0.0; d * d];
        for (u, w) in p.units.iter().zip(&p.weights) {
            for i in 0..d {
                for j in 0..=i {
                    cov[i * d + j] += 2.0 * w * (u[i] - mean[i]) * (u[j] - mean[j]);
                }
            }
        }
        for i in 0..d {
            cov[i * d + i] = cov[i * d + i].max(1e-8);
        }
        // Cholesky; a pivot that vanishes (particles on a line) is given a floor.
        let mut l = vec![0.0; d * d];
        for i in 0..d {
            for j in 0..=i {
                let sum: f64 = (0..j).map(|k| l[i * d + k] * l[j * d + k]).sum();
                if i == j {
                    l[i * d + i] = (cov[i * d + i] - sum).max(1e-8 * cov[i * d + i].max(1e-8)).sqrt();
                } else {
                    l[i * d + j] = (cov[i * d + j] - sum) / l[j * d + j];
                }
            }
        }
        Kernel { l, d }
    }

    /// `from` moved by L·z, z standard normal.
    fn moved(&self, from: &[f64], rng: &mut Xoshiro) -> Vec<f64> {
        let z: Vec<f64> = (0..self.d).map(|_| rng.normal()).collect();
        (0..self.d).map(|i| from[i] + (0..=i).map(|k| self.l[i * self.d + k] * z[k]).sum::<f64>()).collect()
    }

    /// The density of moving from `from` to `to` (up to a constant): exp(−½‖L⁻¹(to − from)‖²).
    fn density(&self, to: &[f64], from: &[f64]) -> f64 {
        let mut z = vec![0.0; self.d];
        let mut z2 = 0.0;
        for i in 0..self.d {
            let sum: f64 = (0..i).map(|k| self.l[i * self.d + k] * z[k]).sum();
            z[i] = (to[i] - from[i] - sum) / self.l[i * self.d + i];
            z2 += z[i] * z[i];
        }
        (-0.5 * z2).exp()
    }
}

/// A particle drawn by weight and moved by the kernel, redrawn until it is inside the bounds
/// (after 1,000 tries, the last draw held to them).
fn propose(p: &Population, kernel: &Kernel, rng: &mut Xoshiro) -> Vec<f64> {
    let mut moved = Vec::new();
    for _ in 0..1_000 {
        let at = systematic(&p.weights, 1, rng.next_f64())[0];
        moved = kernel.moved(&p.units[at], rng);
        if moved.iter().all(|u| (0.0..=1.0).contains(u)) {
            return moved;
        }
    }
    moved.iter().map(|u| u.clamp(0.0, 1.0)).collect()
}

const PRIMES: [u64; 8] = [2, 3, 5, 7, 11, 13, 17, 19];

/// The i-th point of the Halton sequence in `d` dimensions (the unit cube).
pub(crate) fn halton_point(i: usize, d: usize) -> Vec<f64> {
    (0..d).map(|j| halton(i, PRIMES[j % PRIMES.len()])).collect()
}

/// The i-th point of the van der Corput sequence in `base`.
fn halton(mut i: usize, base: u64) -> f64 {
    let (mut f, mut r) = (1.0, 0.0);
    while i > 0 {
        f /= base as f64;
        r += f * (i as u64 % base) as f64;
        i /= base as usize;
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The mean of 20 normal observations (sd 1) with a flat prior: the posterior is
    /// N(x̄, 1/20). ABC with the sample mean's distance must find it.
    #[test]
    fn the_posterior_of_a_normal_mean_is_found() {
        let xbar = 0.37;
        let simulate = |x: &[f64], i: u64| {
            let mut rng = Xoshiro::seeded(&[9, i]);
            let mean = (0..20).map(|_| x[0] + rng.normal()).sum::<f64>() / 20.0;
            Some(((mean - xbar).abs(), vec![mean]))
        };
        let spec =
            AbcSpec { bounds: vec![(-3.0, 3.0)], particles: 400, budget: 20_000, seed: 1, quantile: 0.5, centre: None };
        let result = abc_smc(&simulate, &spec, &mut |_, _| {}).unwrap();
        let p = result.posterior;
        assert!(p.simulations <= 20_000, "{}", p.simulations);
        let (mean, sd) = (p.mean()[0], p.sd()[0]);
        let truth = (1.0 / 20.0_f64).sqrt();
        assert!((mean - xbar).abs() < 0.05, "posterior mean {mean}");
        assert!((sd - truth).abs() < 0.05, "posterior sd {sd} against {truth}");
        assert!(p.generations > 3 && p.tolerance < 0.1, "{} generations, tolerance {}", p.generations, p.tolerance);
        assert!((p.weights.iter().sum::<f64>() - 1.0).abs() < 1e-9);
    }

    #[test]
    fn the_budget_is_a_hard_limit_and_the_run_is_repeatable() {
        let calls = std::sync::atomic::AtomicUsize::new(0);
        let simulate = |x: &[f64], _: u64| {
            calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            Some(((x[0] - 0.2).abs() + (x[1] - 0.7).abs(), vec![]))
        };
        for budget in [50, 51, 97, 300] {
            calls.store(0, std::sync::atomic::Ordering::Relaxed);
            let spec =
                AbcSpec { bounds: vec![(0.0, 1.0); 2], particles: 50, budget, seed: 4, quantile: 0.5, centre: None };
            let a = abc_smc(&simulate, &spec, &mut |_, _| {}).unwrap().posterior;
            assert!(calls.load(std::sync::atomic::Ordering::Relaxed) <= budget);
            assert_eq!(a.simulations, calls.load(std::sync::atomic::Ordering::Relaxed));
            let b = abc_smc(&simulate, &spec, &mut |_, _| {}).unwrap().posterior;
            assert_eq!(a, b, "the same spec gives the same posterior");
        }
        let spec =
            AbcSpec { bounds: vec![(0.0, 1.0); 2], particles: 50, budget: 20, seed: 4, quantile: 0.5, centre: None };
        assert!(abc_smc(&simulate, &spec, &mut |_, _| {}).is_err());
    }

    #[test]
    fn systematic_resampling_follows_the_weights() {
        let picks = systematic(&[0.5, 0.0, 0.25, 0.25], 8, 0.5);
        assert_eq!(picks, vec![0, 0, 0, 0, 2, 2, 3, 3]);
    }
}
