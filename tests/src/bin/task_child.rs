//! Runs tasks until it is killed: one that completes, then two that never end (one allowed a
//! second attempt, one not). Prints their ids as one JSON line once the first has completed and
//! the other two are running, all recorded in the library.
//!
//! Usage: task-child LIBRARY PROJECT_ID

use std::sync::Arc;
use std::time::Duration;

use studio_core::task_engine::{Failure, Handlers, RetryPolicy, TaskContext, TaskOutput, TaskSpec, TaskStatus};
use studio_core::{Studio, StudioConfig};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, db, project] = args.as_slice() else {
        eprintln!("usage: task-child LIBRARY PROJECT_ID");
        std::process::exit(2);
    };
    let studio = Arc::new(Studio::open(StudioConfig::new(db.into())).await.unwrap_or_else(|e| fail(&e)));
    let handlers = Handlers::new()
        .on("quick", |_ctx: TaskContext| async { Ok::<_, Failure>(TaskOutput::default().with("answer", 42.into())) })
        .on("endless", |ctx: TaskContext| async move {
            loop {
                ctx.progress(0.5, "working");
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        });
    studio.start_tasks_with(handlers).await.unwrap_or_else(|e| fail(&e));
    let quick = studio.submit_tasks(project, vec![TaskSpec::new("quick", "Quick")]).await.unwrap_or_else(|e| fail(&e));
    studio.wait_task(&quick[0].id, |_| {}).await.unwrap_or_else(|e| fail(&e));
    let mut retried = TaskSpec::new("endless", "Retried after a crash");
    retried.retry = RetryPolicy { max_attempts: 2, backoff_ms: 0, max_backoff_ms: 0 };
    let once = TaskSpec::new("endless", "Failed by a crash");
    let running = studio.submit_tasks(project, vec![retried, once]).await.unwrap_or_else(|e| fail(&e));
    for task in &running {
        while studio.get_task(&task.id).await.unwrap_or_else(|e| fail(&e)).status != TaskStatus::InProgress {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
    studio.flush_tasks().await;
    println!("{}", serde_json::json!({"quick": quick[0].id, "retried": running[0].id, "once": running[1].id}));
    loop {
        tokio::time::sleep(Duration::from_secs(60)).await;
    }
}

fn fail(e: &dyn std::fmt::Display) -> ! {
    eprintln!("task-child: {e}");
    std::process::exit(1);
}
