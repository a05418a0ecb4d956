//! The event bus in the core, on a library file (and with `STUDIO_TEST_STORE=team` on
//! PostgreSQL): what a program published is written before it closes, and read back in order
//! by the next; many writers at once — edits, the journal, the bus — are never refused as
//! "database is locked".

mod common;

use common::{USER, fixture};
use serde_json::json;
use studio_core::EventFilter;

fn filter(topics: &[&str], project: Option<&str>) -> EventFilter {
    EventFilter { topics: topics.iter().map(|t| t.to_string()).collect(), project_id: project.map(str::to_string) }
}

#[tokio::test]
async fn what_a_program_published_is_written_before_it_closes() {
    let f = fixture().await;
    let p = f.project("On the bus").await.project_id;
    f.override_value(&p, "price", 1).await;
    f.studio.save(&p, USER).await.unwrap();
    // Closed at once: the events are still in the writer's hands, and are written first.
    let f = f.reopen().await;
    let page = f.studio.list_events(0, &filter(&["studio.project.*"], Some(&p)), None).await.unwrap();
    let topics: Vec<&str> = page.events.iter().map(|e| e.topic.as_str()).collect();
    assert!(topics.contains(&"studio.project.changed"), "{topics:?}");
    let saved = page.events.iter().find(|e| e.topic == "studio.project.saved").expect("the save");
    assert_eq!(saved.data["version"], 2);
    assert!(page.events.windows(2).all(|w| w[0].seq < w[1].seq));
    assert!(page.events.iter().all(|e| e.project_id.as_deref() == Some(p.as_str()) && e.module_id == "studio"));
}

#[tokio::test]
async fn many_writers_at_once_are_never_refused_as_locked() {
    let f = fixture().await;
    let mut projects = Vec::new();
    for i in 0..6 {
        projects.push(f.project(&format!("Busy {i}")).await.project_id);
    }
    let data: Vec<serde_json::Value> = (0..300).map(|n| json!({"n": n})).collect();
    let f = &f;
    let publishes = data.iter().map(|d| f.studio.publish_event("custom.load", None, d, USER));
    let edits = projects.iter().flat_map(|p| (0..8).map(move |i| (p, i))).map(|(p, i)| async move {
        let payload = json!({"override": {"field": format!("f{i}"), "value": i, "reason": "busy"}});
        f.act(p, studio_core::model::Workbench::Data, "override_value", payload).await.map(|_| ())
    });
    let (published, edited) = futures::join!(futures::future::join_all(publishes), futures::future::join_all(edits));
    for p in published {
        p.unwrap();
    }
    for e in edited {
        e.unwrap();
    }
    let page = f.studio.list_events(0, &filter(&["custom.load"], None), Some(1_000)).await.unwrap();
    assert_eq!(page.events.len(), 300);
    let mut ns: Vec<i64> = page.events.iter().map(|e| e.data["n"].as_i64().unwrap()).collect();
    ns.sort();
    assert_eq!(ns, (0..300).collect::<Vec<_>>());
}
