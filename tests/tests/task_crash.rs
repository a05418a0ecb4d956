//! Kill -9 of a program running tasks: after it, the finished task keeps its result, and the
//! next program that runs tasks re-queues the interrupted one that may be retried and fails
//! the other with a reason that says what happened.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;

use serde_json::Value;
use studio_core::task_engine::{Failure, Handlers, INTERRUPTED, TaskContext, TaskOutput, TaskStatus};
use studio_core::{Studio, StudioConfig};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tasks_interrupted_by_a_kill_are_requeued_or_failed_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("library.db");
    let project = studio_tests::library_with_project(&db, "task-child", "Tasks").await;
    let mut child = Command::new(env!("CARGO_BIN_EXE_task-child"))
        .args([db.to_str().unwrap(), &project])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    child.kill().unwrap();
    assert!(child.wait().unwrap().code().is_none(), "killed, not exited");
    let ids: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("child said {line:?}: {e}"));
    let id = |k: &str| ids[k].as_str().unwrap().to_string();

    let studio = Arc::new(Studio::open(StudioConfig::new(db.clone())).await.unwrap());
    let quick = studio.get_task(&id("quick")).await.unwrap();
    assert_eq!(quick.status, TaskStatus::Completed);
    assert_eq!(quick.result.unwrap().outputs["answer"], 42);
    assert_eq!(studio.get_task(&id("retried")).await.unwrap().status, TaskStatus::InProgress, "as the crash left it");

    let finishes = Handlers::new().on("endless", |_ctx: TaskContext| async { Ok::<_, Failure>(TaskOutput::default()) });
    studio.start_tasks_with(finishes).await.unwrap();
    let retried = studio.wait_task(&id("retried"), |_| {}).await.unwrap();
    assert_eq!((retried.status, retried.attempt), (TaskStatus::Completed, 2));
    assert_eq!(retried.failed_attempts[0].reason, INTERRUPTED);
    let once = studio.wait_task(&id("once"), |_| {}).await.unwrap();
    assert_eq!((once.status, once.reason()), (TaskStatus::Failed, Some(INTERRUPTED)));
    studio.close().await.unwrap();
}
