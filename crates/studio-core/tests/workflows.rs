//! Workflows in the core: saved into the project once they are known to run (bad ones refused
//! naming the step), run on the task engine with each step written as it starts and ends; a
//! CEL condition on real step outputs chooses each branch, parallel branches are joined, loops
//! go over lists, failing steps are retried, runs are paused, resumed and cancelled, and their
//! start and end are on the bus.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{USER, new_project};
use serde_json::{Value, json};
use studio_core::model::Workflow;
use studio_core::{EventFilter, RunStatus, Studio, StudioConfig, WorkflowRun};

async fn running() -> (tempfile::TempDir, Arc<Studio>, String) {
    let dir = tempfile::tempdir().unwrap();
    let studio = Arc::new(Studio::open(StudioConfig::new(dir.path().join("library.db"))).await.unwrap());
    studio.start_tasks().await.unwrap();
    let project = new_project(&studio, "Automated").await.project_id;
    (dir, studio, project)
}

fn workflow(id: &str, steps: Value) -> Workflow {
    serde_json::from_value(json!({"workflow_id": id, "name": format!("Workflow {id}"), "steps": steps})).unwrap()
}

async fn save(studio: &Studio, project: &str, w: &Workflow) -> studio_core::Result<Workflow> {
    let request =
        studio_core::Request::SaveWorkflow { project_id: project.into(), user_id: USER.into(), workflow: w.clone() };
    studio.dispatch(request).await.map(|a| serde_json::from_str(a.json()).unwrap())
}

async fn run(studio: &Studio, project: &str, id: &str, input: Value) -> WorkflowRun {
    let started = studio.execute_workflow(project, id, USER, &input, &Value::Null).await.unwrap();
    finished(studio, &started.execution_id).await
}

async fn finished(studio: &Studio, execution: &str) -> WorkflowRun {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let run = studio.workflow_run(execution).await.unwrap();
        if run.status.is_finished() {
            return run;
        }
        assert!(Instant::now() < deadline, "still {:?}: {run:?}", run.status);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn step<'a>(run: &'a WorkflowRun, path: &str) -> Option<&'a studio_core::StepRun> {
    run.steps.iter().find(|s| s.path == path)
}

#[tokio::test]
async fn a_condition_on_real_step_outputs_chooses_each_branch() {
    let (_dir, studio, project) = running().await;
    let w = workflow(
        "moved",
        json!([
            {"id": "measure", "type": "task", "agent_type": "data_processor", "task": "echo",
             "config": {"moved": "${input.moved}"}},
            {"id": "check", "type": "condition", "expression": "${measure.output.moved > 2.0}",
             "true_steps": ["note"], "false_steps": ["quiet"]},
            {"id": "note", "type": "action", "workbench": "data", "action": "override_value",
             "payload": {"override": {"field": "moved", "value": "${measure.output.moved}", "reason": "moved ${measure.output.moved} points"}}},
            {"id": "quiet", "type": "task", "agent_type": "assistant", "task": "echo", "config": {"said": "nothing moved"}},
        ]),
    );
    save(&studio, &project, &w).await.unwrap();

    let high = run(&studio, &project, "moved", json!({"moved": 2.5})).await;
    assert_eq!(high.status, RunStatus::Completed, "{high:?}");
    assert_eq!(step(&high, "check").unwrap().output.as_ref().unwrap()["result"], true);
    assert!(step(&high, "note").is_some() && step(&high, "quiet").is_none(), "{high:?}");
    let data = studio.workbench_state(&project, USER, studio_core::model::Workbench::Data).await.unwrap();
    assert_eq!(data["overrides"][0]["reason"], "moved 2.5 points", "{data}");
    assert_eq!(data["overrides"][0]["value"], 2.5);

    let low = run(&studio, &project, "moved", json!({"moved": 1.0})).await;
    assert_eq!(low.status, RunStatus::Completed);
    assert_eq!(step(&low, "check").unwrap().output.as_ref().unwrap()["branch"], "false");
    assert_eq!(step(&low, "quiet").unwrap().output.as_ref().unwrap()["said"], "nothing moved");
    assert!(step(&low, "note").is_none());
    assert_eq!((low.steps_completed, low.total_steps), (3, 4));
    // Every step has its timing; the run its duration.
    assert!(low.steps.iter().all(|s| s.duration_ms.is_some() && s.finished_at.is_some()));
    assert!(low.duration.unwrap() > 0.0);

    // And counted in the metrics.
    let text = studio.metrics().await.unwrap().text;
    let value = |series: &str| -> f64 {
        let line =
            text.lines().find(|l| l.starts_with(&format!("{series} "))).unwrap_or_else(|| panic!("{series}\n{text}"));
        line.rsplit(' ').next().unwrap().parse().unwrap()
    };
    assert_eq!(value("studio_workflow_runs_total{outcome=\"completed\"}"), 2.0);
    assert_eq!(value("studio_workflow_steps_total{kind=\"condition\",outcome=\"completed\"}"), 2.0);
    assert_eq!(value("studio_workflow_steps_total{kind=\"task\",outcome=\"completed\"}"), 3.0);
    assert_eq!(value("studio_workflow_runs_active"), 0.0);
    assert!(value("studio_events_published_total") >= 4.0, "{text}");
}

#[tokio::test]
async fn parallel_branches_run_at_once_and_are_joined() {
    let (_dir, studio, project) = running().await;
    let w = workflow(
        "fan",
        json!([
            {"id": "both", "type": "parallel", "branches": [["a_wait", "a"], ["b_wait", "b"]]},
            {"id": "a_wait", "type": "wait", "seconds": 0.4},
            {"id": "a", "type": "task", "agent_type": "assistant", "task": "echo", "config": {"x": 2}},
            {"id": "b_wait", "type": "wait", "seconds": 0.4},
            {"id": "b", "type": "task", "agent_type": "assistant", "task": "echo", "config": {"y": 3}},
            {"id": "sum", "type": "task", "agent_type": "assistant", "task": "echo", "config": {"total": "${a.output.x + b.output.y}"}},
        ]),
    );
    save(&studio, &project, &w).await.unwrap();
    let started = Instant::now();
    let done = run(&studio, &project, "fan", json!({})).await;
    assert_eq!(done.status, RunStatus::Completed, "{done:?}");
    assert_eq!(step(&done, "sum").unwrap().output.as_ref().unwrap()["total"], 5);
    // Two waits of 0.4 s side by side, not one after the other.
    assert!(started.elapsed() < Duration::from_millis(790), "{:?}", started.elapsed());
    let sum_started = &step(&done, "sum").unwrap().started_at;
    assert!(
        done.steps
            .iter()
            .filter(|s| s.path != "sum")
            .all(|s| s.finished_at.as_deref().unwrap() <= sum_started.as_str())
    );
}

#[tokio::test]
async fn loops_go_over_lists_and_while_a_condition_holds() {
    let (_dir, studio, project) = running().await;
    let w = workflow(
        "each",
        json!([
            {"id": "each", "type": "loop", "over": "input.scenarios", "steps": ["visit"], "max_iterations": 10},
            {"id": "visit", "type": "task", "agent_type": "simulation", "task": "echo", "config": {"scenario": "${item}", "at": "${index}"}},
            {"id": "again", "type": "loop", "while": "index < 3", "steps": ["tick"], "max_iterations": 10},
            {"id": "tick", "type": "task", "agent_type": "assistant", "task": "echo", "config": {"n": "${index + 1}"}},
        ]),
    );
    save(&studio, &project, &w).await.unwrap_or_else(|e| panic!("{}", e.message));
    let done = run(&studio, &project, "each", json!({"scenarios": ["s-1", "s-2", "s-3"]})).await;
    assert_eq!(done.status, RunStatus::Completed, "{done:?}");
    assert_eq!(step(&done, "each").unwrap().output.as_ref().unwrap()["iterations"], 3);
    assert_eq!(step(&done, "each[2].visit").unwrap().output.as_ref().unwrap(), &json!({"scenario": "s-3", "at": 2}));
    assert_eq!(step(&done, "again").unwrap().output.as_ref().unwrap()["iterations"], 3);
    assert!(step(&done, "again[2].tick").is_some() && step(&done, "again[3].tick").is_none());
}

#[tokio::test]
async fn a_failing_step_is_retried_then_fails_the_run_naming_it() {
    let (_dir, studio, project) = running().await;
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let w = workflow(
        "call",
        json!([
            {"id": "ping", "type": "task", "agent_type": "api", "task": "http_request", "retry_attempts": 2,
             "config": {"url": format!("http://{closed}/nothing-listens")}},
            {"id": "after", "type": "task", "agent_type": "assistant", "task": "echo"},
        ]),
    );
    save(&studio, &project, &w).await.unwrap();
    let done = run(&studio, &project, "call", json!({})).await;
    assert_eq!(done.status, RunStatus::Failed);
    assert!(done.error.as_deref().unwrap().contains("step 'ping' failed"), "{done:?}");
    let ping = step(&done, "ping").unwrap();
    assert_eq!((ping.status.as_str(), ping.attempt), ("failed", 2), "{ping:?}");
    assert!(step(&done, "after").is_none(), "nothing runs after a failed step");
}

#[tokio::test]
async fn runs_are_paused_resumed_and_cancelled() {
    let (_dir, studio, project) = running().await;
    let w = workflow(
        "slow",
        json!([
            {"id": "first", "type": "wait", "seconds": 0.3},
            {"id": "second", "type": "task", "agent_type": "assistant", "task": "echo", "config": {"ok": true}},
            {"id": "long", "type": "wait", "seconds": 60},
        ]),
    );
    save(&studio, &project, &w).await.unwrap();
    let started = studio.execute_workflow(&project, "slow", USER, &json!({}), &Value::Null).await.unwrap();
    let id = started.execution_id;
    let paused = studio.control_run(&id, USER, "pause").await.unwrap();
    assert_eq!(paused.status, RunStatus::Paused, "{paused:?}");
    tokio::time::sleep(Duration::from_millis(600)).await;
    let still = studio.workflow_run(&id).await.unwrap();
    assert_eq!(still.status, RunStatus::Paused);
    assert!(step(&still, "second").is_none(), "paused between two steps: {still:?}");
    let resumed = studio.control_run(&id, USER, "resume").await.unwrap();
    assert_eq!(resumed.status, RunStatus::Running);
    let deadline = Instant::now() + Duration::from_secs(10);
    while step(&studio.workflow_run(&id).await.unwrap(), "long").is_none() {
        assert!(Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let cancelled = studio.control_run(&id, USER, "cancel").await.unwrap();
    let cancelled = if cancelled.status.is_finished() { cancelled } else { finished(&studio, &id).await };
    assert_eq!(cancelled.status, RunStatus::Cancelled, "a 60 s wait is cut short: {cancelled:?}");
    let again = studio.control_run(&id, USER, "resume").await.unwrap_err();
    assert_eq!(again.code, "conflict");
    let bad = studio.control_run(&id, USER, "rewind").await.unwrap_err();
    assert!(bad.message.contains("rewind") || bad.code == "conflict");

    // Start and end on the bus, in the seed's format.
    let filter = EventFilter { topics: vec!["studio.workflow.*".into()], project_id: Some(project.clone()) };
    let events = studio.list_events(0, &filter, None).await.unwrap().events;
    let topics: Vec<&str> = events.iter().map(|e| e.topic.as_str()).collect();
    assert_eq!(topics, ["studio.workflow.started", "studio.workflow.cancelled"]);
    let end = &events[1];
    assert_eq!(
        (end.data["execution_id"].as_str(), end.data["workflow_id"].as_str()),
        (Some(id.as_str()), Some("slow"))
    );
    assert_eq!((end.data["steps_completed"].as_u64(), end.data["total_steps"].as_u64()), (Some(2), Some(3)));
    assert!(end.data["duration"].as_f64().unwrap() > 0.3);
}

#[tokio::test]
async fn a_workflow_that_cannot_run_is_refused_naming_the_step() {
    let (_dir, studio, project) = running().await;
    let cases = [
        (
            json!([{"id": "c", "type": "condition", "expression": "ghost.output.x > 1", "true_steps": ["e"]},
                {"id": "e", "type": "task", "agent_type": "assistant", "task": "echo"}]),
            "step 'c'",
            "ghost",
        ),
        (
            json!([{"id": "c", "type": "condition", "expression": "true", "true_steps": ["e"]},
                {"id": "d", "type": "condition", "expression": "c.output.result > 2", "true_steps": ["f"]},
                {"id": "e", "type": "task", "agent_type": "assistant", "task": "echo"},
                {"id": "f", "type": "task", "agent_type": "assistant", "task": "echo"}]),
            "step 'd'",
            "c.output.result > 2",
        ),
        (json!([{"id": "t", "type": "task", "agent_type": "report", "task": "summon"}]), "step 't'", "summon"),
        (
            json!([{"id": "a", "type": "action", "workbench": "data", "action": "override_value", "payload": {}}]),
            "step 'a'",
            "override",
        ),
        (json!([{"id": "w", "type": "wait", "until": "next tuesday"}]), "step 'w'", "next tuesday"),
        (
            json!([{"id": "e", "type": "task", "agent_type": "assistant", "task": "echo", "config": {"x": "${item}"}}]),
            "step 'e'",
            "inside a loop",
        ),
        (
            json!([{"id": "c", "type": "condition", "expression": "1 +", "true_steps": ["e"]},
                {"id": "e", "type": "task", "agent_type": "assistant", "task": "echo"}]),
            "step 'c'",
            "not a CEL expression",
        ),
    ];
    for (steps, names, says) in cases {
        let error = save(&studio, &project, &workflow("bad", steps.clone())).await.unwrap_err();
        assert_eq!(error.code, "invalid_request", "{steps}");
        assert!(error.message.contains(names) && error.message.contains(says), "{steps}: {}", error.message);
    }
    assert!(
        studio
            .dispatch(studio_core::Request::ListWorkflows { project_id: project.clone() })
            .await
            .unwrap()
            .value()
            .as_array()
            .unwrap()
            .is_empty()
    );
    let missing = studio.execute_workflow(&project, "nope", USER, &json!({}), &Value::Null).await.unwrap_err();
    assert_eq!(missing.code, "not_found");
}

#[tokio::test]
async fn a_workflow_is_versioned_and_undoable_with_the_project() {
    let (_dir, studio, project) = running().await;
    let w = workflow("kept", json!([{"id": "e", "type": "task", "agent_type": "assistant", "task": "echo"}]));
    let saved = save(&studio, &project, &w).await.unwrap();
    assert_eq!(saved.created_by, USER);
    let load = studio_core::model::ProjectLoad { project_id: project.clone(), user_id: USER.into(), version: None };
    assert_eq!(studio.get_project(&load).await.unwrap().workflows.len(), 1);
    studio.undo(&project, USER).await.unwrap();
    assert!(studio.get_project(&load).await.unwrap().workflows.is_empty(), "undone");
    studio.redo(&project, USER).await.unwrap();
    let state = studio.get_project(&load).await.unwrap();
    assert_eq!(state.workflows[0].workflow_id, "kept");
    assert!(state.modification_log.iter().any(|e| e.action == "save_workflow"), "in the log");
}

#[tokio::test]
async fn triggers_start_runs_by_themselves_once_each_however_many_programs_look() {
    let (dir, studio, project) = running().await;
    // A second program on the same library looks at the same triggers.
    let other = Arc::new(Studio::open(StudioConfig::new(dir.path().join("library.db"))).await.unwrap());
    other.start_tasks().await.unwrap();
    let since = (chrono::Utc::now() + chrono::Duration::milliseconds(1500))
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let scheduled: Workflow = serde_json::from_value(json!({
        "workflow_id": "beat", "name": "On the beat",
        "triggers": [{"type": "schedule", "frequency": "every 5 minutes", "since": since}],
        "steps": [{"id": "e", "type": "task", "agent_type": "assistant", "task": "echo", "config": {"at": "${trigger.beat}"}}]
    }))
    .unwrap();
    save(&studio, &project, &scheduled).await.unwrap();
    let heard: Workflow = serde_json::from_value(json!({
        "workflow_id": "heard", "name": "On refreshed data",
        "triggers": [{"type": "event", "topic": "custom.data_refreshed", "condition": "event.rows > 10"}],
        "steps": [{"id": "e", "type": "task", "agent_type": "assistant", "task": "echo", "config": {"rows": "${trigger.event.rows}"}}]
    }))
    .unwrap();
    save(&studio, &project, &heard).await.unwrap();
    for rows in [5, 20] {
        studio.publish_event("custom.data_refreshed", Some(&project), &json!({"rows": rows}), USER).await.unwrap();
    }
    tokio::time::sleep(Duration::from_millis(4_000)).await;
    let beats = studio.workflow_runs(&project, Some("beat")).await.unwrap();
    assert_eq!(beats.len(), 1, "one beat, one run: {beats:?}");
    let beat = finished(&studio, &beats[0].execution_id).await;
    assert_eq!(beat.trigger["type"], "schedule");
    assert_eq!(beat.steps[0].output.as_ref().unwrap()["at"], json!(since));
    let heard = studio.workflow_runs(&project, Some("heard")).await.unwrap();
    assert_eq!(heard.len(), 1, "the event with rows 20 alone, once: {heard:?}");
    let run = finished(&studio, &heard[0].execution_id).await;
    assert_eq!(
        (run.trigger["type"].as_str(), run.trigger["topic"].as_str()),
        (Some("event"), Some("custom.data_refreshed"))
    );
    assert_eq!(run.steps[0].output.as_ref().unwrap()["rows"], 20);
    assert_eq!(run.status, RunStatus::Completed, "{run:?}");
}
