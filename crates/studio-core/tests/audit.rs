//! The audit log of a library: every request through the dispatch, allowed or failed, with
//! who, what, about what, when and how long; secrets masked in it, in errors and in events;
//! searched by each filter, exported as CSV a CSV reader reads, and append-only (the database
//! itself refuses a change).

mod common;

use common::{USER, fixture};
use serde_json::json;
use studio_core::{AuditFilter, EventFilter, Request};

#[tokio::test]
async fn every_request_is_recorded_searchable_exportable_and_never_changed() {
    let f = fixture().await;
    let project = f.project("Audited").await.project_id;
    let studio = &f.studio;
    studio.dispatch(Request::ListVersions { project_id: project.clone() }).await.unwrap();
    let missing = studio.dispatch(Request::GetTask { task_id: "no-such-task".into() }).await.unwrap_err();
    assert_eq!(missing.code, "not_found");
    // A password in a URL never comes back in the error, nor goes into the log.
    let server = "http://admin:pa55word-99@127.0.0.1:9".to_string();
    let refused = studio.dispatch(Request::TeamServerTeams { server, token: "st_abc".into() }).await.unwrap_err();
    assert!(!refused.message.contains("pa55word-99"), "{}", refused.message);
    // An event's secrets are masked before anyone hears it.
    let data = json!({"password": "letmein-now", "note": "Authorization: Bearer abcdefghijklmnopq", "rows": 3});
    let published = Request::PublishEvent {
        topic: "custom.refreshed".into(),
        project_id: Some(project.clone()),
        data,
        user_id: USER.into(),
    };
    studio.dispatch(published).await.unwrap();

    let all = studio.search_audit(&AuditFilter::default(), None).await.unwrap();
    let actions: Vec<&str> = all.iter().map(|r| r.action.as_str()).collect();
    assert_eq!(actions, ["publish_event", "team_server_teams", "get_task", "list_versions"], "newest first");
    let get_task = &all[2];
    assert_eq!((get_task.outcome.as_str(), get_task.code.as_deref()), ("failed", Some("not_found")));
    assert_eq!(get_task.resource, "task:no-such-task");
    assert_eq!(all[3].outcome, "allowed");
    assert_eq!(all[3].resource, format!("project:{project}"));
    assert_eq!(all[0].user_id, USER);
    assert!(all.iter().all(|r| r.session_id == all[0].session_id && r.ms >= 0.0));
    assert!(!all[1].message.as_deref().unwrap().contains("pa55word-99"), "{:?}", all[1].message);

    let find = |filter: AuditFilter| async move { studio.search_audit(&filter, None).await.unwrap() };
    let failed = find(AuditFilter { outcome: Some("failed".into()), ..Default::default() }).await;
    assert_eq!(failed.len(), 2);
    let about = find(AuditFilter { resource: Some(format!("project:{project}")), ..Default::default() }).await;
    assert_eq!(about.len(), 2);
    let words = find(AuditFilter { text: Some("no-such".into()), ..Default::default() }).await;
    assert_eq!(words.len(), 1);
    assert!(find(AuditFilter { text: Some("pa55word-99".into()), ..Default::default() }).await.is_empty());
    let page = find(AuditFilter { before: Some(all[1].seq), ..Default::default() }).await;
    assert_eq!(page.len(), 2);
    let bad = studio.search_audit(&AuditFilter { outcome: Some("maybe".into()), ..Default::default() }, None).await;
    assert!(bad.unwrap_err().message.contains("allowed, refused or failed"));

    let export = studio.export_audit(&AuditFilter::default(), "csv").await.unwrap();
    let mut reader = csv::Reader::from_reader(export.content.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    // The searches and the export are requests too, made without the dispatch here: 4 rows.
    assert_eq!((rows.len(), export.rows), (4, 4));
    assert_eq!(&rows[2][4], "get_task");
    let lines = studio.export_audit(&AuditFilter::default(), "jsonl").await.unwrap();
    assert_eq!(lines.content.lines().count(), 4);
    assert!(studio.export_audit(&AuditFilter::default(), "xlsx").await.is_err());

    let custom = EventFilter { topics: vec!["custom.*".into()], project_id: None };
    let event = studio.list_events(0, &custom, None).await.unwrap().events.remove(0);
    assert_eq!(event.data["password"], "***");
    assert_eq!(event.data["note"], "Authorization: ***");
    assert_eq!(event.data["rows"], 3);

    for change in ["UPDATE studio_audit SET outcome = 'allowed'", "DELETE FROM studio_audit"] {
        let refused = match (&f.team_database, studio.store().pool()) {
            (Some(url), _) => {
                let pool = sqlx::PgPool::connect(url).await.unwrap();
                sqlx::query(change).execute(&pool).await.unwrap_err()
            }
            (None, pool) => sqlx::query(change).execute(pool.unwrap()).await.unwrap_err(),
        };
        assert!(refused.to_string().contains("append-only"), "{refused}");
    }
    assert_eq!(studio.search_audit(&AuditFilter::default(), None).await.unwrap().len(), 4);
}
