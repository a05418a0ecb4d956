//! The Data workbench's reads through the Studio: exploring configured file sources and
//! previewing one with its overrides applied; neither changes the project.

mod common;

use common::{USER, fixture};
use serde_json::{Value, json};
use studio_core::model::{Workbench, WorkbenchAction};

fn action(project: &str, name: &str, payload: Value) -> WorkbenchAction {
    WorkbenchAction {
        project_id: project.into(),
        user_id: USER.into(),
        workbench: Workbench::Data,
        action: name.into(),
        payload,
    }
}

#[tokio::test]
async fn sources_are_explored_and_previewed_with_overrides_marked() {
    let f = fixture().await;
    let project = f.project("Data").await.project_id;
    let csv = f.dir.path().join("survey.csv");
    std::fs::write(&csv, "region;income;age\nNorth;41000;34\nSouth;38000;51\nSouth;;29\n").unwrap();
    let configure = |name: &str, config: Value| {
        action(&project, "configure_source", json!({"source_name": name, "configuration": config}))
    };
    f.studio
        .workbench_action(&configure(
            "survey",
            json!({"path": csv, "role": "microdata", "units": {"income": "EUR a year"}}),
        ))
        .await
        .unwrap();
    f.studio.workbench_action(&configure("gone", json!({"path": f.dir.path().join("gone.csv")}))).await.unwrap();
    f.studio.workbench_action(&configure("typed", json!({"role": "variables"}))).await.unwrap();
    let log_before = f.studio.log(&project).await.unwrap().len();

    let explored = f.studio.workbench_action(&action(&project, "explore_sources", json!({}))).await.unwrap();
    let sources = explored.result["sources"].as_array().unwrap();
    let by_name = |n: &str| sources.iter().find(|s| s["source_name"] == n).unwrap().clone();
    let survey = by_name("survey");
    assert_eq!(
        (survey["status"].as_str(), survey["rows"].as_u64(), survey["delimiter"].as_str()),
        (Some("ok"), Some(3), Some(";"))
    );
    assert_eq!(survey["role"], "microdata");
    let income = survey["columns"].as_array().unwrap().iter().find(|c| c["name"] == "income").unwrap();
    assert_eq!(
        (income["type"].as_str(), income["nulls"].as_u64(), income["mean"].as_f64()),
        (Some("integer"), Some(1), Some(39500.0))
    );
    assert_eq!(income["unit"], "EUR a year", "units are shown with their columns");
    let gone = by_name("gone");
    assert_eq!(gone["status"], "error");
    assert!(gone["message"].as_str().unwrap().starts_with("cannot read the file"), "{gone}");
    assert_eq!(by_name("typed")["status"], "no_file");

    let over = json!({"override": {"field": "survey.income", "value": 40000, "reason": "top-coded in the survey"}});
    f.studio.workbench_action(&action(&project, "override_value", over)).await.unwrap();
    let preview =
        f.studio.workbench_action(&action(&project, "preview_data", json!({"source_name": "survey"}))).await.unwrap();
    let rows = preview.result["preview"].as_array().unwrap();
    assert_eq!(rows[0]["income"], 40000);
    assert_eq!(rows[0]["_overridden"], json!(["income"]));
    assert_eq!(preview.result["overrides"][0]["reason"], "top-coded in the survey");
    assert_eq!(f.studio.log(&project).await.unwrap().len(), log_before + 1, "reads add nothing to the log");

    let err =
        f.studio.workbench_action(&action(&project, "preview_data", json!({"source_name": "nope"}))).await.unwrap_err();
    assert_eq!(err.code, "not_found");
    let err = f.studio.workbench_action(&action(&project, "preview_data", json!({}))).await.unwrap_err();
    assert!(err.message.contains("needs source_name"), "{}", err.message);

    // `SOURCE.COLUMN[N]` overrides one row only (counted from 1, as the preview grid shows).
    let one = json!({"override": {"field": "survey.age[2]", "value": 50, "reason": "typo in the form"}});
    f.studio.workbench_action(&action(&project, "override_value", one)).await.unwrap();
    let preview =
        f.studio.workbench_action(&action(&project, "preview_data", json!({"source_name": "survey"}))).await.unwrap();
    let rows = preview.result["preview"].as_array().unwrap();
    assert_eq!(
        (rows[0]["age"].as_i64(), rows[1]["age"].as_i64(), rows[2]["age"].as_i64()),
        (Some(34), Some(50), Some(29))
    );
    assert_eq!(rows[1]["_overridden"], json!(["age", "income"]), "overrides apply in field order");
}
