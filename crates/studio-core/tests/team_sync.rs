//! Two team server instances' sync peers on one real PostgreSQL: a document one instance holds
//! and changes is read, changes and all, by the other from the shared database — and a third
//! started after the first has gone reads it too.

use studio_core::sync::probe::{has_change, write_probe};
use studio_core::sync::{SyncPeer, document_id};
use studio_core::team_sync_storage;
use studio_store::team::TeamDb;
use studio_store::team::testing::FreshDatabase;

#[tokio::test]
async fn an_instance_reads_what_another_wrote() {
    let fresh = FreshDatabase::new().await;
    let db_a = TeamDb::connect(&fresh.url).await.unwrap();
    let db_b = TeamDb::connect(&fresh.url).await.unwrap();
    let a = SyncPeer::start_durable("instance-a", team_sync_storage(db_a.clone())).await;
    let doc = document_id("team-project");
    let mut first = automerge::AutoCommit::new();
    automerge::transaction::Transactable::put(&mut first, automerge::ROOT, "name", "Heat pumps").unwrap();
    let handle = a.hold(&doc, first.save()).await.unwrap();
    let change = write_probe(&handle, "overrides", "price", "{\"value\": 0.8}").unwrap();

    // The other instance finds it in the database, with the change, once A's repo has written it
    // (within 20 s: on a loaded machine — CI's two cores mid-suite — samod's write can take
    // seconds; here it takes a fraction of one).
    let b = SyncPeer::start_durable("instance-b", team_sync_storage(db_b.clone())).await;
    let mut seen = false;
    for _ in 0..400 {
        if let Some(found) = b.fetch(&doc).await.unwrap()
            && has_change(&found, &change)
        {
            seen = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(seen, "instance B read instance A's change from PostgreSQL");
    let stored = db_b.sync_load_range(&doc.to_string()).await.unwrap();
    assert!(stored.len() >= 2, "the snapshot and the change are in the database: {:?}", stored.len());

    // A third, started after A has stopped, reads it as well.
    a.stop().await;
    let db_c = TeamDb::connect(&fresh.url).await.unwrap();
    let c = SyncPeer::start_durable("instance-c", team_sync_storage(db_c.clone())).await;
    let found = c.fetch(&doc).await.unwrap().expect("instance C finds the document");
    assert!(has_change(&found, &change));
    b.stop().await;
    c.stop().await;
    for db in [db_a, db_b, db_c] {
        db.close().await;
    }
    fresh.drop().await;
}
