//! Calibration: chosen coefficients of a model fitted to an observed series by Nelder–Mead on
//! the ensemble mean (the same seed at every evaluation, so the objective is deterministic),
//! holding out the series' last points; then the held-out error (RMSE, MAPE) and how many
//! held-out points the calibrated ensemble's 90% band covers.
//!
//! The series' first point is tick 0: it sets the initial share; point i is tick i.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::EngineError;
use crate::simulation::ensemble::{bands_of, ensemble};
use crate::simulation::model::{Model, Term};
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
    /// Replicates per evaluation of the objective.
    pub replicates: u32,
    /// Replicates of the calibrated ensemble whose band is checked.
    pub band_replicates: u32,
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
            band_replicates: 100,
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
    let objective = |x: &[f64]| -> f64 {
        let Ok(s) = with(x, fit_points - 1) else { return f64::INFINITY };
        match ensemble(&s, spec.seed, spec.replicates) {
            Ok(e) => sse(&e.mean, fit),
            Err(_) => f64::INFINITY,
        }
    };
    // In unit coordinates, where leaving the box costs more than any fit gains.
    let to_x = |u: &[f64]| -> Vec<f64> {
        spec.parameters.iter().zip(u).map(|(p, u)| p.lower + u.clamp(0.0, 1.0) * (p.upper - p.lower)).collect()
    };
    let unit = |u: &[f64]| -> f64 {
        let outside: f64 = u.iter().map(|v| (v - v.clamp(0.0, 1.0)).powi(2)).sum();
        objective(&to_x(u)) + 1e3 * outside
    };
    // A space-filling look first (Halton points and the start), then Nelder–Mead from the best.
    let d = spec.parameters.len();
    let looks = (4 * d + 1).max(spec.max_evaluations / 4).min(spec.max_evaluations.saturating_sub(2 * d + 2));
    let u0: Vec<f64> = spec.parameters.iter().zip(&start).map(|(p, v)| (v - p.lower) / (p.upper - p.lower)).collect();
    let mut best = (unit(&u0), u0);
    for i in 1..looks {
        let u: Vec<f64> = (0..d).map(|j| halton(i, PRIMES[j % PRIMES.len()])).collect();
        let f = unit(&u);
        if f < best.0 {
            best = (f, u);
        }
    }
    let (u, searched) = nelder_mead(&unit, &best.1, &vec![0.1; d], spec.max_evaluations.saturating_sub(looks));
    let evaluations = looks + searched;
    let best = to_x(&u);
    let calibrated = with(&best, n - 1)?;
    // The forecast: the calibrated model from another seed than the fit's, conditioned on
    // the last fitted observation — the fifth of the replicates nearest to it at that tick,
    // as a forecast made then would be.
    let all = ensemble(&calibrated, spec.seed.wrapping_add(0x5EED), spec.band_replicates)?;
    let at = fit_points - 1;
    let mut runs = all.runs;
    runs.sort_by(|a, b| (a[at] - observed[at]).abs().total_cmp(&(b[at] - observed[at]).abs()));
    runs.truncate((runs.len() / 5).max(5).min(runs.len()));
    let kept: Vec<&[f64]> = runs.iter().map(Vec::as_slice).collect();
    let e = Forecast {
        mean: (0..n).map(|t| kept.iter().map(|r| r[t]).sum::<f64>() / kept.len() as f64).collect(),
        bands: bands_of(&kept),
    };
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
    Ok(CalibrationReport {
        start: names(&start),
        fitted: names(&best),
        evaluations,
        fit_points,
        holdout_points: holdout,
        fit_rmse: rmse((0..fit_points).map(|t| (e.mean[t], observed[t]))),
        holdout_rmse,
        holdout_mape,
        coverage_90: inside as f64 / held.len().max(1) as f64,
        observed: observed.to_vec(),
        mean: e.mean,
        bands: e.bands,
        model: calibrated.model,
        runs,
    })
}

struct Forecast {
    mean: Vec<f64>,
    bands: Vec<[f64; 5]>,
}

const PRIMES: [u64; 8] = [2, 3, 5, 7, 11, 13, 17, 19];

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

fn sse(model: &[f64], observed: &[f64]) -> f64 {
    model.iter().zip(observed).map(|(m, o)| (m - o).powi(2)).sum()
}

fn rmse(pairs: impl Iterator<Item = (f64, f64)>) -> f64 {
    let (sum, count) = pairs.fold((0.0, 0usize), |(s, c), (m, o)| (s + (m - o).powi(2), c + 1));
    (sum / count.max(1) as f64).sqrt()
}

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
