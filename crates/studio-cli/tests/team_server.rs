//! `studio serve --team` as its users meet it: a real server process on a real PostgreSQL,
//! members signing in with the tokens their invitations gave them, and every role of the team
//! — viewer, editor, admin, and someone outside it — allowed or refused (403, nothing
//! changed) for every class of operation.

mod common;
mod team;

use std::path::Path;

use reqwest::Method;
use serde_json::{Value, json};
use studio_store::team::testing::FreshDatabase;

use team::{TeamServer, team_init};

/// A class of operation: its name, method, path, body, and the roles that may.
type Case = (&'static str, Method, String, Option<Value>, &'static [&'static str]);

#[tokio::test(flavor = "multi_thread")]
async fn every_role_of_the_team_is_allowed_or_refused_for_every_class_of_operation() {
    let fresh = FreshDatabase::new().await;
    let url = fresh.url.clone();
    let home = tempfile::tempdir().unwrap();
    tokio::task::spawn_blocking(move || roles_matrix(home.path(), &url)).await.unwrap();
    fresh.drop().await;
}

fn roles_matrix(home: &Path, database: &str) {
    let owner = team_init(home, database, "Ana", "Forecasting");
    let team = owner["team_id"].as_str().unwrap().to_string();
    let owner_token = owner["token"].as_str().unwrap().to_string();
    assert_eq!(owner["member"]["role"], "owner");
    let outsider = team_init(home, database, "Olga", "Elsewhere");
    let outsider_token = outsider["token"].as_str().unwrap().to_string();

    let server = TeamServer::start(home, database, None);
    let owner_call = |method, path: &str, body| server.call(Some(&owner_token), method, path, body);

    // Invitations: one new member a role, each with their own token.
    let mut tokens = vec![("outsider", outsider_token.clone())];
    for role in ["viewer", "editor", "admin"] {
        let body = json!({"display_name": format!("A {role}"), "role": role});
        let (status, invited) = owner_call(Method::POST, &format!("/api/v1/studio/teams/{team}/members"), Some(body));
        assert_eq!(status, 201, "{invited}");
        assert_eq!(invited["member"]["role"], role);
        tokens.push((role, invited["token"].as_str().unwrap().to_string()));
    }
    let (_, members) = owner_call(Method::GET, &format!("/api/v1/studio/teams/{team}/members"), None);
    let roles: Vec<&str> = members.as_array().unwrap().iter().map(|m| m["role"].as_str().unwrap()).collect();
    assert_eq!(roles, ["owner", "admin", "editor", "viewer"], "owners first");

    // The team's project, made by its owner.
    let (status, project) = owner_call(
        Method::POST,
        "/api/v1/studio/projects",
        Some(json!({"project_name": "Heat pumps", "team_id": team})),
    );
    assert_eq!(status, 201, "{project}");
    let id = project["project_id"].as_str().unwrap().to_string();
    let log_length = || {
        owner_call(Method::GET, &format!("/api/v1/studio/projects/{id}"), None).1["modification_log"]
            .as_array()
            .map_or(0, Vec::len)
    };

    let edit = json!({"action": "override_value", "payload": {"override": {"field": "x", "value": 1, "reason": "r"}}});
    // Every class of operation, and who may.
    let cases: Vec<Case> = vec![
        ("read", Method::GET, format!("/api/v1/studio/projects/{id}"), None, &["viewer", "editor", "admin"]),
        (
            "read versions",
            Method::GET,
            format!("/api/v1/studio/projects/{id}/versions"),
            None,
            &["viewer", "editor", "admin"],
        ),
        (
            "edit",
            Method::POST,
            format!("/api/v1/studio/projects/{id}/workbench/data/action"),
            Some(edit),
            &["editor", "admin"],
        ),
        ("save", Method::POST, format!("/api/v1/studio/projects/{id}/versions"), None, &["editor", "admin"]),
        ("undo", Method::POST, format!("/api/v1/studio/projects/{id}/undo"), None, &["editor", "admin"]),
        ("own: move", Method::PUT, format!("/api/v1/studio/projects/{id}"), Some(json!({"team_id": team})), &["admin"]),
        (
            "create in team",
            Method::POST,
            "/api/v1/studio/projects".into(),
            Some(json!({"project_name": "Another", "team_id": team})),
            &["editor", "admin"],
        ),
        (
            "manage members",
            Method::POST,
            format!("/api/v1/studio/teams/{team}/members"),
            Some(json!({"display_name": "Someone"})),
            &["admin"],
        ),
        (
            "see members",
            Method::GET,
            format!("/api/v1/studio/teams/{team}/members"),
            None,
            &["viewer", "editor", "admin"],
        ),
    ];
    for (class, method, path, body, allowed) in &cases {
        for (who, token) in &tokens {
            let before = log_length();
            let (status, answer) = server.call(Some(token), method.clone(), path, body.clone());
            if allowed.contains(who) {
                assert!((200..300).contains(&status), "{who} may {class}: {status} {answer}");
            } else {
                assert_eq!(status, 403, "{who} may not {class}: {answer}");
                assert_eq!(answer["code"], "forbidden", "{answer}");
                assert_eq!(log_length(), before, "a refused {class} by {who} changed nothing");
            }
        }
    }

    // Lists are the caller's: their own projects and their teams'.
    for (who, token) in &tokens {
        let (status, list) =
            server.call(Some(token), Method::GET, &format!("/api/v1/studio/projects?team_id={team}"), None);
        assert_eq!(status, 200);
        let sees = list.as_array().unwrap().iter().any(|p| p["project_id"] == id.as_str());
        assert_eq!(sees, *who != "outsider", "{who}: {list}");
    }
    let (_, teams) = server.call(Some(&tokens[1].1), Method::GET, "/api/v1/studio/teams", None);
    assert_eq!(teams[0]["name"], "Forecasting");

    // A user_id in the request is not believed: the viewer naming the owner is still the viewer.
    let viewer = &tokens[1].1;
    let (status, _) = server.call(
        Some(viewer),
        Method::DELETE,
        &format!("/api/v1/studio/projects/{id}?user_id={}", owner["member"]["user_id"].as_str().unwrap()),
        None,
    );
    assert_eq!(status, 403);

    // Tokens: none, one never issued.
    let (status, answer) = server.call(None, Method::GET, "/api/v1/studio/projects", None);
    assert_eq!((status, answer["code"].as_str()), (401, Some("unauthorized")));
    let (status, answer) = server.call(Some("st_made_up"), Method::GET, "/api/v1/studio/projects", None);
    assert_eq!(status, 401);
    assert!(answer["message"].as_str().unwrap().contains("not one this team server issued"), "{answer}");

    // What only the desktop does is refused by name.
    let (status, answer) = owner_call(
        Method::POST,
        &format!("/api/v1/studio/projects/{id}/export"),
        Some(json!({"path": "/tmp/x.studio"})),
    );
    assert_eq!(status, 400, "{answer}");
    assert!(answer["message"].as_str().unwrap().contains("not a team server's"), "{answer}");
}

/// Bytes from the team server, as a desktop downloads them.
fn download(server: &TeamServer, token: &str, path: &str) -> (u16, Vec<u8>) {
    let response =
        reqwest::blocking::Client::new().get(format!("{}{path}", server.base)).bearer_auth(token).send().unwrap();
    (response.status().as_u16(), response.bytes().unwrap().to_vec())
}

fn upload(server: &TeamServer, token: &str, path: &str, bytes: Vec<u8>) -> (u16, Value) {
    let response = reqwest::blocking::Client::new()
        .post(format!("{}{path}", server.base))
        .bearer_auth(token)
        .header("content-type", "application/octet-stream")
        .body(bytes)
        .send()
        .unwrap();
    (response.status().as_u16(), response.json().unwrap_or(Value::Null))
}

/// What a project's history is, without who saved it where or when.
fn versions(list: &Value) -> Vec<i64> {
    list.as_array().unwrap().iter().map(|v| v["version_number"].as_i64().unwrap()).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_project_published_from_a_desktop_and_opened_from_the_team_keeps_its_history() {
    let fresh = FreshDatabase::new().await;
    let url = fresh.url.clone();
    let home = tempfile::tempdir().unwrap();
    tokio::task::spawn_blocking(move || publish_and_open(home.path(), &url)).await.unwrap();
    fresh.drop().await;
}

fn publish_and_open(home: &Path, database: &str) {
    // A desktop's project with three versions and an edit in its log.
    let desktop = home.join("desktop");
    let project =
        common::json(&desktop, &["project", "new", "--name", "Heat pumps"])["project_id"].as_str().unwrap().to_string();
    let payload = r#"{"override": {"field": "x", "value": 7, "reason": "survey"}}"#;
    common::json(&desktop, &["action", &project, "data", "override_value", "--payload", payload]);
    common::json(&desktop, &["save", &project]);
    common::json(&desktop, &["save", &project]);
    let local_versions = versions(&common::json(&desktop, &["versions", &project]));
    assert_eq!(local_versions, [3, 2, 1]);
    let file = home.join("heat-pumps.studio");
    let exported = common::studio(&desktop)
        .args(["export", &project, file.to_str().unwrap(), "--with-artifacts", "--wait"])
        .output()
        .unwrap();
    assert!(exported.status.success(), "{}", String::from_utf8_lossy(&exported.stderr));

    let owner = team_init(home, database, "Ana", "Forecasting");
    let (team, token) = (owner["team_id"].as_str().unwrap(), owner["token"].as_str().unwrap());
    let server = TeamServer::start(home, database, None);
    let (status, published) =
        upload(&server, token, &format!("/api/v1/studio/teams/{team}/projects"), std::fs::read(&file).unwrap());
    assert_eq!(status, 201, "{published}");
    let id = published["project_id"].as_str().unwrap();
    assert_eq!(published["team_id"], team);
    assert_eq!(published["workbench_states"]["data"]["overrides"][0]["field"], "x");
    let log = published["modification_log"].as_array().unwrap();
    assert!(log.last().unwrap()["summary"].as_str().unwrap().contains("moved into team"), "{log:?}");
    let (_, on_team) = server.call(Some(token), Method::GET, &format!("/api/v1/studio/projects/{id}/versions"), None);
    assert_eq!(versions(&on_team), local_versions, "the versions came with it");
    let (_, listed) = server.call(Some(token), Method::GET, &format!("/api/v1/studio/projects?team_id={team}"), None);
    assert!(listed.as_array().unwrap().iter().any(|p| p["project_id"] == id), "{listed}");

    // A version saved on the team, then the project opened on another desktop from the team.
    let (status, _) = server.call(Some(token), Method::POST, &format!("/api/v1/studio/projects/{id}/versions"), None);
    assert_eq!(status, 201);
    let (status, bytes) = download(&server, token, &format!("/api/v1/studio/projects/{id}/file"));
    assert_eq!(status, 200);
    let opened = home.join("opened.studio");
    std::fs::write(&opened, bytes).unwrap();
    let elsewhere = home.join("elsewhere");
    let imported = common::json(&elsewhere, &["import", opened.to_str().unwrap()]);
    assert_eq!(imported["project_id"], id);
    let there = versions(&common::json(&elsewhere, &["versions", id]));
    assert_eq!(there, [4, 3, 2, 1], "the team's version came back too");
    let team_v4 = server.call(Some(token), Method::GET, &format!("/api/v1/studio/projects/{id}?version=4"), None).1;
    let local_v4 = common::json(&elsewhere, &["load", id, "--version", "4"]);
    assert_eq!(team_v4, local_v4, "version 4 reads the same on the team and on the desktop");

    // Refused: junk for a file, a viewer publishing, an outsider downloading.
    let (status, junk) = upload(&server, token, &format!("/api/v1/studio/teams/{team}/projects"), vec![b'x'; 4096]);
    assert_eq!((status, junk["code"].as_str()), (400, Some("invalid_file")), "{junk}");
    let body = json!({"display_name": "Vic", "role": "viewer"});
    let viewer = server.call(Some(token), Method::POST, &format!("/api/v1/studio/teams/{team}/members"), Some(body)).1;
    let viewer_token = viewer["token"].as_str().unwrap();
    let (status, _) =
        upload(&server, viewer_token, &format!("/api/v1/studio/teams/{team}/projects"), std::fs::read(&file).unwrap());
    assert_eq!(status, 403);
    let outsider = team_init(home, database, "Olga", "Elsewhere");
    let (status, _) =
        download(&server, outsider["token"].as_str().unwrap(), &format!("/api/v1/studio/projects/{id}/file"));
    assert_eq!(status, 403);
}
