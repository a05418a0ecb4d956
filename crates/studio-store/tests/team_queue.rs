//! The team server's task queue on a real PostgreSQL: workers on four instances claim at once
//! and every task runs once; a claim whose heartbeat lapsed goes to another worker, and the
//! first can no longer finish it.

use std::collections::HashSet;
use std::time::Duration;

use serde_json::json;
use studio_store::team::TeamDb;
use studio_store::team::testing::FreshDatabase;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_task_is_claimed_once_across_instances() {
    let fresh = FreshDatabase::new().await;
    let db = TeamDb::connect(&fresh.url).await.unwrap();
    for i in 0..200 {
        db.enqueue("simulate", None, &json!({"replicate": i})).await.unwrap();
    }
    let mut workers = Vec::new();
    for instance in 0..4 {
        let db = TeamDb::connect(&fresh.url).await.unwrap();
        for w in 0..2 {
            let db = db.clone();
            let name = format!("instance-{instance}/worker-{w}");
            workers.push(tokio::spawn(async move {
                let mut mine = Vec::new();
                while let Some(task) = db.claim(&name, &["simulate"]).await.unwrap() {
                    db.finish(&task.task_id, &name, Ok(&json!({"by": name}))).await.unwrap();
                    mine.push(task.task_id);
                }
                mine
            }));
        }
    }
    let mut all = Vec::new();
    let mut busy = 0;
    for w in workers {
        let mine = w.await.unwrap();
        busy += usize::from(!mine.is_empty());
        all.extend(mine);
    }
    let distinct: HashSet<&String> = all.iter().collect();
    assert_eq!((all.len(), distinct.len()), (200, 200), "each of 200 tasks claimed exactly once");
    assert!(busy >= 2, "the work was shared ({busy} workers claimed some)");
    let counts = db.queue_counts().await.unwrap();
    assert_eq!((counts.queued, counts.running, counts.succeeded), (0, 0, 200));
    db.close().await;
    fresh.drop().await;
}

#[tokio::test]
async fn kinds_order_lapses_and_refusals() {
    let fresh = FreshDatabase::new().await;
    let db = TeamDb::connect(&fresh.url).await.unwrap();
    let project = uuid::Uuid::new_v4().to_string();
    let report = db.enqueue("report", Some(&project), &json!({"format": "pdf"})).await.unwrap();
    let first = db.enqueue("simulate", None, &json!({"n": 1})).await.unwrap();
    let second = db.enqueue("simulate", None, &json!({"n": 2})).await.unwrap();

    // A worker takes only its kinds, oldest first.
    let a = db.claim("a", &["simulate"]).await.unwrap().unwrap();
    assert_eq!((a.task_id.as_str(), a.attempts, a.payload["n"].as_i64()), (first.as_str(), 1, Some(1)));
    let r = db.claim("r", &["report"]).await.unwrap().unwrap();
    assert_eq!((r.task_id.as_str(), r.project_id.as_deref()), (report.as_str(), Some(project.as_str())));
    assert_eq!(db.claim("r", &["report"]).await.unwrap(), None);

    // A fresh claim is kept; one whose heartbeat lapsed is queued again and taken by another.
    db.heartbeat(&a.task_id, "a").await.unwrap();
    assert_eq!(db.requeue_lapsed(Duration::from_secs(60)).await.unwrap(), 0);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    db.heartbeat(&r.task_id, "r").await.unwrap();
    assert_eq!(db.requeue_lapsed(Duration::from_secs(1)).await.unwrap(), 1, "a's claim lapsed, r's did not");
    let b = db.claim("b", &["simulate"]).await.unwrap().unwrap();
    assert_eq!((b.task_id.as_str(), b.attempts), (first.as_str(), 2));
    let late = db.finish(&a.task_id, "a", Ok(&json!({}))).await.unwrap_err();
    assert_eq!(late.code(), "conflict", "{late}");
    assert_eq!(db.heartbeat(&a.task_id, "a").await.unwrap_err().code(), "conflict");
    db.finish(&b.task_id, "b", Err("the population could not be read")).await.unwrap();
    let c = db.claim("c", &["simulate"]).await.unwrap().unwrap();
    assert_eq!(c.task_id, second);

    // Bad input is named.
    assert_eq!(db.enqueue("", None, &json!({})).await.unwrap_err().code(), "invalid_request");
    assert_eq!(db.enqueue("x", Some("nope"), &json!({})).await.unwrap_err().code(), "invalid_request");
    assert_eq!(db.heartbeat("nope", "a").await.unwrap_err().code(), "invalid_request");
    let counts = db.queue_counts().await.unwrap();
    assert_eq!((counts.queued, counts.running, counts.failed), (0, 2, 1));
    db.close().await;
    fresh.drop().await;
}
