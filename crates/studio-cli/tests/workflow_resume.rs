//! Workflow runs in real processes: a run of `studio serve` killed with SIGKILL mid-run is
//! adopted by the next `studio serve` on the library and resumes where it stopped — the steps
//! that had finished are not run again, the wait goes on from when it began; and `studio
//! workflow run --wait` runs one from the terminal, non-zero when it fails.

mod common;

use std::time::{Duration, Instant};

use common::{Served, eventually, json, studio};
use reqwest::Method;
use serde_json::{Value, json};

fn step<'a>(run: &'a Value, path: &str) -> Option<&'a Value> {
    run["steps"].as_array()?.iter().find(|s| s["path"] == path)
}

fn save_workflow(home: &std::path::Path, project: &str, workflow: Value) {
    let file = home.join("workflow.json");
    std::fs::write(&file, workflow.to_string()).unwrap();
    let saved = json(home, &["workflow", "save", project, file.to_str().unwrap()]);
    assert_eq!(saved["workflow_id"], workflow["workflow_id"]);
}

#[test]
fn a_run_killed_mid_way_resumes_without_running_finished_steps_again() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    let project = json(home, &["project", "new", "--name", "Weekly"])["project_id"].as_str().unwrap().to_string();
    save_workflow(
        home,
        &project,
        json!({"workflow_id": "weekly", "name": "Weekly", "steps": [
            {"id": "first", "type": "task", "agent_type": "data_processor", "task": "echo", "config": {"n": 1}},
            {"id": "pause", "type": "wait", "seconds": 4},
            {"id": "after", "type": "task", "agent_type": "report", "task": "echo", "config": {"from": "${first.output.n}"}}
        ]}),
    );
    let mut served = Served::start(home, &[]);
    let (status, started) = served.call(
        Method::POST,
        &format!("/api/v1/studio/projects/{project}/workflows/weekly/execute"),
        Some(json!({})),
    );
    assert_eq!(status, 202, "{started}");
    let execution = started["execution_id"].as_str().unwrap().to_string();
    let run_path = format!("/api/v1/studio/executions/{execution}");
    let mut before = Value::Null;
    assert!(eventually(Duration::from_secs(20), || {
        before = served.call(Method::GET, &run_path, None).1;
        step(&before, "pause").is_some_and(|s| s["status"] == "running")
    }));
    let first = step(&before, "first").unwrap().clone();
    assert_eq!(first["status"], "completed");

    // SIGKILL mid-wait: nothing is said, nothing is flushed.
    served.child.kill().unwrap();
    served.child.wait().unwrap();
    let killed_at = Instant::now();

    let served = Served::start(home, &[]);
    let mut after = Value::Null;
    assert!(
        eventually(Duration::from_secs(30), || {
            after = served.call(Method::GET, &run_path, None).1;
            after["status"] == "completed" || after["status"] == "failed"
        }),
        "{after}"
    );
    assert_eq!(after["status"], "completed", "{after}");
    let first_again = step(&after, "first").unwrap();
    assert_eq!(first_again["started_at"], first["started_at"], "the finished step was not run again");
    assert_eq!(first_again["attempt"], 1);
    assert_eq!(step(&after, "after").unwrap()["output"]["from"], 1, "its output was read back");
    let wait = step(&after, "pause").unwrap();
    assert_eq!(
        wait["started_at"],
        step(&before, "pause").unwrap()["started_at"],
        "the wait goes on from when it began"
    );
    assert!(killed_at.elapsed() < Duration::from_secs(20));
    assert_eq!(after["steps_completed"], 3);
}

#[test]
fn studio_workflow_run_wait_follows_a_run_and_fails_when_it_does() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    let project = json(home, &["project", "new", "--name", "Terminal"])["project_id"].as_str().unwrap().to_string();
    save_workflow(
        home,
        &project,
        json!({"workflow_id": "quick", "name": "Quick", "steps": [
            {"id": "a", "type": "task", "agent_type": "assistant", "task": "echo", "config": {"x": "${input.x}"}},
            {"id": "b", "type": "condition", "expression": "a.output.x > 1", "true_steps": ["c"]},
            {"id": "c", "type": "task", "agent_type": "assistant", "task": "echo", "config": {"big": true}}
        ]}),
    );
    let run = json(home, &["workflow", "run", &project, "quick", "--input", r#"{"x": 2}"#, "--wait"]);
    assert_eq!(run["status"], "completed", "{run}");
    assert_eq!(step(&run, "c").unwrap()["output"]["big"], true);
    let listed = json(home, &["workflow", "runs", &project]);
    assert_eq!(listed.as_array().unwrap().len(), 1);

    // A step that fails: the command says so and exits non-zero.
    save_workflow(
        home,
        &project,
        json!({"workflow_id": "broken", "name": "Broken", "steps": [
            {"id": "call", "type": "task", "agent_type": "api", "task": "http_request", "retry_attempts": 1,
             "config": {"url": "http://127.0.0.1:9/nothing"}}
        ]}),
    );
    let out = studio(home).args(["workflow", "run", &project, "broken", "--wait"]).output().unwrap();
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("Failed") || said.contains("failed"), "{said}");
    // A workflow that cannot run is refused naming its step.
    let file = home.join("bad.json");
    std::fs::write(
        &file,
        json!({"workflow_id": "bad", "name": "Bad", "steps": [
            {"id": "c", "type": "condition", "expression": "nobody.output > 1", "true_steps": ["c2"]},
            {"id": "c2", "type": "wait", "seconds": 1}
        ]})
        .to_string(),
    )
    .unwrap();
    let out = studio(home).args(["workflow", "save", &project, file.to_str().unwrap()]).output().unwrap();
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("step 'c'") && said.contains("nobody"), "{said}");
}
