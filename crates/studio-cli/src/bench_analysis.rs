//! `studio bench sensitivity` and `studio bench goal-seek`: the bundled example walked through
//! (100,000 agents, its calibration, its report) in a temporary library, then an analysis of its
//! baseline — a forecast from the history's end at every point — timed on this machine.

use std::sync::Arc;

use anyhow::Result;
use serde_json::json;
use studio_core::model::{FactorKind, FactorRange, GoalSeekRequest, Lever, SensitivityMethod, SensitivityRequest};
use studio_core::task_engine::TaskStatus;
use studio_core::{CoreError, Studio, StudioConfig};

use crate::output::Printer;

/// The example's eight factors: its three fitted coefficients (their posterior's ranges come
/// with the analysis), the price's weight, three attributes' weights and the price itself.
fn eight(method: SensitivityMethod, samples: u32, replicates: u32) -> SensitivityRequest {
    let f = |kind, name: &str, lower, upper| FactorRange { kind, name: name.into(), lower, upper };
    let c = FactorKind::Coefficient;
    SensitivityRequest {
        method,
        factors: Some(vec![
            f(c, "spontaneous.constant", 0.0015, 0.02),
            f(c, "influence.constant", 0.0, 0.5),
            f(c, "potential", 0.05, 1.0),
            f(c, "spontaneous.variables.price", -0.002, 0.0),
            f(c, "spontaneous.attributes.income_band", -0.002, 0.002),
            f(c, "influence.attributes.household_size", -0.05, 0.05),
            f(c, "spontaneous.attributes.age_band", -0.002, 0.002),
            f(FactorKind::Variable, "price", 0.8, 1.2),
        ]),
        samples: Some(samples),
        replicates: Some(replicates),
    }
}

/// The example walked through in a temporary library: the Studio, the project and its baseline.
struct Example {
    _dir: tempfile::TempDir,
    studio: Arc<Studio>,
    project: String,
    baseline: String,
}

const USER: &str = "bench";

async fn example() -> Result<Example> {
    let dir = tempfile::tempdir()?;
    let studio = Arc::new(Studio::open(StudioConfig::new(dir.path().join("library.db"))).await?);
    studio.start_tasks().await?;
    let walked = crate::example::walk(&studio, USER, dir.path(), &|_| {}).await?;
    let load =
        studio_core::model::ProjectLoad { project_id: walked.project_id.clone(), user_id: USER.into(), version: None };
    let state = studio.get_project(&load).await?;
    let baseline = state.scenarios.first().map(|s| s.scenario_id.clone()).unwrap_or_default();
    Ok(Example { _dir: dir, studio, project: walked.project_id, baseline })
}

/// Waits for a task and fails with its reason if it did not complete.
async fn finished(studio: &Studio, task: &str) -> Result<()> {
    let done = studio.wait_task(task, |_| {}).await?;
    if done.status != TaskStatus::Completed {
        let reason = done.reason().unwrap_or("-").to_string();
        return Err(CoreError::new("task_failed", reason).into());
    }
    Ok(())
}

/// A goal seek from the example's baseline: the price (9 levels), a price shock (4 sizes at 3
/// ticks after the history) and an income shift (4 levels), 585 combinations; `rollouts` of them
/// simulated.
pub async fn goal_seek(rollouts: u32, replicates: u32, out: &Printer) -> Result<()> {
    let Example { studio, project, baseline, .. } = &example().await?;
    let request = GoalSeekRequest {
        levers: vec![
            Lever::Variable { variable: "price".into(), lower: Some(0.6), upper: Some(1.3), steps: Some(9) },
            Lever::Shock {
                variable: "price".into(),
                magnitude_low: -0.4,
                magnitude_high: 0.0,
                tick_low: 32,
                tick_high: 38,
                steps: Some(5),
            },
            Lever::Population { dimension: "income_band".into(), lower: -0.3, upper: 0.3, steps: Some(5) },
        ],
        rollouts: Some(rollouts),
        replicates: Some(replicates),
        ..GoalSeekRequest::default()
    };
    let started = std::time::Instant::now();
    let task = studio.start_goal_seek(project, USER, baseline, &request).await?;
    finished(studio, &task.id).await?;
    let seconds = started.elapsed().as_secs_f64();
    let g = studio.goal_seek(project, baseline).await?.goal_seek;
    let best = g.candidates.first();
    let best_text = best.map_or("nothing better than the baseline".into(), |c| {
        let what: Vec<String> = c.settings.iter().filter(|s| s.value.is_some()).map(|s| s.label.clone()).collect();
        format!("P = {:.2} ({:.2}–{:.2}) with {}", c.probability, c.interval[0], c.interval[1], what.join(", "))
    });
    if out.json {
        let summary = json!({"agents": 100_000, "seconds": seconds, "search_seconds": g.elapsed_ms as f64 / 1000.0,
            "rollouts": g.rollouts, "combinations": g.combinations, "iterations": g.iterations,
            "simulations": g.simulations, "baseline_probability": g.baseline.probability, "best": best});
        crate::outln!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        crate::outln!(
            "goal seek from the example's baseline at 100,000 agents: {} of {} combinations × {} replicates ({} simulations, {} iterations) in {seconds:.1} s wall ({:.1} s searching; the wall time holds the income levels' populations); P(≥ {:.0}% by tick {}) as it is {:.2}, best {best_text}",
            g.rollouts,
            g.combinations,
            g.replicates,
            g.simulations,
            g.iterations,
            g.elapsed_ms as f64 / 1000.0,
            g.target.share * 100.0,
            g.target.tick,
            g.baseline.probability
        );
    }
    Ok(())
}

pub async fn sensitivity(samples: u32, replicates: u32, out: &Printer) -> Result<()> {
    let Example { studio, project, baseline, .. } = &example().await?;
    let user = USER;
    let mut results = Vec::new();
    for (method, n) in [(SensitivityMethod::Sobol, samples), (SensitivityMethod::Morris, 20)] {
        let request = eight(method, n, replicates);
        let started = std::time::Instant::now();
        let task = studio.start_sensitivity(project, user, baseline, &request).await?;
        finished(studio, &task.id).await?;
        let seconds = started.elapsed().as_secs_f64();
        let s = studio.sensitivity(project, baseline).await?.sensitivity;
        let top: Vec<String> = s.outputs[0]
            .indices
            .iter()
            .take(3)
            .map(|i| match (i.total, i.mu_star) {
                (Some(t), _) => format!("{} {t:.2}", i.factor),
                (_, Some(m)) => format!("{} {m:.3}", i.factor),
                _ => i.factor.clone(),
            })
            .collect();
        if !out.json {
            crate::outln!(
                "{} of the example at 100,000 agents, {} factors, {} samples × {} replicates: {seconds:.1} s wall ({:.1} s analysing), {} simulations; final share most moved by {}",
                method.as_str(),
                s.factors.len(),
                s.samples,
                s.replicates,
                s.elapsed_ms as f64 / 1000.0,
                s.simulations,
                top.join(", ")
            );
        }
        results.push(json!({"method": method, "factors": s.factors.len(), "samples": s.samples,
            "replicates": s.replicates, "seconds": seconds, "analysis_seconds": s.elapsed_ms as f64 / 1000.0,
            "evaluations": s.evaluations, "simulations": s.simulations, "top": top}));
    }
    if out.json {
        crate::outln!("{}", serde_json::to_string_pretty(&json!({"agents": 100_000, "results": results}))?);
    }
    Ok(())
}
