//! `studio bench forecast`: rolling-origin backtests of the calibrated diffusion model against
//! the two naive baselines (the last value carried forward; a logistic curve), on three
//! histories: the bundled example's adoption history, one made by another mechanism (a noisy
//! logistic curve), and one that saturates below 100% (the diffusion model with a 30%
//! potential). Each held-out point is scored: 90% coverage, CRPS, interval score. The model's
//! forecast is a Monte Carlo one, so each history is backtested with several calibration seeds
//! and the model's scores are their mean (the baselines' do not depend on the seed). Then the
//! example's own calibration (its budget) at 100,000 agents, timed.

use anyhow::Result;
use serde_json::{Value, json};
use studio_core::engine::fastrng::Xoshiro;
use studio_core::engine::simulation::backtest::{BacktestReport, BacktestSpec, backtest};
use studio_core::engine::simulation::scores::Scores;
use studio_core::engine::simulation::{
    CalibrationSpec, DiffusionModel, Parameter, ReferencePopulation, Simulation, Term, Variables, calibrate,
};

use crate::output::Printer;

const EXAMPLE: &str = include_str!("../../../examples/heat-pumps/adoption_history.csv");

/// The example's adoption history, in order.
fn example_history() -> Vec<f64> {
    EXAMPLE.lines().skip(1).filter_map(|l| l.split(',').nth(1)?.trim().parse().ok()).collect()
}

/// A logistic curve (ceiling 60%, midpoint at point 35) with 5% multiplicative noise.
fn logistic_history(n: usize, seed: u64) -> Vec<f64> {
    let mut rng = Xoshiro::seeded(&[seed, 0x10615]);
    (0..n)
        .map(|t| {
            let curve = 0.6 / (1.0 + (-0.12 * (t as f64 - 35.0)).exp());
            let (u, v) = (rng.next_f64().max(1e-12), rng.next_f64());
            let z = (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos();
            (curve * (1.0 + 0.05 * z)).clamp(0.0, 1.0)
        })
        .collect()
}

fn simulation<'a>(population: &'a ReferencePopulation, model: DiffusionModel, n: usize, first: f64) -> Simulation<'a> {
    Simulation {
        network: &population.network,
        groups: &population.groups,
        attributes: vec![],
        segments: vec![],
        model: model.into(),
        variables: Variables::default(),
        ticks: (n - 1) as u32,
        initial_share: first.max(0.001),
    }
}

/// Six cut-offs, from half the history to three quarters of it, each forecasting a quarter of
/// the history's length ahead.
fn spec(n: usize, seed: u64) -> BacktestSpec {
    BacktestSpec {
        origins: [0.5, 0.55, 0.6, 0.65, 0.7, 0.75].iter().map(|f| (n as f64 * f).round() as usize).collect(),
        horizon: (n / 4).max(1),
        calibration: CalibrationSpec {
            parameters: vec![
                Parameter { path: "spontaneous.constant".into(), lower: 0.0, upper: 0.02 },
                Parameter { path: "influence.constant".into(), lower: 0.0, upper: 1.0 },
                Parameter { path: "potential".into(), lower: 0.05, upper: 1.0 },
            ],
            replicates: 1,
            band_replicates: 200,
            max_evaluations: 1500,
            seed,
            holdout_share: 0.2,
        },
    }
}

fn row(name: &str, s: &Scores) -> String {
    format!(
        "    {name:<12} coverage {:>5.1}%  CRPS {:.5}  interval score {:.4}  ({} points)",
        s.coverage_90 * 100.0,
        s.crps,
        s.interval_score,
        s.points
    )
}

/// The mean of each score over `all` (one per seed), and the lowest and highest coverage.
fn mean(all: &[Scores]) -> (Scores, f64, f64) {
    let n = all.len().max(1) as f64;
    let mean = Scores {
        points: all.first().map_or(0, |s| s.points),
        coverage_90: all.iter().map(|s| s.coverage_90).sum::<f64>() / n,
        crps: all.iter().map(|s| s.crps).sum::<f64>() / n,
        interval_score: all.iter().map(|s| s.interval_score).sum::<f64>() / n,
    };
    let coverage = all.iter().map(|s| s.coverage_90);
    (mean, coverage.clone().fold(f64::INFINITY, f64::min), coverage.fold(0.0, f64::max))
}

pub fn forecast(agents: usize, seeds: u64, out: &Printer) -> Result<()> {
    if seeds == 0 {
        anyhow::bail!("--seeds must be at least 1");
    }
    let population = ReferencePopulation::build(agents, 11)?;
    let saturating = {
        let truth =
            DiffusionModel { potential: 0.3, ..DiffusionModel::new(Term::constant(0.003), Term::constant(0.25)) };
        simulation(&population, truth, 48, 0.01).run(99, 0)?.adoption
    };
    let histories = [
        ("example", "the bundled example's adoption history (quarters)", example_history()),
        ("logistic", "a noisy logistic curve: another mechanism than the model's", logistic_history(48, 5)),
        ("saturating", "the diffusion model with a 30% potential", saturating),
    ];
    let start = DiffusionModel::new(Term::constant(0.01), Term::constant(0.3));
    let mut results: Vec<Value> = Vec::new();
    for (name, about, history) in &histories {
        let sim = simulation(&population, start.clone(), history.len(), history[0]);
        let t0 = std::time::Instant::now();
        let reports: Vec<BacktestReport> =
            (7..7 + seeds).map(|seed| backtest(&sim, history, &spec(history.len(), seed))).collect::<Result<_, _>>()?;
        let models: Vec<Scores> = reports.iter().map(|r| r.overall.model).collect();
        let (model, lowest, highest) = mean(&models);
        let first = &reports[0].overall;
        if !out.json {
            crate::outln!(
                "{name}: {about}, {} points, {seeds} seed(s), {:.1} s",
                history.len(),
                t0.elapsed().as_secs_f64()
            );
            crate::outln!(
                "{}  (coverage {:.1}% to {:.1}% by seed)",
                row("model", &model),
                lowest * 100.0,
                highest * 100.0
            );
            for (label, s) in [("last value", &first.last_value), ("logistic", &first.logistic)] {
                crate::outln!("{}", row(label, s));
            }
        }
        results.push(json!({
            "name": name, "about": about,
            "model": model, "model_coverage_range": [lowest, highest],
            "last_value": first.last_value, "logistic": first.logistic,
            "backtests": reports,
        }));
    }
    // The example's own calibration at its size: the budget it asks for, on 2 cores.
    let big = ReferencePopulation::build(100_000, 11)?;
    let history = example_history();
    let sim =
        simulation(&big, DiffusionModel::new(Term::constant(0.004), Term::constant(0.15)), history.len(), history[0]);
    let mut example_spec = spec(history.len(), 7).calibration;
    example_spec.max_evaluations = 800;
    let t0 = std::time::Instant::now();
    let fit = calibrate(&sim, &history, &example_spec)?;
    let abc_seconds = t0.elapsed().as_secs_f64();
    if !out.json {
        crate::outln!(
            "ABC calibration of the example's history at 100,000 agents: {abc_seconds:.1} s, {} simulations ({} particles, {} generations), held-out coverage {:.0}%",
            fit.evaluations,
            fit.posterior.particles.len(),
            fit.posterior.generations,
            fit.coverage_90 * 100.0
        );
    }
    if out.json {
        let value: Value = json!({
            "agents": agents, "seeds": seeds,
            "abc_example": {"agents": 100_000, "seconds": abc_seconds, "simulations": fit.evaluations,
                            "particles": fit.posterior.particles.len(), "generations": fit.posterior.generations},
            "histories": results,
        });
        crate::outln!("{value}");
    }
    Ok(())
}
