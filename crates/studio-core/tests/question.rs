//! The project's question: read into a prediction task when set, read again with the project's
//! data (its variables, its calendar), confirmed into a scenario and a threshold — all
//! versioned and undone like any edit.

mod common;

use common::{USER, fixture, run};
use serde_json::json;
use studio_core::model::{Change, ProjectCreate, ProjectState, SimulationSettings, Workbench};
use studio_core::{MetadataUpdate, Request};

const QUESTION: &str = "Will heat-pump adoption pass 30% by 2031 if electricity prices fall 20%?";

fn create(question: Option<&str>) -> ProjectCreate {
    ProjectCreate {
        user_id: USER.into(),
        team_id: None,
        project_name: "Question".into(),
        description: None,
        initial_query: question.map(str::to_string),
        template_id: None,
    }
}

#[tokio::test]
async fn the_question_is_read_when_set_and_undone_like_any_edit() {
    let f = fixture().await;
    let state = f.studio.create_project(&create(Some(QUESTION))).await.unwrap();
    let task = state.prediction_task.clone().expect("a task");
    assert_eq!(state.prediction_task_id.as_deref(), Some(task.task_id.as_str()));
    assert_eq!(task.outcome.as_deref(), Some("heat-pump adoption"));
    assert_eq!(task.horizon.as_ref().map(|h| h.date.as_str()), Some("2031-12-31"));
    assert_eq!(task.horizon.as_ref().and_then(|h| h.ticks), None, "no data yet: no calendar");
    assert!(!task.confirmed);

    let project = state.project_id.clone();
    let update =
        MetadataUpdate { initial_query: Some("Will adoption reach 40% by 2035?".into()), ..Default::default() };
    let changed = f.studio.update_project(&project, USER, &update).await.unwrap();
    let new_task = changed.prediction_task.expect("a task");
    assert_eq!(new_task.target.as_ref().map(|t| t.value), Some(0.4));
    assert_ne!(changed.prediction_task_id, state.prediction_task_id);

    let undone = f.studio.undo(&project, USER).await.unwrap().updated_project_state;
    assert_eq!(undone.initial_query.as_deref(), Some(QUESTION));
    assert_eq!(undone.prediction_task_id, state.prediction_task_id);

    let cleared = MetadataUpdate { initial_query: Some(String::new()), ..Default::default() };
    let cleared = f.studio.update_project(&project, USER, &cleared).await.unwrap();
    assert_eq!((cleared.initial_query, cleared.prediction_task_id), (None, None));
    let none = f.studio.parse_question(&project, USER, None).await.unwrap_err();
    assert_eq!(none.code, "invalid_request", "{}", none.message);
}

#[tokio::test]
async fn with_dated_data_the_task_has_ticks_and_confirming_makes_the_scenario_and_threshold() {
    let f = fixture().await;
    let project = f.studio.create_project(&create(Some(QUESTION))).await.unwrap().project_id;
    let history = f.dir.path().join("history.csv");
    let prices = f.dir.path().join("electricity_price.csv");
    std::fs::write(&history, "quarter,adoption\n2018Q1,0.01\n2018Q2,0.012\n2018Q3,0.015\n").unwrap();
    std::fs::write(&prices, "quarter,price\n2018Q1,1.0\n2018Q2,1.1\n2018Q3,1.25\n").unwrap();
    let studio = std::sync::Arc::new(f.studio);
    studio.start_tasks().await.unwrap();
    for (name, path, role) in [("adoption", &history, "time_series"), ("electricity_price", &prices, "variables")] {
        let config = json!({"source_name": name, "configuration": {"path": path, "role": role}});
        studio.workbench_action(&common::action(&project, Workbench::Data, "configure_source", config)).await.unwrap();
    }
    run(&studio, &project, Workbench::Data, "refresh_data", json!({})).await;

    let task = studio.parse_question(&project, USER, None).await.unwrap();
    assert_eq!(task.horizon.as_ref().and_then(|h| h.ticks), Some(55), "2031 Q4 is tick 55 from 2018 Q1");
    assert_eq!(task.conditions[0].variable.as_deref(), Some("price"));

    let before = studio.get_project(&load(&project)).await.unwrap();
    let state = studio.confirm_prediction_task(&project, USER, &task).await.unwrap();
    assert!(state.prediction_task.as_ref().is_some_and(|t| t.confirmed));
    let made: Vec<_> = state.scenarios.iter().filter(|s| s.name.starts_with("Question:")).collect();
    assert_eq!(made.len(), 1, "{:?}", state.scenarios);
    let overrides = &made[0].config.variable_overrides;
    assert_eq!(overrides[0].variable, "price");
    assert!((overrides[0].value.as_f64().unwrap() - 1.25 * 0.8).abs() < 1e-9, "the latest price, 20% lower");
    let settings = simulation(&state);
    assert_eq!((settings.threshold.share, settings.threshold.tick), (0.3, 55));
    assert!(settings.ticks >= 55, "the run reaches the horizon");

    // Confirming again with a correction updates the same scenario.
    let mut corrected = task.clone();
    corrected.conditions[0].change = Change::Relative { fraction: -0.3 };
    let again = studio.confirm_prediction_task(&project, USER, &corrected).await.unwrap();
    assert_eq!(again.scenarios.len(), state.scenarios.len());

    // One undo takes back the whole second confirmation; another the first.
    studio.undo(&project, USER).await.unwrap();
    let undone = studio.undo(&project, USER).await.unwrap().updated_project_state;
    assert_eq!(undone.scenarios.len(), before.scenarios.len());
    assert_eq!(simulation(&undone).threshold, simulation(&before).threshold);
    assert!(undone.prediction_task.is_some_and(|t| !t.confirmed));
    studio.redo(&project, USER).await.unwrap();
    studio.redo(&project, USER).await.unwrap();

    // Its scenario run, the report's first page answers the question.
    let marginals = f.dir.path().join("marginals.csv");
    std::fs::write(&marginals, common::MARGINALS).unwrap();
    let config = json!({"source_name": "marginals", "configuration": {"path": marginals, "role": "marginal"}});
    studio.workbench_action(&common::action(&project, Workbench::Data, "configure_source", config)).await.unwrap();
    common::act(&studio, &project, Workbench::Population, "resize_population", json!({"target_size": 400})).await;
    let small = json!({"simulation_config": {"scenario_id": made[0].scenario_id, "replicates": 4, "ticks": 56,
        "threshold": {"share": 0.3, "tick": 55}}});
    run(&studio, &project, Workbench::Simulation, "run", small).await;
    let report = studio.preview_report(&project, USER, None).await.unwrap();
    let first = &report.content.sections[0].content_html;
    assert!(
        first.contains("Under the scenario “Question: price -30%”, the chance that heat-pump adoption passes 30.0% by 31 December 2031 (2031 Q4, tick 55) is"),
        "{first}"
    );
    assert!(first.contains("from 4 runs"), "{first}");
}

#[tokio::test]
async fn a_task_that_cannot_hold_is_refused_with_its_reason() {
    let f = fixture().await;
    let project = f.studio.create_project(&create(Some(QUESTION))).await.unwrap().project_id;
    let mut task = f.studio.parse_question(&project, USER, None).await.unwrap();
    task.target.as_mut().unwrap().value = 3.0;
    let e = f.studio.confirm_prediction_task(&project, USER, &task).await.unwrap_err();
    assert!(e.message.contains("target.value is 3"), "{}", e.message);

    let mut task =
        f.studio.parse_question(&project, USER, Some("Will adoption pass 30% if subsidies rise 10%?")).await.unwrap();
    assert_eq!(task.conditions[0].variable, None);
    let e = f.studio.confirm_prediction_task(&project, USER, &task).await.unwrap_err();
    assert!(e.message.contains("“subsidies” names no variable"), "{}", e.message);
    task.conditions[0].variable = Some("subsidy".into());
    let e = f.studio.confirm_prediction_task(&project, USER, &task).await.unwrap_err();
    assert!(e.message.contains("'subsidy', which this project does not have"), "{}", e.message);

    let long = "x".repeat(10_001);
    let e = f.studio.parse_question(&project, USER, Some(&long)).await.unwrap_err();
    assert!(e.message.contains("over 10000 characters") || e.message.contains("over 10,000"), "{}", e.message);

    // Through the one dispatch, as every front end asks.
    let answer = f
        .studio
        .dispatch(Request::ParseQuestion { project_id: project.clone(), user_id: USER.into(), question: None })
        .await;
    assert!(answer.is_ok());
    let unknown = f
        .studio
        .dispatch(Request::ParseQuestion { project_id: "no-such".into(), user_id: USER.into(), question: None })
        .await
        .unwrap_err();
    assert_eq!(unknown.code, "not_found");
}

fn load(project: &str) -> studio_core::model::ProjectLoad {
    studio_core::model::ProjectLoad { project_id: project.into(), user_id: USER.into(), version: None }
}

fn simulation(state: &ProjectState) -> SimulationSettings {
    state
        .workbench_states
        .simulation
        .config
        .as_ref()
        .map_or_else(SimulationSettings::default, |c| serde_json::from_str(c.get()).expect("settings"))
}
