//! The Data → Population path through the Studio: sources with roles become a data package,
//! `regenerate` builds a population from it as a task, the reads show archetypes and the
//! network, adjustments and file changes make the population stale, and nothing is lost when
//! a file goes missing.

mod common;

use std::path::Path;
use std::sync::Arc;

use common::{USER, fixture, new_project};
use serde_json::{Value, json};
use studio_core::Studio;
use studio_core::model::{StageStatus, Workbench};
use studio_core::task_engine::TaskStatus;

const MARGINALS: &str = "dimension,category,share\n\
age_band,18-29,0.21\nage_band,30-44,0.26\nage_band,45-64,0.32\nage_band,65+,0.21\n\
income_band,<20k,0.18\nincome_band,20k-40k,0.31\nincome_band,40k-70k,0.29\nincome_band,70k+,0.22\n\
area,urban,0.64\narea,rural,0.36\n";

async fn configure(studio: &Studio, project: &str, name: &str, config: Value) {
    let req = studio_core::model::WorkbenchAction {
        project_id: project.into(),
        user_id: USER.into(),
        workbench: Workbench::Data,
        action: "configure_source".into(),
        payload: json!({"source_name": name, "configuration": config}),
    };
    studio.workbench_action(&req).await.unwrap();
}

/// Configures `path` as the project's marginals and sizes its population.
async fn with_marginals(studio: &Studio, project: &str, path: &Path, size: u64) {
    configure(studio, project, "marginals", json!({"path": path, "role": "marginal"})).await;
    let resize = json!({"target_size": size});
    studio.workbench_action(&action(project, Workbench::Population, "resize_population", resize)).await.unwrap();
}

/// Starts a stage task through the workbench action and waits for it.
async fn run(studio: &Studio, project: &str, workbench: Workbench, action: &str, payload: Value) -> Value {
    let req = studio_core::model::WorkbenchAction {
        project_id: project.into(),
        user_id: USER.into(),
        workbench,
        action: action.into(),
        payload,
    };
    let started = studio.workbench_action(&req).await.unwrap();
    let id = started.result["task_id"].as_str().expect("a task id").to_string();
    let done = studio.wait_task(&id, |_| {}).await.unwrap();
    assert_eq!(done.status, TaskStatus::Completed, "{action}: {:?}", done.reason());
    serde_json::to_value(done.result.unwrap().outputs).unwrap()
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
}

#[tokio::test]
async fn sources_become_a_package_and_a_fitted_population() {
    let f = fixture().await;
    let project = f.project("Region").await.project_id;
    let marginals = f.dir.path().join("marginals.csv");
    let history = f.dir.path().join("adoption.csv");
    write(&marginals, MARGINALS);
    write(&history, "quarter,adoption\n2024Q1,0.010\n2024Q2,0.014\n2024Q3,0.019\n");
    let studio = Arc::new(f.studio);
    studio.start_tasks().await.unwrap();
    with_marginals(&studio, &project, &marginals, 20_000).await;
    configure(&studio, &project, "adoption", json!({"path": history, "role": "time_series"})).await;

    let package = run(&studio, &project, Workbench::Data, "refresh_data", json!({})).await;
    assert_eq!(package["marginals"].as_array().unwrap().len(), 3);
    assert_eq!(package["time_series"][0], json!({"name": "adoption", "points": 3}));
    assert_eq!(package["sources"][0]["sha256"].as_str().unwrap().len(), 64);
    let state0 = state(&studio, &project).await;
    assert_eq!(state0.workbench_states.data.status, StageStatus::Complete);
    assert_eq!(state0.data_package_id.as_deref(), package["data_package_id"].as_str());

    let built = run(&studio, &project, Workbench::Population, "regenerate", json!({"edits": {"seed": 7}})).await;
    assert_eq!(built["size"], 20_000);
    assert_eq!(built["archetypes"].as_array().unwrap().len(), 6);
    for fit in built["fit"].as_array().unwrap() {
        assert!(fit["max_share_error"].as_f64().unwrap() < 0.002, "{fit}");
    }
    let state1 = state(&studio, &project).await;
    assert_eq!(state1.workbench_states.population.status, StageStatus::Complete);
    let population_id = state1.population_id.clone().expect("a population id");
    assert!(state1.modification_log.iter().any(|e| e.summary.starts_with("Regenerated the population: 20000 agents")));

    let network = read(&studio, &project, "view_network").await;
    assert_eq!(network["summary"]["nodes"], 20_000);
    assert!((network["summary"]["mean_degree"].as_f64().unwrap() - 10.0).abs() < 1e-9);
    assert!(network["summary"]["ego"]["nodes"].as_array().unwrap().len() > 10);
    let archetypes = read(&studio, &project, "view_archetypes").await;
    assert_eq!(archetypes["digest"], built["digest"]);

    // The same inputs: nothing recomputed, nothing logged.
    let again = run(&studio, &project, Workbench::Population, "regenerate", json!({})).await;
    assert_eq!(again["digest"], built["digest"]);
    assert_eq!(state(&studio, &project).await.modification_log.len(), state1.modification_log.len());

    // An adjustment makes the population stale until it is regenerated, and can be undone.
    let shift = json!({"adjustment": {"dimension": "income_band", "target": {"shift": 0.2}}});
    let adjusted =
        studio.workbench_action(&action(&project, Workbench::Population, "adjust_distribution", shift)).await.unwrap();
    assert_eq!(adjusted.updated_project_state.workbench_states.population.status, StageStatus::InProgress);
    assert!(adjusted.state_changes.warnings.iter().any(|w| w.contains("re-generated")), "{:?}", adjusted.state_changes);
    let recorded = &adjusted.updated_project_state.workbench_states.population.adjustments;
    let income = recorded.iter().find(|a| a.dimension == "income_band").unwrap();
    assert_eq!(income.original["shares"]["<20k"], 0.18, "the original distribution comes from the data");
    let shifted = run(&studio, &project, Workbench::Population, "regenerate", json!({})).await;
    assert_ne!(shifted["digest"], built["digest"]);
    let low = shifted["fit"].as_array().unwrap().iter().find(|f| f["dimension"] == "income_band").unwrap()["synthetic"]
        [0]
    .as_f64()
    .unwrap();
    assert!((low - 0.18 * 0.8).abs() < 0.002, "{low}");
    let undone = studio.undo(&project, USER).await.unwrap();
    assert_eq!(undone.entry.action, "adjust_distribution", "a regeneration is not on the undo stack");
    assert_ne!(state(&studio, &project).await.population_id.as_deref(), Some(population_id.as_str()));
}

#[tokio::test]
async fn the_same_inputs_and_seed_give_the_same_population_in_another_project() {
    let f = fixture().await;
    let marginals = f.dir.path().join("marginals.csv");
    write(&marginals, MARGINALS);
    let studio = Arc::new(f.studio);
    studio.start_tasks().await.unwrap();
    let mut digests = Vec::new();
    for name in ["One", "Two"] {
        let project = new_project(&studio, name).await.project_id;
        with_marginals(&studio, &project, &marginals, 5_000).await;
        let built = run(&studio, &project, Workbench::Population, "regenerate", json!({})).await;
        digests.push(built["digest"].clone());
    }
    assert_eq!(digests[0], digests[1]);
}

#[tokio::test]
async fn a_changed_file_makes_the_population_stale_and_a_missing_one_is_an_error() {
    let f = fixture().await;
    let project = f.project("Files").await.project_id;
    let marginals = f.dir.path().join("marginals.csv");
    let prices = f.dir.path().join("prices.csv");
    write(&marginals, MARGINALS);
    write(&prices, "quarter,price\n2024Q1,1.00\n2024Q2,0.97\n");
    let studio = Arc::new(f.studio);
    studio.start_tasks().await.unwrap();
    with_marginals(&studio, &project, &marginals, 2_000).await;
    configure(&studio, &project, "prices", json!({"path": prices, "role": "variables"})).await;
    run(&studio, &project, Workbench::Population, "regenerate", json!({})).await;
    assert_eq!(state(&studio, &project).await.workbench_states.population.status, StageStatus::Complete);

    write(&marginals, &MARGINALS.replace("urban,0.64", "urban,0.70"));
    let mut events = studio.subscribe();
    run(&studio, &project, Workbench::Data, "refresh_data", json!({})).await;
    let after = state(&studio, &project).await;
    assert_eq!(after.workbench_states.population.status, StageStatus::InProgress, "the population is stale");
    let mut warned = false;
    while let Ok(event) = events.try_recv() {
        if let studio_core::StudioEvent::Invalidated { warnings, .. } = event {
            warned |= warnings.iter().any(|w| w == "Population must be re-generated after data changes");
        }
    }
    assert!(warned, "the seed's warning is sent");

    std::fs::remove_file(&prices).unwrap();
    let package = run(&studio, &project, Workbench::Data, "refresh_data", json!({})).await;
    let sources = package["sources"].as_array().unwrap();
    let gone = sources.iter().find(|s| s["source_name"] == "prices").unwrap();
    assert_eq!(gone["status"], "error");
    assert!(gone["message"].as_str().unwrap().contains("is missing: was it moved or deleted?"), "{gone}");
    assert_eq!(package["marginals"].as_array().unwrap().len(), 3, "the rest keeps working");
    run(&studio, &project, Workbench::Population, "regenerate", json!({})).await;
}

#[tokio::test]
async fn bad_population_inputs_fail_the_task_with_the_reason() {
    let f = fixture().await;
    let project = f.project("Bad").await.project_id;
    let marginals = f.dir.path().join("marginals.csv");
    write(&marginals, "dimension,category,share\nage,young,-1\n");
    let studio = Arc::new(f.studio);
    studio.start_tasks().await.unwrap();
    configure(&studio, &project, "marginals", json!({"path": marginals, "role": "marginal"})).await;
    let started =
        studio.workbench_action(&action(&project, Workbench::Population, "regenerate", json!({}))).await.unwrap();
    let done = studio.wait_task(started.result["task_id"].as_str().unwrap(), |_| {}).await.unwrap();
    assert_eq!(done.status, TaskStatus::Failed);
    assert!(done.reason().unwrap().contains("marginal 'age': category 'young' has target -1"), "{:?}", done.reason());
    let err = studio
        .workbench_action(&action(&project, Workbench::Population, "view_archetypes", json!({})))
        .await
        .unwrap_err();
    assert!(err.message.contains("there is no population yet"), "{}", err.message);
}

fn action(project: &str, workbench: Workbench, name: &str, payload: Value) -> studio_core::model::WorkbenchAction {
    studio_core::model::WorkbenchAction {
        project_id: project.into(),
        user_id: USER.into(),
        workbench,
        action: name.into(),
        payload,
    }
}

async fn read(studio: &Studio, project: &str, what: &str) -> Value {
    studio.workbench_action(&action(project, Workbench::Population, what, json!({}))).await.unwrap().result
}

async fn state(studio: &Studio, project: &str) -> studio_core::model::ProjectState {
    let load = studio_core::model::ProjectLoad { project_id: project.into(), user_id: USER.into(), version: None };
    studio.get_project(&load).await.unwrap()
}

#[tokio::test]
async fn editing_a_linked_file_on_disk_refreshes_it_and_marks_the_population_stale() {
    let f = fixture().await;
    let project = f.project("Watched").await.project_id;
    let marginals = f.dir.path().join("marginals.csv");
    write(&marginals, MARGINALS);
    let studio = Arc::new(f.studio);
    studio.start_tasks().await.unwrap();
    with_marginals(&studio, &project, &marginals, 2_000).await;
    run(&studio, &project, Workbench::Population, "regenerate", json!({})).await;
    assert_eq!(state(&studio, &project).await.workbench_states.population.status, StageStatus::Complete);
    // A workflow that starts when that file changes.
    let workflow: studio_core::model::Workflow = serde_json::from_value(json!({
        "workflow_id": "on_change", "name": "When the marginals change",
        "triggers": [{"type": "source_changed", "source": "marginals.csv"}],
        "steps": [{"id": "note", "type": "task", "agent_type": "data_processor", "task": "echo",
                   "config": {"changed": "${trigger.event.source}"}}]
    }))
    .unwrap();
    let save = studio_core::Request::SaveWorkflow { project_id: project.clone(), user_id: USER.into(), workflow };
    studio.dispatch(save).await.unwrap();
    // Let the watcher pick the file up, then edit it as an analyst would.
    tokio::time::sleep(std::time::Duration::from_millis(1_500)).await;
    write(&marginals, &MARGINALS.replace("rural,0.36", "rural,0.40"));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let now = state(&studio, &project).await;
        if now.workbench_states.population.status == StageStatus::InProgress {
            let entry = now.modification_log.iter().rev().find(|e| e.action == "refresh_data").unwrap();
            assert!(entry.summary.contains("marginals.csv changed on disk"), "{}", entry.summary);
            break;
        }
        assert!(std::time::Instant::now() < deadline, "no refresh after the file changed");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    // The change is on the bus, and started the workflow listening for it, once.
    loop {
        let runs = studio.workflow_runs(&project, Some("on_change")).await.unwrap();
        if let Some(run) = runs.iter().find(|r| r.status.is_finished()) {
            assert_eq!(run.trigger["topic"], "studio.data.source_changed", "{run:?}");
            assert_eq!(run.steps[0].output.as_ref().unwrap()["changed"], "marginals.csv");
            assert_eq!(runs.len(), 1, "{runs:?}");
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the workflow did not start: {runs:?}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn an_imported_source_is_copied_into_the_project_and_survives_its_original() {
    let f = fixture().await;
    let project = f.project("Imported").await.project_id;
    let original = f.dir.path().join("marginals.csv");
    write(&original, MARGINALS);
    let studio = Arc::new(f.studio);
    studio.start_tasks().await.unwrap();
    configure(&studio, &project, "marginals", json!({"path": original, "role": "marginal", "import": true})).await;
    let config = state(&studio, &project).await.workbench_states.data.sources["marginals"].to_value();
    assert_eq!(config["linked"], false);
    assert_eq!(config["imported_from"], json!(original));
    assert_eq!(config["bytes"], MARGINALS.len());
    let copy = std::path::PathBuf::from(config["path"].as_str().unwrap());
    assert_ne!(copy, original);

    std::fs::remove_file(&original).unwrap();
    std::fs::remove_file(&copy).unwrap();
    let package = run(&studio, &project, Workbench::Data, "refresh_data", json!({})).await;
    assert_eq!(package["sources"][0]["status"], "ok", "{}", package["sources"][0]);
    assert_eq!(package["sources"][0]["sha256"], config["sha256"]);
    assert!(copy.exists(), "the copy is written back from the project");

    let missing = f.dir.path().join("nope.csv");
    let req = action(
        &project,
        Workbench::Data,
        "configure_source",
        json!({"source_name": "x", "configuration": {"path": missing, "import": true}}),
    );
    let err = studio.workbench_action(&req).await.unwrap_err();
    assert!(err.message.starts_with("cannot import") && err.message.contains("nope.csv"), "{}", err.message);
}

#[tokio::test]
async fn a_file_sent_by_the_browser_is_imported_from_its_bytes() {
    use base64::Engine;
    let f = fixture().await;
    let project = f.project("Upload").await.project_id;
    let encoded = base64::engine::general_purpose::STANDARD.encode(MARGINALS);
    let config = json!({"import": true, "file_name": "marginals.csv", "content_base64": encoded, "role": "marginal"});
    configure(&f.studio, &project, "marginals", config).await;
    let config = state(&f.studio, &project).await.workbench_states.data.sources["marginals"].to_value();
    assert_eq!((config["imported_from"].as_str(), config["linked"].as_bool()), (Some("marginals.csv"), Some(false)));
    assert!(config.get("content_base64").is_none(), "the bytes are stored once, not in the document");
    let explored =
        f.studio.workbench_action(&action(&project, Workbench::Data, "explore_sources", json!({}))).await.unwrap();
    assert_eq!(explored.result["sources"][0]["rows"], 10);
    let bad = json!({"import": true, "file_name": "x.csv", "content_base64": "%%%"});
    let req = action(&project, Workbench::Data, "configure_source", json!({"source_name": "x", "configuration": bad}));
    let err = f.studio.workbench_action(&req).await.unwrap_err();
    assert!(err.message.contains("x.csv is not base64"), "{}", err.message);
}

#[tokio::test]
async fn a_population_named_but_not_here_is_made_again_and_checked_against_its_hash() {
    let f = fixture().await;
    let marginals = f.dir.path().join("marginals.csv");
    write(&marginals, MARGINALS);
    let studio = Arc::new(f.studio);
    studio.start_tasks().await.unwrap();
    let project = new_project(&studio, "Named").await.project_id;
    with_marginals(&studio, &project, &marginals, 5_000).await;
    let built = run(&studio, &project, Workbench::Population, "regenerate", json!({})).await;
    let before = state(&studio, &project).await;
    let population_id = before.population_id.clone().unwrap();
    // As a peer that synced the document from someone who never sent the population.
    for delete in
        ["DELETE FROM studio_project_artifacts WHERE hash = $1", "DELETE FROM studio_artifacts WHERE hash = $1"]
    {
        match (studio.store().pool(), studio.store().team_db()) {
            (Some(file), _) => sqlx::query(delete).bind(&population_id).execute(file).await.map(|_| ()),
            (None, Some(team)) => sqlx::query(delete).bind(&population_id).execute(team.pool()).await.map(|_| ()),
            (None, None) => unreachable!("a store is a library file or a team database"),
        }
        .unwrap();
    }
    assert!(studio.store().artifact(&population_id).await.is_err());

    let again = run(&studio, &project, Workbench::Population, "regenerate", json!({})).await;
    assert_eq!(again["digest"], built["digest"]);
    let after = state(&studio, &project).await;
    assert_eq!(after.population_id.as_deref(), Some(population_id.as_str()), "the hash the document names");
    assert_eq!(after.modification_log.len(), before.modification_log.len(), "nothing changed, nothing logged");
    assert_eq!(studio.store().artifact(&population_id).await.unwrap().kind, "population");
}
