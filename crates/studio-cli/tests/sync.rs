//! Two analysts on two libraries edit one project through a hub, as real processes on real
//! sockets: `studio serve --share` (the owner's), `studio share`, `studio join` and a second
//! `studio serve` (the invitee's). Edits made on either side reach the other; the hub killed
//! with -9 in the middle of a burst of edits, both sides edit on, and once it is back every
//! acknowledged edit is on both sides and the two documents have the same heads.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

fn studio(home: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_studio"));
    command
        .env("STUDIO_HOME", home)
        .env("STUDIO_LOG", "warn")
        .env_remove("STUDIO_DB")
        .env_remove("STUDIO_USER")
        .env_remove("STUDIO_SMTP_URL");
    command
}

/// Runs a command with `--json` and answers its document.
fn json(home: &Path, args: &[&str]) -> Value {
    let out = studio(home).args(args).arg("--json").output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

struct Served {
    child: Child,
    base: String,
    token: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Served {
    fn start(home: &Path, extra: &[&str]) -> Served {
        let mut child = studio(home)
            .args(["serve", "--json", "--port", "0"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap());
        let mut said = String::new();
        let started: Value = loop {
            assert!(lines.read_line(&mut said).unwrap() > 0, "studio serve ended: {said}");
            if let Ok(v) = serde_json::from_str(&said) {
                break v;
            }
        };
        Served {
            child,
            base: started["base"].as_str().unwrap().into(),
            token: started["token"].as_str().unwrap().into(),
        }
    }

    fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let client = reqwest::blocking::Client::new();
        let mut request = client.request(method, format!("{}{path}", self.base)).bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().unwrap();
        let status = response.status().as_u16();
        (status, response.json().unwrap_or(Value::Null))
    }

    fn edit(&self, project: &str, field: &str) -> u16 {
        let body = json!({"action": "override_value", "payload": {"override": {"field": field, "value": 1, "reason": "sync test"}}});
        self.call(
            reqwest::Method::POST,
            &format!("/api/v1/studio/projects/{project}/workbench/data/action"),
            Some(body),
        )
        .0
    }

    fn fields(&self, project: &str) -> Vec<String> {
        let (_, state) = self.call(reqwest::Method::GET, &format!("/api/v1/studio/projects/{project}"), None);
        let mut fields: Vec<String> = state["workbench_states"]["data"]["overrides"]
            .as_array()
            .map(|list| list.iter().map(|o| o["field"].as_str().unwrap_or_default().to_string()).collect())
            .unwrap_or_default();
        fields.sort();
        fields
    }

    fn heads(&self, project: &str) -> Vec<String> {
        let (_, status) = self.call(reqwest::Method::GET, &format!("/api/v1/studio/projects/{project}/sync"), None);
        let mut heads: Vec<String> = status["heads"]
            .as_array()
            .map(|h| h.iter().map(|x| x.as_str().unwrap().to_string()).collect())
            .unwrap_or_default();
        heads.sort();
        heads
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Waits until `done` holds, up to `within`.
fn eventually(within: Duration, mut done: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < within {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    done()
}

struct Pair {
    _dirs: (tempfile::TempDir, tempfile::TempDir),
    ada: PathBuf,
    bea: PathBuf,
    project: String,
    listen: String,
}

/// Ada's library with a project she shares; Bea's library, which joined it.
fn pair(role: &str) -> (Pair, Served) {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (ada, bea) = (a.path().to_path_buf(), b.path().to_path_buf());
    json(&ada, &["profile", "--name", "Ada"]);
    json(&bea, &["profile", "--name", "Bea"]);
    let project = json(&ada, &["project", "new", "--name", "Shared"])["project_id"].as_str().unwrap().to_string();
    let listen = format!("127.0.0.1:{}", free_port());
    let hub = Served::start(&ada, &["--share", "--listen", &listen]);
    let invite = json(&ada, &["share", &project, "--role", role, "--expires", "1d"]);
    let token = invite["token"].as_str().unwrap();
    let joined = json(&bea, &["join", token]);
    assert_eq!(joined["project_id"], project.as_str());
    (Pair { _dirs: (a, b), ada, bea, project, listen }, hub)
}

#[test]
fn edits_on_either_side_converge_even_across_a_hub_killed_mid_sync() {
    let (p, hub) = pair("editor");
    let bea = Served::start(&p.bea, &[]);
    assert_eq!(hub.edit(&p.project, "ada-1"), 200);
    assert_eq!(bea.edit(&p.project, "bea-1"), 200);
    let both = vec!["ada-1".to_string(), "bea-1".to_string()];
    assert!(eventually(Duration::from_secs(10), || hub.fields(&p.project) == both && bea.fields(&p.project) == both));
    // The invitee is a collaborator, with her name, in the role the invite gave.
    let (_, state) = hub.call(reqwest::Method::GET, &format!("/api/v1/studio/projects/{}", p.project), None);
    let bea_row = state["collaborators"].as_array().unwrap().iter().find(|c| c["display_name"] == "Bea").cloned();
    assert_eq!(bea_row.map(|c| c["role"].clone()), Some(json!("editor")), "{state}");
    // The log names each entry's author.
    let log = state["modification_log"].as_array().unwrap();
    assert!(log.iter().any(|e| e["summary"].as_str().unwrap().contains("bea-1") && e["user_id"] == state["collaborators"].as_array().unwrap().iter().find(|c| c["display_name"] == "Bea").unwrap()["user_id"]));

    // A burst of edits from Bea; the hub is killed with -9 in the middle of it.
    let mut acknowledged = both.clone();
    let mut hub = hub;
    for i in 0..20 {
        if i == 8 {
            hub.child.kill().unwrap();
            hub.child.wait().unwrap();
        }
        let field = format!("bea-burst-{i:02}");
        if bea.edit(&p.project, &field) == 200 {
            acknowledged.push(field);
        }
    }
    drop(hub);
    // Ada edits too, with her hub down: the command line writes to her library.
    json(
        &p.ada,
        &[
            "action",
            &p.project,
            "data",
            "override_value",
            "--payload",
            r#"{"override": {"field": "ada-offline", "value": 2, "reason": "offline"}}"#,
        ],
    );
    acknowledged.push("ada-offline".into());
    assert_eq!(bea.edit(&p.project, "bea-offline"), 200);
    acknowledged.push("bea-offline".into());
    acknowledged.sort();

    // The hub comes back at the same address; Bea's Studio reconnects by itself.
    let hub = Served::start(&p.ada, &["--share", "--listen", &p.listen]);
    let converged = eventually(Duration::from_secs(30), || {
        hub.fields(&p.project) == acknowledged && bea.fields(&p.project) == acknowledged
    });
    assert!(converged, "hub {:?}\nbea {:?}\nexpected {acknowledged:?}", hub.fields(&p.project), bea.fields(&p.project));
    assert!(eventually(Duration::from_secs(10), || hub.heads(&p.project) == bea.heads(&p.project)));
    assert!(!hub.heads(&p.project).is_empty());
}
