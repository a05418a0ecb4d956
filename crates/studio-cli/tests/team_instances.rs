//! Two instances of `studio serve --team` side by side on one PostgreSQL and one Redis (all
//! real processes on loopback): an edit made through one is seen through the other at once,
//! and so is who is where; one killed with SIGKILL under load loses no acknowledged edit; a
//! Redis that goes away and comes back loses nothing either. A task run through one is followed
//! through the other, and a scheduled report is sent once whichever instances are running.

mod common;
mod team;

use std::path::Path;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{Value, json};
use studio_store::team::testing::{FreshDatabase, redis_url, run_sql};

use common::{eventually, free_port, override_fields};
use team::{TeamServer, team_init};

fn edit(server: &TeamServer, token: &str, project: &str, field: &str) -> u16 {
    let body =
        json!({"action": "override_value", "payload": {"override": {"field": field, "value": 1, "reason": "r"}}});
    let path = format!("/api/v1/studio/projects/{project}/workbench/data/action");
    server.call(Some(token), Method::POST, &path, Some(body)).0
}

fn fields(server: &TeamServer, token: &str, project: &str) -> Vec<String> {
    override_fields(&server.call(Some(token), Method::GET, &format!("/api/v1/studio/projects/{project}"), None).1)
}

fn new_project(server: &TeamServer, token: &str, team: &str) -> String {
    let body = json!({"project_name": "Heat pumps", "team_id": team});
    let (status, project) = server.call(Some(token), Method::POST, "/api/v1/studio/projects", Some(body));
    assert_eq!(status, 201, "{project}");
    project["project_id"].as_str().unwrap().to_string()
}

async fn on_fresh_database(test: impl FnOnce(&Path, &str) + Send + 'static) {
    let fresh = FreshDatabase::new().await;
    let url = fresh.url.clone();
    let home = tempfile::tempdir().unwrap();
    tokio::task::spawn_blocking(move || test(home.path(), &url)).await.unwrap();
    fresh.drop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_edit_through_one_instance_is_seen_through_the_other_and_survives_a_kill() {
    on_fresh_database(|home, database| {
        let redis = redis_url();
        let owner = team_init(home, database, "Ana", "Forecasting");
        let (team, token) = (owner["team_id"].as_str().unwrap(), owner["token"].as_str().unwrap());
        let mut a = TeamServer::start(home, database, Some(&redis));
        let b = TeamServer::start(home, database, Some(&redis));
        let project = new_project(&a, token, team);

        // B holds the project (a client of B has it open) before A edits it.
        assert_eq!(fields(&b, token, &project), Vec::<String>::new());
        let ws_url = format!("{}/ws/v1/studio/projects/{project}?token={token}", b.base.replace("http://", "ws://"));
        let (mut socket, _) = tungstenite::connect(&ws_url).unwrap();
        if let tungstenite::stream::MaybeTlsStream::Plain(stream) = socket.get_mut() {
            stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        }
        let first: Value = serde_json::from_str(socket.read().unwrap().to_text().unwrap()).unwrap();
        assert_eq!(first["type"], "snapshot");
        let started = Instant::now();
        assert_eq!(edit(&a, token, &project, "through-a"), 200);
        let heard: Value = loop {
            let message = socket.read().expect("B's client hears A's edit within 5 s");
            let Ok(text) = message.to_text() else { continue };
            let event: Value = serde_json::from_str(text).unwrap();
            if event["type"] == "state_changed" {
                break event;
            }
        };
        let waited = started.elapsed();
        assert!(waited < Duration::from_secs(2), "B's client heard A's edit after {waited:?}");
        assert!(heard["summary"].as_str().unwrap().contains("through-a"), "{heard}");
        assert_eq!(fields(&b, token, &project), ["through-a"]);

        // Presence crosses too: where Ana is, set through A, is known through B.
        let presence = json!({"workbench": "data"});
        let (status, _) =
            a.call(Some(token), Method::PUT, &format!("/api/v1/studio/projects/{project}/presence"), Some(presence));
        assert_eq!(status, 200);
        let user = owner["member"]["user_id"].as_str().unwrap();
        assert!(
            eventually(Duration::from_secs(3), || {
                let state = b.call(Some(token), Method::GET, &format!("/api/v1/studio/projects/{project}"), None).1;
                state["active_users"].as_array().is_some_and(|u| u.iter().any(|x| x == user))
            }),
            "B knows Ana is on the data workbench"
        );

        // Under load through A, then A is killed: every edit A acknowledged is there through B,
        // and through an instance started after.
        let mut acknowledged = vec!["through-a".to_string()];
        for i in 0..40 {
            let field = format!("load-{i:02}");
            if edit(&a, token, &project, &field) == 200 {
                acknowledged.push(field);
            }
        }
        a.child.kill().unwrap();
        a.child.wait().unwrap();
        acknowledged.sort();
        assert_eq!(fields(&b, token, &project), acknowledged, "B has every edit A acknowledged");
        let c = TeamServer::start(home, database, Some(&redis));
        assert_eq!(fields(&c, token, &project), acknowledged, "a new instance reads every one from PostgreSQL");
        // And B's client goes on: an edit through C reaches it.
        assert_eq!(edit(&c, token, &project, "through-c"), 200);
        assert!(eventually(Duration::from_secs(3), || fields(&b, token, &project).contains(&"through-c".to_string())));
    })
    .await;
}

/// A client's WebSocket on a project, read with a timeout.
fn project_socket(
    server: &TeamServer,
    token: &str,
    project: &str,
) -> tungstenite::WebSocket<tungstenite::stream::MaybeTlsStream<std::net::TcpStream>> {
    let ws_url = format!("{}/ws/v1/studio/projects/{project}?token={token}", server.base.replace("http://", "ws://"));
    let (mut socket, _) = tungstenite::connect(&ws_url).unwrap();
    if let tungstenite::stream::MaybeTlsStream::Plain(stream) = socket.get_mut() {
        stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    }
    socket
}

fn deliveries(server: &TeamServer, token: &str, project: &str) -> Vec<Value> {
    let (status, tasks) =
        server.call(Some(token), Method::GET, &format!("/api/v1/studio/projects/{project}/tasks"), None);
    assert_eq!(status, 200, "{tasks}");
    tasks.as_array().unwrap().iter().filter(|t| t["kind"] == "deliver_report").cloned().collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_task_is_followed_across_instances_and_a_scheduled_report_is_sent_once() {
    on_fresh_database(|home, database| {
        let redis = redis_url();
        let owner = team_init(home, database, "Ana", "Forecasting");
        let (team, token) = (owner["team_id"].as_str().unwrap(), owner["token"].as_str().unwrap());
        let a = TeamServer::start(home, database, Some(&redis));
        let b = TeamServer::start(home, database, Some(&redis));
        let project = new_project(&a, token, team);
        let p = format!("/api/v1/studio/projects/{project}");
        let daily = json!({"action": "schedule", "payload": {"schedule": {"frequency": "daily", "recipients": ["ana@example.org"]}}});
        let (status, said) = a.call(Some(token), Method::POST, &format!("{p}/workbench/report/action"), Some(daily));
        assert_eq!(status, 200, "{said}");

        // "Send now" through A: a client of B follows the task A runs.
        let mut socket = project_socket(&b, token, &project);
        let (status, task) = a.call(Some(token), Method::POST, &format!("{p}/report/schedule/send"), None);
        assert_eq!(status, 202, "{task}");
        let task_id = task["id"].as_str().unwrap().to_string();
        let finished: Value = loop {
            let message = socket.read().expect("B's client hears how A's task goes");
            let Ok(text) = message.to_text() else { continue };
            let event: Value = serde_json::from_str(text).unwrap();
            if event["type"] == "task_changed"
                && event["task"]["id"] == task_id.as_str()
                && ["COMPLETED", "FAILED"].contains(&event["task"]["status"].as_str().unwrap_or(""))
            {
                break event;
            }
        };
        assert_eq!(finished["project_id"], project.as_str());
        assert_eq!(deliveries(&b, token, &project).len(), 1, "B lists the task A ran");

        // The schedule comes due with both instances looking every second: one sends it.
        // Set, and last sent, a year ago.
        let due = "UPDATE studio_report_schedules SET last_run_at = '2026-01-01T00:00:00', \
                   schedule = jsonb_set(schedule, '{set_at}', '\"2026-01-01T00:00:00.000Z\"')";
        tokio::runtime::Runtime::new().unwrap().block_on(run_sql(database, due));
        assert!(
            eventually(Duration::from_secs(15), || deliveries(&a, token, &project).len() == 2),
            "the due report is sent"
        );
        std::thread::sleep(Duration::from_secs(4));
        let sent = deliveries(&b, token, &project);
        assert_eq!(sent.len(), 2, "sent once, not once per instance: {sent:#?}");
        let (_, schedule) = b.call(Some(token), Method::GET, &format!("{p}/report/schedule"), None);
        assert!(schedule["last_run_at"].is_string(), "{schedule}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_file_imported_through_one_instance_is_downloaded_through_the_other() {
    use base64::Engine;
    on_fresh_database(|home, database| {
        let owner = team_init(home, database, "Ana", "Forecasting");
        let (team, token) = (owner["team_id"].as_str().unwrap(), owner["token"].as_str().unwrap());
        let a = TeamServer::start(home, database, None);
        let b = TeamServer::start(home, database, None);
        let project = new_project(&a, token, team);
        let csv = b"region,households\nnorth,1200\nsouth,800\n";
        let encoded = base64::engine::general_purpose::STANDARD.encode(csv);
        let configuration = json!({"import": true, "file_name": "households.csv", "content_base64": encoded});
        let body = json!({"action": "configure_source", "payload": {"source_name": "households", "configuration": configuration}});
        let path = format!("/api/v1/studio/projects/{project}/workbench/data/action");
        let (status, said) = a.call(Some(token), Method::POST, &path, Some(body));
        assert_eq!(status, 200, "{said}");
        let (_, state) = b.call(Some(token), Method::GET, &format!("/api/v1/studio/projects/{project}"), None);
        let sha = state["workbench_states"]["data"]["sources"]["households"]["sha256"].as_str().unwrap().to_string();
        // The team keeps the file: any instance hands it to whoever may read the project.
        let url = format!("{}/api/v1/studio/projects/{project}/artifacts/{sha}", b.base);
        let got = reqwest::blocking::Client::new().get(&url).bearer_auth(token).send().unwrap();
        assert_eq!(got.status().as_u16(), 200);
        assert_eq!(got.bytes().unwrap().as_ref(), csv);
        let outsider = team_init(home, database, "Olga", "Elsewhere");
        let refused = reqwest::blocking::Client::new()
            .get(&url)
            .bearer_auth(outsider["token"].as_str().unwrap())
            .send()
            .unwrap();
        assert_eq!(refused.status().as_u16(), 403);
        let unknown = format!("{}/api/v1/studio/projects/{project}/artifacts/{}", b.base, "0".repeat(64));
        assert_eq!(reqwest::blocking::Client::new().get(&unknown).bearer_auth(token).send().unwrap().status().as_u16(), 404);
    })
    .await;
}

/// A Redis of this test's own, to stop and start again.
struct OwnRedis {
    port: u16,
    dir: tempfile::TempDir,
    child: Child,
}

impl OwnRedis {
    fn start(port: u16, dir: tempfile::TempDir) -> OwnRedis {
        let child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .arg("--dir")
            .arg(dir.path())
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("redis-server (scripts/services installs it)");
        let url = format!("127.0.0.1:{port}");
        assert!(eventually(Duration::from_secs(5), || std::net::TcpStream::connect(&url).is_ok()));
        OwnRedis { port, dir, child }
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    fn stop(mut self) -> (u16, tempfile::TempDir) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        (self.port, self.dir)
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn redis_going_away_delays_notices_and_loses_nothing() {
    on_fresh_database(|home, database| {
        let redis = OwnRedis::start(free_port(), tempfile::tempdir().unwrap());
        let url = redis.url();
        let owner = team_init(home, database, "Ana", "Forecasting");
        let (team, token) = (owner["team_id"].as_str().unwrap(), owner["token"].as_str().unwrap());
        let a = TeamServer::start(home, database, Some(&url));
        let b = TeamServer::start(home, database, Some(&url));
        let project = new_project(&a, token, team);
        assert_eq!(fields(&b, token, &project), Vec::<String>::new());

        let (port, dir) = redis.stop();
        // Without Redis an edit is still acknowledged: PostgreSQL holds it.
        assert_eq!(edit(&a, token, &project, "while-redis-was-away"), 200);
        let redis = OwnRedis::start(port, dir);
        assert!(
            eventually(Duration::from_secs(15), || fields(&b, token, &project) == ["while-redis-was-away"]),
            "B caught up once Redis was back"
        );
        assert_eq!(edit(&b, token, &project, "after"), 200);
        assert!(eventually(Duration::from_secs(3), || fields(&a, token, &project).len() == 2));
        drop(redis);

        // An instance whose Redis cannot be reached says so and does not start.
        let out = common::studio(home)
            .args(["serve", "--team", "--database", database, "--redis", "redis://127.0.0.1:1", "--listen"])
            .arg(format!("127.0.0.1:{}", free_port()))
            .output()
            .unwrap();
        assert!(!out.status.success());
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(said.contains("Redis at redis://127.0.0.1:1 is not available"), "{said}");
    })
    .await;
}
