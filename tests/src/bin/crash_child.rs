//! Applies edits and saves in a loop, printing `ack N` after each acknowledged edit, until it
//! is killed. The crash test kills it at random moments and checks nothing acknowledged is lost.
//! With a count, it applies that many edits and then aborts without saving: a session that
//! crashed, leaving edits to recover (the UI's end-to-end test uses it).
//!
//! Usage: crash-child LIBRARY PROJECT_ID RUN [EDITS_THEN_ABORT]

use std::io::Write;
use std::time::Duration;

use studio_core::model::{Workbench, WorkbenchAction};
use studio_core::{Studio, StudioConfig};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (db, project, run, abort_after) = match args.as_slice() {
        [_, db, project, run] => (db, project, run, None),
        [_, db, project, run, n] => (db, project, run, Some(n.parse::<u64>().unwrap_or_else(|e| fail(&e)))),
        _ => {
            eprintln!("usage: crash-child LIBRARY PROJECT_ID RUN [EDITS_THEN_ABORT]");
            std::process::exit(2);
        }
    };
    let mut config = StudioConfig::new(db.into());
    config.autosave_interval = Duration::from_millis(if abort_after.is_some() { 3_600_000 } else { 40 });
    let studio = std::sync::Arc::new(Studio::open(config).await.unwrap_or_else(|e| fail(&e)));
    let _autosave = studio.spawn_autosave();
    let mut out = std::io::stdout().lock();
    for i in 0u64.. {
        let action = WorkbenchAction {
            project_id: project.clone(),
            user_id: "crash-child".into(),
            workbench: Workbench::Data,
            action: "override_value".into(),
            payload: serde_json_value(run, i),
        };
        studio.workbench_action(&action).await.unwrap_or_else(|e| fail(&e));
        // Acknowledged: the edit is journaled durably.
        writeln!(out, "ack {i}").and_then(|()| out.flush()).unwrap_or_else(|e| fail(&e));
        if abort_after.is_some_and(|n| i + 1 >= n) {
            // A crash: nothing folded, the session never closed.
            std::process::abort();
        }
        if abort_after.is_none() && i % 5 == 4 {
            studio.save(project, "crash-child").await.unwrap_or_else(|e| fail(&e));
        }
    }
}

/// Each run writes its own fields, so the test can tell every run's edits apart.
fn serde_json_value(run: &str, i: u64) -> serde_json::Value {
    serde_json::json!({"override": {"field": format!("r{run}_{i}"), "value": i, "reason": "crash test"}})
}

fn fail(e: &dyn std::fmt::Display) -> ! {
    eprintln!("crash-child: {e}");
    std::process::exit(1);
}
