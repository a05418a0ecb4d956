//! Project lifecycle, versions, undo, templates and bad input through the core's API, on a
//! real SQLite library file.

mod common;

use common::{USER, fixture};

const OTHER: &str = "7c1d3e0a-0000-4000-8000-000000000002";
use serde_json::json;
use studio_core::model::{ProjectCreate, ProjectLoad, Workbench};
use studio_core::{MetadataUpdate, Request};

#[tokio::test]
async fn create_list_get_update_delete() {
    let f = fixture().await;
    let state = f.project("Heat pumps").await;
    assert_eq!(state.version, 1);
    assert_eq!(state.status.as_str(), "draft");
    assert_eq!(state.collaborators[0].user_id, USER);
    assert_eq!(state.modification_log[0].action, "create");
    assert!(uuid_v4(&state.project_id));

    let other = f.project("Other").await;
    let list = f.studio.list_projects(Some(USER)).await.unwrap();
    assert_eq!(list.len(), 2);
    assert!(f.studio.list_projects(Some("someone-else")).await.unwrap().is_empty());

    let update = MetadataUpdate {
        project_name: Some("Heat pumps 2031".into()),
        description: Some("five years".into()),
        initial_query: None,
        team_id: None,
    };
    let renamed = f.studio.update_project(&state.project_id, USER, &update).await.unwrap();
    assert_eq!(renamed.project_name, "Heat pumps 2031");
    assert_eq!(renamed.description, "five years");

    f.studio.delete_project(&other.project_id, USER).await.unwrap();
    let list = f.studio.list_projects(Some(USER)).await.unwrap();
    assert_eq!(list.iter().map(|p| p.project_name.as_str()).collect::<Vec<_>>(), ["Heat pumps 2031"]);
    let err = f.studio.get_project(&load(&other.project_id)).await.unwrap_err();
    assert_eq!(err.code, "not_found");
    f.studio.undelete_project(&other.project_id, USER).await.unwrap();
    assert_eq!(f.studio.list_projects(Some(USER)).await.unwrap().len(), 2);

    // Survives a restart, unsaved edits included.
    let f = f.reopen().await;
    let again = f.state(&state.project_id).await;
    assert_eq!(again.project_name, "Heat pumps 2031");
}

fn load(id: &str) -> ProjectLoad {
    ProjectLoad { project_id: id.into(), user_id: USER.into(), version: None }
}

fn uuid_v4(id: &str) -> bool {
    id.len() == 36 && id.as_bytes()[14] == b'4'
}

#[tokio::test]
async fn fifty_five_versions_keep_fifty_live_and_every_one_loadable() {
    let f = fixture().await;
    let p = f.project("Versions").await.project_id;
    let mut saved = vec![f.state(&p).await];
    saved[0] = f.studio.get_project(&ProjectLoad { version: Some(1), ..load(&p) }).await.unwrap();
    for i in 2..=55 {
        f.override_value(&p, "f", i).await;
        let state = f.studio.save(&p, USER).await.unwrap();
        assert_eq!(state.version, i as u32);
        saved.push(state);
    }
    let versions = f.studio.versions(&p).await.unwrap();
    assert_eq!(versions.len(), 55);
    assert_eq!(versions.iter().filter(|v| !v.archived).count(), 50);
    let archived: Vec<i64> = versions.iter().filter(|v| v.archived).map(|v| v.version_number).collect();
    assert_eq!(archived, [5, 4, 3, 2, 1]);
    for expected in &saved {
        let got = f.studio.get_project(&ProjectLoad { version: Some(expected.version), ..load(&p) }).await.unwrap();
        assert_eq!(&got, expected, "version {}", expected.version);
    }
    // Archived snapshots are deflated when the program is idle; still loadable, still equal.
    f.studio.tidy().await.unwrap();
    let sizes: Vec<(i64, i64)> =
        f.studio.versions(&p).await.unwrap().iter().map(|v| (v.version_number, v.size)).collect();
    let live_size = sizes.iter().find(|(n, _)| *n == 6).unwrap().1;
    assert!(sizes.iter().filter(|(n, _)| *n <= 5).all(|(_, s)| *s < live_size), "archived are packed: {sizes:?}");
    for expected in &saved {
        let got = f.studio.get_project(&ProjectLoad { version: Some(expected.version), ..load(&p) }).await.unwrap();
        assert_eq!(&got, expected, "version {} after packing", expected.version);
    }
    let err = f.studio.get_project(&ProjectLoad { version: Some(56), ..load(&p) }).await.unwrap_err();
    assert_eq!(err.code, "not_found");
}

#[tokio::test]
async fn restore_makes_an_old_version_the_newest() {
    let f = fixture().await;
    let p = f.project("Restore").await.project_id;
    f.override_value(&p, "a", 1).await;
    f.studio.save(&p, USER).await.unwrap(); // v2: a=1
    f.override_value(&p, "a", 2).await;
    f.override_value(&p, "b", 3).await;
    f.studio.save(&p, USER).await.unwrap(); // v3: a=2, b=3
    let restored = f.studio.restore_version(&p, USER, 2).await.unwrap();
    assert_eq!(restored.version, 4);
    let overrides = &restored.workbench_states.data.overrides;
    assert_eq!(overrides.len(), 1);
    assert_eq!(overrides[0].value, json!(1));
    assert_eq!(restored.modification_log.last().unwrap().summary, "Restored version 2");
    // A restore is an edit like any other: undo puts back what it replaced.
    let undone = f.studio.undo(&p, USER).await.unwrap();
    assert_eq!(undone.entry.summary, "Restored version 2");
    let overrides = &undone.updated_project_state.workbench_states.data.overrides;
    assert_eq!(overrides.iter().map(|o| o.value.clone()).collect::<Vec<_>>(), [json!(2), json!(3)]);
}

#[tokio::test]
async fn undo_and_redo_are_per_user_and_survive_a_restart() {
    let f = fixture().await;
    let p = f.project("Undo").await.project_id;
    f.override_value(&p, "x", 1).await;
    f.override_value(&p, "x", 2).await;
    let undone = f.studio.undo(&p, USER).await.unwrap();
    assert_eq!(undone.updated_project_state.workbench_states.data.overrides[0].value, json!(1));
    let f = f.reopen().await;
    // Another user has nothing to undo here.
    let err = f.studio.undo(&p, "someone-else").await.unwrap_err();
    assert!(err.message.contains("nothing to undo"), "{}", err.message);
    let redone = f.studio.redo(&p, USER).await.unwrap();
    assert_eq!(redone.updated_project_state.workbench_states.data.overrides[0].value, json!(2));
    f.studio.undo(&p, USER).await.unwrap();
    f.studio.undo(&p, USER).await.unwrap();
    assert!(f.state(&p).await.workbench_states.data.overrides.is_empty());
    // Below that is the project's creation, which is not reversible.
    let err = f.studio.undo(&p, USER).await.unwrap_err();
    assert!(err.message.contains("'Created project 'Undo'' cannot be undone"), "{}", err.message);
    let log = f.studio.log(&p).await.unwrap();
    assert_eq!(log.iter().filter(|e| e.action == "undo").count(), 3);
}

#[tokio::test]
async fn templates_and_duplicates_carry_configuration() {
    let f = fixture().await;
    let p = f.project("Source").await.project_id;
    let scenario = json!({"scenario_config": {"name": "Low prices", "description": "", "variable_overrides": []}});
    f.act(&p, Workbench::Scenario, "create_scenario", scenario).await.unwrap();
    f.override_value(&p, "x", 7).await;
    let template = f.studio.save_template(&p, USER, "Energy study", Some("prices and adoption")).await.unwrap();
    assert_eq!(f.studio.templates().await.unwrap(), vec![template.clone()]);
    let from = f
        .studio
        .create_project(&ProjectCreate {
            user_id: OTHER.into(),
            team_id: None,
            project_name: "From template".into(),
            description: None,
            initial_query: None,
            template_id: Some(template.template_id.clone()),
        })
        .await
        .unwrap();
    assert_eq!(from.project_name, "From template");
    assert_eq!(from.user_id, OTHER);
    let names: Vec<&str> = from.scenarios.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["Baseline", "Low prices"], "the template's scenarios, its baseline first");
    assert_eq!(from.workbench_states.data.overrides[0].value, json!(7));
    assert_eq!(from.status.as_str(), "draft");
    assert!(from.modification_log[0].summary.contains("from template 'Energy study'"));

    let copy = f.studio.duplicate_project(&p, USER, None).await.unwrap();
    assert_eq!(copy.project_name, "Source (copy)");
    assert_eq!(copy.scenarios.len(), 2);
    assert_ne!(copy.project_id, p);
}

#[tokio::test]
async fn bad_input_gets_clear_errors_and_changes_nothing() {
    let f = fixture().await;
    let p = f.project("Careful").await.project_id;
    f.override_value(&p, "kept", 1).await;
    let before = f.state(&p).await;
    let cases = [
        (Workbench::Data, "override_value", json!({"override": {"field": "f", "value": 1}}), "missing field `reason`"),
        (Workbench::Data, "override_value", json!("text"), "must be a JSON object, not a string"),
        (Workbench::Scenario, "delete_scenario", json!({"scenario_id": "nope"}), "scenario 'nope' does not exist"),
        (
            Workbench::Report,
            "explode",
            json!({}),
            "valid actions are: generate, customize, export, schedule, add_annotation",
        ),
        (Workbench::Population, "regenerate", json!({"edits": {"seed": -1}}), "edits.seed must be a whole number"),
        (Workbench::Simulation, "pause", json!({}), "no simulation is open in the console"),
        (Workbench::Simulation, "run", json!({"simulation_config": {"replicates": 0}}), "replicates is 0"),
    ];
    for (workbench, action, payload, message) in cases {
        let err = f.act(&p, workbench, action, payload).await.unwrap_err();
        assert!(err.message.contains(message), "{action}: {}", err.message);
    }
    let valid = json!({"override": {"field": "f", "value": 1, "reason": "r"}});
    let err = f.act("no-such-project", Workbench::Data, "override_value", valid).await.unwrap_err();
    assert_eq!((err.code.as_str(), err.http_status()), ("not_found", 404));
    let long = "n".repeat(256);
    let err = f
        .studio
        .update_project(
            &p,
            USER,
            &MetadataUpdate { project_name: Some(long), description: None, initial_query: None, team_id: None },
        )
        .await
        .unwrap_err();
    assert!(err.message.contains("the limit is 255"), "{}", err.message);
    let err = f.studio.dispatch_json(&json!({"api_version": 9, "request": "list_templates"})).await.unwrap_err();
    assert!(err.message.contains("api_version 9 is not supported"));
    let err = f.studio.dispatch_json(&json!({"api_version": 1, "request": "fly"})).await.unwrap_err();
    assert!(err.message.contains("malformed request"), "{}", err.message);
    let after = f.state(&p).await;
    assert_eq!(after.workbench_states, before.workbench_states);
    assert_eq!(after.modification_log, before.modification_log);
    assert_eq!(f.studio.store().integrity_check().await.unwrap(), "ok");
}

#[tokio::test]
async fn snapshots_over_ten_megabytes_are_refused() {
    let f = fixture().await;
    let p = f.project("Big").await.project_id;
    let notes = "x".repeat(4 * 1024 * 1024);
    for name in ["a", "b", "c"] {
        let payload = json!({"source_name": name, "configuration": {"type": "table", "notes": notes}});
        f.act(&p, Workbench::Data, "add_custom_source", payload).await.unwrap();
    }
    let err = f.studio.save(&p, USER).await.unwrap_err();
    assert_eq!((err.code.as_str(), err.http_status()), ("snapshot_too_large", 413));
    // A team server holds a project's state to the seed's 5 MB.
    let limit = if f.team_database.is_some() { "at most 5 MB" } else { "at most 10 MB" };
    assert!(err.message.contains(limit), "{}", err.message);
    // Nothing is lost: the edits stay journaled, the last version is intact.
    assert_eq!(f.studio.versions(&p).await.unwrap().len(), 1);
    assert_eq!(f.state(&p).await.workbench_states.data.custom_sources.len(), 3);
}

#[tokio::test]
async fn requests_dispatch_to_the_same_methods() {
    let f = fixture().await;
    let created = f
        .studio
        .dispatch(Request::CreateProject(ProjectCreate {
            user_id: USER.into(),
            team_id: None,
            project_name: "Via request".into(),
            description: None,
            initial_query: None,
            template_id: None,
        }))
        .await
        .unwrap()
        .value();
    let id = created["project_id"].as_str().unwrap().to_string();
    let response = f
        .studio
        .dispatch_json(&json!({"api_version": 1, "request": "workbench_action", "project_id": id, "user_id": USER,
            "workbench": "report", "action": "add_annotation",
            "payload": {"annotation": {"section": "s", "text": "t", "author": "a"}}}))
        .await
        .unwrap()
        .value();
    assert_eq!(response["success"], json!(true));
    assert_eq!(response["updated_project_state"]["workbench_states"]["report"]["status"], json!("in_progress"));
    let state = f
        .studio
        .dispatch_json(&json!({"api_version": 1, "request": "workbench_state", "project_id": id, "user_id": USER, "workbench": "report"}))
        .await
        .unwrap()
        .value();
    assert_eq!(state["annotations"][0]["text"], json!("t"));
}

#[tokio::test]
async fn events_tell_every_front_end_what_changed() {
    let f = fixture().await;
    let mut events = f.studio.subscribe();
    let p = f.project("Events").await.project_id;
    let scenario = json!({"scenario_config": {"name": "S", "description": "", "variable_overrides": []}});
    f.act(&p, Workbench::Scenario, "create_scenario", scenario).await.unwrap();
    f.studio.save(&p, USER).await.unwrap();
    let mut seen = Vec::new();
    while let Ok(event) = events.try_recv() {
        seen.push(serde_json::to_value(event).unwrap()["type"].as_str().unwrap().to_string());
    }
    assert_eq!(seen, ["state_changed", "state_changed", "saved"]);
}

#[tokio::test]
async fn autosave_folds_edits_into_the_library_on_its_interval() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = studio_core::StudioConfig::new(dir.path().join("library.db"));
    config.autosave_interval = std::time::Duration::from_millis(50);
    let studio = std::sync::Arc::new(studio_core::Studio::open(config).await.unwrap());
    let mut events = studio.subscribe();
    let _autosave = studio.spawn_autosave();
    let req = ProjectCreate {
        user_id: USER.into(),
        team_id: None,
        project_name: "Autosaved".into(),
        description: None,
        initial_query: None,
        template_id: None,
    };
    let p = studio.create_project(&req).await.unwrap().project_id;
    let action = studio_core::model::WorkbenchAction {
        project_id: p.clone(),
        user_id: USER.into(),
        workbench: Workbench::Data,
        action: "override_value".into(),
        payload: json!({"override": {"field": "f", "value": 1, "reason": "r"}}),
    };
    studio.workbench_action(&action).await.unwrap();
    assert_eq!(studio.store().journal(&p).await.unwrap().len(), 1, "journaled before it is acknowledged");
    let autosaved = tokio::time::timeout(std::time::Duration::from_secs(5), async {
        loop {
            if let Ok(studio_core::StudioEvent::Autosaved { project_id }) = events.recv().await {
                break project_id;
            }
        }
    })
    .await
    .expect("autosave within 5 s");
    assert_eq!(autosaved, p);
    assert!(studio.store().journal(&p).await.unwrap().is_empty(), "autosave folds the journal");
    let row = studio.store().project(&p).await.unwrap();
    let doc = studio_core::ProjectDocument::load(&row.document).unwrap();
    assert_eq!(doc.content().overrides["f"].value, json!(1));
    assert_eq!(studio.versions(&p).await.unwrap().len(), 1, "autosave makes no version");
}

#[tokio::test]
async fn scenarios_are_compared_without_changing_the_project() {
    let f = fixture().await;
    let p = f.project("Compare").await.project_id;
    let mut ids = Vec::new();
    for (name, price) in [("Baseline", 1.0), ("Cheaper", 0.8)] {
        let config = json!({"scenario_config": {"name": name, "description": "", "variable_overrides": [{"variable": "price", "value": price}]}});
        let made = f.act(&p, Workbench::Scenario, "create_scenario", config).await.unwrap();
        ids.push(made.result["scenario_id"].as_str().unwrap().to_string());
    }
    let log = f.studio.log(&p).await.unwrap().len();
    let out = f.act(&p, Workbench::Scenario, "compare_scenarios", json!({"compare_ids": ids})).await.unwrap();
    assert_eq!(out.result["differences"][0]["field"], "variable_overrides.price");
    assert_eq!(out.result["differences"][0]["values"][&ids[1]], 0.8);
    assert_eq!(f.studio.log(&p).await.unwrap().len(), log, "a comparison is not an edit");
}
