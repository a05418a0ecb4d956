//! `studio bench sensitivity`: the bundled example walked through (100,000 agents, its
//! calibration, its report) in a temporary library, then a global sensitivity analysis of its
//! baseline — a forecast from the history's end at every point — timed on this machine.

use std::sync::Arc;

use anyhow::Result;
use serde_json::json;
use studio_core::model::{FactorKind, FactorRange, SensitivityMethod, SensitivityRequest};
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

pub async fn sensitivity(samples: u32, replicates: u32, out: &Printer) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let studio = Arc::new(Studio::open(StudioConfig::new(dir.path().join("library.db"))).await?);
    studio.start_tasks().await?;
    let user = "bench";
    let walked = crate::example::walk(&studio, user, dir.path(), &|_| {}).await?;
    let load =
        studio_core::model::ProjectLoad { project_id: walked.project_id.clone(), user_id: user.into(), version: None };
    let state = studio.get_project(&load).await?;
    let baseline = state.scenarios.first().map(|s| s.scenario_id.clone()).unwrap_or_default();
    let mut results = Vec::new();
    for (method, n) in [(SensitivityMethod::Sobol, samples), (SensitivityMethod::Morris, 20)] {
        let request = eight(method, n, replicates);
        let started = std::time::Instant::now();
        let task = studio.start_sensitivity(&walked.project_id, user, &baseline, &request).await?;
        let done = studio.wait_task(&task.id, |_| {}).await?;
        let seconds = started.elapsed().as_secs_f64();
        if done.status != TaskStatus::Completed {
            let reason = done.reason().unwrap_or("-").to_string();
            return Err(CoreError::new("task_failed", reason).into());
        }
        let s = studio.sensitivity(&walked.project_id, &baseline).await?.sensitivity;
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
