//! Two analysts on two libraries edit one project through a hub, as real processes on real
//! sockets: `studio serve --share` (the owner's), `studio share`, `studio join` and a second
//! `studio serve` (the invitee's). Edits made on either side reach the other; the hub killed
//! with -9 in the middle of a burst of edits, both sides edit on, and once it is back every
//! acknowledged edit is on both sides and the two documents have the same heads.

mod common;

use std::time::Duration;

use common::{Served, eventually, json, pair};
use serde_json::json as value;

#[test]
fn edits_on_either_side_converge_even_across_a_hub_killed_mid_sync() {
    let (p, hub) = pair("editor");
    let bea = Served::start(&p.bea, &[]);
    assert_eq!(hub.edit(&p.project, "ada-1"), 200);
    assert_eq!(bea.edit(&p.project, "bea-1"), 200);
    let both = vec!["ada-1".to_string(), "bea-1".to_string()];
    assert!(eventually(Duration::from_secs(10), || hub.fields(&p.project) == both && bea.fields(&p.project) == both));
    // The invitee is a collaborator, with her name, in the role the invite gave.
    let (_, state) = hub.call(reqwest::Method::GET, &format!("/api/v1/studio/projects/{}", p.project), None);
    let bea_row = state["collaborators"].as_array().unwrap().iter().find(|c| c["display_name"] == "Bea").cloned();
    assert_eq!(bea_row.map(|c| c["role"].clone()), Some(value!("editor")), "{state}");
    // The log names each entry's author.
    let log = state["modification_log"].as_array().unwrap();
    assert!(log.iter().any(|e| e["summary"].as_str().unwrap().contains("bea-1") && e["user_id"] == state["collaborators"].as_array().unwrap().iter().find(|c| c["display_name"] == "Bea").unwrap()["user_id"]));

    // A burst of edits from Bea; the hub is killed with -9 in the middle of it.
    let mut acknowledged = both.clone();
    let mut hub = hub;
    for i in 0..20 {
        if i == 8 {
            hub.child.kill().unwrap();
            hub.child.wait().unwrap();
        }
        let field = format!("bea-burst-{i:02}");
        if bea.edit(&p.project, &field) == 200 {
            acknowledged.push(field);
        }
    }
    drop(hub);
    // Ada edits too, with her hub down: the command line writes to her library.
    json(
        &p.ada,
        &[
            "action",
            &p.project,
            "data",
            "override_value",
            "--payload",
            r#"{"override": {"field": "ada-offline", "value": 2, "reason": "offline"}}"#,
        ],
    );
    acknowledged.push("ada-offline".into());
    assert_eq!(bea.edit(&p.project, "bea-offline"), 200);
    acknowledged.push("bea-offline".into());
    acknowledged.sort();

    // The hub comes back at the same address; Bea's Studio reconnects by itself.
    let hub = Served::start(&p.ada, &["--share", "--listen", &p.listen]);
    let converged = eventually(Duration::from_secs(30), || {
        hub.fields(&p.project) == acknowledged && bea.fields(&p.project) == acknowledged
    });
    assert!(converged, "hub {:?}\nbea {:?}\nexpected {acknowledged:?}", hub.fields(&p.project), bea.fields(&p.project));
    assert!(eventually(Duration::from_secs(10), || hub.heads(&p.project) == bea.heads(&p.project)));
    assert!(!hub.heads(&p.project).is_empty());
}
