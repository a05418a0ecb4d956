//! The team server's PostgreSQL restarted under it (a PostgreSQL of this test's own, on
//! loopback, and the test Redis): while it is down an edit is refused with an error that says
//! so and is kept in Redis for its author; when it is back the same instance serves again,
//! every acknowledged edit is there, and the kept edit is offered back through the other
//! instance, to apply. A client's session state kept through one instance is read through the
//! other.

mod common;
mod team;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use studio_store::team::testing::redis_url;

use common::{eventually, free_port, override_fields};
use team::{TeamServer, team_init};

/// A PostgreSQL cluster of this test's own. As root its files belong to the packages'
/// `postgres` user, which will not run as root.
struct OwnPostgres {
    dir: PathBuf,
    port: u16,
}

fn pg_bin(tool: &str) -> PathBuf {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL is installed (scripts/services installs it)")
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .collect();
    versions.sort();
    versions.pop().expect("a PostgreSQL version").join(tool)
}

fn as_postgres(tool: &str) -> Command {
    let root = Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    if root {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(pg_bin(tool));
        command
    } else {
        Command::new(pg_bin(tool))
    }
}

fn ran(command: &mut Command) {
    let out = command.output().unwrap();
    assert!(out.status.success(), "{command:?}: {}", String::from_utf8_lossy(&out.stderr));
}

impl OwnPostgres {
    fn start() -> OwnPostgres {
        let dir = std::env::temp_dir().join(format!("studio-own-postgres-{}", free_port()));
        std::fs::create_dir_all(&dir).unwrap();
        ran(Command::new("chmod").arg("777").arg(&dir));
        let pg = OwnPostgres { dir, port: free_port() };
        ran(as_postgres("initdb").arg("-D").arg(pg.data()).args(["-U", "studio", "--auth=trust", "-E", "UTF8"]));
        pg.up();
        ran(Command::new(pg_bin("createdb")).args(["-h", "127.0.0.1", "-U", "studio", "studio"]).arg(pg.port_arg()));
        pg
    }

    fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    fn port_arg(&self) -> String {
        format!("--port={}", self.port)
    }

    fn url(&self) -> String {
        format!("postgres://studio@127.0.0.1:{}/studio", self.port)
    }

    fn up(&self) {
        let options = format!("-p {} -c listen_addresses=127.0.0.1 -k {}", self.port, self.data().display());
        // Its log in a file: a server holding our pipes would keep `output()` waiting.
        let log = self.dir.join("server.log");
        let mut start = as_postgres("pg_ctl");
        start.arg("-D").arg(self.data()).arg("-l").arg(log).args(["-w", "-t", "60", "-o", &options, "start"]);
        ran(&mut start);
    }

    fn down(&self) {
        ran(as_postgres("pg_ctl").arg("-D").arg(self.data()).args(["-m", "fast", "-w", "stop"]));
    }
}

impl Drop for OwnPostgres {
    fn drop(&mut self) {
        let _ = as_postgres("pg_ctl").arg("-D").arg(self.data()).args(["-m", "immediate", "stop"]).output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn edit(server: &TeamServer, token: &str, project: &str, field: &str) -> (u16, serde_json::Value) {
    let body =
        json!({"action": "override_value", "payload": {"override": {"field": field, "value": 1, "reason": "r"}}});
    server.call(
        Some(token),
        Method::POST,
        &format!("/api/v1/studio/projects/{project}/workbench/data/action"),
        Some(body),
    )
}

fn fields(server: &TeamServer, token: &str, project: &str) -> Vec<String> {
    override_fields(&server.call(Some(token), Method::GET, &format!("/api/v1/studio/projects/{project}"), None).1)
}

fn run(home: &Path) {
    let pg = OwnPostgres::start();
    let database = pg.url();
    let redis = redis_url();
    let owner = team_init(home, &database, "Ana", "Forecasting");
    let (team, token) = (owner["team_id"].as_str().unwrap(), owner["token"].as_str().unwrap());
    let server = TeamServer::start(home, &database, Some(&redis));
    let other = TeamServer::start(home, &database, Some(&redis));
    let (status, project) = server.call(
        Some(token),
        Method::POST,
        "/api/v1/studio/projects",
        Some(json!({"project_name": "Heat pumps", "team_id": team})),
    );
    assert_eq!(status, 201, "{project}");
    let project = project["project_id"].as_str().unwrap().to_string();
    assert_eq!(edit(&server, token, &project, "before").0, 200);

    pg.down();
    let (status, refused) = edit(&server, token, &project, "while-down");
    assert_eq!(status, 503, "{refused}");
    let said = refused["message"].as_str().unwrap_or_default();
    assert!(said.contains("database cannot be reached") && said.contains("try again"), "{refused}");
    assert!(said.contains("kept for 24 hours"), "{refused}");

    pg.up();
    assert!(
        eventually(Duration::from_secs(20), || edit(&server, token, &project, "after").0 == 200),
        "the same instance serves again once PostgreSQL is back"
    );
    assert_eq!(fields(&server, token, &project), ["after", "before"], "the refused edit is not applied by itself");
    let fresh = TeamServer::start(home, &database, None);
    assert_eq!(fields(&fresh, token, &project), ["after", "before"], "both acknowledged edits are in PostgreSQL");

    // Reconnecting through the other instance: the kept edit is offered, then applied.
    let ws = format!("{}/ws/v1/studio/projects/{project}?token={token}", other.base.replace("http://", "ws://"));
    let (mut socket, _) = tungstenite::connect(&ws).unwrap();
    let offered: Vec<Value> =
        (0..2).map(|_| serde_json::from_str(socket.read().unwrap().to_text().unwrap()).unwrap()).collect();
    assert_eq!(offered[1]["type"], "unsent_available", "{offered:?}");
    assert_eq!(offered[1]["edits"], 1);
    let unsent = format!("/api/v1/studio/projects/{project}/unsent");
    let (status, kept) = other.call(Some(token), Method::GET, &unsent, None);
    assert_eq!(status, 200, "{kept}");
    assert_eq!(kept["edits"][0]["edit"]["payload"]["override"]["field"], "while-down", "{kept}");
    assert!(kept["expires_in_secs"].as_i64().is_some_and(|s| s > 23 * 3600), "{kept}");
    // Kept for its author alone: another member of the team has nothing kept.
    let bo = json!({"display_name": "Bo", "role": "editor"});
    let (status, bo) = other.call(Some(token), Method::POST, &format!("/api/v1/studio/teams/{team}/members"), Some(bo));
    assert_eq!(status, 201, "{bo}");
    let bo_token = bo["token"].as_str().unwrap();
    assert_eq!(other.call(Some(bo_token), Method::GET, &unsent, None).1["edits"], json!([]));
    let (status, applied) = other.call(Some(token), Method::POST, &unsent, None);
    assert_eq!(status, 200, "{applied}");
    assert_eq!((applied["applied"].as_u64(), applied["refused"].as_array().map(Vec::len)), (Some(1), Some(0)));
    assert_eq!(fields(&server, token, &project), ["after", "before", "while-down"]);
    assert_eq!(other.call(Some(token), Method::GET, &unsent, None).1["edits"], json!([]));

    // A client's session state, kept through one instance, read through the other.
    let session = "/api/v1/studio/sessions/window-1";
    let state =
        json!({"project_id": project, "workbench": "scenario", "draft": {"query": "Will heat pumps pass 30%?"}});
    assert_eq!(server.call(Some(token), Method::PUT, session, Some(state.clone())).0, 200);
    let (status, read) = other.call(Some(token), Method::GET, session, None);
    assert_eq!((status, &read["state"]), (200, &state), "{read}");
    let (status, bad) = other.call(Some(token), Method::PUT, "/api/v1/studio/sessions/a:b", Some(json!({})));
    assert_eq!(status, 400, "{bad}");
    let (status, big) = other.call(Some(token), Method::PUT, session, Some(json!({"x": "y".repeat(70_000)})));
    assert_eq!(status, 413, "{big}");
    assert_eq!(
        other.call(Some(token), Method::GET, session, None).1["state"],
        state,
        "a refused state replaces nothing"
    );
}

#[test]
fn a_postgres_restart_refuses_edits_clearly_and_loses_none() {
    let home = tempfile::tempdir().unwrap();
    run(home.path());
}
