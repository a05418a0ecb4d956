//! A team server process for the tests, and the first team of its database.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Child, Stdio};

use reqwest::Method;
use serde_json::Value;

use crate::common::{free_port, studio};

pub struct TeamServer {
    pub child: Child,
    pub base: String,
}

impl Drop for TeamServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl TeamServer {
    /// A `studio serve --team` process on `database` (and `redis`, when given).
    pub fn start(home: &Path, database: &str, redis: Option<&str>) -> TeamServer {
        TeamServer::listening(home, database, redis, format!("127.0.0.1:{}", free_port()))
    }

    /// Another instance on the address `base` (`http://127.0.0.1:port`) one had before.
    pub fn start_at(home: &Path, database: &str, redis: Option<&str>, base: &str) -> TeamServer {
        TeamServer::listening(home, database, redis, base.trim_start_matches("http://").to_string())
    }

    fn listening(home: &Path, database: &str, redis: Option<&str>, listen: String) -> TeamServer {
        let mut command = studio(home);
        command.args(["serve", "--team", "--json", "--database", database, "--listen", &listen]);
        // The scheduler looks every second, so a schedule made due is taken up at once.
        command.env("STUDIO_SCHEDULE_CHECK_SECS", "1");
        if let Some(redis) = redis {
            command.args(["--redis", redis]);
        }
        let mut child = command.stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn().unwrap();
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

    pub fn call(&self, token: Option<&str>, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
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

pub fn team_init(home: &Path, database: &str, name: &str, team: &str) -> Value {
    let out = studio(home)
        .args(["team-init", "--json", "--database", database, "--name", name, "--team", team])
        .output()
        .unwrap();
    assert!(out.status.success(), "team-init: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}
