//! What the sync tests share: libraries in temporary homes, `studio` commands, `studio serve`
//! processes and their HTTP API.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub fn studio(home: &Path) -> Command {
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
pub fn json(home: &Path, args: &[&str]) -> Value {
    let out = studio(home).args(args).arg("--json").output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

pub struct Served {
    pub child: Child,
    pub base: String,
    pub token: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Served {
    pub fn start(home: &Path, extra: &[&str]) -> Served {
        let mut command = studio(home);
        command.args(["serve", "--json", "--port", "0"]).args(extra).stderr(Stdio::inherit());
        Served::spawn(command)
    }

    /// `studio serve` as `command` says (its environment, where its log goes).
    pub fn spawn(mut command: Command) -> Served {
        let mut child = command.stdout(Stdio::piped()).spawn().unwrap();
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

    pub fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let client = reqwest::blocking::Client::new();
        let mut request = client.request(method, format!("{}{path}", self.base)).bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().unwrap();
        let status = response.status().as_u16();
        (status, response.json().unwrap_or(Value::Null))
    }

    pub fn edit(&self, project: &str, field: &str) -> u16 {
        let body = json!({"action": "override_value", "payload": {"override": {"field": field, "value": 1, "reason": "sync test"}}});
        self.call(
            reqwest::Method::POST,
            &format!("/api/v1/studio/projects/{project}/workbench/data/action"),
            Some(body),
        )
        .0
    }

    pub fn fields(&self, project: &str) -> Vec<String> {
        override_fields(&self.call(reqwest::Method::GET, &format!("/api/v1/studio/projects/{project}"), None).1)
    }

    pub fn heads(&self, project: &str) -> Vec<String> {
        heads_of(&self.call(reqwest::Method::GET, &format!("/api/v1/studio/projects/{project}/sync"), None).1)
    }
}

/// The fields a project's state overrides, sorted.
pub fn override_fields(state: &Value) -> Vec<String> {
    let mut fields: Vec<String> = state["workbench_states"]["data"]["overrides"]
        .as_array()
        .map(|list| list.iter().map(|o| o["field"].as_str().unwrap_or_default().to_string()).collect())
        .unwrap_or_default();
    fields.sort();
    fields
}

/// The heads a sync status gives, sorted.
pub fn heads_of(status: &Value) -> Vec<String> {
    let mut heads: Vec<String> = status["heads"]
        .as_array()
        .map(|h| h.iter().map(|x| x.as_str().unwrap_or_default().to_string()).collect())
        .unwrap_or_default();
    heads.sort();
    heads
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Waits until `done` holds, up to `within`.
pub fn eventually(within: Duration, mut done: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < within {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    done()
}

pub struct Pair {
    pub dirs: (tempfile::TempDir, tempfile::TempDir),
    pub ada: PathBuf,
    pub bea: PathBuf,
    pub project: String,
    pub listen: String,
    pub token: String,
}

/// Ada's library with a project she shares; Bea's library, which joined it.
pub fn pair(role: &str) -> (Pair, Served) {
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
    (Pair { dirs: (a, b), ada, bea, project, listen, token: token.to_string() }, hub)
}
