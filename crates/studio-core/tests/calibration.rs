//! Calibration through the Studio: a run whose settings ask for it first fits the chosen
//! coefficients to the data's history (kept and reused while its inputs stay the same), then
//! starts from the history's first point with the fitted model; bad requests are named.

mod common;

use std::sync::Arc;

use common::{USER, fixture};
use serde_json::{Value, json};
use studio_core::Studio;
use studio_core::model::{Workbench, WorkbenchAction};
use studio_core::task_engine::TaskStatus;

const MARGINALS: &str = "dimension,category,share\narea,urban,0.6\narea,rural,0.4\n";

fn action(project: &str, workbench: Workbench, name: &str, payload: Value) -> WorkbenchAction {
    WorkbenchAction { project_id: project.into(), user_id: USER.into(), workbench, action: name.into(), payload }
}

async fn run(studio: &Studio, project: &str, payload: Value) -> studio_core::task_engine::Task {
    let started = studio.workbench_action(&action(project, Workbench::Simulation, "run", payload)).await.unwrap();
    studio.wait_task(started.result["task_id"].as_str().unwrap(), |_| {}).await.unwrap()
}

#[tokio::test]
async fn a_run_is_calibrated_on_the_history_first() {
    let f = fixture().await;
    let project = f.project("Calibrated").await.project_id;
    let marginals = f.dir.path().join("marginals.csv");
    let history = f.dir.path().join("history.csv");
    std::fs::write(&marginals, MARGINALS).unwrap();
    // A slowly accelerating adoption over 20 quarters.
    let rows: String =
        (0..20).map(|q| format!("Q{q},{:.4}\n", 0.01 + 0.002 * f64::from(q) + 0.0004 * f64::from(q * q))).collect();
    std::fs::write(&history, format!("quarter,adoption\n{rows}")).unwrap();
    let studio = Arc::new(f.studio);
    studio.start_tasks().await.unwrap();
    for (name, path, role) in [("marginals", &marginals, "marginal"), ("adoption", &history, "time_series")] {
        let config = json!({"source_name": name, "configuration": {"path": path, "role": role}});
        studio.workbench_action(&action(&project, Workbench::Data, "configure_source", config)).await.unwrap();
    }
    let resize = action(&project, Workbench::Population, "resize_population", json!({"target_size": 3_000}));
    studio.workbench_action(&resize).await.unwrap();

    let calibration = json!({"parameters": [
        {"path": "spontaneous.constant", "lower": 0.0, "upper": 0.02},
        {"path": "influence.constant", "lower": 0.0, "upper": 0.5}], "replicates": 4, "max_evaluations": 40});
    let config = json!({"ticks": 30, "replicates": 10, "calibration": calibration});
    let done = run(&studio, &project, json!({"simulation_config": config})).await;
    assert_eq!(done.status, TaskStatus::Completed, "{:?}", done.reason());
    let load = studio_core::model::ProjectLoad { project_id: project.clone(), user_id: USER.into(), version: None };
    let state = studio.get_project(&load).await.unwrap();
    let ensemble = state.scenarios[0].ensemble_id.clone().unwrap();
    let report: Value = serde_json::from_slice(&studio.store().artifact(&ensemble).await.unwrap().content).unwrap();
    let fit = &report["calibration"];
    assert_eq!(fit["series"], "adoption");
    assert_eq!((fit["fit_points"].as_u64(), fit["holdout_points"].as_u64()), (Some(16), Some(4)));
    for metric in ["holdout_rmse", "holdout_mape", "coverage_90", "fit_rmse"] {
        assert!(fit[metric].as_f64().is_some_and(f64::is_finite), "{metric}: {fit}");
    }
    assert!(fit["holdout_rmse"].as_f64().unwrap() < 0.05, "{fit}");
    let a = fit["fitted"]["spontaneous.constant"].as_f64().unwrap();
    assert!((0.0..=0.02).contains(&a));
    assert_eq!(report["settings"]["model"]["spontaneous"]["constant"].as_f64(), Some(a), "the run used the fit");
    assert_eq!(report["bands"][0][2].as_f64(), Some(0.01), "the run starts from the history's first point");
    // A forecast from the history's end: the history as observed, then spread.
    let observed: Vec<f64> = fit["observed"].as_array().unwrap().iter().filter_map(Value::as_f64).collect();
    for (t, y) in observed.iter().enumerate() {
        assert_eq!(report["bands"][t][0].as_f64(), Some(*y), "tick {t} is the history's");
        assert_eq!(report["bands"][t][4].as_f64(), Some(*y), "tick {t} is the history's");
    }
    let last = &report["bands"][30];
    assert!(last[4].as_f64() > last[0].as_f64(), "the forecast has a spread: {last}");
    assert!(fit["posterior"]["particles"].as_array().is_some_and(|p| p.len() >= 4), "{fit}");
    assert!(fit["discrepancy"]["rho"].as_f64().is_some(), "{fit}");
    let logged = |s: &studio_core::model::ProjectState| {
        s.modification_log.iter().filter(|e| e.summary.starts_with("Calibrated")).count()
    };
    assert_eq!(logged(&state), 1);

    // Another scenario, the same fit: not redone.
    let s = json!({"scenario_config": {"name": "Cheaper", "description": "", "variable_overrides": []}});
    studio.workbench_action(&action(&project, Workbench::Scenario, "create_scenario", s)).await.unwrap();
    let again = run(&studio, &project, json!({"simulation_config": config})).await;
    assert_eq!(again.status, TaskStatus::Completed);
    assert_eq!(logged(&studio.get_project(&load).await.unwrap()), 1, "the stored fit was reused");

    let bad = json!({"ticks": 30, "calibration": {"series": "sales", "parameters": calibration["parameters"]}});
    let failed = run(&studio, &project, json!({"simulation_config": bad})).await;
    assert_eq!(failed.status, TaskStatus::Failed);
    let reason = failed.reason().unwrap_or_default();
    assert!(reason.contains("'sales' is not a time series") && reason.contains("adoption"), "{reason}");
    let bounds = json!({"calibration": {"parameters": [{"path": "influence.constant", "lower": 1.0, "upper": 0.0}]}});
    let err = studio
        .workbench_action(&action(&project, Workbench::Simulation, "run", json!({"simulation_config": bounds})))
        .await
        .unwrap_err();
    assert!(err.message.contains("bounds 1 to 0"), "{}", err.message);
}
