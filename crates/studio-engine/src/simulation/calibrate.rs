//! Calibration: the posterior of chosen coefficients of a model given an observed series, by
//! ABC-SMC (`abc`) — each evaluation the mean of a few runs, its distance the RMSE over the
//! fitted points, the later weighted more — holding out the series' last points; the discrepancy
//! the posterior's mean path leaves beyond the model's own run-to-run wander (`discrepancy`); then the forecast of the held-out points,
//! conditioned on the fitted ones (`Playback::conditioned`), its error (RMSE, MAPE) and how
//! many held-out points its 90% band covers. Nelder–Mead is here too, for the fits that want a
//! point.
//!
//! The series' first point is tick 0: it sets the initial share; point i is tick i.

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::EngineError;
use crate::simulation::abc::{AbcResult, AbcSpec, Outcome, Posterior, abc_smc, halton_point};
use crate::simulation::discrepancy::{Discrepancy, residual};
use crate::simulation::model::{Model, Term};
use crate::simulation::playback::{Conditioning, Playback};
use crate::simulation::run::Simulation;

/// A coefficient to fit, by path (`spontaneous.constant`, `influence.variables.price`,
/// `spontaneous.attributes.income_band`), within bounds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Parameter {
    pub path: String,
    pub lower: f64,
    pub upper: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationSpec {
    pub parameters: Vec<Parameter>,
    /// Replicates per evaluation (their mean is compared with the history).
    pub replicates: u32,
    /// Replicates of the calibrated ensemble whose band is checked.
    pub band_replicates: u32,
    /// Evaluations in all: a hard limit ([`MIN_EVALUATIONS`] at least).
    pub max_evaluations: usize,
    pub seed: u64,
    /// Share of the series held out at its end.
    pub holdout_share: f64,
}

impl Default for CalibrationSpec {
    fn default() -> Self {
        CalibrationSpec {
            parameters: Vec::new(),
            replicates: 10,
            band_replicates: 200,
            max_evaluations: 150,
            seed: 1,
            holdout_share: 0.2,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationReport {
    pub start: BTreeMap<String, f64>,
    pub fitted: BTreeMap<String, f64>,
    pub evaluations: usize,
    /// Points fitted (from tick 0) and held out (the rest).
    pub fit_points: usize,
    pub holdout_points: usize,
    pub fit_rmse: f64,
    pub holdout_rmse: f64,
    /// Mean absolute percentage error over held-out points, in percent.
    pub holdout_mape: f64,
    /// Share of held-out points inside the calibrated ensemble's p5..p95.
    pub coverage_90: f64,
    pub observed: Vec<f64>,
    /// The calibrated forecast over every tick (its replicates nearest the last fitted point):
    /// mean and bands.
    pub mean: Vec<f64>,
    pub bands: Vec<[f64; 5]>,
    pub model: Model,
    /// The forecast's replicates (each a share per tick), for scoring it as a distribution.
    pub runs: Vec<Vec<f64>>,
    /// The coefficients' posterior: a weighted sample.
    pub posterior: Posterior,
    /// What the posterior's runs left unexplained, carried into forecasts.
    pub discrepancy: Discrepancy,
}

/// Reads a coefficient by path (absent coefficients are 0).
pub fn coefficient(model: &Model, path: &str) -> Result<f64, EngineError> {
    let mut copy = model.clone();
    let slot = slot(&mut copy, path)?;
    Ok(*slot)
}

/// Sets a coefficient by path.
pub fn set_coefficient(model: &mut Model, path: &str, value: f64) -> Result<(), EngineError> {
    *slot(model, path)? = value;
    Ok(())
}

/// A coefficient's place: `TERM.constant`, `TERM.variables.NAME`, `TERM.attributes.NAME`
/// (terms `spontaneous`, `influence`; `initial`, `drift`), a diffusion model's `potential`, or
/// an opinion model's `convergence`, `confidence`, `noise`, `spread`, `threshold`.
fn slot<'m>(model: &'m mut Model, path: &str) -> Result<&'m mut f64, EngineError> {
    let terms = match model {
        Model::Diffusion(_) => "the model is a diffusion model: use potential, or spontaneous|influence",
        Model::Opinion(_) => {
            "the model is an opinion model: use convergence, confidence, noise, spread, threshold, or initial|drift"
        }
    };
    let bad = || {
        EngineError::Simulation(format!(
            "'{path}' is not a coefficient: {terms} . constant | variables.NAME | attributes.NAME"
        ))
    };
    let parts: Vec<&str> = path.split('.').collect();
    let term: &mut Term = match (model, parts.first().copied()) {
        (Model::Diffusion(m), Some("spontaneous")) => &mut m.spontaneous,
        (Model::Diffusion(m), Some("influence")) => &mut m.influence,
        (Model::Diffusion(m), Some("potential")) if parts.len() == 1 => return Ok(&mut m.potential),
        (Model::Opinion(m), Some("initial")) => &mut m.initial,
        (Model::Opinion(m), Some("drift")) => &mut m.drift,
        (Model::Opinion(m), Some(scalar)) if parts.len() == 1 => {
            return match scalar {
                "convergence" => Ok(&mut m.convergence),
                "confidence" => Ok(&mut m.confidence),
                "noise" => Ok(&mut m.noise),
                "spread" => Ok(&mut m.spread),
                "threshold" => Ok(&mut m.threshold),
                _ => Err(bad()),
            };
        }
        _ => return Err(bad()),
    };
    match parts[1..] {
        ["constant"] => Ok(&mut term.constant),
        ["variables", name] => Ok(term.variables.entry(name.to_string()).or_insert(0.0)),
        ["attributes", name] => Ok(term.attributes.entry(name.to_string()).or_insert(0.0)),
        _ => Err(bad()),
    }
}

/// Fits `spec.parameters` of `sim.model` to `observed` (tick 0 onwards).
pub fn calibrate(
    sim: &Simulation<'_>,
    observed: &[f64],
    spec: &CalibrationSpec,
) -> Result<CalibrationReport, EngineError> {
    calibrate_with(sim, observed, spec, &mut |_, _| {})
}

/// [`calibrate`], telling `progress` the share done and what is being done.
pub fn calibrate_with(
    sim: &Simulation<'_>,
    observed: &[f64],
    spec: &CalibrationSpec,
    progress: &mut dyn FnMut(f64, &str),
) -> Result<CalibrationReport, EngineError> {
    let n = observed.len();
    if n < 5 {
        return Err(EngineError::Simulation(format!(
            "a series of {n} points is too short to calibrate on: 5 at least"
        )));
    }
    if let Some((i, v)) = observed.iter().enumerate().find(|(_, v)| !(0.0..=1.0).contains(*v)) {
        return Err(EngineError::Simulation(format!("observed point {i} is {v}: shares are 0 to 1")));
    }
    if spec.parameters.is_empty() {
        return Err(EngineError::Simulation("name at least one coefficient to calibrate".into()));
    }
    for p in &spec.parameters {
        if !(p.lower.is_finite() && p.upper.is_finite() && p.lower < p.upper) {
            return Err(EngineError::Simulation(format!("'{}' has bounds {} to {}", p.path, p.lower, p.upper)));
        }
    }
    if !(0.0..0.9).contains(&spec.holdout_share) {
        return Err(EngineError::Simulation(format!("holdout_share {} is not in 0..0.9", spec.holdout_share)));
    }
    if spec.max_evaluations < MIN_EVALUATIONS || spec.replicates == 0 {
        return Err(EngineError::Simulation(format!(
            "a calibration needs {MIN_EVALUATIONS} evaluations at least and 1 replicate each, got {} and {}",
            spec.max_evaluations, spec.replicates
        )));
    }
    let holdout = ((n as f64) * spec.holdout_share).ceil() as usize;
    let fit_points = n - holdout;
    if fit_points < 3 {
        return Err(EngineError::Simulation(format!(
            "{fit_points} points left to fit on after the hold-out: 3 at least"
        )));
    }
    let start: Vec<f64> = spec
        .parameters
        .iter()
        .map(|p| coefficient(&sim.model, &p.path).map(|v| v.clamp(p.lower, p.upper)))
        .collect::<Result<_, _>>()?;
    let with = |x: &[f64], ticks: usize| -> Result<Simulation<'_>, EngineError> {
        let mut s = sim.clone();
        for (p, v) in spec.parameters.iter().zip(x) {
            set_coefficient(&mut s.model, &p.path, v.clamp(p.lower, p.upper))?;
        }
        s.ticks = ticks.max(1) as u32;
        s.initial_share = observed[0];
        Ok(s)
    };
    with(&start, n - 1)?.check()?;
    let fit = &observed[..fit_points];
    // One evaluation: the mean of `replicates` runs, its RMSE over the fitted points, the later
    // weighted more.
    let replicates = spec.replicates;
    let simulate = |x: &[f64], index: u64| -> Option<Outcome> {
        let s = with(x, fit_points - 1).ok()?;
        let mut mean = vec![0.0; fit_points];
        for k in 0..replicates {
            let run = s.run(spec.seed, (index * u64::from(replicates) + u64::from(k)) as u32).ok()?;
            mean.iter_mut().zip(&run.adoption).for_each(|(m, v)| *m += v / f64::from(replicates));
        }
        Some((recent_rmse(&mean, fit), mean))
    };
    // First a point: Nelder–Mead on the same runs at every evaluation (common random numbers,
    // so the objective is smooth), from the best of a few space-filling looks; a quarter of
    // the budget.
    let d = spec.parameters.len();
    let point_budget = spec.max_evaluations / 4;
    let to_x = |u: &[f64]| -> Vec<f64> {
        spec.parameters.iter().zip(u).map(|(p, u)| p.lower + u.clamp(0.0, 1.0) * (p.upper - p.lower)).collect()
    };
    let objective = |u: &[f64]| -> f64 {
        let outside: f64 = u.iter().map(|v| (v - v.clamp(0.0, 1.0)).powi(2)).sum();
        simulate(&to_x(u), 0).map_or(f64::INFINITY, |o| o.0) + outside
    };
    let looks = (2 * d + 1).min(point_budget / 3);
    let u0: Vec<f64> = spec.parameters.iter().zip(&start).map(|(p, v)| (v - p.lower) / (p.upper - p.lower)).collect();
    let mut best = (objective(&u0), u0);
    for i in 1..looks {
        let u = halton_point(i, d);
        let f = objective(&u);
        if f < best.0 {
            best = (f, u);
        }
    }
    let (u, searched) = nelder_mead(&objective, &best.1, &vec![0.1; d], point_budget.saturating_sub(looks.max(1)));
    progress(0.2, "the best point found: sampling the posterior around it");
    let abc = AbcSpec {
        bounds: spec.parameters.iter().map(|p| (p.lower, p.upper)).collect(),
        particles: (spec.max_evaluations / 20).clamp(8, 200),
        budget: spec.max_evaluations - looks.max(1) - searched,
        seed: spec.seed,
        quantile: 0.5,
        centre: Some((to_x(&u), 0.05)),
    };
    let AbcResult { mut posterior, series } = abc_smc(&simulate, &abc, &mut |done, tolerance| {
        progress(0.2 + 0.6 * done, &format!("ABC: {:.0}% of the budget, tolerance {tolerance:.5}", done * 100.0));
    })?;
    posterior.parameters = spec.parameters.iter().map(|p| p.path.clone()).collect();
    let fitted = posterior.mean();
    let fitted_path: Vec<f64> =
        (0..fit_points).map(|t| series.iter().zip(&posterior.weights).map(|(s, w)| w * s[t]).sum()).collect();
    // The discrepancy: what the posterior's mean path leaves unexplained, from tick 1, beyond
    // the wander one run of the model shows around its own mean (which the forecast's
    // replicates carry themselves).
    let residuals: Vec<(f64, f64)> =
        fit[1..].iter().zip(&fitted_path[1..]).map(|(y, x)| (residual(*y, *x), *y)).collect();
    let discrepancy = Discrepancy::fit(&residuals, &run_spread(&with(&fitted, fit_points - 1)?, spec.seed)?);
    progress(0.85, "forecasting the held-out points from the posterior");
    // The forecast: from the history's last fitted point, as one made then would be.
    let mut forecast_sim = with(&fitted, n - 1)?;
    forecast_sim.variables = sim.variables.clone();
    let on = Conditioning { observed: fit, posterior: &posterior, discrepancy };
    let mut play =
        Playback::conditioned(forecast_sim, spec.seed.wrapping_add(0x5EED), spec.band_replicates, u32::MAX, &on)?;
    while !play.finished() {
        play.step_forward()?;
    }
    let e = play.ensemble();
    let held: Vec<usize> = (fit_points..n).collect();
    let holdout_rmse = rmse(held.iter().map(|&t| (e.mean[t], observed[t])));
    let percent: Vec<f64> = held
        .iter()
        .filter(|&&t| observed[t] != 0.0)
        .map(|&t| ((e.mean[t] - observed[t]) / observed[t]).abs())
        .collect();
    let holdout_mape = 100.0 * percent.iter().sum::<f64>() / percent.len().max(1) as f64;
    let inside = held.iter().filter(|&&t| e.bands[t][0] <= observed[t] && observed[t] <= e.bands[t][4]).count();
    let names = |x: &[f64]| spec.parameters.iter().zip(x).map(|(p, v)| (p.path.clone(), *v)).collect();
    let model = with(&fitted, n - 1)?.model;
    progress(1.0, "calibrated");
    Ok(CalibrationReport {
        start: names(&start),
        fitted: names(&fitted),
        evaluations: looks.max(1) + searched + posterior.simulations,
        fit_points,
        holdout_points: holdout,
        fit_rmse: rmse(fitted_path.iter().copied().zip(fit.iter().copied())),
        holdout_rmse,
        holdout_mape,
        coverage_90: inside as f64 / held.len().max(1) as f64,
        observed: observed.to_vec(),
        mean: e.mean,
        bands: e.bands,
        model,
        runs: e.runs,
        posterior,
        discrepancy,
    })
}

/// Runs that measure the model's own spread, beside the calibration's evaluations.
pub const SPREAD_RUNS: u32 = 40;

/// The covariance (row-major, ticks 1 onwards, on the logit scale) of [`SPREAD_RUNS`] runs of
/// `sim` around their mean: the wander that randomness alone gives one run.
fn run_spread(sim: &Simulation<'_>, seed: u64) -> Result<Vec<f64>, EngineError> {
    let runs: Vec<Vec<f64>> = (0..SPREAD_RUNS)
        .into_par_iter()
        .map(|k| sim.run(seed ^ 0x5B12EAD, k).map(|r| r.adoption))
        .collect::<Result<_, _>>()?;
    let ticks = runs[0].len();
    let mean: Vec<f64> = (0..ticks).map(|t| runs.iter().map(|r| r[t]).sum::<f64>() / runs.len() as f64).collect();
    let m = ticks - 1;
    let mut cov = vec![0.0; m * m];
    for run in &runs {
        let r: Vec<f64> = (1..ticks).map(|t| residual(run[t], mean[t])).collect();
        for i in 0..m {
            for j in 0..m {
                cov[i * m + j] += r[i] * r[j] / f64::from(SPREAD_RUNS);
            }
        }
    }
    Ok(cov)
}

/// The fewest evaluations a calibration may have: enough for a few generations of particles.
pub const MIN_EVALUATIONS: usize = 20;

/// Minimises `f` from `x0` (initial simplex `x0 + steps[i]·eᵢ`) in at most `budget`
/// evaluations — a hard limit: a step the budget cannot finish stops where it is, keeping only
/// points it evaluated — and answers the best point and the evaluations used.
pub fn nelder_mead(f: &dyn Fn(&[f64]) -> f64, x0: &[f64], steps: &[f64], budget: usize) -> (Vec<f64>, usize) {
    let d = x0.len();
    if d == 0 || budget == 0 {
        return (x0.to_vec(), 0);
    }
    let evals = std::cell::Cell::new(0usize);
    // `None` once the budget is spent: nothing more is evaluated.
    let eval = |x: &[f64]| {
        if evals.get() >= budget {
            return None;
        }
        evals.set(evals.get() + 1);
        Some(f(x))
    };
    let mut simplex: Vec<(Vec<f64>, f64)> = Vec::with_capacity(d + 1);
    let Some(f0) = eval(x0) else { return (x0.to_vec(), 0) };
    simplex.push((x0.to_vec(), f0));
    for i in 0..d {
        let mut x = x0.to_vec();
        x[i] += if steps[i] != 0.0 { steps[i] } else { 0.1 };
        match eval(&x) {
            Some(fx) => simplex.push((x, fx)),
            None => break,
        }
    }
    if simplex.len() < d + 1 {
        // The budget ran out before the simplex was whole: the best point seen.
        simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
        return (simplex[0].0.clone(), evals.get());
    }
    let toward = |a: &[f64], b: &[f64], t: f64| -> Vec<f64> { a.iter().zip(b).map(|(a, b)| a + t * (b - a)).collect() };
    'search: while evals.get() < budget {
        simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
        let spread = simplex[d].1 - simplex[0].1;
        if spread.abs() <= 1e-12 * (1.0 + simplex[0].1.abs()) && evals.get() > 2 * (d + 1) {
            break;
        }
        let centroid: Vec<f64> =
            (0..d).map(|j| simplex[..d].iter().map(|(x, _)| x[j]).sum::<f64>() / d as f64).collect();
        let worst = simplex[d].clone();
        let reflected = toward(&centroid, &worst.0, -1.0);
        let Some(fr) = eval(&reflected) else { break };
        if fr < simplex[0].1 {
            let expanded = toward(&centroid, &worst.0, -2.0);
            simplex[d] = match eval(&expanded) {
                Some(fe) if fe < fr => (expanded, fe),
                _ => (reflected, fr),
            };
        } else if fr < simplex[d - 1].1 {
            simplex[d] = (reflected, fr);
        } else {
            let (towards, fref) = if fr < worst.1 { (reflected.clone(), fr) } else { (worst.0.clone(), worst.1) };
            let contracted = toward(&centroid, &towards, 0.5);
            let Some(fc) = eval(&contracted) else {
                if fr < worst.1 {
                    simplex[d] = (reflected, fr);
                }
                break;
            };
            if fc < fref {
                simplex[d] = (contracted, fc);
            } else {
                let best = simplex[0].0.clone();
                for point in simplex.iter_mut().skip(1) {
                    let x = toward(&best, &point.0, 0.5);
                    let Some(fx) = eval(&x) else { break 'search };
                    *point = (x, fx);
                }
            }
        }
    }
    simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
    (simplex[0].0.clone(), evals.get())
}

/// The RMSE of `model` against `observed` from tick 1, tick t of T weighted by t / T: a
/// forecast goes on from where the history ends, so its last points count most.
fn recent_rmse(model: &[f64], observed: &[f64]) -> f64 {
    let n = observed.len().max(2) as f64 - 1.0;
    let ticks = (1..observed.len().min(model.len())).map(|t| (t as f64 / n, model[t] - observed[t]));
    let (sum, weight) = ticks.fold((0.0, 0.0), |(s, w), (at, d)| (s + at * d * d, w + at));
    (sum / f64::max(weight, f64::MIN_POSITIVE)).sqrt()
}

fn rmse(pairs: impl Iterator<Item = (f64, f64)>) -> f64 {
    let (sum, count) = pairs.fold((0.0, 0usize), |(s, c), (m, o)| (s + (m - o).powi(2), c + 1));
    (sum / count.max(1) as f64).sqrt()
}
