//! Two analysts on two libraries edit one project through a hub, as real processes on real
//! sockets: `studio serve --share` (the owner's), `studio share`, `studio join` and a second
//! `studio serve` (the invitee's). Edits made on either side reach the other; the hub killed
//! with -9 in the middle of a burst of edits, both sides edit on, and once it is back every
//! acknowledged edit is on both sides and the two documents have the same heads.

mod common;

use std::time::Duration;

use common::{Served, eventually, json, pair};
use serde_json::{Value, json as value};

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
    // Bea's Studio says it is not connected, and how many of her edits the hub lacks.
    let status =
        |s: &Served| s.call(reqwest::Method::GET, &format!("/api/v1/studio/projects/{}/sync", p.project), None).1;
    let offline = status(&bea);
    assert_ne!(offline["state"], "connected", "{offline}");
    assert!(offline["unsent"].as_u64().unwrap_or(0) >= 1, "{offline}");
    acknowledged.sort();

    // The hub comes back at the same address; Bea's Studio reconnects by itself.
    let hub = Served::start(&p.ada, &["--share", "--listen", &p.listen]);
    let converged = eventually(Duration::from_secs(30), || {
        hub.fields(&p.project) == acknowledged && bea.fields(&p.project) == acknowledged
    });
    assert!(converged, "hub {:?}\nbea {:?}\nexpected {acknowledged:?}", hub.fields(&p.project), bea.fields(&p.project));
    assert!(eventually(Duration::from_secs(10), || hub.heads(&p.project) == bea.heads(&p.project)));
    assert!(eventually(Duration::from_secs(10), || status(&bea)["unsent"] == 0), "{}", status(&bea));
    assert!(!hub.heads(&p.project).is_empty());
}

fn present(served: &Served, project: &str) -> Vec<String> {
    let (_, state) = served.call(reqwest::Method::GET, &format!("/api/v1/studio/projects/{project}"), None);
    let mut users: Vec<String> =
        state["active_users"].as_array().unwrap().iter().map(|u| u.as_str().unwrap().to_string()).collect();
    users.sort();
    users
}

fn say(served: &Served, project: &str, body: serde_json::Value) -> serde_json::Value {
    let (status, answer) =
        served.call(reqwest::Method::PUT, &format!("/api/v1/studio/projects/{project}/presence"), Some(body));
    assert_eq!(status, 200, "{answer}");
    answer
}

#[test]
fn presence_shows_who_is_where_and_who_left() {
    let (p, hub) = pair("editor");
    let bea = Served::start(&p.bea, &[]);
    let ada_id = json(&p.ada, &["whoami"])["user_id"].as_str().unwrap().to_string();
    let bea_id = json(&p.bea, &["whoami"])["user_id"].as_str().unwrap().to_string();
    // Bea opens the scenario workbench, on a scenario: Ada's Studio shows her there.
    say(&bea, &p.project, value!({"workbench": "scenario", "item": {"kind": "scenario", "id": "s1"}}));
    say(&hub, &p.project, value!({"workbench": "data"}));
    let seen = eventually(Duration::from_secs(5), || present(&hub, &p.project).contains(&bea_id));
    assert!(seen, "Ada sees Bea: {:?}", present(&hub, &p.project));
    let users = say(&hub, &p.project, value!({"workbench": "data"}));
    let bea_there = users.as_array().unwrap().iter().find(|u| u["user_id"] == bea_id.as_str()).cloned().unwrap();
    assert_eq!((bea_there["workbench"].clone(), bea_there["item"]["id"].clone()), (value!("scenario"), value!("s1")));
    assert_eq!(bea_there["display_name"], "Bea");
    assert!(eventually(Duration::from_secs(5), || present(&bea, &p.project).contains(&ada_id)));
    // Ada leaves the project: gone at Bea's within 2 s.
    say(&hub, &p.project, value!({"workbench": null}));
    assert!(eventually(Duration::from_secs(2), || !present(&bea, &p.project).contains(&ada_id)));
    // Bea's Studio is killed: the hub lets her go when her connection drops, well within 2 s.
    drop(bea);
    assert!(eventually(Duration::from_secs(2), || !present(&hub, &p.project).contains(&bea_id)));
}

#[test]
fn the_same_field_edited_on_both_sides_offline_is_a_conflict_until_someone_picks() {
    let (p, hub) = pair("editor");
    let bea = Served::start(&p.bea, &[]);
    assert_eq!(hub.edit(&p.project, "shared"), 200);
    assert!(eventually(Duration::from_secs(10), || bea.fields(&p.project) == ["shared"]));
    // The hub goes down; both change the price.
    drop(hub);
    let price = |v: i64| format!(r#"{{"override": {{"field": "price", "value": {v}, "reason": "mine"}}}}"#);
    json(&p.ada, &["action", &p.project, "data", "override_value", "--payload", &price(2)]);
    let body =
        value!({"action": "override_value", "payload": {"override": {"field": "price", "value": 3, "reason": "mine"}}});
    let (status, _) = bea.call(
        reqwest::Method::POST,
        &format!("/api/v1/studio/projects/{}/workbench/data/action", p.project),
        Some(body),
    );
    assert_eq!(status, 200);
    let hub = Served::start(&p.ada, &["--share", "--listen", &p.listen]);
    let conflicts = |s: &Served| {
        let (_, state) = s.call(reqwest::Method::GET, &format!("/api/v1/studio/projects/{}", p.project), None);
        state["conflicts"].clone()
    };
    // Both values, both authors, on both sides; nothing silently dropped.
    let seen = eventually(Duration::from_secs(20), || {
        [&hub, &bea].iter().all(|s| conflicts(s).as_array().is_some_and(|c| c.len() == 1))
    });
    assert!(seen, "hub {} bea {}", conflicts(&hub), conflicts(&bea));
    let conflict = conflicts(&bea)[0].clone();
    assert_eq!((conflict["section"].clone(), conflict["key"].clone()), (value!("overrides"), value!("price")));
    let mut values: Vec<i64> =
        conflict["values"].as_array().unwrap().iter().map(|v| v["value"]["value"].as_i64().unwrap()).collect();
    values.sort();
    assert_eq!(values, [2, 3]);
    let ada_id = json(&p.ada, &["whoami"])["user_id"].clone();
    let bea_id = json(&p.bea, &["whoami"])["user_id"].clone();
    let authors: Vec<Value> = conflict["values"].as_array().unwrap().iter().map(|v| v["user_id"].clone()).collect();
    assert!(authors.contains(&ada_id) && authors.contains(&bea_id), "{conflict}");
    // Bea keeps Ada's value: settled for both.
    let pick = conflict["values"].as_array().unwrap().iter().position(|v| v["user_id"] == ada_id).unwrap();
    let (status, state) = bea.call(
        reqwest::Method::POST,
        &format!("/api/v1/studio/projects/{}/conflicts/resolve", p.project),
        Some(value!({"section": "overrides", "key": "price", "pick": pick})),
    );
    assert_eq!(status, 200, "{state}");
    assert!(state["conflicts"].is_null(), "{state}");
    let settled = eventually(Duration::from_secs(10), || {
        conflicts(&hub).is_null() && {
            let (_, s) = hub.call(reqwest::Method::GET, &format!("/api/v1/studio/projects/{}", p.project), None);
            s["workbench_states"]["data"]["overrides"]
                .as_array()
                .unwrap()
                .iter()
                .any(|o| o["field"] == "price" && o["value"] == 2)
        }
    });
    assert!(settled, "hub {}", conflicts(&hub));
}

#[test]
fn the_sync_benchmark_measures_through_a_real_hub() {
    let home = tempfile::tempdir().unwrap();
    let out = json(home.path(), &["bench", "sync", "--peers", "3", "--rounds", "10"]);
    assert_eq!((out["peers"].as_u64(), out["rounds"].as_u64()), (Some(3), Some(10)), "{out}");
    let p99 = out["edit_visible_everywhere_ms"]["p99"].as_f64().unwrap();
    assert!(p99 > 0.0 && p99 < 30_000.0, "{out}");
    assert!(out["hub_rss_per_peer_kb"].is_number() && out["first_peer_sync_ms"].as_f64().unwrap() > 0.0, "{out}");
}
