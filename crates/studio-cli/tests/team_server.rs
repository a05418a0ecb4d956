//! `studio serve --team` as its users meet it: a real server process on a real PostgreSQL,
//! members signing in with the tokens their invitations gave them, and every role of the team
//! — viewer, editor, admin, and someone outside it — allowed or refused (403, nothing
//! changed) for every class of operation.

mod common;

use std::path::Path;
use std::process::{Child, Stdio};

use reqwest::Method;
use serde_json::{Value, json};
use studio_store::team::testing::FreshDatabase;

use common::{free_port, studio};

struct TeamServer {
    child: Child,
    base: String,
}

impl Drop for TeamServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl TeamServer {
    fn start(home: &Path, database: &str) -> TeamServer {
        let listen = format!("127.0.0.1:{}", free_port());
        let mut child = studio(home)
            .args(["serve", "--team", "--json", "--database", database, "--listen", &listen])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut said = String::new();
        let started: Value = loop {
            assert!(std::io::BufRead::read_line(&mut out, &mut said).unwrap() > 0, "serve --team ended: {said}");
            if let Ok(v) = serde_json::from_str(&said) {
                break v;
            }
        };
        assert_eq!(started["url"], format!("http://{listen}"));
        TeamServer { child, base: started["url"].as_str().unwrap().into() }
    }

    fn call(&self, token: Option<&str>, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut request = reqwest::blocking::Client::new().request(method, format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().unwrap();
        (response.status().as_u16(), response.json().unwrap_or(Value::Null))
    }
}

/// A class of operation: its name, method, path, body, and the roles that may.
type Case = (&'static str, Method, String, Option<Value>, &'static [&'static str]);

fn team_init(home: &Path, database: &str, name: &str, team: &str) -> Value {
    let out = studio(home)
        .args(["team-init", "--json", "--database", database, "--name", name, "--team", team])
        .output()
        .unwrap();
    assert!(out.status.success(), "team-init: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

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

    let server = TeamServer::start(home, database);
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
