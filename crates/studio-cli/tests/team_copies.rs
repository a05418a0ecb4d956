//! Local copies of team projects, with real processes: a desktop library publishes a project
//! into a team on a `studio serve --team` (real PostgreSQL and Redis); the team edits it; the
//! desktop syncs; a second desktop opens it from the team, edits it while the server is down
//! (its copy keeps working, the sync says why it did not happen) and sends the edit once the
//! server is back, from where the first desktop takes it. A bad token and a bad address are
//! refused by name.

mod common;
mod team;

use std::path::Path;
use std::process::Output;

use reqwest::Method;
use serde_json::{Value, json};
use studio_store::team::testing::{FreshDatabase, redis_url};

use common::{json as run, override_fields, studio};
use team::{TeamServer, team_init};

fn edit_here(home: &Path, project: &str, field: &str) {
    let payload = json!({"override": {"field": field, "value": 1, "reason": "r"}}).to_string();
    run(home, &["action", project, "data", "override_value", "--payload", &payload]);
}

fn fields_here(home: &Path, project: &str) -> Vec<String> {
    override_fields(&run(home, &["project", "show", project]))
}

fn team_command(home: &Path, args: &[&str], server: &str, token: &str) -> Output {
    studio(home)
        .arg("team")
        .args(args)
        .args(["--json"])
        .env("STUDIO_TEAM_SERVER", server)
        .env("STUDIO_TEAM_TOKEN", token)
        .output()
        .unwrap()
}

fn succeeded(out: Output) -> Value {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn on_server(server: &TeamServer, token: &str, project: &str) -> Vec<String> {
    override_fields(&server.call(Some(token), Method::GET, &format!("/api/v1/studio/projects/{project}"), None).1)
}

fn run_all(server_home: &Path, database: &str) {
    let redis = redis_url();
    let owner = team_init(server_home, database, "Ana", "Forecasting");
    let (team, token) = (owner["team_id"].as_str().unwrap(), owner["token"].as_str().unwrap());
    let mut server = TeamServer::start(server_home, database, Some(&redis));
    let url = server.base.clone();

    // Publish: the desktop's project goes to the team whole and stays here as its copy.
    let first = tempfile::tempdir().unwrap();
    let project =
        run(first.path(), &["project", "new", "--name", "Heat pumps"])["project_id"].as_str().unwrap().to_string();
    edit_here(first.path(), &project, "from-desktop");
    let link = succeeded(team_command(first.path(), &["publish", &project, "--team", team], &url, token));
    assert_eq!(link["remote_project_id"], project.as_str(), "{link}");
    assert_eq!(on_server(&server, token, &project), ["from-desktop"]);
    let listed = succeeded(team_command(first.path(), &["projects", "--team", team], &url, token));
    assert!(listed.as_array().unwrap().iter().any(|p| p["project_id"] == project.as_str()), "{listed}");

    // The team edits it; the desktop's sync takes that in.
    let body =
        json!({"action": "override_value", "payload": {"override": {"field": "from-team", "value": 1, "reason": "r"}}});
    let path = format!("/api/v1/studio/projects/{project}/workbench/data/action");
    assert_eq!(server.call(Some(token), Method::POST, &path, Some(body)).0, 200);
    succeeded(team_command(first.path(), &["sync", &project], &url, token));
    assert_eq!(fields_here(first.path(), &project), ["from-desktop", "from-team"]);

    // A second desktop opens it from the team.
    let second = tempfile::tempdir().unwrap();
    let opened = succeeded(team_command(second.path(), &["open", &project], &url, token));
    assert_eq!(override_fields(&opened), ["from-desktop", "from-team"]);

    // The server goes down: the copy keeps working, and the sync says why it did not happen.
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    edit_here(second.path(), &project, "while-offline");
    let failed = team_command(second.path(), &["sync", &project], &url, token);
    assert!(!failed.status.success());
    let said = String::from_utf8_lossy(&failed.stderr);
    assert!(said.contains("could not be reached") && said.contains("local copy keeps working"), "{said}");
    let status = succeeded(team_command(second.path(), &["status", &project], &url, token));
    assert_eq!(status["unsent_changes"], true, "{status}");
    assert!(status["last_error"].as_str().unwrap().contains("could not be reached"), "{status}");

    // Back (another instance on the same address is as good): the offline edit goes up, and
    // the first desktop takes it in.
    server = TeamServer::start_at(server_home, database, Some(&redis), &url);
    let synced = succeeded(team_command(second.path(), &["sync", &project], &url, token));
    assert_eq!((synced["unsent_changes"].as_bool(), &synced["last_error"]), (Some(false), &Value::Null), "{synced}");
    assert_eq!(on_server(&server, token, &project), ["from-desktop", "from-team", "while-offline"]);
    succeeded(team_command(first.path(), &["sync", &project], &url, token));
    assert_eq!(fields_here(first.path(), &project), ["from-desktop", "from-team", "while-offline"]);

    // Refused by name: a token the server never issued, an address that is not https.
    let refused = team_command(first.path(), &["projects"], &url, "not-a-token");
    assert!(String::from_utf8_lossy(&refused.stderr).contains("not one this team server issued"));
    let plain = team_command(first.path(), &["projects"], "http://example.org", token);
    assert!(String::from_utf8_lossy(&plain.stderr).contains("reached over https"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_local_copy_publishes_syncs_and_works_offline() {
    let fresh = FreshDatabase::new().await;
    let url = fresh.url.clone();
    let home = tempfile::tempdir().unwrap();
    tokio::task::spawn_blocking(move || run_all(home.path(), &url)).await.unwrap();
    fresh.drop().await;
}
