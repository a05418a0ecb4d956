//! Global sensitivity through the Studio: a scenario's Sobol and Morris analyses run as tasks
//! on the project's population, are stored and named on the scenario's run, say when their
//! inputs changed, can be cancelled; bad requests are named and store nothing.

mod common;

use common::{USER, fixture, project_with_data, run};
use serde_json::json;
use studio_core::model::{FactorKind, FactorRange, SensitivityMethod, SensitivityRequest, Workbench};
use studio_core::task_engine::TaskStatus;
use studio_core::{SensitivityAnswer, Studio};

async fn analyse(studio: &Studio, project: &str, scenario: &str, request: &SensitivityRequest) -> SensitivityAnswer {
    let task = studio.start_sensitivity(project, USER, scenario, request).await.unwrap();
    let mut progress = Vec::new();
    let done =
        studio.wait_task(&task.id, |t| progress.extend(t.progress.as_ref().map(|p| p.message.clone()))).await.unwrap();
    assert_eq!(done.status, TaskStatus::Completed, "{:?}", done.reason());
    let answer = studio.sensitivity(project, scenario).await.unwrap();
    let n = answer.sensitivity.evaluations;
    assert!(progress.contains(&format!("point {n} of {n}")), "progress names the points: {progress:?}");
    answer
}

async fn baseline_of(studio: &Studio, project: &str) -> String {
    let load = studio_core::model::ProjectLoad { project_id: project.into(), user_id: USER.into(), version: None };
    studio.get_project(&load).await.unwrap().scenarios[0].scenario_id.clone()
}

fn factor(kind: FactorKind, name: &str, lower: f64, upper: f64) -> FactorRange {
    FactorRange { kind, name: name.into(), lower, upper }
}

#[tokio::test]
async fn sobol_and_morris_find_the_factor_that_matters() {
    let (studio, project, _dir) = project_with_data(fixture().await, 2_000).await;
    let config = json!({"ticks": 20, "replicates": 4, "seed": 3, "threshold": {"share": 0.1, "tick": 20}});
    let before = config.clone();
    run(&studio, &project, Workbench::Simulation, "run", json!({"simulation_config": config})).await;
    let baseline = baseline_of(&studio, &project).await;
    let missing = studio.sensitivity(&project, &baseline).await.unwrap_err();
    assert_eq!(missing.code, "not_ready", "{}", missing.message);

    // Spontaneous adoption over a wide range; the neighbours' weight over a sliver of one.
    let factors = vec![
        factor(FactorKind::Coefficient, "spontaneous.constant", 0.0, 0.03),
        factor(FactorKind::Coefficient, "influence.constant", 0.2, 0.200001),
        factor(FactorKind::Variable, "price", 0.9, 1.1),
    ];
    let sobol = SensitivityRequest {
        method: SensitivityMethod::Sobol,
        factors: Some(factors.clone()),
        samples: Some(24),
        replicates: Some(2),
    };
    let answer = analyse(&studio, &project, &baseline, &sobol).await;
    assert!(answer.current, "made from the inputs the scenario has");
    let s = &answer.sensitivity;
    assert_eq!((s.evaluations, s.simulations), (24 * 5, 24 * 5 * 2));
    assert_eq!(s.outputs.len(), 2);
    let shares = &s.outputs[0];
    assert_eq!(shares.output, "final_share");
    assert_eq!(shares.indices[0].factor, "spontaneous.constant", "{shares:?}");
    let top = &shares.indices[0];
    assert!(top.total.unwrap() > 0.5 && top.high > top.low, "{top:?}");
    let sliver = shares.indices.iter().find(|i| i.factor == "influence.constant").unwrap();
    assert!(sliver.total.unwrap() < 0.05, "{sliver:?}");
    assert_eq!(s.outputs[1].output, "threshold_probability");
    let value = s.factors.iter().find(|f| f.name == "price").unwrap().value;
    assert_eq!(value, 1.0, "the variable's value in the scenario: the data's latest");

    // Morris from the same request: the same ranking.
    let morris = SensitivityRequest { method: SensitivityMethod::Morris, samples: Some(6), ..sobol.clone() };
    let answer = analyse(&studio, &project, &baseline, &morris).await;
    let m = &answer.sensitivity.outputs[0];
    assert_eq!(answer.sensitivity.evaluations, 6 * 4);
    assert_eq!(m.indices[0].factor, "spontaneous.constant");
    assert!(m.indices[0].mu_star.unwrap() > 10.0 * m.indices.last().unwrap().mu_star.unwrap());

    // Run again with the same inputs: the analysis still holds. Edit the settings: it says so.
    run(&studio, &project, Workbench::Scenario, "run_scenario", json!({"scenario_id": baseline})).await;
    assert!(studio.sensitivity(&project, &baseline).await.unwrap().current);
    let config = json!({"ticks": 25, "replicates": 4, "seed": 3, "threshold": {"share": 0.1, "tick": 20}});
    run(&studio, &project, Workbench::Simulation, "run", json!({"simulation_config": config})).await;
    assert!(!studio.sensitivity(&project, &baseline).await.unwrap().current);
    // A population edit, not yet regenerated, is a change too.
    run(&studio, &project, Workbench::Simulation, "run", json!({"simulation_config": before})).await;
    assert!(studio.sensitivity(&project, &baseline).await.unwrap().current, "back to the inputs it was made from");
    common::act(&studio, &project, Workbench::Population, "resize_population", json!({"target_size": 2_500})).await;
    assert!(!studio.sensitivity(&project, &baseline).await.unwrap().current);
}

#[tokio::test]
async fn the_model_s_own_factors_are_the_default_and_bad_requests_are_named() {
    let (studio, project, _dir) = project_with_data(fixture().await, 1_000).await;
    let baseline = baseline_of(&studio, &project).await;
    let small = SensitivityRequest { samples: Some(8), replicates: Some(1), ..SensitivityRequest::default() };
    let answer = analyse(&studio, &project, &baseline, &small).await;
    let names: Vec<&str> = answer.sensitivity.factors.iter().map(|f| f.name.as_str()).collect();
    // The default model: 0.0024 − 0.002 · price spontaneously, 0.2 from neighbours.
    assert_eq!(names, ["spontaneous.constant", "spontaneous.variables.price", "influence.constant", "price"]);
    let price = &answer.sensitivity.factors[3];
    assert!((price.lower - 0.8).abs() < 1e-12 && (price.upper - 1.2).abs() < 1e-12, "{price:?}");

    let bad = |factors: Vec<FactorRange>| SensitivityRequest { factors: Some(factors), ..small.clone() };
    let cases = [
        (bad(vec![factor(FactorKind::Coefficient, "spontaneous.nothing", 0.0, 1.0)]), "spontaneous.nothing"),
        (bad(vec![factor(FactorKind::Variable, "wind", 0.0, 1.0)]), "'wind' is not a variable"),
        (bad(vec![factor(FactorKind::Variable, "price", 2.0, 1.0)]), "lower below upper"),
        (bad(vec![factor(FactorKind::Coefficient, "potential", 0.0, 0.5)]), "potential"),
        (SensitivityRequest { samples: Some(3), ..small.clone() }, "samples is 3"),
        (SensitivityRequest { replicates: Some(0), ..small.clone() }, "replicates is 0"),
        (SensitivityRequest { samples: Some(4_000), factors: Some(vec![]), ..small.clone() }, "factors names 0"),
    ];
    for (request, says) in cases {
        let started = studio.start_sensitivity(&project, USER, &baseline, &request).await;
        let message = match started {
            Err(e) => e.message,
            Ok(task) => studio.wait_task(&task.id, |_| {}).await.unwrap().reason().unwrap_or_default().to_string(),
        };
        assert!(message.contains(says), "{says}: {message}");
    }
    let unknown = studio.start_sensitivity(&project, USER, "nope", &small).await.unwrap_err();
    assert_eq!(unknown.code, "not_found");
    let kept = studio.sensitivity(&project, &baseline).await.unwrap();
    assert_eq!(kept.sensitivity_id, answer.sensitivity_id, "a failed analysis replaces nothing");

    // A long analysis, cancelled: it stops between two points and records nothing.
    let long = SensitivityRequest { samples: Some(3_000), replicates: Some(4), ..SensitivityRequest::default() };
    let task = studio.start_sensitivity(&project, USER, &baseline, &long).await.unwrap();
    loop {
        let t = studio.get_task(&task.id).await.unwrap();
        // The analysis has begun its points.
        if t.progress.as_ref().is_some_and(|p| p.message.starts_with("point ")) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    studio.cancel_task(&task.id, Some("enough")).await.unwrap();
    let done = studio.wait_task(&task.id, |_| {}).await.unwrap();
    assert_eq!(done.status, TaskStatus::Cancelled);
    assert_eq!(studio.sensitivity(&project, &baseline).await.unwrap().sensitivity_id, answer.sensitivity_id);
}

#[tokio::test]
async fn a_calibrated_project_s_points_are_forecasts_over_the_posterior_s_ranges() {
    let f = fixture().await;
    let project = f.project("Calibrated").await.project_id;
    let marginals = f.dir.path().join("marginals.csv");
    let history = f.dir.path().join("history.csv");
    std::fs::write(&marginals, "dimension,category,share\narea,urban,0.6\narea,rural,0.4\n").unwrap();
    let rows: String =
        (0..20).map(|q| format!("Q{q},{:.4}\n", 0.01 + 0.002 * f64::from(q) + 0.0004 * f64::from(q * q))).collect();
    std::fs::write(&history, format!("quarter,adoption\n{rows}")).unwrap();
    let studio = std::sync::Arc::new(f.studio);
    studio.start_tasks().await.unwrap();
    for (name, path, role) in [("marginals", &marginals, "marginal"), ("adoption", &history, "time_series")] {
        let config = json!({"source_name": name, "configuration": {"path": path, "role": role}});
        common::act(&studio, &project, Workbench::Data, "configure_source", config).await;
    }
    common::act(&studio, &project, Workbench::Population, "resize_population", json!({"target_size": 1_000})).await;
    let calibration = json!({"parameters": [
        {"path": "spontaneous.constant", "lower": 0.0, "upper": 0.02},
        {"path": "influence.constant", "lower": 0.0, "upper": 0.5}], "replicates": 1, "max_evaluations": 60});
    let config =
        json!({"ticks": 26, "replicates": 4, "threshold": {"share": 0.2, "tick": 26}, "calibration": calibration});
    run(&studio, &project, Workbench::Simulation, "run", json!({"simulation_config": config})).await;
    let baseline = baseline_of(&studio, &project).await;
    let request = SensitivityRequest { samples: Some(8), replicates: Some(2), ..SensitivityRequest::default() };
    let s = analyse(&studio, &project, &baseline, &request).await.sensitivity;
    assert!(s.conditioned, "each point is a forecast from the history's end");
    let fitted: Vec<&str> = s.factors.iter().filter(|f| f.fitted).map(|f| f.name.as_str()).collect();
    assert_eq!(fitted, ["spontaneous.constant", "influence.constant"]);
    for f in s.factors.iter().filter(|f| f.fitted) {
        assert!(f.lower >= 0.0 && f.upper <= 0.5 && f.lower < f.upper, "within the prior's bounds: {f:?}");
    }
    assert!(s.outputs.iter().all(|o| o.mean.is_finite() && o.indices.len() == s.factors.len()));
}
