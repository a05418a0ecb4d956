//! Rolling-origin backtests: for each origin (how many points of the history are known), the
//! model is calibrated on the points before it and forecasts the next ones; so do the two naive
//! baselines (`baselines`). Every held-out point is scored — its CRPS, its 90% interval's score
//! and whether the interval held it — so the analyst sees whether the agent model earns its
//! keep, over several cut-offs rather than one tail.

use serde::{Deserialize, Serialize};

use super::baselines::{NormalForecast, last_value, logistic};
use super::calibrate::{CalibrationSpec, calibrate};
use super::run::Simulation;
use super::scores::{Scores, Tally, Z90, crps_normal, crps_sample};
use crate::EngineError;

#[derive(Debug, Clone)]
pub struct BacktestSpec {
    /// Points known at each origin (at least 5, fewer than the history's).
    pub origins: Vec<usize>,
    /// How many points after each origin are forecast (fewer where the history ends).
    pub horizon: usize,
    pub calibration: CalibrationSpec,
}

/// The three forecasts' scores, at one origin or over all.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Compared {
    pub model: Scores,
    pub last_value: Scores,
    pub logistic: Scores,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OriginScores {
    pub origin: usize,
    pub scores: Compared,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BacktestReport {
    pub origins: Vec<OriginScores>,
    /// Over every origin's held-out points.
    pub overall: Compared,
}

#[derive(Default)]
struct Tallies {
    model: Tally,
    last_value: Tally,
    logistic: Tally,
}

impl Tallies {
    fn compared(&self) -> Compared {
        Compared { model: self.model.scores(), last_value: self.last_value.scores(), logistic: self.logistic.scores() }
    }

    fn normal(tally: &mut Tally, f: &NormalForecast, step: usize, y: f64) {
        let (mu, sd) = (f.mean[step], f.sd[step]);
        tally.add(crps_normal(mu, sd, y), mu - Z90 * sd, mu + Z90 * sd, y);
    }
}

/// Backtests `sim`'s model on `history` at every origin of `spec`.
pub fn backtest(sim: &Simulation<'_>, history: &[f64], spec: &BacktestSpec) -> Result<BacktestReport, EngineError> {
    let n = history.len();
    if spec.horizon == 0 {
        return Err(EngineError::Simulation("a backtest's horizon must be at least 1 point".into()));
    }
    let mut overall = Tallies::default();
    let mut origins = Vec::with_capacity(spec.origins.len());
    for &origin in &spec.origins {
        if origin < 5 || origin >= n {
            return Err(EngineError::Simulation(format!(
                "a backtest origin of {origin} points is outside 5 to {} (the history has {n})",
                n.saturating_sub(1)
            )));
        }
        let end = (origin + spec.horizon).min(n);
        let steps = end - origin;
        // Calibrate on the points before the origin; the `steps` after it are held out.
        let calibration =
            CalibrationSpec { holdout_share: (steps as f64 - 0.5) / end as f64, ..spec.calibration.clone() };
        let fit = calibrate(sim, &history[..end], &calibration)?;
        debug_assert_eq!(fit.fit_points, origin);
        let (carried, curve) = (last_value(&history[..origin], steps), logistic(&history[..origin], steps));
        let mut here = Tallies::default();
        for step in 0..steps {
            let t = origin + step;
            let y = history[t];
            let sample: Vec<f64> = fit.runs.iter().map(|r| r[t]).collect();
            for tallies in [&mut here, &mut overall] {
                tallies.model.add(crps_sample(&sample, y), fit.bands[t][0], fit.bands[t][4], y);
                Tallies::normal(&mut tallies.last_value, &carried, step, y);
                Tallies::normal(&mut tallies.logistic, &curve, step, y);
            }
        }
        origins.push(OriginScores { origin, scores: here.compared() });
    }
    Ok(BacktestReport { origins, overall: overall.compared() })
}
