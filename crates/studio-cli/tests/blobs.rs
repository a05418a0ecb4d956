//! Blobs between real `studio serve` processes: an imported file and a population made at the
//! hub reach a peer that joined (by hash, verified), and one the peer makes reaches the hub;
//! the hub's blob routes serve ranges and take only what an editor's project names.

mod common;

use std::path::Path;
use std::time::Duration;

use common::{Served, eventually, pair};
use reqwest::Method;
use serde_json::{Value, json};

const MARGINALS: &str = "dimension,category,share\nage,young,0.4\nage,old,0.6\narea,urban,0.7\narea,rural,0.3\n";

fn act(served: &Served, project: &str, workbench: &str, action: &str, payload: Value) -> (u16, Value) {
    let body = json!({"action": action, "payload": payload});
    served.call(Method::POST, &format!("/api/v1/studio/projects/{project}/workbench/{workbench}/action"), Some(body))
}

/// The population's view once it can be read, with the seed asked for.
fn population(served: &Served, project: &str, seed: u64) -> Option<Value> {
    let (status, view) = act(served, project, "population", "view_archetypes", json!({}));
    (status == 200 && view["result"]["seed"] == seed).then(|| view["result"].clone())
}

fn state(served: &Served, project: &str) -> Value {
    served.call(Method::GET, &format!("/api/v1/studio/projects/{project}"), None).1
}

/// A blob's address at the hub, with a query string.
fn at(blobs: &str, hash: &str, query: &[(&str, String)]) -> reqwest::Url {
    reqwest::Url::parse_with_params(&format!("{blobs}/{hash}"), query).unwrap()
}

fn files_named(dir: &Path, name: &str) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_named(&path, name));
        } else if path.file_name().is_some_and(|n| n.to_string_lossy().starts_with(name)) {
            found.push(path);
        }
    }
    found
}

#[test]
fn blobs_travel_by_hash_between_hub_and_peer_both_ways() {
    let (p, hub) = pair("editor");
    let original = p.ada.join("marginals.csv");
    std::fs::write(&original, MARGINALS).unwrap();
    let config =
        json!({"source_name": "marginals", "configuration": {"path": original, "role": "marginal", "import": true}});
    assert_eq!(act(&hub, &p.project, "data", "configure_source", config).0, 200);
    assert_eq!(act(&hub, &p.project, "population", "resize_population", json!({"target_size": 3000})).0, 200);
    let started = act(&hub, &p.project, "population", "regenerate", json!({"edits": {"seed": 5}}));
    assert!(started.0 < 300, "{started:?}");
    assert!(eventually(Duration::from_secs(60), || population(&hub, &p.project, 5).is_some()), "the hub's population");
    let at_hub = state(&hub, &p.project);
    let sha = at_hub["workbench_states"]["data"]["sources"]["marginals"]["sha256"].as_str().unwrap().to_string();
    let population_id = at_hub["population_id"].as_str().unwrap().to_string();

    // Bea's Studio comes up, syncs the document and fetches what it names.
    let bea = Served::start(&p.bea, &[]);
    let fetched = || {
        let (_, status) = bea.call(Method::GET, &format!("/api/v1/studio/projects/{}/sync", p.project), None);
        let list = status["blobs"]["fetched"].as_array().cloned().unwrap_or_default();
        [&sha, &population_id].iter().all(|h| list.iter().any(|x| x == h.as_str()))
    };
    assert!(eventually(Duration::from_secs(30), fetched), "Bea fetched the imported file and the population");
    let view = population(&bea, &p.project, 5).expect("Bea reads the population fetched, without making it");
    assert_eq!(view["size"], 3000);
    // As on another machine: the path the project records is not on Bea's disk.
    let recorded = at_hub["workbench_states"]["data"]["sources"]["marginals"]["path"].as_str().unwrap();
    std::fs::remove_file(recorded).unwrap();
    let (status, preview) = act(&bea, &p.project, "data", "preview_data", json!({"source_name": "marginals"}));
    assert_eq!(status, 200, "{preview}");
    assert_eq!(preview["result"]["status"], "ok", "Bea reads the source from her copy: {preview}");
    let copies = files_named(&p.bea, &sha);
    assert_eq!(copies.len(), 1, "Bea's copy of the imported file is in her library: {copies:?}");
    assert_eq!(std::fs::read_to_string(&copies[0]).unwrap(), MARGINALS);

    // Bea makes another population: it reaches the hub, which can read it.
    let started = act(&bea, &p.project, "population", "regenerate", json!({"edits": {"seed": 9}}));
    assert!(started.0 < 300, "{started:?}");
    assert!(eventually(Duration::from_secs(60), || population(&bea, &p.project, 9).is_some()), "Bea's population");
    assert!(
        eventually(Duration::from_secs(30), || population(&hub, &p.project, 9).is_some()),
        "the hub reads the population Bea made and sent"
    );
    let (_, status) = bea.call(Method::GET, &format!("/api/v1/studio/projects/{}/sync", p.project), None);
    assert!(status["blobs"].is_object(), "{status}");
}

#[test]
fn the_hubs_blob_routes_serve_ranges_and_take_only_what_an_editors_project_names() {
    let (p, hub) = pair("editor");
    let original = p.ada.join("marginals.csv");
    std::fs::write(&original, MARGINALS).unwrap();
    let config = json!({"source_name": "marginals", "configuration": {"path": original, "import": true}});
    assert_eq!(act(&hub, &p.project, "data", "configure_source", config).0, 200);
    let at_hub = state(&hub, &p.project);
    let sha = at_hub["workbench_states"]["data"]["sources"]["marginals"]["sha256"].as_str().unwrap().to_string();
    let blobs = format!("http://{}/sync/v1/blobs", p.listen);
    let client = reqwest::blocking::Client::new();
    let guest = |token: &str| vec![("peer", "raw-test".to_string()), ("invite", token.to_string())];

    let whole = client.get(at(&blobs, &sha, &guest(&p.token))).send().unwrap();
    assert_eq!(whole.status(), 200);
    assert_eq!(whole.headers()["x-studio-kind"], "source_file");
    assert_eq!(whole.text().unwrap(), MARGINALS);
    let tail = client.get(at(&blobs, &sha, &guest(&p.token))).header("range", "bytes=10-").send().unwrap();
    assert_eq!(tail.status(), 206);
    assert_eq!(
        tail.headers()["content-range"].to_str().unwrap(),
        format!("bytes 10-{}/{}", MARGINALS.len() - 1, MARGINALS.len())
    );
    assert_eq!(tail.text().unwrap(), &MARGINALS[10..]);
    let beyond = client.get(at(&blobs, &sha, &guest(&p.token))).header("range", "bytes=9999-").send().unwrap();
    assert_eq!(beyond.status(), 416);

    let nobody = client.get(at(&blobs, &sha, &[("peer", "x".to_string())])).send().unwrap();
    assert_eq!(nobody.status(), 401, "no credentials, no blob");
    let other = "0".repeat(64);
    let unknown = client.get(at(&blobs, &other, &guest(&p.token))).send().unwrap();
    assert_eq!(unknown.status(), 404);

    let put = |hash: &str, kind: &str, body: &'static str, token: &str| {
        let mut query = guest(token);
        query.push(("kind", kind.to_string()));
        let answer = client.put(at(&blobs, hash, &query)).body(body).send().unwrap();
        let status = answer.status().as_u16();
        (status, answer.json::<Value>().unwrap_or(Value::Null)["message"].as_str().unwrap_or_default().to_string())
    };
    let stray = "bytes no document names";
    let stray_hash = studio_core::sync::blob_hash(stray.as_bytes());
    let (status, why) = put(&stray_hash, "population", stray, &p.token);
    assert_eq!(status, 409, "{why}");
    assert!(why.contains("does not name"), "{why}");
    let (status, why) = put(&sha, "source_file", "not the file", &p.token);
    assert_eq!(status, 400, "{why}");
    assert!(why.contains("hash to"), "{why}");
    let (status, why) = put(&sha, "weights", MARGINALS, &p.token);
    assert_eq!(status, 400, "{why}");
    let viewer =
        common::json(&p.ada, &["share", &p.project, "--role", "viewer"])["token"].as_str().unwrap().to_string();
    let (status, why) = put(&sha, "source_file", MARGINALS, &viewer);
    assert_eq!(status, 403, "{why}");
    let (status, why) = put(&sha, "source_file", MARGINALS, &p.token);
    assert_eq!(status, 201, "an editor sends a blob the document names: {why}");
    let (status, _) = hub.call(Method::GET, &format!("/api/v1/studio/projects/{}", p.project), None);
    assert_eq!(status, 200, "the hub keeps serving");
}

/// Waits for `pick` to find something in the project's state.
fn wait_state(served: &Served, project: &str, within: u64, pick: impl Fn(&Value) -> Option<String>) -> String {
    let mut found = None;
    let ok = eventually(Duration::from_secs(within), || {
        found = pick(&state(served, project));
        found.is_some()
    });
    assert!(ok, "{}", state(served, project));
    found.unwrap()
}

#[test]
fn a_report_generated_at_the_hub_opens_and_exports_alike_at_a_peer() {
    let (p, hub) = pair("editor");
    let (marginals, prices) = (p.ada.join("marginals.csv"), p.ada.join("prices.csv"));
    std::fs::write(&marginals, MARGINALS).unwrap();
    std::fs::write(&prices, "year,price\n2023,1.1\n2024,1.0\n").unwrap();
    for (name, path, role) in [("marginals", &marginals, "marginal"), ("prices", &prices, "variables")] {
        let config = json!({"source_name": name, "configuration": {"path": path, "role": role, "import": true}});
        assert_eq!(act(&hub, &p.project, "data", "configure_source", config).0, 200);
    }
    assert_eq!(act(&hub, &p.project, "population", "resize_population", json!({"target_size": 2000})).0, 200);
    act(&hub, &p.project, "population", "regenerate", json!({"edits": {"seed": 5}}));
    assert!(eventually(Duration::from_secs(60), || population(&hub, &p.project, 5).is_some()));
    let run = json!({"simulation_config": {"ticks": 20, "replicates": 4, "seed": 5}});
    let (status, started) = act(&hub, &p.project, "simulation", "run", run);
    assert!(status < 300, "{started}");
    wait_state(&hub, &p.project, 120, |s| {
        (s["workbench_states"]["simulation"]["status"] == "complete").then(|| "ran".to_string())
    });
    let (status, started) = act(&hub, &p.project, "report", "generate", json!({}));
    assert!(status < 300, "{started}");
    let report_id =
        wait_state(&hub, &p.project, 120, |s| s["workbench_states"]["report"]["report_id"].as_str().map(String::from));
    // An export is a task: its file's hash is in the report's `export_urls` once it is done.
    let export = |served: &Served| {
        let path = format!("/api/v1/studio/projects/{}/report/{report_id}/export", p.project);
        let (status, out) = served.call(Method::POST, &path, Some(json!({"export_format": "html"})));
        assert!(status < 300, "{out}");
        let report = format!("/api/v1/studio/projects/{}/report/{report_id}", p.project);
        let mut sha = None;
        let done = eventually(Duration::from_secs(60), || {
            let url = served.call(Method::GET, &report, None).1["export_urls"]["html"].as_str().map(String::from);
            sha = url.and_then(|u| u.split_once("#sha256=").map(|(_, h)| h.to_string()));
            sha.is_some()
        });
        assert!(done, "the export was not written");
        sha.unwrap()
    };
    let at_hub = export(&hub);

    // Bea's Studio fetches the report's record and what it was made from, and renders the same file.
    let bea = Served::start(&p.bea, &[]);
    let path = format!("/api/v1/studio/projects/{}/report/{report_id}", p.project);
    assert!(
        eventually(Duration::from_secs(30), || bea.call(Method::GET, &path, None).0 == 200),
        "Bea opens the report: {:?}",
        bea.call(Method::GET, &path, None)
    );
    assert_eq!(export(&bea), at_hub, "the same report renders to the same bytes at Bea's");
}
