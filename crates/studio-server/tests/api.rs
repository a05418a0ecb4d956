//! The API over real HTTP on loopback, against a real library file: every route for success
//! and for each error status, token and Host/Origin refusals, the WebSocket stream, and the
//! OpenAPI document held against the router both ways.

use std::collections::BTreeSet;
use std::sync::Arc;

use futures_util::StreamExt;
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};
use studio_core::{Studio, StudioConfig};
use studio_server::{RunningServer, ServeOptions};

const USER: &str = "api-user";

struct Api {
    _dir: tempfile::TempDir,
    server: RunningServer,
    client: Client,
}

async fn api() -> Api {
    let dir = tempfile::tempdir().unwrap();
    let mut config = StudioConfig::new(dir.path().join("library.db"));
    // "Show in folder" runs a program that opens nothing, not this machine's file manager.
    config.opener = Some("true".into());
    let studio = Arc::new(Studio::open(config).await.unwrap());
    let server = studio_server::start(studio, USER.into(), ServeOptions::default()).await.unwrap();
    Api { _dir: dir, server, client: Client::new() }
}

impl Api {
    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let mut req =
            self.client.request(method, format!("{}{path}", self.server.base())).bearer_auth(&self.server.token);
        if let Some(body) = body {
            req = req.json(&body);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        let text = res.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or_else(|_| panic!("{path} answered non-JSON: {text}")))
    }

    async fn ok(&self, method: Method, path: &str, body: Option<Value>, expect: StatusCode) -> Value {
        let (status, value) = self.call(method.clone(), path, body).await;
        assert_eq!(status, expect, "{method} {path}: {value}");
        value
    }

    /// A task polled until it ends, as the API last answers it.
    async fn finished(&self, tid: &str) -> Value {
        loop {
            let t = self.ok(Method::GET, &format!("/api/v1/studio/tasks/{tid}"), None, StatusCode::OK).await;
            if ["COMPLETED", "FAILED", "CANCELLED"].contains(&t["status"].as_str().unwrap()) {
                return t;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }

    async fn err(&self, method: Method, path: &str, body: Option<Value>, expect: StatusCode, code: &str) -> String {
        let (status, value) = self.call(method.clone(), path, body).await;
        assert_eq!(status, expect, "{method} {path}: {value}");
        assert_eq!(value["code"], code, "{method} {path}: {value}");
        value["message"].as_str().unwrap().to_string()
    }
}

const P: &str = "/api/v1/studio/projects";

#[tokio::test]
async fn every_route_succeeds() {
    let a = api().await;
    let created = a.ok(Method::POST, P, Some(json!({"project_name": "Heat pumps"})), StatusCode::CREATED).await;
    let id = created["project_id"].as_str().unwrap().to_string();
    assert_eq!(created["user_id"], USER, "no user_id: the local user");
    let list = a.ok(Method::GET, P, None, StatusCode::OK).await;
    assert_eq!(list[0]["project_id"], id.as_str());
    let p = format!("{P}/{id}");
    assert_eq!(a.ok(Method::GET, &p, None, StatusCode::OK).await["version"], 1);
    let renamed = a.ok(Method::PUT, &p, Some(json!({"project_name": "Heat pumps 2031"})), StatusCode::OK).await;
    assert_eq!(renamed["project_name"], "Heat pumps 2031");

    let action = json!({"action": "override_value", "payload": {"override": {"field": "price", "value": 0.8, "reason": "tariff"}}});
    let response = a.ok(Method::POST, &format!("{p}/workbench/data/action"), Some(action), StatusCode::OK).await;
    assert_eq!(response["success"], true);
    assert_eq!(response["workbench"], "data");
    let data = a.ok(Method::GET, &format!("{p}/workbench/data/state"), None, StatusCode::OK).await;
    assert_eq!(data["overrides"][0]["reason"], "tariff");
    let log = a.ok(Method::GET, &format!("{p}/log"), None, StatusCode::OK).await;
    assert_eq!(log.as_array().unwrap().len(), 3);
    let undone = a.ok(Method::POST, &format!("{p}/undo"), None, StatusCode::OK).await;
    assert_eq!(undone["entry"]["action"], "override_value");
    a.ok(Method::POST, &format!("{p}/redo"), None, StatusCode::OK).await;

    assert_eq!(a.ok(Method::POST, &format!("{p}/versions"), None, StatusCode::CREATED).await["version"], 2);
    assert_eq!(a.ok(Method::GET, &format!("{p}/versions"), None, StatusCode::OK).await.as_array().unwrap().len(), 2);
    assert_eq!(a.ok(Method::GET, &format!("{p}?version=1"), None, StatusCode::OK).await["project_name"], "Heat pumps");
    let restored = a.ok(Method::POST, &format!("{p}/versions/1/restore"), None, StatusCode::CREATED).await;
    assert_eq!((restored["version"].as_u64(), restored["project_name"].as_str()), (Some(3), Some("Heat pumps")));

    let copy =
        a.ok(Method::POST, &format!("{p}/duplicate"), Some(json!({"project_name": "Copy"})), StatusCode::CREATED).await;
    assert_eq!(copy["project_name"], "Copy");
    let template = a
        .ok(
            Method::POST,
            "/api/v1/studio/templates",
            Some(json!({"project_id": id, "name": "Energy"})),
            StatusCode::CREATED,
        )
        .await;
    let templates = a.ok(Method::GET, "/api/v1/studio/templates", None, StatusCode::OK).await;
    assert_eq!(templates[0]["template_id"], template["template_id"]);

    assert!(a.ok(Method::GET, &format!("{p}/recovery"), None, StatusCode::OK).await.is_null());
    a.ok(Method::POST, &format!("{p}/recovery"), None, StatusCode::OK).await;
    assert_eq!(a.ok(Method::DELETE, &format!("{p}/recovery"), None, StatusCode::OK).await["discarded"], 0);

    assert_eq!(a.ok(Method::DELETE, &p, None, StatusCode::OK).await["deleted"], id.as_str());
    a.err(Method::GET, &p, None, StatusCode::NOT_FOUND, "not_found").await;
    a.ok(Method::POST, &format!("{p}/undelete"), None, StatusCode::OK).await;
    a.ok(Method::GET, &p, None, StatusCode::OK).await;
    let openapi = a.ok(Method::GET, "/api/v1/openapi.json", None, StatusCode::OK).await;
    assert_eq!(openapi["openapi"], "3.1.0");
    let library = a.ok(Method::GET, "/api/v1/studio/library", None, StatusCode::OK).await;
    assert!(library["library_bytes"].as_u64().unwrap() > 0, "{library}");
    assert_eq!((library["projects"].as_u64(), library["export_retention_days"].as_u64()), (Some(2), Some(90)));
}

#[tokio::test]
async fn each_error_has_its_status_and_code() {
    let a = api().await;
    let id = a.ok(Method::POST, P, Some(json!({"project_name": "Errors"})), StatusCode::CREATED).await["project_id"]
        .as_str()
        .unwrap()
        .to_string();
    let p = format!("{P}/{id}");
    let action = format!("{p}/workbench/data/action");
    // 400: malformed JSON, missing fields, unknown workbench, bad version.
    let res = a
        .client
        .post(format!("{}{action}", a.server.base()))
        .bearer_auth(&a.server.token)
        .body("{nope")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("not valid JSON"));
    let missing = json!({"action": "override_value", "payload": {"override": {"field": "f", "value": 1}}});
    assert!(
        a.err(Method::POST, &action, Some(missing), StatusCode::BAD_REQUEST, "invalid_request")
            .await
            .contains("reason")
    );
    a.err(
        Method::POST,
        &format!("{p}/workbench/weather/action"),
        Some(json!({"action": "x"})),
        StatusCode::BAD_REQUEST,
        "invalid_request",
    )
    .await;
    a.err(Method::GET, &format!("{p}?version=abc"), None, StatusCode::BAD_REQUEST, "invalid_request").await;
    a.err(Method::POST, P, Some(json!({"project_name": ""})), StatusCode::BAD_REQUEST, "invalid_request").await;
    // 404: unknown ids and routes.
    a.err(Method::GET, &format!("{P}/no-such-id"), None, StatusCode::NOT_FOUND, "not_found").await;
    a.err(Method::GET, &format!("{p}?version=9"), None, StatusCode::NOT_FOUND, "not_found").await;
    a.err(Method::GET, "/api/v1/studio/nothing-here", None, StatusCode::NOT_FOUND, "not_found").await;
    // 409: a limit of the project (20 scenarios, its baseline one of them).
    for i in 0..19 {
        let body = json!({"action": "create_scenario", "payload": {"scenario_config": {"name": format!("S{i}"), "description": "", "variable_overrides": []}}});
        a.ok(Method::POST, &format!("{p}/workbench/scenario/action"), Some(body), StatusCode::OK).await;
    }
    let body = json!({"action": "create_scenario", "payload": {"scenario_config": {"name": "S20", "description": "", "variable_overrides": []}}});
    a.err(Method::POST, &format!("{p}/workbench/scenario/action"), Some(body), StatusCode::CONFLICT, "limit_reached")
        .await;
    // 413: a snapshot over 10 MB, and a body over the limit.
    let rows = "x".repeat(4 * 1024 * 1024);
    for name in ["a", "b", "c"] {
        let body = json!({"action": "add_custom_source", "payload": {"source_name": name, "configuration": {"type": "table",
            "columns": [{"name": "text"}], "rows": [[rows]]}}});
        a.ok(Method::POST, &action, Some(body), StatusCode::OK).await;
    }
    a.err(Method::POST, &format!("{p}/versions"), None, StatusCode::PAYLOAD_TOO_LARGE, "snapshot_too_large").await;
    let huge = json!({"action": "add_custom_source", "payload": {"source_name": "d", "configuration": {"type": "table", "rows": "y".repeat(17 * 1024 * 1024)}}});
    a.err(Method::POST, &action, Some(huge), StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
    // Reports: nothing simulated yet (409), unknown reports (404), bad formats (400).
    a.err(Method::POST, &format!("{p}/report/generate"), Some(json!({})), StatusCode::CONFLICT, "not_ready").await;
    a.err(Method::GET, &format!("{p}/report/r1"), None, StatusCode::NOT_FOUND, "not_found").await;
    let export = json!({"export_format": "pdf"});
    a.err(Method::POST, &format!("{p}/report/r1/export"), Some(export), StatusCode::NOT_FOUND, "not_found").await;
    let odt = json!({"export_format": "odt"});
    a.err(Method::POST, &format!("{p}/report/r1/export"), Some(odt), StatusCode::BAD_REQUEST, "invalid_request").await;
    a.ok(Method::GET, &format!("{p}/reports"), None, StatusCode::OK).await;
    let reveal = json!({"export_format": "pdf"});
    a.err(Method::POST, &format!("{p}/report/r1/reveal"), Some(reveal), StatusCode::NOT_FOUND, "not_found").await;
    // The schedule: none yet, nothing to send, a bad address named; then set, read and sent.
    let status = a.ok(Method::GET, &format!("{p}/report/schedule"), None, StatusCode::OK).await;
    assert_eq!((status["schedule"].is_null(), status["delivery"].as_str()), (true, Some("outbox")));
    a.err(Method::POST, &format!("{p}/report/schedule/send"), None, StatusCode::CONFLICT, "not_ready").await;
    let bad = json!({"action": "schedule", "payload": {"schedule": {"frequency": "daily", "recipients": ["ana"]}}});
    a.err(Method::POST, &format!("{p}/workbench/report/action"), Some(bad), StatusCode::BAD_REQUEST, "invalid_request")
        .await;
    let daily = json!({"action": "schedule", "payload": {"schedule": {"frequency": "daily", "recipients": ["ana@example.org"]}}});
    a.ok(Method::POST, &format!("{p}/workbench/report/action"), Some(daily), StatusCode::OK).await;
    let status = a.ok(Method::GET, &format!("{p}/report/schedule"), None, StatusCode::OK).await;
    assert_eq!(status["schedule"]["recipients"], json!(["ana@example.org"]));
    assert!(status["next_run_at"].is_string(), "{status}");
    let task = a.ok(Method::POST, &format!("{p}/report/schedule/send"), None, StatusCode::ACCEPTED).await;
    assert_eq!(task["kind"], "deliver_report");
    // Collaborators: the owner adds, changes and removes; a project keeps its owner; others may not.
    let added = a
        .ok(
            Method::POST,
            &format!("{p}/collaborators"),
            Some(json!({"user_id": "u2", "role": "editor"})),
            StatusCode::OK,
        )
        .await;
    let roles: Vec<(String, String)> = added["collaborators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["user_id"].as_str().unwrap().to_string(), c["role"].as_str().unwrap().to_string()))
        .collect();
    assert!(roles.contains(&("u2".into(), "editor".into())), "{roles:?}");
    assert_eq!(added["modification_log"].as_array().unwrap().last().unwrap()["summary"], "Added u2 as editor");
    let again = json!({"user_id": "u2", "role": "viewer"});
    a.err(Method::POST, &format!("{p}/collaborators"), Some(again), StatusCode::CONFLICT, "conflict").await;
    let by_editor = json!({"user_id": "u3", "role": "viewer"});
    a.err(Method::POST, &format!("{p}/collaborators?user_id=u2"), Some(by_editor), StatusCode::FORBIDDEN, "forbidden")
        .await;
    let bad_role = json!({"user_id": "u3", "role": "admin"});
    a.err(Method::POST, &format!("{p}/collaborators"), Some(bad_role), StatusCode::BAD_REQUEST, "invalid_request")
        .await;
    a.ok(Method::PUT, &format!("{p}/collaborators/u2"), Some(json!({"role": "viewer"})), StatusCode::OK).await;
    let edit = json!({"action": "override_value", "payload": {"override": {"field": "x", "value": 1, "reason": "r"}}, "user_id": "u2"});
    a.err(Method::POST, &format!("{p}/workbench/data/action"), Some(edit), StatusCode::FORBIDDEN, "forbidden").await;
    a.err(
        Method::PUT,
        &format!("{p}/collaborators/nobody"),
        Some(json!({"role": "viewer"})),
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    a.ok(Method::DELETE, &format!("{p}/collaborators/u2"), None, StatusCode::OK).await;
    let owner =
        a.ok(Method::GET, &p, None, StatusCode::OK).await["collaborators"][0]["user_id"].as_str().unwrap().to_string();
    a.err(Method::DELETE, &format!("{p}/collaborators/{owner}"), None, StatusCode::CONFLICT, "conflict").await;
    // 409: a console control with no simulation open.
    a.err(
        Method::POST,
        &format!("{p}/workbench/simulation/action"),
        Some(json!({"action": "pause"})),
        StatusCode::CONFLICT,
        "not_ready",
    )
    .await;
}

#[tokio::test]
async fn token_host_and_origin_are_checked() {
    let a = api().await;
    let url = format!("{}{P}", a.server.base());
    let status = |r: reqwest::Response| r.status();
    assert_eq!(status(a.client.get(&url).send().await.unwrap()), StatusCode::UNAUTHORIZED);
    assert_eq!(status(a.client.get(&url).bearer_auth("wrong").send().await.unwrap()), StatusCode::UNAUTHORIZED);
    assert_eq!(
        status(a.client.get(&url).header("x-studio-token", &a.server.token).send().await.unwrap()),
        StatusCode::OK
    );
    assert_eq!(status(a.client.get(format!("{url}?token={}", a.server.token)).send().await.unwrap()), StatusCode::OK);
    let rebound =
        a.client.get(&url).bearer_auth(&a.server.token).header("host", "attacker.example:80").send().await.unwrap();
    assert_eq!(rebound.status(), StatusCode::FORBIDDEN);
    let foreign = a
        .client
        .get(&url)
        .bearer_auth(&a.server.token)
        .header("origin", "http://attacker.example")
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), StatusCode::FORBIDDEN);
    let own = format!("http://127.0.0.1:{}", a.server.addr.port());
    assert_eq!(
        status(a.client.get(&url).bearer_auth(&a.server.token).header("origin", own).send().await.unwrap()),
        StatusCode::OK
    );
    // Opening the UI with ?token= sets the cookie its own requests then carry.
    let opened = a.client.get(format!("{url}?token={}", a.server.token)).send().await.unwrap();
    let cookie = opened.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
    assert_eq!(status(a.client.get(&url).header("cookie", cookie).send().await.unwrap()), StatusCode::OK);
    assert!(a.server.addr.ip().is_loopback());
}

#[tokio::test]
async fn the_websocket_streams_the_projects_events() {
    let a = api().await;
    let id = a.ok(Method::POST, P, Some(json!({"project_name": "Live"})), StatusCode::CREATED).await["project_id"]
        .as_str()
        .unwrap()
        .to_string();
    let ws_url = format!("ws://127.0.0.1:{}/ws/v1/studio/projects/{id}?token={}", a.server.addr.port(), a.server.token);
    let (mut ws, _) = tokio_tungstenite::connect_async(ws_url).await.unwrap();
    let next =
        |msg: tokio_tungstenite::tungstenite::Message| serde_json::from_str::<Value>(msg.to_text().unwrap()).unwrap();
    let first = next(ws.next().await.unwrap().unwrap());
    assert_eq!(first["type"], "snapshot");
    assert_eq!(first["state"]["project_id"], id.as_str());
    a.ok(Method::POST, &format!("{P}/{id}/versions"), None, StatusCode::CREATED).await;
    let saved = next(ws.next().await.unwrap().unwrap());
    assert_eq!((saved["type"].as_str(), saved["version"].as_u64()), (Some("saved"), Some(2)));
    let body =
        json!({"action": "add_annotation", "payload": {"annotation": {"section": "s", "text": "t", "author": "a"}}});
    a.ok(Method::POST, &format!("{P}/{id}/workbench/report/action"), Some(body), StatusCode::OK).await;
    let changed = next(ws.next().await.unwrap().unwrap());
    assert_eq!(changed["type"], "state_changed");
    assert_eq!(changed["summary"], "Annotated section 's'");
    let refused =
        tokio_tungstenite::connect_async(format!("ws://127.0.0.1:{}/ws/v1/studio/projects/{id}", a.server.addr.port()))
            .await;
    assert!(refused.is_err(), "no token, no socket");
}

/// Edits a crashed program left are offered as soon as the project is shown: the snapshot is
/// followed by `recovery_available`, and recovering them over HTTP brings them in.
#[tokio::test]
async fn edits_a_crash_left_are_offered_on_the_websocket() {
    let a = api().await;
    let id = a.ok(Method::POST, P, Some(json!({"project_name": "Crashed"})), StatusCode::CREATED).await["project_id"]
        .as_str()
        .unwrap()
        .to_string();
    {
        let other = Studio::open(StudioConfig::new(a._dir.path().join("library.db"))).await.unwrap();
        let payload = json!({"override": {"field": "price", "value": 0.7, "reason": "before the crash"}});
        let action = studio_core::model::WorkbenchAction {
            project_id: id.clone(),
            user_id: USER.into(),
            workbench: studio_core::model::Workbench::Data,
            action: "override_value".into(),
            payload,
        };
        other.workbench_action(&action).await.unwrap();
        // That program is gone without saving: its session names a process that does not exist.
        sqlx::query(
            "UPDATE studio_sessions SET pid = 4000000, process_start = '1'
             WHERE rowid = (SELECT MAX(rowid) FROM studio_sessions)",
        )
        .execute(other.store().pool().unwrap())
        .await
        .unwrap();
    }
    let ws_url = format!("ws://127.0.0.1:{}/ws/v1/studio/projects/{id}?token={}", a.server.addr.port(), a.server.token);
    let (mut ws, _) = tokio_tungstenite::connect_async(ws_url).await.unwrap();
    let mut next =
        async || serde_json::from_str::<Value>(ws.next().await.unwrap().unwrap().to_text().unwrap()).unwrap();
    assert_eq!(next().await["type"], "snapshot");
    let offered = next().await;
    assert_eq!((offered["type"].as_str(), offered["edits"].as_u64()), (Some("recovery_available"), Some(1)));
    let offer = a.ok(Method::GET, &format!("{P}/{id}/recovery"), None, StatusCode::OK).await;
    assert_eq!(offer["edits"][0]["summary"], "Overrode 'price' with 0.7 (before the crash)");
    let state = a.ok(Method::POST, &format!("{P}/{id}/recovery"), None, StatusCode::OK).await;
    assert_eq!(state["workbench_states"]["data"]["overrides"][0]["field"], "price");
    assert!(a.ok(Method::GET, &format!("{P}/{id}/recovery"), None, StatusCode::OK).await.is_null());
}

#[tokio::test]
async fn long_actions_answer_with_tasks_and_stream_their_progress() {
    let a = api().await;
    let id = a.ok(Method::POST, P, Some(json!({"project_name": "Tasks"})), StatusCode::CREATED).await["project_id"]
        .as_str()
        .unwrap()
        .to_string();
    let ws_url = format!("ws://127.0.0.1:{}/ws/v1/studio/projects/{id}?token={}", a.server.addr.port(), a.server.token);
    let (mut ws, _) = tokio_tungstenite::connect_async(ws_url).await.unwrap();
    ws.next().await.unwrap().unwrap();

    let file = a._dir.path().join("over-http.studio");
    let task = a.ok(Method::POST, &format!("{P}/{id}/export"), Some(json!({"path": file})), StatusCode::ACCEPTED).await;
    assert_eq!(task["kind"], "export_project");
    let tid = task["id"].as_str().unwrap().to_string();
    let mut statuses = Vec::new();
    while statuses.last().map(String::as_str) != Some("COMPLETED") {
        let msg = ws.next().await.unwrap().unwrap();
        let event: Value = serde_json::from_str(msg.to_text().unwrap()).unwrap();
        if event["type"] == "task_changed" && event["task"]["id"] == tid.as_str() {
            statuses.push(event["task"]["status"].as_str().unwrap().to_string());
        }
    }
    assert!(statuses.contains(&"IN_PROGRESS".to_string()), "{statuses:?}");
    assert!(file.exists());
    assert_eq!(
        a.ok(Method::GET, &format!("/api/v1/studio/tasks/{tid}"), None, StatusCode::OK).await["status"],
        "COMPLETED"
    );

    let run = a.ok(Method::POST, &format!("{P}/{id}/run"), None, StatusCode::ACCEPTED).await;
    assert_eq!(run["tasks"][0]["kind"], "refresh_data");
    let listed = a.ok(Method::GET, &format!("{P}/{id}/tasks"), None, StatusCode::OK).await;
    assert!(listed.as_array().unwrap().len() >= 4);
    let background =
        a.ok(Method::POST, &format!("{P}/{id}/versions?background=true"), None, StatusCode::ACCEPTED).await;
    assert_eq!(background["kind"], "save_project");
    let agents = a.ok(Method::GET, "/api/v1/studio/agents", None, StatusCode::OK).await;
    assert_eq!(agents["pool"]["status"], "running");
    assert!(agents["pool"]["agents"].as_array().unwrap().len() >= 2);
    assert_eq!(agents["max_instances_per_type"], 10);

    // A spawned agent, a team, a message to it over HTTP (seed routes under /api/v1/studio).
    let spawn = json!({"agent_type": "api", "name": "Fetcher", "config": {"base_url": "http://127.0.0.1:1"}});
    let api_agent = a.ok(Method::POST, "/api/v1/studio/agents", Some(spawn), StatusCode::CREATED).await;
    assert_eq!((api_agent["status"].as_str(), api_agent["capabilities"][0].as_str()), (Some("running"), Some("api")));
    let aid = api_agent["agent_id"].as_str().unwrap().to_string();
    let lead =
        a.ok(Method::POST, "/api/v1/studio/agents", Some(json!({"agent_type": "workflow"})), StatusCode::CREATED);
    let lead = lead.await["agent_id"].as_str().unwrap().to_string();
    let team = json!({"name": "Fetch team", "agent_ids": [lead]});
    let team = a.ok(Method::POST, "/api/v1/studio/entanglements", Some(team), StatusCode::CREATED).await;
    let e = format!("/api/v1/studio/entanglements/{}", team["entanglement_id"].as_str().unwrap());
    let joined = a.ok(Method::PUT, &format!("{e}/agents/{aid}"), None, StatusCode::OK).await;
    assert_eq!(joined["agents"].as_array().unwrap().len(), 2);
    let message = json!({"sender_id": lead, "receiver_id": aid, "content": "fetch the series", "message_type": "task"});
    let sent = a.ok(Method::POST, &format!("{e}/messages"), Some(message), StatusCode::ACCEPTED).await;
    assert_eq!(sent[0]["receiver_id"], aid.as_str());
    let messages = a.ok(Method::GET, &format!("{e}/messages?after=0"), None, StatusCode::OK).await;
    assert_eq!(messages[0]["content"], "fetch the series");
    let detail = a.ok(Method::GET, &format!("/api/v1/studio/agents/{aid}"), None, StatusCode::OK).await;
    assert_eq!(detail["agent"]["name"], "Fetcher");
    a.err(
        Method::POST,
        "/api/v1/studio/agents",
        Some(json!({"agent_type": "oracle"})),
        StatusCode::BAD_REQUEST,
        "invalid_request",
    )
    .await;
    a.err(Method::GET, &format!("{e}/messages?after=x"), None, StatusCode::BAD_REQUEST, "invalid_request").await;
    a.ok(Method::DELETE, &format!("{e}/agents/{aid}"), None, StatusCode::OK).await;
    a.ok(Method::DELETE, &e, None, StatusCode::OK).await;
    a.err(Method::GET, &e, None, StatusCode::NOT_FOUND, "not_found").await;
    let ended = a.ok(Method::DELETE, &format!("/api/v1/studio/agents/{aid}"), None, StatusCode::OK).await;
    assert_eq!(ended["status"], "terminated");
    assert!(
        a.ok(Method::GET, "/api/v1/studio/entanglements", None, StatusCode::OK).await.as_array().unwrap().is_empty()
    );

    let relative = json!({"path": "relative.studio"});
    a.err(Method::POST, &format!("{P}/{id}/export"), Some(relative), StatusCode::BAD_REQUEST, "invalid_request").await;
    a.err(
        Method::POST,
        &format!("{P}/{id}/export"),
        Some(json!({"pth": "/x"})),
        StatusCode::BAD_REQUEST,
        "invalid_request",
    )
    .await;
    a.err(Method::GET, "/api/v1/studio/tasks/nope", None, StatusCode::NOT_FOUND, "not_found").await;
    a.err(Method::POST, "/api/v1/studio/tasks/nope/cancel", None, StatusCode::NOT_FOUND, "not_found").await;
    let msg = a
        .err(Method::POST, &format!("/api/v1/studio/tasks/{tid}/cancel"), None, StatusCode::CONFLICT, "conflict")
        .await;
    assert!(msg.contains("COMPLETED"), "{msg}");
    a.err(Method::POST, &format!("{P}/nope/run"), None, StatusCode::NOT_FOUND, "not_found").await;
}

/// A scenario's sensitivity analysis over HTTP: bad bodies named (400), unknown scenarios (404),
/// none yet; then one started (202 with its task), run to the end and read back.
#[tokio::test]
async fn a_sensitivity_analysis_starts_as_a_task_and_is_read_back() {
    let a = api().await;
    let created = a.ok(Method::POST, P, Some(json!({"project_name": "Sensitive"})), StatusCode::CREATED).await;
    let id = created["project_id"].as_str().unwrap().to_string();
    let baseline = created["scenarios"][0]["scenario_id"].as_str().unwrap().to_string();
    let at = format!("{P}/{id}/scenarios/{baseline}/sensitivity");
    let bad = |body: Value| (Method::POST, at.clone(), Some(body), StatusCode::BAD_REQUEST, "invalid_request");
    for (body, says) in [
        (json!({"samples": 3}), "samples is 3"),
        (json!({"method": "anova"}), "anova"),
        (json!({"samples": 8, "wat": 1}), "wat"),
        (json!({"factors": [{"kind": "variable", "name": "price", "lower": 1, "upper": 0}]}), "lower below upper"),
    ] {
        let (m, p, b, status, code) = bad(body);
        let message = a.err(m, &p, b, status, code).await;
        assert!(message.contains(says), "{says}: {message}");
    }
    let elsewhere = format!("{P}/{id}/scenarios/nope/sensitivity");
    a.err(Method::POST, &elsewhere, Some(json!({})), StatusCode::NOT_FOUND, "not_found").await;
    a.err(Method::GET, &elsewhere, None, StatusCode::NOT_FOUND, "not_found").await;
    a.err(Method::GET, &at, None, StatusCode::CONFLICT, "not_ready").await;

    let ask = json!({"method": "morris", "samples": 2, "replicates": 1,
        "factors": [{"kind": "coefficient", "name": "spontaneous.constant", "lower": 0.001, "upper": 0.01}]});
    let marginals = a._dir.path().join("marginals.csv");
    std::fs::write(&marginals, "dimension,category,share\narea,urban,0.6\narea,rural,0.4\n").unwrap();
    let source = json!({"action": "configure_source", "payload": {"source_name": "marginals",
        "configuration": {"path": marginals, "role": "marginal"}}});
    a.ok(Method::POST, &format!("{P}/{id}/workbench/data/action"), Some(source), StatusCode::OK).await;
    let resize = json!({"action": "resize_population", "payload": {"target_size": 500}});
    a.ok(Method::POST, &format!("{P}/{id}/workbench/population/action"), Some(resize), StatusCode::OK).await;
    let task = a.ok(Method::POST, &at, Some(ask), StatusCode::ACCEPTED).await;
    assert_eq!(task["kind"], "sensitivity");
    let done = a.finished(task["id"].as_str().unwrap()).await;
    assert_eq!(done["status"], "COMPLETED", "{done}");
    let answer = a.ok(Method::GET, &at, None, StatusCode::OK).await;
    assert_eq!(answer["sensitivity"]["evaluations"], 4);
    assert_eq!(answer["sensitivity"]["outputs"][0]["indices"][0]["factor"], "spontaneous.constant");

    // What would it take: the same shape, a goal seek over a shock's size.
    let seek = format!("{P}/{id}/scenarios/{baseline}/goal-seek");
    for (body, says) in [
        (json!({"levers": []}), "levers names 0"),
        (json!({"levers": [{"kind": "wind", "variable": "x"}]}), "wind"),
        (
            json!({"levers": [{"kind": "variable", "variable": "price", "lower": 0.5, "upper": 1}], "rollouts": 0}),
            "rollouts is 0",
        ),
    ] {
        let message = a.err(Method::POST, &seek, Some(body), StatusCode::BAD_REQUEST, "invalid_request").await;
        assert!(message.contains(says), "{says}: {message}");
    }
    a.err(Method::GET, &seek, None, StatusCode::CONFLICT, "not_ready").await;
    let ask = json!({"levers": [{"kind": "shock", "variable": "price", "magnitude_low": -0.5, "magnitude_high": 0,
        "tick_low": 5, "tick_high": 20, "steps": 2}], "rollouts": 3, "replicates": 1, "target": {"share": 0.2, "tick": 50}});
    let task = a.ok(Method::POST, &seek, Some(ask), StatusCode::ACCEPTED).await;
    assert_eq!(task["kind"], "goal_seek");
    let done = a.finished(task["id"].as_str().unwrap()).await;
    assert_eq!(done["status"], "COMPLETED", "{done}");
    let found = a.ok(Method::GET, &seek, None, StatusCode::OK).await;
    assert_eq!(found["goal_seek"]["rollouts"], 3);
    assert_eq!(found["goal_seek"]["combinations"], 4, "no shock, or a shock of -0.5 at ticks 5, 12 or 20");

    // No calendar: the marginals have no times.
    assert!(a.ok(Method::GET, &format!("{P}/{id}/time-axis"), None, StatusCode::OK).await.is_null());
    // The model as a causal graph, and an edge edited over HTTP.
    let graph = a.ok(Method::GET, &format!("{P}/{id}/causal-graph"), None, StatusCode::OK).await;
    let edges = graph["edges"].as_array().unwrap();
    assert!(edges.iter().any(|e| e["path"] == "spontaneous.variables.price"), "{graph}");
    let edge = format!("{P}/{id}/causal-graph/edge");
    let bad = json!({"path": "spontaneous.variables.wind", "value": 1});
    let message = a.err(Method::PUT, &edge, Some(bad), StatusCode::BAD_REQUEST, "invalid_request").await;
    assert!(message.contains("'wind' is not a variable"), "{message}");
    let set = json!({"path": "spontaneous.variables.price", "value": -0.003});
    let state = a.ok(Method::PUT, &edge, Some(set), StatusCode::OK).await;
    assert_eq!(state["modification_log"].as_array().unwrap().last().unwrap()["action"], "edit_causal_edge");
}

#[tokio::test]
async fn the_openapi_document_matches_the_router_both_ways() {
    let dir = tempfile::tempdir().unwrap();
    let studio = Arc::new(Studio::open(StudioConfig::new(dir.path().join("library.db"))).await.unwrap());
    let state = studio_server::AppState {
        studio,
        local_user: USER.into(),
        token: "t".into(),
        hosts: Arc::from(vec![]),
        team: false,
        stopping: tokio::sync::watch::channel(false).1,
    };
    let (_, table) = studio_server::router(state, None);
    let routed: BTreeSet<(String, String)> = table.iter().map(|(m, p)| (m.to_string(), p.to_string())).collect();
    let doc: Value = serde_json::from_str(studio_server::OPENAPI_JSON).unwrap();
    let documented: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, ops)| ops.as_object().unwrap().keys().map(move |m| (m.clone(), path.clone())))
        .collect();
    let undocumented: Vec<_> = routed.difference(&documented).collect();
    let unrouted: Vec<_> = documented.difference(&routed).collect();
    assert!(undocumented.is_empty(), "routes missing from openapi.json: {undocumented:?}");
    assert!(unrouted.is_empty(), "openapi.json documents routes that do not exist: {unrouted:?}");
    // Every route of the seed's contract is there.
    for seed in [
        "post /api/v1/studio/projects",
        "get /api/v1/studio/projects",
        "get /api/v1/studio/projects/{id}",
        "put /api/v1/studio/projects/{id}",
        "delete /api/v1/studio/projects/{id}",
        "get /api/v1/studio/projects/{id}/versions",
        "post /api/v1/studio/projects/{id}/duplicate",
        "post /api/v1/studio/projects/{id}/workbench/{workbench}/action",
        "get /api/v1/studio/projects/{id}/workbench/{workbench}/state",
        "post /api/v1/studio/projects/{id}/report/generate",
        "get /api/v1/studio/projects/{id}/report/{rid}",
        "post /api/v1/studio/projects/{id}/report/{rid}/export",
        "post /api/v1/studio/projects/{id}/collaborators",
        "delete /api/v1/studio/projects/{id}/collaborators/{uid}",
        "get /ws/v1/studio/projects/{id}",
        "get /api/v1/studio/templates",
        "post /api/v1/studio/templates",
    ] {
        let (method, path) = seed.split_once(' ').unwrap();
        assert!(routed.contains(&(method.to_string(), path.to_string())), "seed route {seed} is not routed");
    }
}

/// The generic route takes any request in the core's envelope and answers what the request's
/// own route answers; a malformed envelope is a 400 naming what is wrong.
#[tokio::test]
async fn any_request_goes_through_the_envelope_route() {
    let a = api().await;
    let r = "/api/v1/studio/requests";
    let create = json!({"api_version": 1, "request": "create_project", "project_name": "Enveloped"});
    let created = a.ok(Method::POST, r, Some(create), StatusCode::OK).await;
    let id = created["project_id"].as_str().unwrap().to_string();
    let by_route = a.ok(Method::GET, &format!("{P}/{id}"), None, StatusCode::OK).await;
    let by_envelope = a
        .ok(
            Method::POST,
            r,
            Some(json!({"api_version": 1, "request": "get_project", "project_id": id})),
            StatusCode::OK,
        )
        .await;
    assert_eq!(by_envelope, by_route);
    let action = json!({"api_version": 1, "request": "workbench_action", "project_id": id, "workbench": "data",
        "action": "override_value", "payload": {"override": {"field": "f", "value": 2, "reason": "checked"}}});
    let done = a.ok(Method::POST, r, Some(action), StatusCode::OK).await;
    assert_eq!((done["success"].as_bool(), done["action"].as_str()), (Some(true), Some("override_value")));
    let deleted = a
        .ok(
            Method::POST,
            r,
            Some(json!({"api_version": 1, "request": "delete_project", "project_id": id})),
            StatusCode::OK,
        )
        .await;
    assert_eq!(deleted, json!({"deleted": id}));

    // The bounds and defaults the UI reads instead of numbers of its own.
    let limits = a.ok(Method::GET, "/api/v1/studio/limits", None, StatusCode::OK).await;
    assert_eq!((limits["max_scenarios"].as_u64(), limits["max_population"].as_u64()), (Some(20), Some(5_000_000)));
    let population = &limits["defaults"]["population"];
    assert_eq!((population["seed"].as_u64(), population["archetypes"].as_u64()), (Some(1), Some(6)));
    assert_eq!(limits["defaults"]["simulation"]["ticks"], 100);
    let same = a.ok(Method::POST, r, Some(json!({"api_version": 1, "request": "limits"})), StatusCode::OK).await;
    assert_eq!(same, limits);

    let cases = [
        (json!({"api_version": 2, "request": "list_templates"}), "api_version 2 is not supported"),
        (json!({"api_version": 1, "request": "launch_rockets"}), "unknown variant `launch_rockets`"),
        (json!({"api_version": 1, "request": "get_task"}), "missing field `task_id`"),
        (json!({"request": "list_templates"}), "missing field `api_version`"),
    ];
    for (body, message) in cases {
        let said = a.err(Method::POST, r, Some(body), StatusCode::BAD_REQUEST, "invalid_request").await;
        assert!(said.contains(message), "{said}");
    }
    let said = a
        .err(
            Method::POST,
            r,
            Some(json!({"api_version": 1, "request": "get_task", "task_id": "nope"})),
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    assert!(said.contains("nope"), "{said}");
}

/// The least request of each variant the envelope's schema lists: its required fields filled
/// with values that name nothing (so a handler answers "not found", not "malformed").
fn minimal_requests(doc: &Value) -> Vec<Value> {
    let schemas = &doc["components"]["schemas"];
    let envelope = schemas.get("EnvelopeInput").unwrap_or(&schemas["Envelope"]);
    envelope["oneOf"]
        .as_array()
        .unwrap()
        .iter()
        .map(|variant| {
            let mut request = json!({"api_version": 1});
            for field in variant["required"].as_array().unwrap().iter().map(|f| f.as_str().unwrap()) {
                let schema = &variant["properties"][field];
                request[field] = match field {
                    "request" => schema["const"].clone(),
                    "project_id" | "task_id" | "report_id" => json!(format!("no-such-{field}")),
                    "workbench" => json!("data"),
                    "action" => json!("explore_sources"),
                    "path" => json!("/nonexistent/reach.studio"),
                    "format" => json!("pdf"),
                    "version" => json!(1),
                    "change" => json!({"change": "remove", "user_id": "reached"}),
                    "role" => json!("viewer"),
                    "section" => json!("overrides"),
                    "task" => json!({"task_id": "reached", "question": "Will it pass 30%?"}),
                    "search" => json!({"levers": []}),
                    "edit" => json!({"path": "potential", "value": 0.5}),
                    "workflow" => json!({"workflow_id": "reached", "name": "Reached",
                        "steps": [{"id": "e", "type": "wait", "seconds": 0}]}),
                    _ => match schema["type"].as_str() {
                        Some("integer") => json!(1),
                        Some("boolean") => json!(false),
                        Some("array") => json!([]),
                        Some("object") => json!({}),
                        _ => json!("reached"),
                    },
                };
            }
            request
        })
        .collect()
}

/// Every `Request` variant reaches its handler over HTTP: the generic route parses each one the
/// schema lists (what a handler then answers is its own business; none is "malformed").
#[tokio::test]
async fn every_request_variant_is_reachable_over_http() {
    let a = api().await;
    let doc: Value = serde_json::from_str(studio_server::OPENAPI_JSON).unwrap();
    let requests = minimal_requests(&doc);
    assert!(requests.len() >= 38, "the envelope lists {} requests", requests.len());
    for request in requests {
        let name = request["request"].as_str().unwrap().to_string();
        let (status, answer) = a.call(Method::POST, "/api/v1/studio/requests", Some(request)).await;
        let message = answer["message"].as_str().unwrap_or_default();
        assert!(!message.starts_with("malformed request"), "{name} did not reach its handler: {answer}");
        assert!(status.is_success() || status.is_client_error(), "{name}: {status} {answer}");
    }
}
