//! Versions of a shared project are everyone's: a save at one Studio is a version at every
//! peer, recording who saved it, and restoring one is an edit its author can undo.

mod common;

use std::time::Duration;

use common::{Served, eventually, json, pair};
use reqwest::Method;
use serde_json::{Value, json as value};

fn versions(served: &Served, project: &str) -> Vec<Value> {
    let (_, list) = served.call(Method::GET, &format!("/api/v1/studio/projects/{project}/versions"), None);
    list.as_array().cloned().unwrap_or_default()
}

fn saved_by(served: &Served, project: &str, user: &str) -> Option<Value> {
    versions(served, project).into_iter().find(|v| v["created_by"] == user)
}

#[test]
fn a_save_at_one_studio_is_a_version_at_every_peer() {
    let (p, hub) = pair("editor");
    let bea = Served::start(&p.bea, &[]);
    let ada_id = json(&p.ada, &["whoami"])["user_id"].as_str().unwrap().to_string();
    let bea_id = json(&p.bea, &["whoami"])["user_id"].as_str().unwrap().to_string();
    let path = |user: &str| format!("/api/v1/studio/projects/{}/versions?user_id={user}", p.project);

    assert_eq!(hub.edit(&p.project, "ada.first"), 200);
    let (status, saved) = hub.call(Method::POST, &path(&ada_id), None);
    assert_eq!(status, 201, "{saved}");
    let ada_version = saved["version"].as_i64().unwrap();
    assert!(
        eventually(Duration::from_secs(10), || saved_by(&bea, &p.project, &ada_id).is_some()),
        "Bea has Ada's version: {:?}",
        versions(&bea, &p.project)
    );
    let at_bea = saved_by(&bea, &p.project, &ada_id).unwrap();
    assert_eq!(at_bea["version_number"], ada_version, "under the same number");

    assert_eq!(bea.edit(&p.project, "bea.second"), 200);
    let (status, saved) = bea.call(Method::POST, &path(&bea_id), None);
    assert_eq!(status, 201, "{saved}");
    assert!(
        eventually(Duration::from_secs(10), || saved_by(&hub, &p.project, &bea_id).is_some()),
        "Ada has Bea's version, saved by Bea: {:?}",
        versions(&hub, &p.project)
    );
    let log =
        hub.call(Method::GET, &format!("/api/v1/studio/projects/{}", p.project), None).1["modification_log"].clone();
    assert!(
        log.as_array().unwrap().iter().any(|e| e["action"] == "save_version" && e["user_id"] == bea_id.as_str()),
        "the log names who saved: {log}"
    );

    // Bea restores the version Ada saved (without her field); Ada sees it, Bea undoes it.
    let restore = format!("/api/v1/studio/projects/{}/versions/{ada_version}/restore?user_id={bea_id}", p.project);
    let (status, restored) = bea.call(Method::POST, &restore, None);
    assert_eq!(status, 201, "{restored}");
    assert!(
        eventually(Duration::from_secs(10), || hub.fields(&p.project) == ["ada.first"]),
        "{:?}",
        hub.fields(&p.project)
    );
    let undo = format!("/api/v1/studio/projects/{}/undo", p.project);
    let (status, undone) = bea.call(Method::POST, &undo, Some(value!({"user_id": bea_id})));
    assert_eq!(status, 200, "{undone}");
    assert_eq!(undone["entry"]["action"], "restore_version");
    assert!(
        eventually(Duration::from_secs(10), || hub.fields(&p.project) == ["ada.first", "bea.second"]),
        "{:?}",
        hub.fields(&p.project)
    );

    // Someone who joins later finds the versions saved before, each with who saved it.
    let cy = tempfile::tempdir().unwrap();
    let invite = json(&p.ada, &["share", &p.project, "--role", "viewer"]);
    json(cy.path(), &["join", invite["token"].as_str().unwrap()]);
    let listed = json(cy.path(), &["versions", &p.project]);
    let by: Vec<&str> = listed.as_array().unwrap().iter().filter_map(|v| v["created_by"].as_str()).collect();
    assert!(by.contains(&ada_id.as_str()) && by.contains(&bea_id.as_str()), "{listed}");

    // Joining again a project deleted here says how to get it back.
    json(cy.path(), &["project", "delete", &p.project]);
    let again = common::studio(cy.path()).args(["join", invite["token"].as_str().unwrap()]).output().unwrap();
    assert!(!again.status.success());
    let said = String::from_utf8_lossy(&again.stderr);
    assert!(said.contains("bin") && said.contains("undelete"), "{said}");
}
