//! Scoring forecasts against what happened: proper scores that reward a predictive distribution
//! for being both sharp and right — the continuous ranked probability score (CRPS) of a sample
//! or of a normal distribution, the interval score of a central interval (Gneiting & Raftery
//! 2007) — and whether the interval held the observation.

/// The CRPS of the sample `xs` for the observation `y`: E|X − y| − ½·E|X − X′|, computed from
/// the sorted sample in O(n log n). Lower is better; for a single point it is |x − y|.
pub fn crps_sample(xs: &[f64], y: f64) -> f64 {
    let n = xs.len();
    if n == 0 {
        return f64::NAN;
    }
    let mut sorted = xs.to_vec();
    sorted.sort_by(f64::total_cmp);
    let to_y = sorted.iter().map(|x| (x - y).abs()).sum::<f64>() / n as f64;
    // Σᵢ Σⱼ |xᵢ − xⱼ| = 2 Σᵢ (2i − n + 1)·x₍ᵢ₎ over the sorted sample (i from 0).
    let spread: f64 = sorted.iter().enumerate().map(|(i, x)| (2.0 * i as f64 - n as f64 + 1.0) * x).sum::<f64>();
    to_y - spread / (n as f64 * n as f64)
}

/// The error function, to 1.2e-7 (Numerical Recipes' `erfc` by Chebyshev fitting).
pub fn erf(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98 + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let erfc = t * poly.exp();
    if x >= 0.0 { 1.0 - erfc } else { erfc - 1.0 }
}

/// The standard normal distribution function.
pub fn normal_cdf(z: f64) -> f64 {
    0.5 * (1.0 + erf(z / std::f64::consts::SQRT_2))
}

/// The CRPS of a normal distribution N(μ, σ²) for `y`, in closed form; |μ − y| when σ is 0.
pub fn crps_normal(mu: f64, sigma: f64, y: f64) -> f64 {
    if sigma <= 0.0 {
        return (mu - y).abs();
    }
    let z = (y - mu) / sigma;
    let pdf = (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt();
    sigma * (z * (2.0 * normal_cdf(z) - 1.0) + 2.0 * pdf - 1.0 / std::f64::consts::PI.sqrt())
}

/// The interval score of the central (1 − α) interval [lower, upper] for `y`: its width, plus
/// 2/α times how far `y` fell outside it. Lower is better.
pub fn interval_score(lower: f64, upper: f64, y: f64, alpha: f64) -> f64 {
    let below = if y < lower { lower - y } else { 0.0 };
    let above = if y > upper { y - upper } else { 0.0 };
    (upper - lower) + 2.0 / alpha * (below + above)
}

/// The 1.645: a 90% central interval of a normal is μ ± 1.645σ.
pub const Z90: f64 = 1.644_853_626_951_472_2;

/// Scores of one kind of forecast over many held-out points.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Scores {
    pub points: usize,
    /// Share of the points inside their 90% interval.
    pub coverage_90: f64,
    /// Mean CRPS.
    pub crps: f64,
    /// Mean interval score of the 90% interval.
    pub interval_score: f64,
}

/// Adds up scores point by point.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    points: usize,
    inside: usize,
    crps: f64,
    interval: f64,
}

impl Tally {
    /// One held-out point: its CRPS, and its 90% interval.
    pub fn add(&mut self, crps: f64, lower: f64, upper: f64, y: f64) {
        self.points += 1;
        self.inside += usize::from(lower <= y && y <= upper);
        self.crps += crps;
        self.interval += interval_score(lower, upper, y, 0.1);
    }

    pub fn scores(&self) -> Scores {
        let n = self.points.max(1) as f64;
        Scores {
            points: self.points,
            coverage_90: self.inside as f64 / n,
            crps: self.crps / n,
            interval_score: self.interval / n,
        }
    }
}
