//! Task boards and tasks as rows: upserts, a project's tasks, the boards another session may
//! have to adopt, and cancel requests.

use studio_store::{Store, TaskBoardRow, TaskRow};

fn board(id: &str, session: &str) -> TaskBoardRow {
    TaskBoardRow {
        board_id: id.into(),
        project_id: Some("p".into()),
        session_id: session.into(),
        info: "{}".into(),
        created_at: "2026-11-22T00:00:00.000Z".into(),
    }
}

fn task(id: &str, board: &str, status: &str, at: &str) -> TaskRow {
    TaskRow {
        task_id: id.into(),
        board_id: board.into(),
        project_id: Some("p".into()),
        kind: "export_project".into(),
        status: status.into(),
        task: format!("{{\"status\":\"{status}\"}}"),
        cancel_requested_at: None,
        created_at: at.into(),
        updated_at: at.into(),
    }
}

#[tokio::test]
async fn tasks_round_trip_and_open_boards_are_found() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("lib.db")).await.unwrap();
    store.put_task_board(&board("mine", "me")).await.unwrap();
    store.put_task_board(&board("done", "gone")).await.unwrap();
    store.put_task_board(&board("open", "gone")).await.unwrap();
    store
        .put_tasks(&[
            task("t1", "mine", "PENDING", "2026-11-22T00:00:01.000Z"),
            task("t2", "done", "COMPLETED", "2026-11-22T00:00:02.000Z"),
            task("t3", "open", "IN_PROGRESS", "2026-11-22T00:00:03.000Z"),
        ])
        .await
        .unwrap();
    // An update replaces status and body, keeps the rest.
    store.put_tasks(&[task("t1", "mine", "COMPLETED", "2026-11-22T00:00:09.000Z")]).await.unwrap();
    let t1 = store.task("t1").await.unwrap().unwrap();
    assert_eq!(
        (t1.status.as_str(), t1.created_at.as_str(), t1.updated_at.as_str()),
        ("COMPLETED", "2026-11-22T00:00:01.000Z", "2026-11-22T00:00:09.000Z")
    );
    assert!(store.task("nope").await.unwrap().is_none());

    let newest_first: Vec<String> =
        store.project_tasks("p", 10).await.unwrap().into_iter().map(|t| t.task_id).collect();
    assert_eq!(newest_first, ["t3", "t2", "t1"]);
    let open: Vec<String> = store.open_task_boards("me").await.unwrap().into_iter().map(|b| b.board_id).collect();
    assert_eq!(open, ["open"], "not its own board, not a board whose tasks all finished");

    // Adopting a board moves it to the new session, once: a second adopter finds it taken.
    assert!(store.adopt_task_board("open", "gone", "me").await.unwrap());
    assert!(!store.adopt_task_board("open", "gone", "another").await.unwrap());
    assert!(store.open_task_boards("me").await.unwrap().is_empty());
    assert!(store.request_task_cancel("t3", "2026-11-22T00:01:00.000Z").await.unwrap());
    assert!(!store.request_task_cancel("nope", "2026-11-22T00:01:00.000Z").await.unwrap());
    assert_eq!(store.cancel_requests("me").await.unwrap(), ["t3"]);
    assert!(store.cancel_requests("gone").await.unwrap().is_empty());
}
