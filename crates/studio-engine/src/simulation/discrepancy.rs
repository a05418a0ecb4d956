//! What the model does not explain, on the logit scale (shares grow by ratios, and a model
//! that misses a growth rate misses by a ratio that grows): the logit of an observation yₜ is the
//! logit of the model's share xₜ plus a discrepancy δₜ plus measurement noise εₜ, which has a
//! relative part and an absolute part (var εₜ = τ² + (τₐ / yₜ(1 − yₜ))²: a survey's error on a small
//! share is large in relative terms). The discrepancy drifts with a damped trend —
//! δₜ = δₜ₋₁ + γₜ, γₜ = ρ·γₜ₋₁ + ηₜ, ηₜ ~ N(0, σ²) — so a model whose growth runs slower or faster
//! than the history's is corrected by a growth gap that fades (ρ) rather than by a level gap
//! alone. It starts at 0 where the model starts, on the history's first point.
//!
//! ρ, σ, τ and τₐ are estimated by maximum likelihood from the residuals logit yₜ − logit xₜ of a
//! fit's mean path, *beyond* the spread the model's own runs show around such a path (Kennedy
//! and O'Hagan 2001: observation = model + discrepancy + noise): a history is one run of
//! whatever made it, and the part of its wander that one run of the model would show too is
//! carried into forecasts by the replicates themselves, not a second time by the discrepancy.
//! ρ is kept within 0.8 to 0.98, the bounds exponential smoothing gives its damping parameter
//! (Hyndman et al. 2008): a short history cannot tell a persistent growth gap from a passing one,
//! and maximum likelihood on it takes the passing one. A Kalman filter run over one replicate's
//! residuals says where its discrepancy and its trend stand at the history's end, and forecasts
//! carry them on — so a forecast starts where the history ends and widens as the discrepancy
//! can wander.

use serde::{Deserialize, Serialize};

use crate::fastrng::Xoshiro;
use crate::simulation::calibrate::nelder_mead;

/// The range the trend's persistence is fitted within.
const RHO_MIN: f64 = 0.8;
const RHO_MAX: f64 = 0.98;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Discrepancy {
    /// Persistence of the discrepancy's trend from one tick to the next, 0.8 to 0.98 when fitted
    /// (0 when there is none).
    pub rho: f64,
    /// Standard deviation of the trend's step.
    pub sigma: f64,
    /// Standard deviation of the measurement noise's relative part (on the logit scale).
    pub noise: f64,
    /// Standard deviation of its absolute part (on the share scale).
    #[serde(default)]
    pub noise_share: f64,
}

/// Where a discrepancy stands after filtering a series of residuals: the mean of (δ, γ) and
/// their covariance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Filtered {
    pub log_likelihood: f64,
    pub mean: [f64; 2],
    /// Covariance (δδ, δγ, γγ).
    pub cov: [f64; 3],
    /// False before the first residual: the state is then the model's start.
    pub started: bool,
}

/// Shares are taken as at least this and at most 1 minus it on the logit scale.
const FLOOR: f64 = 1e-4;

fn logit(p: f64) -> f64 {
    let p = p.clamp(FLOOR, 1.0 - FLOOR);
    (p / (1.0 - p)).ln()
}

/// The residual of observation `y` from model share `x`: logit y − logit x.
pub fn residual(y: f64, x: f64) -> f64 {
    logit(y) - logit(x)
}

/// Model share `x` moved by a residual `offset` on the logit scale.
pub fn offset(x: f64, offset: f64) -> f64 {
    1.0 / (1.0 + (-(logit(x) + offset)).exp())
}

impl Filtered {
    /// Before the first residual.
    pub const START: Filtered = Filtered { log_likelihood: 0.0, mean: [0.0; 2], cov: [0.0; 3], started: false };
}

impl Discrepancy {
    pub const NONE: Discrepancy = Discrepancy { rho: 0.0, sigma: 0.0, noise: 0.0, noise_share: 0.0 };

    /// The state at the model's start: δ = 0, the trend at its stationary spread.
    fn start(&self) -> ([f64; 2], [f64; 3]) {
        ([0.0, 0.0], [0.0, 0.0, self.sigma * self.sigma / (1.0 - self.rho * self.rho)])
    }

    /// One tick ahead, without a residual.
    fn predict(&self, m: [f64; 2], p: [f64; 3]) -> ([f64; 2], [f64; 3]) {
        let (f, q) = (self.rho, self.sigma * self.sigma);
        let [a, b, c] = p;
        ([m[0] + f * m[1], f * m[1]], [a + 2.0 * f * b + f * f * c + q, f * b + f * f * c + q, f * f * c + q])
    }

    /// The measurement noise's variance at share `level`.
    fn noise_variance(&self, level: f64) -> f64 {
        let spread = level.clamp(FLOOR, 1.0 - FLOOR) * (1.0 - level.clamp(FLOOR, 1.0 - FLOOR));
        self.noise * self.noise + (self.noise_share / spread).powi(2)
    }

    /// The Kalman filter over residuals at their shares (ticks 1, 2, … of a history; tick 0 is
    /// where the model starts, on the observation).
    pub fn filter(&self, residuals: &[(f64, f64)]) -> Filtered {
        residuals.iter().fold(Filtered::START, |at, &(y, level)| self.update(&at, y, level))
    }

    /// One step of the filter: the next tick's residual `y`, observed at share `level`, heard.
    pub fn update(&self, at: &Filtered, y: f64, level: f64) -> Filtered {
        let (m, p) = if at.started { (at.mean, at.cov) } else { self.start() };
        let (m, [a, b, c]) = self.predict(m, p);
        let s = (a + self.noise_variance(level)).max(1e-300);
        let v = y - m[0];
        let (k0, k1) = (a / s, b / s);
        Filtered {
            log_likelihood: at.log_likelihood - 0.5 * ((std::f64::consts::TAU * s).ln() + v * v / s),
            mean: [m[0] + k0 * v, m[1] + k1 * v],
            cov: [(a - k0 * a).max(0.0), b - k0 * b, (c - k1 * b).max(0.0)],
            started: true,
        }
    }

    /// The discrepancy by maximum likelihood from residuals (ticks 1, 2, … of a history, each
    /// with its share) of a mean path, beyond `spread`: the covariance (row-major, a row and a
    /// column per residual) of the model's own runs around that path.
    pub fn fit(residuals: &[(f64, f64)], spread: &[f64]) -> Discrepancy {
        let m = residuals.len();
        assert_eq!(spread.len(), m * m, "the spread's covariance has a row per residual");
        let scale = (residuals.iter().map(|(r, _)| r * r).sum::<f64>() / m.max(1) as f64).sqrt();
        if scale == 0.0 || !scale.is_finite() {
            return Discrepancy::NONE;
        }
        // The absolute part's scale: the relative one at the residuals' typical share.
        let typical = residuals.iter().map(|(_, y)| y.max(FLOOR)).sum::<f64>() / m as f64;
        let floor = 1e-3 * scale;
        let of = |u: &[f64]| Discrepancy {
            rho: RHO_MIN + (RHO_MAX - RHO_MIN) / (1.0 + (-u[0]).exp()),
            sigma: floor + scale * u[1].exp(),
            noise: floor + scale * u[2].exp(),
            noise_share: typical * (floor + scale * u[3].exp()),
        };
        let cost = |u: &[f64]| -> f64 {
            let mut cov = of(u).covariance(residuals);
            cov.iter_mut().zip(spread).for_each(|(c, s)| *c += s);
            let ll = normal_log_likelihood(&mut cov, residuals.iter().map(|(r, _)| *r));
            // Keeps the search off the far ends, where the likelihood is flat.
            -ll + 1e-3 * u.iter().map(|v| v * v).sum::<f64>()
        };
        let mut best: Option<(f64, Vec<f64>)> = None;
        for start in [[0.0, -2.0, -1.0, -3.0], [2.0, -3.0, -3.0, -0.5], [-2.0, -1.5, -2.0, -2.0]] {
            let (u, _) = nelder_mead(&cost, &start, &[1.0, 0.7, 0.7, 0.7], 900);
            let f = cost(&u);
            if f.is_finite() && best.as_ref().is_none_or(|(g, _)| f < *g) {
                best = Some((f, u));
            }
        }
        best.map_or(Discrepancy::NONE, |(_, u)| of(&u))
    }

    /// The covariance (row-major) of the residuals the discrepancy makes at ticks 1..=m, each
    /// at its share, from the model's start: δₜ sums the trend's steps, whose covariance is
    /// the stationary σ²/(1 − ρ²)·ρ^|s − u|; the noise is on the diagonal.
    pub fn covariance(&self, residuals: &[(f64, f64)]) -> Vec<f64> {
        let m = residuals.len();
        let stationary = self.sigma * self.sigma / (1.0 - self.rho * self.rho);
        let mut cov = vec![0.0; m * m];
        for t in 0..m {
            for u in 0..m {
                let steps = stationary * self.rho.powi(t.abs_diff(u) as i32);
                let above = if t > 0 { cov[(t - 1) * m + u] } else { 0.0 };
                let left = if u > 0 { cov[t * m + u - 1] } else { 0.0 };
                let corner = if t > 0 && u > 0 { cov[(t - 1) * m + u - 1] } else { 0.0 };
                cov[t * m + u] = steps + above + left - corner;
            }
        }
        for (t, (_, level)) in residuals.iter().enumerate() {
            cov[t * m + t] += self.noise_variance(*level);
        }
        cov
    }

    /// One draw of the observations' offsets from the model for the `steps` ticks after a
    /// history whose discrepancy stands at `at`: δ and its trend carried on, noise (at share
    /// `level`, the history's last) added.
    pub fn path(&self, at: &Filtered, steps: usize, level: f64, rng: &mut Xoshiro) -> Vec<f64> {
        let noise = self.noise_variance(level).sqrt();
        let (m, [a, b, c]) = if at.started { (at.mean, at.cov) } else { self.start() };
        // (δ, γ) drawn from N(m, P) by its Cholesky factor.
        let l00 = a.max(0.0).sqrt();
        let l10 = if l00 > 0.0 { b / l00 } else { 0.0 };
        let l11 = (c - l10 * l10).max(0.0).sqrt();
        let (z0, z1) = (rng.normal(), rng.normal());
        let (mut delta, mut trend) = (m[0] + l00 * z0, m[1] + l10 * z0 + l11 * z1);
        (0..steps)
            .map(|_| {
                trend = self.rho * trend + self.sigma * rng.normal();
                delta += trend;
                delta + noise * rng.normal()
            })
            .collect()
    }

    /// The variance of an observation's offset `h` ticks after a history ending at `at`, at
    /// share `level`.
    pub fn variance_ahead(&self, at: &Filtered, h: u32, level: f64) -> f64 {
        let (mut m, mut p) = if at.started { (at.mean, at.cov) } else { self.start() };
        for _ in 0..h {
            (m, p) = self.predict(m, p);
        }
        p[0] + self.noise_variance(level)
    }
}

/// The log-density of `x` under N(0, `cov`) (row-major; overwritten by its Cholesky factor);
/// −∞ when `cov` is not positive definite.
pub fn normal_log_likelihood(cov: &mut [f64], x: impl Iterator<Item = f64>) -> f64 {
    let x: Vec<f64> = x.collect();
    let m = x.len();
    let mut log_det = 0.0;
    for j in 0..m {
        let pivot = cov[j * m + j] - (0..j).map(|k| cov[j * m + k] * cov[j * m + k]).sum::<f64>();
        if pivot <= 0.0 || !pivot.is_finite() {
            return f64::NEG_INFINITY;
        }
        let pivot = pivot.sqrt();
        cov[j * m + j] = pivot;
        log_det += 2.0 * pivot.ln();
        for i in j + 1..m {
            let sum: f64 = (0..j).map(|k| cov[i * m + k] * cov[j * m + k]).sum();
            cov[i * m + j] = (cov[i * m + j] - sum) / pivot;
        }
    }
    // L·z = x: the Mahalanobis distance is ‖z‖².
    let mut z = vec![0.0; m];
    for i in 0..m {
        z[i] = (x[i] - (0..i).map(|k| cov[i * m + k] * z[k]).sum::<f64>()) / cov[i * m + i];
    }
    -0.5 * (m as f64 * std::f64::consts::TAU.ln() + log_det + z.iter().map(|z| z * z).sum::<f64>())
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOISE_AT: f64 = 0.01;

    /// Residuals made by the process itself, from the model's start, at a 1% share.
    fn simulated(truth: Discrepancy, n: usize, seed: u64) -> Vec<(f64, f64)> {
        let mut rng = Xoshiro::seeded(&[seed]);
        let (_, [_, _, c]) = truth.start();
        let (mut delta, mut trend) = (0.0, c.sqrt() * rng.normal());
        (0..n)
            .map(|_| {
                trend = truth.rho * trend + truth.sigma * rng.normal();
                delta += trend;
                (delta + truth.noise * rng.normal(), NOISE_AT)
            })
            .collect()
    }

    #[test]
    fn a_known_process_is_estimated_from_its_residuals() {
        let truth = Discrepancy { rho: 0.9, sigma: 0.01, noise: 0.05, noise_share: 0.0 };
        let residuals = simulated(truth, 120, 3);
        let fit = Discrepancy::fit(&residuals, &vec![0.0; 120 * 120]);
        assert!((fit.sigma - 0.01).abs() < 0.005, "{fit:?}");
        let noise = fit.noise_variance(NOISE_AT).sqrt();
        assert!((noise - 0.05).abs() < 0.01, "{fit:?}");
        assert!((RHO_MIN..=RHO_MAX).contains(&fit.rho), "{fit:?}");
    }

    #[test]
    fn the_dense_likelihood_is_the_kalman_filters() {
        let d = Discrepancy { rho: 0.85, sigma: 0.02, noise: 0.03, noise_share: 0.001 };
        let residuals: Vec<(f64, f64)> =
            simulated(d, 25, 9).into_iter().enumerate().map(|(t, (r, _))| (r, 0.01 + 0.01 * t as f64)).collect();
        let kalman = d.filter(&residuals).log_likelihood;
        let dense = normal_log_likelihood(&mut d.covariance(&residuals), residuals.iter().map(|(r, _)| *r));
        assert!((kalman - dense).abs() < 1e-8, "{kalman} against {dense}");
    }

    #[test]
    fn what_the_runs_spread_is_left_to_them() {
        // A history whose only departure from the mean path is a run's own wander (a random
        // walk, step 0.03) and a little noise: told of that spread, the discrepancy is small.
        let (m, step) = (40, 0.03);
        let mut rng = Xoshiro::seeded(&[5]);
        let mut level = 0.0;
        let residuals: Vec<(f64, f64)> = (0..m)
            .map(|_| {
                level += step * rng.normal();
                (level + 0.005 * rng.normal(), NOISE_AT)
            })
            .collect();
        let spread: Vec<f64> = (0..m * m).map(|k| step * step * ((k / m).min(k % m) + 1) as f64).collect();
        let blind = Discrepancy::fit(&residuals, &vec![0.0; m * m]);
        let told = Discrepancy::fit(&residuals, &spread);
        let last = |d: &Discrepancy| d.covariance(&residuals)[m * m - 1];
        assert!(last(&told) < 0.25 * last(&blind), "{told:?} against {blind:?}");
    }

    #[test]
    fn forecasts_carry_the_gap_and_its_trend_on_and_widen() {
        let d = Discrepancy { rho: 0.9, sigma: 0.005, noise: 0.01, noise_share: 0.0 };
        // A model that grows 2% a tick slower than the history.
        let residuals: Vec<(f64, f64)> = (1..=30).map(|t| (0.02 * f64::from(t), NOISE_AT)).collect();
        let at = d.filter(&residuals);
        assert!((at.mean[0] - 0.6).abs() < 0.02 && (at.mean[1] - 0.02).abs() < 0.005, "{at:?}");
        let v: Vec<f64> = (1..=20).map(|h| d.variance_ahead(&at, h, NOISE_AT)).collect();
        assert!(v.windows(2).all(|w| w[1] >= w[0]), "{v:?}");
        let mut rng = Xoshiro::seeded(&[1]);
        let paths: Vec<Vec<f64>> = (0..4000).map(|_| d.path(&at, 20, NOISE_AT, &mut rng)).collect();
        let mean1 = paths.iter().map(|p| p[0]).sum::<f64>() / 4000.0;
        let expected1 = at.mean[0] + 0.9 * at.mean[1];
        assert!((mean1 - expected1).abs() < 0.002, "{mean1} against {expected1}");
        let mean20 = paths.iter().map(|p| p[19]).sum::<f64>() / 4000.0;
        let expected20 = at.mean[0] + at.mean[1] * (1..=20).map(|k| 0.9f64.powi(k)).sum::<f64>();
        assert!((mean20 - expected20).abs() < 0.01, "{mean20} against {expected20}");
        let var20 = paths.iter().map(|p| (p[19] - mean20).powi(2)).sum::<f64>() / 4000.0;
        assert!((var20 / v[19] - 1.0).abs() < 0.1, "{var20} against {}", v[19]);
    }

    #[test]
    fn no_residuals_no_discrepancy() {
        assert_eq!(Discrepancy::fit(&[(0.0, 0.1); 10], &[0.0; 100]), Discrepancy::NONE);
        assert_eq!(Discrepancy::fit(&[], &[]), Discrepancy::NONE);
    }
}
