//! Sessions of the programs that share a library: a crashed session's edits are announced to
//! the app and offered back; a restarted server folds back in what its previous run
//! acknowledged; a long action is left only to a program that runs tasks; projects are
//! worked on at once without waiting for each other; the library is pruned past its
//! retention and its size is told.

mod common;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use common::{USER, action, new_project};
use serde_json::json;
use studio_core::model::{ProjectLoad, Workbench};
use studio_core::{Program, Studio, StudioConfig, StudioEvent};

fn config(db: &std::path::Path, program: Program) -> StudioConfig {
    let mut config = StudioConfig::new(db.to_path_buf());
    config.program = program;
    config
}

/// Edits made by a program of kind `program` that then "crashes": its session is left open
/// and its process recorded as one that no longer exists.
async fn crashed_edits(db: &std::path::Path, program: Program, project: &str, fields: &[&str]) {
    let other = Studio::open(config(db, program)).await.unwrap();
    for field in fields {
        let payload = json!({"override": {"field": field, "value": 1, "reason": "before the crash"}});
        other.workbench_action(&action(project, Workbench::Data, "override_value", payload)).await.unwrap();
    }
    // The newest session is the one just opened; a pid and start time no process has.
    sqlx::query(
        "UPDATE studio_sessions SET pid = 4000000, process_start = '1'
         WHERE rowid = (SELECT MAX(rowid) FROM studio_sessions)",
    )
    .execute(other.store().pool().unwrap())
    .await
    .unwrap();
    drop(other);
}

fn load(project: &str) -> ProjectLoad {
    ProjectLoad { project_id: project.into(), user_id: USER.into(), version: None }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_server_folds_back_what_its_previous_run_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("library.db");
    let setup = Studio::open(config(&db, Program::Tool)).await.unwrap();
    let project = new_project(&setup, "Served").await.project_id;
    setup.close().await.unwrap();
    crashed_edits(&db, Program::Serve, &project, &["a", "b", "c"]).await;

    // Another kind of program leaves them to the analyst.
    let app = Studio::open(config(&db, Program::Desktop)).await.unwrap();
    assert!(app.fold_previous_sessions().await.unwrap().is_empty());
    assert_eq!(app.recovery_offer(&project).await.unwrap().map(|o| o.edits.len()), Some(3));
    assert!(app.get_project(&load(&project)).await.unwrap().workbench_states.data.overrides.is_empty());
    app.close().await.unwrap();

    let server = Studio::open(config(&db, Program::Serve)).await.unwrap();
    let folded = server.fold_previous_sessions().await.unwrap();
    assert_eq!(folded.iter().map(|f| (f.project_id.as_str(), f.edits)).collect::<Vec<_>>(), [(project.as_str(), 3)]);
    let state = server.get_project(&load(&project)).await.unwrap();
    let fields: Vec<&str> = state.workbench_states.data.overrides.iter().map(|o| o.field.as_str()).collect();
    assert_eq!(fields, ["a", "b", "c"], "every acknowledged edit is back, without anyone asking");
    assert!(server.recovery_offer(&project).await.unwrap().is_none());
    server.close().await.unwrap();
    // Folded into the library, not only into that program's memory.
    let after = Studio::open(config(&db, Program::Cli)).await.unwrap();
    assert_eq!(after.get_project(&load(&project)).await.unwrap().workbench_states.data.overrides.len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_is_told_of_edits_a_crash_left_and_gets_them_back() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("library.db");
    let app = Studio::open(config(&db, Program::Desktop)).await.unwrap();
    let project = new_project(&app, "Open in the app").await.project_id;
    app.get_project(&load(&project)).await.unwrap();
    let mut events = app.subscribe();
    crashed_edits(&db, Program::Cli, &project, &["price"]).await;

    app.announce_recoveries().await.unwrap();
    let announced = loop {
        match events.try_recv() {
            Ok(StudioEvent::RecoveryAvailable { project_id, edits }) => break (project_id, edits),
            Ok(_) => continue,
            Err(e) => panic!("no recovery_available event: {e}"),
        }
    };
    assert_eq!(announced, (project.clone(), 1));
    // Told once, not at every autosave.
    app.announce_recoveries().await.unwrap();
    assert!(std::iter::from_fn(|| events.try_recv().ok()).all(|e| !matches!(e, StudioEvent::RecoveryAvailable { .. })));

    let state = app.recover(&project, USER).await.unwrap();
    assert_eq!(state.workbench_states.data.overrides[0].field, "price");
    assert!(app.recovery_offer(&project).await.unwrap().is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn long_actions_are_left_only_to_a_program_that_runs_tasks() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("library.db");
    let cli = Studio::open(config(&db, Program::Cli)).await.unwrap();
    assert!(cli.task_runner().await.unwrap().is_none(), "nothing runs tasks yet");

    // Another command running tasks (`--wait`) is not a runner: it leaves when its own are done.
    let waiting = Arc::new(Studio::open(config(&db, Program::Cli)).await.unwrap());
    waiting.start_tasks().await.unwrap();
    assert!(cli.task_runner().await.unwrap().is_none());

    let server = Arc::new(Studio::open(config(&db, Program::Serve)).await.unwrap());
    assert!(cli.task_runner().await.unwrap().is_none(), "a server that runs no tasks yet");
    server.start_tasks().await.unwrap();
    let runner = cli.task_runner().await.unwrap().expect("the server runs tasks");
    assert_eq!((runner.program.as_str(), runner.pid), ("studio serve", i64::from(std::process::id())));

    server.close().await.unwrap();
    assert!(cli.task_runner().await.unwrap().is_none(), "a closed server runs nothing");
}

/// Each project has a lock of its own: edits to many projects at once all land, in order per
/// project, while their journal writes share commits.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_projects_are_edited_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let studio = Arc::new(Studio::open(config(&dir.path().join("library.db"), Program::Serve)).await.unwrap());
    let mut projects = Vec::new();
    for i in 0..20 {
        projects.push(new_project(&studio, &format!("P{i}")).await.project_id);
    }
    let edits: Vec<_> = projects
        .iter()
        .flat_map(|p| (0..10).map(move |n| (p.clone(), n)))
        .map(|(project, n)| {
            let studio = studio.clone();
            tokio::spawn(async move {
                let payload = json!({"override": {"field": format!("f{n}"), "value": n, "reason": "load"}});
                studio.workbench_action(&action(&project, Workbench::Data, "override_value", payload)).await
            })
        })
        .collect();
    for edit in edits {
        edit.await.unwrap().unwrap();
    }
    for project in &projects {
        let state = studio.get_project(&load(project)).await.unwrap();
        assert_eq!(state.workbench_states.data.overrides.len(), 10, "{project}");
        assert_eq!(state.modification_log.len(), 11, "{project}: create and ten overrides");
    }
    // Everything acknowledged is in the journal, and folds into the library.
    studio.close().await.unwrap();
    let again = Studio::open(config(&dir.path().join("library.db"), Program::Cli)).await.unwrap();
    for project in &projects {
        assert_eq!(again.get_project(&load(project)).await.unwrap().workbench_states.data.overrides.len(), 10);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_library_is_pruned_past_its_retention_and_its_size_told() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("library.db");
    let studio = Arc::new(Studio::open(config(&db, Program::Cli)).await.unwrap());
    let project = new_project(&studio, "Pruned").await.project_id;
    studio.start_tasks().await.unwrap();
    let task = studio.start_export(&project, dir.path().join("p.studio"), false).await.unwrap();
    studio.wait_task(&task.id, |_| {}).await.unwrap();
    studio.close().await.unwrap();
    drop(studio);

    let exports = dir.path().join("exports");
    std::fs::create_dir_all(&exports).unwrap();
    let old = exports.join("old-report.pdf");
    let recent = exports.join("recent-report.pdf");
    std::fs::write(&old, vec![0u8; 4000]).unwrap();
    std::fs::write(&recent, vec![0u8; 1000]).unwrap();
    let hundred_days_ago = SystemTime::now() - Duration::from_secs(100 * 86_400);
    std::fs::File::options().write(true).open(&old).unwrap().set_modified(hundred_days_ago).unwrap();

    let studio = Studio::open(config(&db, Program::Cli)).await.unwrap();
    let info = studio.library_info().await.unwrap();
    assert_eq!((info.task_boards, info.tasks, info.exports_files), (1, 1, 2));
    assert!(info.library_bytes > 0 && info.total_bytes >= info.library_bytes + 5000);
    assert_eq!((info.export_retention_days, info.task_retention_days), (Some(90), Some(30)));

    // A board finished just now is kept; 40 days on, it goes with its tasks.
    let pruned = studio.prune(SystemTime::now()).await.unwrap();
    assert_eq!((pruned.task_boards, pruned.exports, pruned.export_bytes), (0, 1, 4000));
    assert!(!old.exists() && recent.exists());
    let in_forty_days = SystemTime::now() + Duration::from_secs(40 * 86_400);
    let pruned = studio.prune(in_forty_days).await.unwrap();
    assert_eq!(pruned.task_boards, 1);
    let info = studio.library_info().await.unwrap();
    assert_eq!((info.task_boards, info.tasks), (0, 0));
    assert_eq!(info.projects, 1, "projects are never pruned");
}

/// A project that cannot be autosaved (its state is over the 10 MB a snapshot may hold) does
/// not keep the others from being saved; it is named, and its window is told.
#[tokio::test]
async fn autosave_saves_the_others_when_one_project_fails() {
    let dir = tempfile::tempdir().unwrap();
    let studio = Studio::open(StudioConfig::new(dir.path().join("library.db"))).await.unwrap();
    let big = new_project(&studio, "Too big").await.project_id;
    let fine = new_project(&studio, "Fine").await.project_id;
    studio.autosave_all().await.unwrap();
    let mut events = studio.subscribe();
    // 11 MB of typed-in table: accepted as an edit, over the limit of a snapshot.
    let rows: Vec<serde_json::Value> = (0..110_000).map(|i| json!([i, "x".repeat(90)])).collect();
    let table = json!({"source_name": "huge", "configuration": {"type": "table",
        "columns": [{"name": "n", "type": "integer"}, {"name": "text", "type": "string"}], "rows": rows}});
    studio.workbench_action(&action(&big, Workbench::Data, "add_custom_source", table)).await.unwrap();
    let over = json!({"override": {"field": "f", "value": 1, "reason": "saved all the same"}});
    studio.workbench_action(&action(&fine, Workbench::Data, "override_value", over)).await.unwrap();

    let err = studio.autosave_all().await.unwrap_err();
    assert_eq!(err.code, "autosave_failed");
    assert!(err.message.contains(&big) && !err.message.contains(&fine), "{}", err.message);
    let (mut failed, mut saved) = (Vec::new(), Vec::new());
    while let Ok(event) = events.try_recv() {
        match event {
            StudioEvent::AutosaveFailed { project_id, code, .. } => failed.push((project_id, code)),
            StudioEvent::Autosaved { project_id } => saved.push(project_id),
            _ => {}
        }
    }
    assert_eq!(failed, [(big.clone(), "snapshot_too_large".to_string())]);
    assert_eq!(saved, std::slice::from_ref(&fine));
    // The fine project's edit is in the library, read back by another program.
    let other = Studio::open(StudioConfig::new(dir.path().join("library.db"))).await.unwrap();
    let row = other.store().project(&fine).await.unwrap();
    assert!(row.modification_log.contains("saved all the same"), "{}", row.modification_log);
}
