//! The crash journal: entries are kept until folded or until the recovery window passes.

mod common;

use studio_store::{JournalEntry, SessionRow, Store};

/// A session of `program` opened at `at`, still running.
fn session(id: &str, program: &str, at: &str) -> SessionRow {
    SessionRow {
        session_id: id.into(),
        pid: 1,
        process_start: "1".into(),
        host: "h".into(),
        started_at: at.into(),
        heartbeat_at: at.into(),
        closed_at: None,
        program: program.into(),
        runs_tasks_since: None,
    }
}

#[tokio::test]
async fn entries_older_than_the_window_are_purged_and_the_rest_kept() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("lib.db")).await.unwrap();
    let at = "2026-11-20T00:00:00.000Z";
    let mut row = common::row("p");
    row.document = vec![];
    let version = common::first_version("p");
    store.create_project(&row, &version).await.unwrap();
    store.open_session(&session("s", "cli", at)).await.unwrap();
    for (n, when) in
        ["2026-11-20T10:00:00.000Z", "2026-11-21T10:00:00.000Z", "2026-11-22T10:00:00.000Z"].iter().enumerate()
    {
        let entry = JournalEntry {
            seq: 0,
            project_id: "p".into(),
            session_id: "s".into(),
            change: vec![n as u8],
            summary: format!("edit {n}"),
            created_at: when.to_string(),
        };
        store.append_journal(&entry).await.unwrap();
    }
    let purged = store.purge_journal("2026-11-21T09:00:00.000Z").await.unwrap();
    assert_eq!(purged, 1);
    let left: Vec<String> = store.journal("p").await.unwrap().into_iter().map(|e| e.summary).collect();
    assert_eq!(left, ["edit 1", "edit 2"]);
}

/// Appends from many callers at once share commits, yet each is answered with its own entry's
/// sequence number, and every acknowledged entry is in the file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_appends_are_each_acknowledged_with_their_own_entry() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("lib.db")).await.unwrap();
    let at = "2026-11-20T00:00:00.000Z";
    let mut row = common::row("p");
    row.document = vec![];
    store.create_project(&row, &common::first_version("p")).await.unwrap();
    store.open_session(&session("s", "serve", at)).await.unwrap();
    let writers: Vec<_> = (0..200u32)
        .map(|n| {
            let store = store.clone();
            tokio::spawn(async move {
                let entry = JournalEntry {
                    seq: 0,
                    project_id: "p".into(),
                    session_id: "s".into(),
                    change: n.to_le_bytes().to_vec(),
                    summary: format!("edit {n}"),
                    created_at: at.into(),
                };
                (n, store.append_journal(&entry).await.unwrap())
            })
        })
        .collect();
    let mut acknowledged = std::collections::HashMap::new();
    for writer in writers {
        let (n, seq) = writer.await.unwrap();
        assert!(acknowledged.insert(seq, n).is_none(), "sequence number {seq} given twice");
    }
    let stored = store.journal("p").await.unwrap();
    assert_eq!(stored.len(), 200);
    for entry in stored {
        let n = acknowledged[&entry.seq];
        assert_eq!(entry.summary, format!("edit {n}"), "entry {} holds another caller's edit", entry.seq);
        assert_eq!(entry.change, n.to_le_bytes());
    }
}
