//! The task board's operations, one behaviour each.

use std::collections::BTreeSet;
use std::time::Duration;

use chrono::Utc;
use serde_json::{Map, json};
use studio_tasks::{
    BoardInfo, CapabilityHierarchy, FailOutcome, Failure, INTERRUPTED, RetryPolicy, TaskBoard, TaskError, TaskSpec,
    TaskStatus,
};
use tokio::time::Instant;

fn board() -> TaskBoard {
    board_with(CapabilityHierarchy::new())
}

fn board_with(hierarchy: CapabilityHierarchy) -> TaskBoard {
    let info = BoardInfo {
        id: "b1".into(),
        name: "Market Analysis Studio".into(),
        description: String::new(),
        metadata: Map::new(),
        project_id: None,
        created_at: Utc::now(),
    };
    TaskBoard::new(info, hierarchy)
}

fn caps(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn run(board: &mut TaskBoard, id: &str, agent: &str) {
    board.assign_task(id, agent).unwrap();
    board.start_task(id, agent).unwrap();
    board.complete_task(id, agent, Map::new(), Map::new()).unwrap();
}

#[test]
fn the_seed_walkthrough_works() {
    let mut b = board();
    let collect = b.add_task(TaskSpec::new("collect", "Collect Market Data").input("timeframe", json!("1d"))).unwrap();
    let analyse = b
        .add_task(TaskSpec::new("analyse", "Analyze Market Data").after(&collect).needs("technical_analysis"))
        .unwrap();
    let mut report = TaskSpec::new("report", "Generate Analysis Report").after(&analyse).needs("report_generation");
    report.timeout_secs = Some(300.0);
    let report = b.add_task(report).unwrap();

    assert_eq!(b.list_tasks(Some(TaskStatus::Pending), None).len(), 3);
    b.assign_task(&collect, "collector").unwrap();
    b.start_task(&collect, "collector").unwrap();
    assert_eq!(b.list_tasks(None, Some("collector")).len(), 1);
    // The analysis waits for the data.
    assert!(b.next_task(&caps(&["technical_analysis"])).is_none());
    b.complete_task(&collect, "collector", Map::from_iter([("data_points".into(), json!(90))]), Map::new()).unwrap();
    let result = b.get_task(&collect).unwrap().result.clone().unwrap();
    assert_eq!((result.status, result.outputs["data_points"].clone()), (TaskStatus::Completed, json!(90)));

    assert_eq!(b.next_task(&caps(&["report_generation"])), None, "an agent without the capability gets nothing");
    assert_eq!(b.next_task(&caps(&["technical_analysis"])).unwrap().id, analyse);
    assert_eq!(b.task_dependencies(&report).unwrap()[0].id, analyse);
    assert_eq!(b.task_dependents(&collect).unwrap()[0].id, analyse);
}

#[test]
fn unknown_dependencies_and_cycles_are_refused_whole() {
    let mut b = board();
    let err = b.add_task(TaskSpec::new("k", "a").after("nope")).unwrap_err();
    assert!(matches!(err, TaskError::UnknownDependency { .. }) && err.to_string().contains("nope"), "{err}");
    let err = b.add_task(TaskSpec::new("k", "self").with_id("s").after("s")).unwrap_err();
    assert!(matches!(err, TaskError::Cycle(_)), "{err}");
    let err = b
        .add_tasks(vec![
            TaskSpec::new("k", "a").with_id("a").after("c"),
            TaskSpec::new("k", "b").with_id("b").after("a"),
            TaskSpec::new("k", "c").with_id("c").after("b"),
            TaskSpec::new("k", "free").with_id("free"),
        ])
        .unwrap_err();
    let TaskError::Cycle(cycle) = &err else { panic!("{err}") };
    assert_eq!(cycle.len(), 4, "a cycle of three, closed: {cycle:?}");
    assert!(err.to_string().contains('→'));
    assert!(b.is_empty(), "nothing of a refused batch is added");
    // Batches may name each other in any order.
    b.add_tasks(vec![TaskSpec::new("k", "late").with_id("y").after("x"), TaskSpec::new("k", "early").with_id("x")])
        .unwrap();
    assert_eq!(b.len(), 2);
}

#[test]
fn illegal_moves_say_which() {
    let mut b = board();
    let t = b.add_task(TaskSpec::new("k", "t")).unwrap();
    let err = b.complete_task(&t, "a", Map::new(), Map::new()).unwrap_err().to_string();
    assert!(err.contains("PENDING") && err.contains("COMPLETED"), "{err}");
    b.assign_task(&t, "a").unwrap();
    let err = b.start_task(&t, "b").unwrap_err();
    assert!(matches!(err, TaskError::NotAssignedTo { .. }), "{err}");
    run_started(&mut b, &t, "a");
    let err = b.cancel_task(&t, "late").unwrap_err().to_string();
    assert!(err.contains("COMPLETED") && err.contains("CANCELLED"), "{err}");
}

fn run_started(b: &mut TaskBoard, id: &str, agent: &str) {
    b.start_task(id, agent).unwrap();
    b.complete_task(id, agent, Map::new(), Map::new()).unwrap();
}

#[test]
fn cancelling_cancels_every_dependent_and_says_why() {
    let mut b = board();
    let a = b.add_task(TaskSpec::new("k", "data")).unwrap();
    let p = b.add_task(TaskSpec::new("k", "population").after(&a)).unwrap();
    let s1 = b.add_task(TaskSpec::new("k", "scenario 1").after(&p)).unwrap();
    let s2 = b.add_task(TaskSpec::new("k", "scenario 2").after(&p)).unwrap();
    let other = b.add_task(TaskSpec::new("k", "unrelated")).unwrap();
    let cancelled = b.cancel_task(&a, "changed my mind").unwrap();
    assert_eq!(cancelled[0], a);
    assert_eq!(cancelled.iter().collect::<BTreeSet<_>>(), [&a, &p, &s1, &s2].into_iter().collect());
    assert_eq!(b.get_task(&a).unwrap().reason(), Some("changed my mind"));
    let reason = b.get_task(&s1).unwrap().reason().unwrap().to_string();
    assert!(reason.starts_with("blocked: dependency “population”") && reason.contains("cancelled"), "{reason}");
    assert_eq!(b.get_task(&other).unwrap().status, TaskStatus::Pending);
    // A task added after its dependency was cancelled is blocked at once.
    let late = b.add_task(TaskSpec::new("k", "late").after(&p)).unwrap();
    assert_eq!(b.get_task(&late).unwrap().status, TaskStatus::Cancelled);
}

#[tokio::test(start_paused = true)]
async fn a_permanent_failure_blocks_dependents_and_a_transient_one_is_retried_with_backoff() {
    let mut b = board();
    let mut spec = TaskSpec::new("k", "flaky");
    spec.retry = RetryPolicy { max_attempts: 3, backoff_ms: 40, max_backoff_ms: 1_000 };
    let t = b.add_task(spec).unwrap();
    let after = b.add_task(TaskSpec::new("k", "after").after(&t)).unwrap();

    b.assign_task(&t, "a").unwrap();
    b.start_task(&t, "a").unwrap();
    let outcome = b.fail_task(&t, "a", Failure::transient("connection reset")).unwrap();
    assert_eq!(outcome, FailOutcome::Retrying { attempt: 2, backoff_ms: 40 });
    assert_eq!(b.get_task(&t).unwrap().status, TaskStatus::Pending);
    assert!(b.next_task(&caps(&[])).is_none(), "waits for its backoff");
    tokio::time::advance(Duration::from_millis(50)).await;
    assert_eq!(b.next_task(&caps(&[])).unwrap().id, t);

    b.assign_task(&t, "a").unwrap();
    b.start_task(&t, "a").unwrap();
    let outcome = b.fail_task(&t, "a", Failure::new("bad input")).unwrap();
    assert_eq!(outcome, FailOutcome::Failed { cancelled: vec![after.clone()] });
    let task = b.get_task(&t).unwrap();
    assert_eq!((task.status, task.attempt, task.failed_attempts.len()), (TaskStatus::Failed, 2, 1));
    assert_eq!(task.failed_attempts[0].reason, "connection reset");
    assert!(b.get_task(&after).unwrap().reason().unwrap().contains("failed"));
}

#[test]
fn a_task_past_its_timeout_fails_with_reason_timeout() {
    let mut b = board();
    let mut spec = TaskSpec::new("k", "slow");
    spec.timeout_secs = Some(0.05);
    let t = b.add_task(spec).unwrap();
    b.assign_task(&t, "a").unwrap();
    b.start_task(&t, "a").unwrap();
    assert!(b.check_timeouts(Instant::now()).is_empty());
    assert_eq!(b.check_timeouts(Instant::now() + Duration::from_millis(60)), vec![t.clone()]);
    let task = b.get_task(&t).unwrap();
    assert_eq!((task.status, task.reason()), (TaskStatus::Failed, Some("timeout")));
}

#[test]
fn implied_capabilities_count() {
    let mut b = board_with(CapabilityHierarchy::new().imply("advanced_math", "basic_math"));
    let t = b.add_task(TaskSpec::new("k", "sum").needs("basic_math")).unwrap();
    assert_eq!(b.next_task(&caps(&["advanced_math"])).unwrap().id, t);
    assert!(b.next_task(&caps(&["basic_math_adjacent"])).is_none());
}

#[test]
fn priority_then_the_critical_path_comes_first() {
    let mut b = board();
    let short = b.add_task(TaskSpec::new("k", "leaf")).unwrap();
    let head = b.add_task(TaskSpec::new("k", "head of a chain")).unwrap();
    let mid = b.add_task(TaskSpec::new("k", "middle").after(&head)).unwrap();
    b.add_task(TaskSpec::new("k", "tail").after(&mid)).unwrap();
    assert_eq!(b.next_task(&caps(&[])).unwrap().id, head, "the longer chain goes first");
    let mut urgent = TaskSpec::new("k", "urgent");
    urgent.priority = 5;
    let urgent = b.add_task(urgent).unwrap();
    assert_eq!(b.next_task(&caps(&[])).unwrap().id, urgent);
    run(&mut b, &urgent, "a");
    run(&mut b, &head, "a");
    // `middle` (chain of 2) beats `leaf` (chain of 1).
    assert_eq!(b.next_task(&caps(&[])).unwrap().id, mid);
    assert_ne!(short, mid);
}

#[test]
fn progress_is_kept_and_checked() {
    let mut b = board();
    let t = b.add_task(TaskSpec::new("k", "t")).unwrap();
    assert!(b.report_progress(&t, 0.5, "half").is_err(), "only running tasks report progress");
    b.assign_task(&t, "a").unwrap();
    b.start_task(&t, "a").unwrap();
    b.report_progress(&t, 1.7, "over").unwrap();
    assert_eq!(b.get_task(&t).unwrap().progress.as_ref().unwrap().fraction, 1.0);
    assert!(b.report_progress(&t, f64::NAN, "nan").is_err());
}

#[test]
fn an_agent_that_goes_away_leaves_its_tasks_to_others() {
    let mut b = board();
    let mut spec = TaskSpec::new("k", "retried");
    spec.retry = RetryPolicy { max_attempts: 2, backoff_ms: 0, max_backoff_ms: 0 };
    let retried = b.add_task(spec).unwrap();
    let once = b.add_task(TaskSpec::new("k", "once")).unwrap();
    let held = b.add_task(TaskSpec::new("k", "held")).unwrap();
    for t in [&retried, &once] {
        b.assign_task(t, "dead").unwrap();
        b.start_task(t, "dead").unwrap();
    }
    b.assign_task(&held, "dead").unwrap();
    let mut released = b.release_agent("dead", "agent 'dead' died");
    released.sort();
    assert_eq!(released.len(), 3);
    assert_eq!(b.get_task(&retried).unwrap().status, TaskStatus::Pending);
    assert_eq!(b.get_task(&held).unwrap().status, TaskStatus::Pending);
    let once = b.get_task(&once).unwrap();
    assert_eq!((once.status, once.reason()), (TaskStatus::Failed, Some("agent 'dead' died")));
}

#[test]
fn a_restored_board_keeps_results_and_handles_interrupted_tasks() {
    let mut b = board();
    let done = b.add_task(TaskSpec::new("k", "done")).unwrap();
    run(&mut b, &done, "a");
    let mut spec = TaskSpec::new("k", "retry me").after(&done);
    spec.retry = RetryPolicy::attempts(2);
    let retry = b.add_task(spec).unwrap();
    let fail = b.add_task(TaskSpec::new("k", "fail me")).unwrap();
    let waiting = b.add_task(TaskSpec::new("k", "waiting").after(&fail)).unwrap();
    for t in [&retry, &fail] {
        b.assign_task(t, "a").unwrap();
        b.start_task(t, "a").unwrap();
    }
    let mut saved: Vec<_> = b.tasks().cloned().collect();
    saved.reverse();
    let (restored, interrupted) = TaskBoard::restore(b.info().clone(), CapabilityHierarchy::new(), saved);
    assert_eq!(interrupted.len(), 2);
    assert_eq!(restored.get_task(&done).unwrap().status, TaskStatus::Completed);
    let r = restored.get_task(&retry).unwrap();
    assert_eq!((r.status, r.attempt), (TaskStatus::Pending, 2));
    assert_eq!(r.failed_attempts[0].reason, INTERRUPTED);
    let f = restored.get_task(&fail).unwrap();
    assert_eq!((f.status, f.reason()), (TaskStatus::Failed, Some(INTERRUPTED)));
    assert_eq!(restored.get_task(&waiting).unwrap().status, TaskStatus::Cancelled);
}

#[test]
fn changes_are_reported_once_per_task() {
    let mut b = board();
    let t = b.add_task(TaskSpec::new("k", "t")).unwrap();
    b.assign_task(&t, "a").unwrap();
    b.start_task(&t, "a").unwrap();
    let changes = b.take_changes();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].status, TaskStatus::InProgress);
    assert!(b.take_changes().is_empty());
}
