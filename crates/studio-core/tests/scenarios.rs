//! Scenarios through the Studio: a baseline exists from the start, `run_scenario` runs an
//! ensemble over the project's population as a task and records it, a re-run with the same
//! inputs recomputes nothing, compare shows results side by side, `export_data` writes CSV,
//! JSON and Parquet, and a population change marks the results stale.

mod common;

use common::{USER, act, action, fixture, project_with_data, run};
use serde_json::{Value, json};
use studio_core::Studio;
use studio_core::model::{StageStatus, Workbench};
use studio_core::task_engine::TaskStatus;

async fn state(studio: &Studio, project: &str) -> studio_core::model::ProjectState {
    let load = studio_core::model::ProjectLoad { project_id: project.into(), user_id: USER.into(), version: None };
    studio.get_project(&load).await.unwrap()
}

#[tokio::test]
async fn a_scenario_runs_as_an_ensemble_and_is_compared_with_the_baseline() {
    let f = fixture().await;
    let (studio, project, _dir) = project_with_data(f, 5_000).await;
    let before = state(&studio, &project).await;
    assert_eq!(before.scenarios.len(), 1, "a baseline exists by default");
    let baseline = before.scenarios[0].scenario_id.clone();
    assert_eq!(before.scenarios[0].name, "Baseline");

    let config = json!({"ticks": 40, "replicates": 12, "seed": 5, "threshold": {"share": 0.2, "tick": 30}});
    let base = run(&studio, &project, Workbench::Simulation, "run", json!({"simulation_config": config})).await;
    assert_eq!(base["replicates"], 12);
    assert_eq!(base["bands"].as_array().unwrap().len(), 41);
    let digest = base["digest"].as_str().unwrap().to_string();
    let after = state(&studio, &project).await;
    let run0 = &after.scenarios[0];
    assert_eq!(run0.status, studio_core::model::ScenarioStatus::Completed);
    assert_eq!(run0.ensemble_id.as_deref(), base["ensemble_id"].as_str());
    assert_eq!(after.workbench_states.simulation.current_tick, Some(40));
    assert_eq!(after.workbench_states.simulation.total_ticks, Some(40));
    assert_eq!(after.workbench_states.simulation.status, StageStatus::Complete);

    // A cheaper price: a scenario that overrides it and shocks it, run as its own task.
    let cheaper = json!({"scenario_config": {"name": "Subsidy", "description": "price falls",
        "variable_overrides": [{"variable": "price", "value": 0.6}],
        "shock_events": [{"tick": 10, "variable": "price", "magnitude": -0.2}]}});
    let created = act(&studio, &project, Workbench::Scenario, "create_scenario", cheaper).await;
    let subsidy = created["scenario_id"].as_str().unwrap().to_string();
    let sub = run(&studio, &project, Workbench::Scenario, "run_scenario", json!({"scenario_id": subsidy})).await;
    let (p50_base, p50_sub) = (base["final"]["p50"].as_f64().unwrap(), sub["final"]["p50"].as_f64().unwrap());
    assert!(p50_sub > p50_base, "a lower price adopts more: {p50_sub} vs {p50_base}");

    let compared =
        act(&studio, &project, Workbench::Scenario, "compare_scenarios", json!({"compare_ids": [baseline, subsidy]}))
            .await;
    assert_eq!(compared["baseline_id"], json!(baseline));
    let results = compared["results"].as_array().unwrap();
    assert_eq!(results[0]["difference_from_baseline"], json!(0.0));
    let diff = results[1]["difference_from_baseline"].as_f64().unwrap();
    assert!((diff - (p50_sub - p50_base)).abs() < 1e-12);
    assert!(results[1]["interval_90"][0].as_f64().unwrap() <= p50_sub);
    assert!(compared["differences"].as_array().unwrap().iter().any(|d| d["field"] == "variable_overrides.price"));

    // The same inputs again: the stored ensemble, not a new one.
    let again = run(&studio, &project, Workbench::Scenario, "run_scenario", json!({"scenario_id": baseline})).await;
    assert_eq!(again["digest"], json!(digest));

    // Export the baseline's series in all three formats.
    for format in ["csv", "json", "parquet"] {
        let out = act(&studio, &project, Workbench::Simulation, "export_data", json!({"export_format": format})).await;
        let path = std::path::PathBuf::from(out["path"].as_str().unwrap());
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(bytes.len() as u64, out["bytes"].as_u64().unwrap());
        assert!(out["rows"].as_u64().unwrap() > 41 * 6, "overall, archetypes and segments: {out}");
        match format {
            "csv" => {
                let text = String::from_utf8(bytes).unwrap();
                // The prices' years give the ticks their periods: tick 40 is 2063.
                assert!(text.starts_with("scenario,series,segment,tick,period,statistic,value\n"));
                assert!(text.contains("Baseline,age_band,65+,40,2063,mean,"), "segments by category");
                assert_eq!(text.lines().count() as u64, out["rows"].as_u64().unwrap() + 1);
            }
            "json" => {
                let rows: Vec<Value> = serde_json::from_slice(&bytes).unwrap();
                assert_eq!(rows.len() as u64, out["rows"].as_u64().unwrap());
            }
            _ => assert_eq!(&bytes[..4], b"PAR1"),
        }
    }
    // Each agent's final state in replicate 1, re-run from the recorded inputs: its adopters
    // are the replicate's final share.
    let payload =
        json!({"export_format": "csv", "simulation_config": {"scenario_id": baseline, "agents": true, "replicate": 1}});
    let out = act(&studio, &project, Workbench::Simulation, "export_data", payload).await;
    let text = std::fs::read_to_string(out["path"].as_str().unwrap()).unwrap();
    assert!(text.starts_with("agent,archetype,age_band,area,adopted_at\n"), "{}", &text[..80]);
    assert_eq!(out["rows"], 5_000);
    let adopted = text.lines().skip(1).filter(|l| !l.ends_with(",-1")).count();
    let ensemble_id = state(&studio, &project).await.scenarios[0].ensemble_id.clone().unwrap();
    let stored: Value = serde_json::from_slice(&studio.store().artifact(&ensemble_id).await.unwrap().content).unwrap();
    let last = stored["runs"][1].as_array().unwrap().last().unwrap().as_f64().unwrap();
    assert!((adopted as f64 / 5_000.0 - last).abs() < 1e-12, "{adopted} adopters against a final share of {last}");
    let payload = json!({"export_format": "parquet", "simulation_config": {"agents": true}});
    let out = act(&studio, &project, Workbench::Simulation, "export_data", payload).await;
    let scan = studio_core::data::scan_path(
        std::path::Path::new(out["path"].as_str().unwrap()),
        &studio_core::data::ScanOptions::default(),
        &mut |_| true,
    )
    .unwrap();
    assert_eq!(scan.rows, 5_000, "the Parquet file reads back");
    let payload = json!({"export_format": "csv", "simulation_config": {"agents": true, "replicate": 99}});
    let err =
        studio.workbench_action(&action(&project, Workbench::Simulation, "export_data", payload)).await.unwrap_err();
    assert!(err.message.contains("replicate 99 is out of range"), "{}", err.message);
    let summary = act(&studio, &project, Workbench::Simulation, "export_data", json!({})).await;
    assert_eq!(summary["bands"].as_array().unwrap().len(), 41, "without a format: the data itself");
    let bad = studio
        .workbench_action(&action(&project, Workbench::Simulation, "export_data", json!({"export_format": "xlsx"})))
        .await;
    assert!(bad.unwrap_err().message.contains("'xlsx' is not one of: csv, json, parquet"));

    // A population change makes every result stale.
    act(&studio, &project, Workbench::Population, "resize_population", json!({"target_size": 4_000})).await;
    let stale = state(&studio, &project).await;
    assert!(
        stale.scenarios.iter().all(|s| s.status == studio_core::model::ScenarioStatus::Defined),
        "{:?}",
        stale.scenarios
    );
    assert_eq!(stale.workbench_states.simulation.status, StageStatus::NotStarted);
}

#[tokio::test]
async fn bad_scenarios_are_named() {
    let f = fixture().await;
    let (studio, project, _dir) = project_with_data(f, 5_000).await;
    let unknown = json!({"scenario_config": {"name": "Rates", "description": "",
        "variable_overrides": [{"variable": "interest", "value": 0.05}]}});
    let created = act(&studio, &project, Workbench::Scenario, "create_scenario", unknown).await;
    let id = created["scenario_id"].as_str().unwrap();
    let started = act(&studio, &project, Workbench::Scenario, "run_scenario", json!({"scenario_id": id})).await;
    let done = studio.wait_task(started["task_id"].as_str().unwrap(), |_| {}).await.unwrap();
    assert_eq!(done.status, TaskStatus::Failed);
    let reason = done.reason().unwrap_or_default();
    assert!(reason.contains("variable 'interest'") && reason.contains("price"), "{reason}");
    let failed = state(&studio, &project).await;
    let run = failed.scenarios.iter().find(|s| s.scenario_id == id).unwrap();
    assert_eq!(run.status, studio_core::model::ScenarioStatus::Failed);
    assert!(run.run.as_ref().unwrap().error.as_ref().unwrap().contains("interest"));

    let tick0 = json!({"scenario_config": {"name": "Early", "description": "",
        "variable_overrides": [], "shock_events": [{"tick": 0, "variable": "price", "magnitude": 1.0}]}});
    let err =
        studio.workbench_action(&action(&project, Workbench::Scenario, "create_scenario", tick0)).await.unwrap_err();
    assert!(err.message.contains("shock_events[0].tick is 0"), "{}", err.message);
    let err = studio
        .workbench_action(&action(&project, Workbench::Simulation, "run", json!({"simulation_config": {"ticks": 0}})))
        .await
        .unwrap_err();
    assert!(err.message.contains("ticks is 0"), "{}", err.message);
    let err = studio
        .workbench_action(&action(&project, Workbench::Scenario, "run_scenario", json!({"scenario_id": "nope"})))
        .await
        .unwrap_err();
    assert!(err.message.contains("scenario not found: nope"), "{}", err.message);
    let err =
        studio.workbench_action(&action(&project, Workbench::Simulation, "export_data", json!({}))).await.unwrap_err();
    assert!(err.message.contains("has not been simulated yet"), "{}", err.message);
    // 20 scenarios at most, the baseline included.
    for i in 0..18 {
        let s = json!({"scenario_config": {"name": format!("S{i}"), "description": "", "variable_overrides": []}});
        act(&studio, &project, Workbench::Scenario, "create_scenario", s).await;
    }
    let s = json!({"scenario_config": {"name": "One too many", "description": "", "variable_overrides": []}});
    let err = studio.workbench_action(&action(&project, Workbench::Scenario, "create_scenario", s)).await.unwrap_err();
    assert!(err.message.contains("at most 20 scenarios"), "{}", err.message);
}

async fn control(studio: &Studio, project: &str, name: &str, payload: Value) -> studio_core::Result<Value> {
    studio.workbench_action(&action(project, Workbench::Simulation, name, payload)).await.map(|r| r.result)
}

#[tokio::test]
async fn the_console_pauses_steps_replays_and_takes_a_shock() {
    let f = fixture().await;
    let dir = f.dir.path().to_path_buf();
    let (studio, project, _dir) = project_with_data(f, 5_000).await;
    // Slow adoption over many ticks, so the run is still going when it is paused.
    let config = json!({"ticks": 1500, "replicates": 20, "seed": 9, "checkpoint_every": 50,
        "model": {"kind": "diffusion", "spontaneous": {"constant": 0.0002, "variables": {"price": -0.0001}},
                  "influence": {"constant": 0.01}},
        "threshold": {"share": 0.1, "tick": 1500}});
    let err = control(&studio, &project, "pause", json!({})).await.unwrap_err();
    assert!(err.message.contains("no simulation is open"), "{}", err.message);
    let started = act(&studio, &project, Workbench::Simulation, "run", json!({"simulation_config": config})).await;
    let task = started["task_id"].as_str().unwrap().to_string();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while studio.console_view(&project).is_none_or(|v| v.current_tick == 0) {
        assert!(std::time::Instant::now() < deadline, "the console never started");
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let paused = control(&studio, &project, "pause", json!({})).await.unwrap();
    assert_eq!(paused["status"], "paused");
    let at = paused["current_tick"].as_u64().unwrap();
    assert!(at > 0 && at < 1500, "paused mid-run at {at}");
    assert_eq!(paused["bands"].as_array().unwrap().len() as u64, at + 1);
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let held = state(&studio, &project).await.workbench_states.simulation;
    assert_eq!((held.status, held.current_tick, held.total_ticks), (StageStatus::Paused, Some(at), Some(1500)));

    let moved = |v: Value| v["current_tick"].as_u64().unwrap();
    assert_eq!(moved(control(&studio, &project, "step_forward", json!({})).await.unwrap()), at + 1);
    assert_eq!(moved(control(&studio, &project, "step_backward", json!({})).await.unwrap()), at);
    let early = control(&studio, &project, "replay", json!({"tick": 5})).await.unwrap();
    assert_eq!((moved(early.clone()), early["bands"].as_array().unwrap().len()), (5, 6));
    let err = control(&studio, &project, "replay", json!({"tick": 1501})).await.unwrap_err();
    assert!(err.message.contains("tick 1501 is out of range"), "{}", err.message);
    let err = control(&studio, &project, "replay", json!({})).await.unwrap_err();
    assert!(err.message.contains("needs payload.tick"), "{}", err.message);
    let err = control(&studio, &project, "inject_shock", json!({"shock": {"variable": "wind", "magnitude": 1.0}}))
        .await
        .unwrap_err();
    assert!(err.message.contains("unknown variable 'wind'"), "{}", err.message);
    assert_eq!(control(&studio, &project, "resume", json!({})).await.unwrap()["status"], "running");
    let done = studio.wait_task(&task, |_| {}).await.unwrap();
    assert_eq!(done.status, TaskStatus::Completed, "{:?}", done.reason());
    let played = serde_json::to_value(done.result.unwrap().outputs).unwrap();
    let digest = played["digest"].as_str().unwrap().to_string();

    // The same inputs in another project, run whole: the same digest.
    let other = studio
        .create_project(&studio_core::model::ProjectCreate {
            user_id: USER.into(),
            team_id: None,
            project_name: "Twin".into(),
            description: None,
            initial_query: None,
            template_id: None,
        })
        .await
        .unwrap()
        .project_id;
    for (name, file, role) in [("marginals", "marginals.csv", "marginal"), ("prices", "prices.csv", "variables")] {
        let config = json!({"source_name": name, "configuration": {"path": dir.join(file), "role": role}});
        act(&studio, &other, Workbench::Data, "configure_source", config).await;
    }
    act(&studio, &other, Workbench::Population, "resize_population", json!({"target_size": 5_000})).await;
    let twin = run(&studio, &other, Workbench::Simulation, "run", json!({"simulation_config": config})).await;
    assert_eq!(twin["digest"], json!(digest), "paused, stepped, replayed: the same run");

    // After the end: back, a shock, forward again — a new run, recorded when it reaches the end.
    control(&studio, &project, "replay", json!({"tick": 200})).await.unwrap();
    let shocked =
        control(&studio, &project, "inject_shock", json!({"shock": {"variable": "price", "magnitude": -0.5}}))
            .await
            .unwrap();
    assert_eq!(shocked["injected_shocks"], json!([{"tick": 201, "variable": "price", "magnitude": -0.5}]));
    let end = control(&studio, &project, "replay", json!({"tick": 1500})).await.unwrap();
    let new_digest = end["digest"].as_str().unwrap().to_string();
    assert_ne!(new_digest, digest);
    while state(&studio, &project).await.scenarios[0].run.as_ref().and_then(|r| r.digest.clone())
        != Some(new_digest.clone())
    {
        assert!(
            std::time::Instant::now() < deadline + std::time::Duration::from_secs(30),
            "the shocked run was not recorded"
        );
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    // Its replay reproduces the shock.
    control(&studio, &project, "replay", json!({"tick": 3})).await.unwrap();
    assert_eq!(control(&studio, &project, "replay", json!({"tick": 1500})).await.unwrap()["digest"], json!(new_digest));
    let exported = act(&studio, &project, Workbench::Simulation, "export_data", json!({"export_format": "json"})).await;
    assert_eq!(exported["digest"], json!(new_digest));

    assert_eq!(control(&studio, &project, "stop", json!({})).await.unwrap()["status"], "stopped");
    let err = control(&studio, &project, "step_forward", json!({})).await.unwrap_err();
    assert!(err.message.contains("no simulation is open") || err.message.contains("has ended"), "{}", err.message);
    let kept = state(&studio, &project).await;
    assert_eq!(
        kept.scenarios[0].status,
        studio_core::model::ScenarioStatus::Completed,
        "closing the console keeps the results"
    );
    // A report on the shocked run names the shock given by hand.
    let sections = serde_json::from_value(
        json!({"template": "custom", "sections": ["scenarios"], "include_charts": false, "include_methodology": false}),
    )
    .unwrap();
    let report = studio.preview_report(&project, USER, Some(sections)).await.unwrap();
    let html = &report.content.sections[0].content_html;
    assert!(html.contains("(tick 201): price -0.5 (injected in the console)"), "{html}");
    assert_eq!(html.matches("price -0.5").count(), 1, "named once, as injected: {html}");
    // The shocked run is not the scenario as defined: running the scenario computes it again.
    let baseline = kept.scenarios[0].scenario_id.clone();
    let plain = run(&studio, &project, Workbench::Scenario, "run_scenario", json!({"scenario_id": baseline})).await;
    assert_eq!(plain["digest"], json!(digest), "the scenario without the hand-made shock");
}

#[tokio::test]
async fn an_opinion_model_runs_as_an_ensemble_too() {
    let f = fixture().await;
    let (studio, project, _dir) = project_with_data(f, 5_000).await;
    let model = json!({"kind": "opinion", "initial": {"constant": 0.4}, "spread": 0.2, "convergence": 0.3,
        "confidence": 0.25, "drift": {"variables": {"price": -0.01}}, "noise": 0.01, "threshold": 0.5});
    let config = json!({"ticks": 30, "replicates": 8, "model": model});
    let done = run(&studio, &project, Workbench::Simulation, "run", json!({"simulation_config": config})).await;
    assert_eq!(done["bands"].as_array().unwrap().len(), 31);
    let share = done["final"]["p50"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&share));
    let summary = act(&studio, &project, Workbench::Simulation, "export_data", json!({})).await;
    assert_eq!(summary["digest"], done["digest"]);
    let payload = json!({"export_format": "csv", "simulation_config": {"agents": true}});
    let out = act(&studio, &project, Workbench::Simulation, "export_data", payload).await;
    let text = std::fs::read_to_string(out["path"].as_str().unwrap()).unwrap();
    assert!(text.starts_with("agent,archetype,age_band,area,opinion\n"), "{}", &text[..60]);
    assert_eq!(text.lines().count(), 5_001);
    // A model the engine cannot run is refused when it is set, not found out when it runs.
    let before = state(&studio, &project).await.workbench_states.simulation.config;
    let bad = json!({"simulation_config": {"model": {"kind": "opinion", "convergence": 2.0, "confidence": 0.1}}});
    let err = studio.workbench_action(&action(&project, Workbench::Simulation, "run", bad)).await.unwrap_err();
    assert_eq!(err.code, "invalid_request");
    assert!(err.message.contains("convergence is 2"), "{}", err.message);
    assert_eq!(state(&studio, &project).await.workbench_states.simulation.config, before, "nothing was set");
    let unknown = json!({"simulation_config": {"model": {"kind": "epidemic"}}});
    let err = studio.workbench_action(&action(&project, Workbench::Simulation, "run", unknown)).await.unwrap_err();
    assert!(err.message.contains("not a model the engine knows"), "{}", err.message);
}

#[tokio::test]
async fn a_scenario_can_run_on_its_own_population() {
    let f = fixture().await;
    let (studio, project, _dir) = project_with_data(f, 5_000).await;
    let older = json!({"scenario_config": {"name": "Older", "description": "an older region", "variable_overrides": [],
        "population_adjustments": {"age_band": {"shares": {"18-29": 0.1, "30-44": 0.1, "45-64": 0.3, "65+": 0.5}}}}});
    let id = act(&studio, &project, Workbench::Scenario, "create_scenario", older).await["scenario_id"]
        .as_str()
        .unwrap()
        .to_string();
    let config = json!({"simulation_config": {"ticks": 20, "replicates": 4, "scenario_id": id}});
    run(&studio, &project, Workbench::Simulation, "run", config).await;
    let payload = json!({"export_format": "csv", "simulation_config": {"agents": true}});
    let out = act(&studio, &project, Workbench::Simulation, "export_data", payload).await;
    let text = std::fs::read_to_string(out["path"].as_str().unwrap()).unwrap();
    let oldest = text.lines().skip(1).filter(|l| l.split(',').nth(2) == Some("65+")).count() as f64 / 5_000.0;
    assert!((oldest - 0.5).abs() < 0.01, "half the agents are 65+: {oldest}");

    for (adjustment, message) in [
        (json!({"planet": {"shift": 0.1}}), "no marginal has this dimension"),
        (json!({"age_band": 5}), "must be {\"shares\""),
    ] {
        let bad = json!({"scenario_config": {"name": "Bad", "description": "", "variable_overrides": [], "population_adjustments": adjustment}});
        let edit = json!({"scenario_id": id, "scenario_config": bad["scenario_config"]});
        act(&studio, &project, Workbench::Scenario, "edit_scenario", edit).await;
        let started = act(&studio, &project, Workbench::Scenario, "run_scenario", json!({"scenario_id": id})).await;
        let failed = studio.wait_task(started["task_id"].as_str().unwrap(), |_| {}).await.unwrap();
        let reason = failed.reason().unwrap_or_default().to_string();
        assert!(reason.contains(message) && reason.contains("'Bad'"), "{reason}");
    }
}

/// Starts a slow console run of the baseline and waits until it has played a tick.
async fn slow_run(studio: &Studio, project: &str) -> String {
    let config = json!({"ticks": 3000, "replicates": 20, "seed": 2,
        "model": {"kind": "diffusion", "spontaneous": {"constant": 0.0001}, "influence": {"constant": 0.005}}});
    let started = act(studio, project, Workbench::Simulation, "run", json!({"simulation_config": config})).await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while studio.console_view(project).is_none_or(|v| v.current_tick == 0 || v.total_ticks != 3000) {
        assert!(std::time::Instant::now() < deadline, "the console never started");
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    started["task_id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_run_stopped_or_cancelled_before_its_end_leaves_the_results_before_it() {
    let f = fixture().await;
    let (studio, project, _dir) = project_with_data(f, 5_000).await;
    let first = run(
        &studio,
        &project,
        Workbench::Simulation,
        "run",
        json!({"simulation_config": {"ticks": 20, "replicates": 4}}),
    )
    .await;
    let digest = first["digest"].clone();

    let task = slow_run(&studio, &project).await;
    assert_eq!(state(&studio, &project).await.scenarios[0].status, studio_core::model::ScenarioStatus::Running);
    let stopped = control(&studio, &project, "stop", json!({})).await.unwrap();
    assert_eq!(stopped["status"], "stopped");
    let done = studio.wait_task(&task, |_| {}).await.unwrap();
    assert_eq!(done.status, TaskStatus::Completed);
    assert_eq!(done.result.unwrap().outputs["stopped"], json!(true));
    let after = state(&studio, &project).await;
    assert_eq!(after.scenarios[0].status, studio_core::model::ScenarioStatus::Completed);
    assert_eq!(after.scenarios[0].run.as_ref().unwrap().digest.as_ref().map(|d| json!(d)), Some(digest.clone()));
    assert!(control(&studio, &project, "resume", json!({})).await.is_err(), "the console is closed");

    // Cancelling the task stops the run the same way.
    let task = slow_run(&studio, &project).await;
    studio.cancel_task(&task, None).await.unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while studio.console_view(&project).is_some() {
        assert!(std::time::Instant::now() < deadline, "the console did not close");
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let after = state(&studio, &project).await;
    assert_eq!(after.scenarios[0].run.as_ref().unwrap().digest.as_ref().map(|d| json!(d)), Some(digest));
}
