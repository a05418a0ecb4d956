//! A loaded `studio serve` killed with -9 at random moments, ten times: 16 clients on 8
//! projects post edits over HTTP until it dies. After each restart, every edit the server had
//! answered 200 to is in `GET /projects/:id` — without anyone calling the recovery route, since
//! the clients were told those edits were saved — and the library passes `integrity_check`.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use studio_core::{Studio, StudioConfig};

const KILLS: usize = 10;
const PROJECTS: usize = 8;
const CLIENTS: usize = 16;

struct Served {
    child: Child,
    base: String,
    token: String,
}

/// A server left running by a failed assertion would hold the test's output open: it goes with
/// its handle.
impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(db: &std::path::Path) -> Served {
    let mut child = Command::new(env!("CARGO_BIN_EXE_serve-child"))
        .arg(db)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let started: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("serve-child said {line:?}: {e}"));
    Served { child, base: started["base"].as_str().unwrap().into(), token: started["token"].as_str().unwrap().into() }
}

async fn project_fields(client: &reqwest::Client, served: &Served, project: &str) -> Vec<String> {
    let state: Value = client
        .get(format!("{}/api/v1/studio/projects/{project}", served.base))
        .bearer_auth(&served.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    state["workbench_states"]["data"]["overrides"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["field"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_a_loaded_server_acknowledged_is_lost_when_it_is_killed() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("library.db");
    let mut projects = Vec::new();
    for p in 0..PROJECTS {
        projects.push(studio_tests::library_with_project(&db, "serve-child", &format!("Loaded {p}")).await);
    }
    let seed = std::env::var("CRASH_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(rand::random);
    eprintln!("server crash test seed {seed} (set CRASH_SEED to replay)");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let client = reqwest::Client::new();
    // (project, field) of every edit answered 200.
    let acknowledged: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    for run in 0..KILLS {
        let mut served = serve(&db);
        // What every earlier run acknowledged is here, before any client asks for anything.
        for project in &projects {
            let fields = project_fields(&client, &served, project).await;
            for (p, field) in acknowledged.lock().unwrap().iter().filter(|(p, _)| p == project) {
                assert!(fields.contains(field), "run {run}: acknowledged edit {field} of {p} lost");
            }
        }
        let clients: Vec<_> = (0..CLIENTS)
            .map(|c| {
                let (client, base, token) = (reqwest::Client::new(), served.base.clone(), served.token.clone());
                let project = projects[c % PROJECTS].clone();
                let acknowledged = acknowledged.clone();
                tokio::spawn(async move {
                    for i in 0u64.. {
                        let field = format!("r{run}_c{c}_{i}");
                        let body = json!({"action": "override_value",
                            "payload": {"override": {"field": field, "value": i, "reason": "load"}}});
                        let url = format!("{base}/api/v1/studio/projects/{project}/workbench/data/action");
                        let Ok(res) = client.post(url).bearer_auth(&token).json(&body).send().await else { return };
                        let status = res.status();
                        // Acknowledged only once the whole answer has arrived.
                        if res.bytes().await.is_err() {
                            return;
                        }
                        assert!(status.is_success(), "run {run}: {status} under load");
                        acknowledged.lock().unwrap().push((project.clone(), field));
                    }
                })
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(rng.random_range(150..900))).await;
        served.child.kill().unwrap();
        served.child.wait().unwrap();
        for c in clients {
            c.await.unwrap();
        }
    }
    let served = serve(&db);
    let total = acknowledged.lock().unwrap().len();
    for project in &projects {
        let fields = project_fields(&client, &served, project).await;
        for (_, field) in acknowledged.lock().unwrap().iter().filter(|(p, _)| p == project) {
            assert!(fields.contains(field), "after the last kill: acknowledged edit {field} lost");
        }
    }
    drop(served);
    let studio = Studio::open(StudioConfig::new(db.clone())).await.unwrap();
    assert_eq!(studio.store().integrity_check().await.unwrap(), "ok");
    for project in &projects {
        assert!(studio.recovery_offer(project).await.unwrap().is_none(), "nothing is left to recover by hand");
    }
    eprintln!("{total} edits acknowledged under load over {KILLS} kills");
    assert!(total > KILLS * CLIENTS, "the server acknowledged too little to test anything ({total})");
}
