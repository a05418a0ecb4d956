//! Two naive forecasts an agent model has to beat to earn its keep: the last value carried
//! forward (a random walk whose steps spread as the history's did) and a logistic curve fitted
//! to the history (its residuals' spread around it). Each gives a normal predictive
//! distribution for every step after the history ends.

use super::calibrate::nelder_mead;

/// Normal forecasts for steps 1, 2, … after the history: means and standard deviations.
#[derive(Debug, Clone, PartialEq)]
pub struct NormalForecast {
    pub mean: Vec<f64>,
    pub sd: Vec<f64>,
}

fn sample_sd(xs: &[f64]) -> f64 {
    if xs.len() < 2 {
        return 0.0;
    }
    let mean = xs.iter().sum::<f64>() / xs.len() as f64;
    (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (xs.len() - 1) as f64).sqrt()
}

/// The last value, its spread growing as √h with the spread of the history's one-step changes.
pub fn last_value(history: &[f64], steps: usize) -> NormalForecast {
    let last = history.last().copied().unwrap_or(0.0);
    let changes: Vec<f64> = history.windows(2).map(|w| w[1] - w[0]).collect();
    let sigma = sample_sd(&changes);
    NormalForecast { mean: vec![last; steps], sd: (1..=steps).map(|h| sigma * (h as f64).sqrt()).collect() }
}

/// A logistic curve K / (1 + e^(−r(t − t₀))) with 0 < K ≤ 1, r > 0.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Logistic {
    pub ceiling: f64,
    pub rate: f64,
    pub midpoint: f64,
}

impl Logistic {
    pub fn at(&self, t: f64) -> f64 {
        self.ceiling / (1.0 + (-self.rate * (t - self.midpoint)).exp())
    }

    /// From the unconstrained search space: K = logistic(u₀), r = e^u₁, t₀ = u₂.
    fn from(u: &[f64]) -> Logistic {
        Logistic { ceiling: 1.0 / (1.0 + (-u[0]).exp()), rate: u[1].exp(), midpoint: u[2] }
    }
}

/// The logistic curve nearest the history (least squares; the best of a few starts).
pub fn fit_logistic(history: &[f64]) -> Logistic {
    let n = history.len() as f64;
    let sse = |u: &[f64]| {
        let curve = Logistic::from(u);
        history.iter().enumerate().map(|(t, y)| (curve.at(t as f64) - y).powi(2)).sum::<f64>()
    };
    let last = history.last().copied().unwrap_or(0.01).clamp(0.001, 0.99);
    let logit = |p: f64| (p / (1.0 - p)).ln();
    let mut best: Option<(f64, Vec<f64>)> = None;
    for ceiling in [(last * 1.5).min(0.95), 0.5, 0.9] {
        for rate in [0.05_f64, 0.2] {
            for midpoint in [n / 2.0, n, 2.0 * n] {
                let start = [logit(ceiling), rate.ln(), midpoint];
                let (u, _) = nelder_mead(&sse, &start, &[0.5, 0.3, n / 4.0], 400);
                let f = sse(&u);
                if best.as_ref().is_none_or(|(g, _)| f < *g) {
                    best = Some((f, u));
                }
            }
        }
    }
    Logistic::from(&best.map(|(_, u)| u).unwrap_or_else(|| vec![0.0, 0.0, n]))
}

/// The fitted logistic curve continued, its spread the residuals', growing a little with the
/// distance from the data (√(1 + h/n)).
pub fn logistic(history: &[f64], steps: usize) -> NormalForecast {
    let curve = fit_logistic(history);
    let n = history.len();
    let residuals: Vec<f64> = history.iter().enumerate().map(|(t, y)| y - curve.at(t as f64)).collect();
    let sigma = sample_sd(&residuals);
    NormalForecast {
        mean: (1..=steps).map(|h| curve.at((n - 1 + h) as f64)).collect(),
        sd: (1..=steps).map(|h| sigma * (1.0 + h as f64 / n as f64).sqrt()).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_value_spreads_as_its_steps_did() {
        let f = last_value(&[0.1, 0.2, 0.1, 0.2, 0.1], 4);
        assert_eq!(f.mean, vec![0.1; 4]);
        let sigma = (4.0 * 0.01 / 3.0_f64).sqrt();
        assert!((f.sd[0] - sigma).abs() < 1e-12 && (f.sd[3] - 2.0 * sigma).abs() < 1e-12, "{:?}", f.sd);
    }

    #[test]
    fn a_logistic_history_gives_its_curve_back() {
        let truth = Logistic { ceiling: 0.4, rate: 0.15, midpoint: 30.0 };
        let history: Vec<f64> = (0..40).map(|t| truth.at(f64::from(t))).collect();
        let fit = fit_logistic(&history);
        assert!((fit.ceiling - 0.4).abs() < 0.01, "{fit:?}");
        assert!((fit.rate - 0.15).abs() < 0.01, "{fit:?}");
        assert!((fit.midpoint - 30.0).abs() < 0.5, "{fit:?}");
        let ahead = logistic(&history, 20);
        assert!((ahead.mean[19] - truth.at(59.0)).abs() < 0.01, "{} against {}", ahead.mean[19], truth.at(59.0));
        assert!(ahead.sd[0] < 1e-3, "a perfect fit leaves little spread: {}", ahead.sd[0]);
    }
}
