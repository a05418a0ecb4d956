//! Who may do what at a hub, tested with real clients on real sockets: the JavaScript
//! automerge-repo (from npm) joins with an editor's invite and its change reaches the Rust
//! peers; with a viewer's its change reaches no one. A removed collaborator stops receiving at
//! once and is refused when they come back. A bad, expired or revoked invite is refused with a
//! reason, and malformed or oversized sync messages close only their own connection.

mod common;

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use common::{Served, eventually, json, pair};
use serde_json::Value;

/// The invite's document id (the automerge-repo URL is `automerge:` + it).
fn doc_id(token: &str) -> String {
    use base64::Engine;
    let payload = token.split('.').next().unwrap();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).unwrap();
    let invite: Value = serde_json::from_slice(&bytes).unwrap();
    invite["doc_id"].as_str().unwrap().to_string()
}

/// Where the JavaScript client and its packages are (scripts/setup installs them).
fn js_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/js-sync")
}

/// Runs the JavaScript client; answers what it printed.
fn javascript_client(hub: &str, token: &str, field: &str) -> Value {
    let out = Command::new("node")
        .current_dir(js_dir())
        .args(["sync_client.mjs", hub, token, &doc_id(token), field, "1500"])
        .output()
        .expect("node runs (the test script installs it)");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "the JavaScript client failed: {text} {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_str(text.lines().last().unwrap_or_default()).unwrap()
}

fn hub_url(p: &common::Pair) -> String {
    format!("ws://{}/sync/v1", p.listen)
}

#[test]
fn the_javascript_automerge_repo_writes_as_an_editor_and_is_ignored_as_a_viewer() {
    let (p, hub) = pair("editor");
    let bea = Served::start(&p.bea, &[]);
    let editor = json(&p.ada, &["share", &p.project, "--role", "editor"]);
    let said = javascript_client(&hub_url(&p), editor["token"].as_str().unwrap(), "from-js-editor");
    assert_eq!(said["project_name"], "Shared", "{said}");
    assert!(eventually(Duration::from_secs(10), || {
        hub.fields(&p.project).contains(&"from-js-editor".to_string())
            && bea.fields(&p.project).contains(&"from-js-editor".to_string())
    }));
    let viewer = json(&p.ada, &["share", &p.project, "--role", "viewer"]);
    let said = javascript_client(&hub_url(&p), viewer["token"].as_str().unwrap(), "from-js-viewer");
    assert_eq!(said["ok"], true, "{said}");
    // The hub and Bea go on editing, and the viewer's change is never among their edits.
    assert_eq!(hub.edit(&p.project, "after-viewer"), 200);
    assert!(eventually(Duration::from_secs(10), || bea.fields(&p.project).contains(&"after-viewer".to_string())));
    for fields in [hub.fields(&p.project), bea.fields(&p.project)] {
        assert!(!fields.contains(&"from-js-viewer".to_string()), "a viewer's change got through: {fields:?}");
    }
}

#[test]
fn a_viewer_is_refused_locally_and_a_removed_collaborator_is_let_go_at_once() {
    let (p, hub) = pair("viewer");
    let bea = Served::start(&p.bea, &[]);
    // Bea's own Studio refuses her edit: nothing changes anywhere.
    let body = serde_json::json!({"action": "override_value", "payload": {"override": {"field": "x", "value": 1, "reason": "r"}}});
    let (status, answer) = bea.call(
        reqwest::Method::POST,
        &format!("/api/v1/studio/projects/{}/workbench/data/action", p.project),
        Some(body),
    );
    assert_eq!(status, 403, "{answer}");
    assert!(answer["message"].as_str().unwrap().contains("viewer"), "{answer}");
    // She sees the owner's edits.
    assert_eq!(hub.edit(&p.project, "seen"), 200);
    assert!(eventually(Duration::from_secs(10), || bea.fields(&p.project) == ["seen"]));
    // Removed: the owner's next edits never reach her, and her Studio says why.
    let (_, state) = hub.call(reqwest::Method::GET, &format!("/api/v1/studio/projects/{}", p.project), None);
    let bea_id =
        state["collaborators"].as_array().unwrap().iter().find(|c| c["display_name"] == "Bea").unwrap()["user_id"]
            .as_str()
            .unwrap()
            .to_string();
    let (status, _) = hub.call(
        reqwest::Method::DELETE,
        &format!("/api/v1/studio/projects/{}/collaborators/{bea_id}", p.project),
        None,
    );
    assert_eq!(status, 200);
    assert_eq!(hub.edit(&p.project, "after-removal"), 200);
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(bea.fields(&p.project), ["seen"]);
    let refused = eventually(Duration::from_secs(15), || {
        let (_, status) = bea.call(reqwest::Method::GET, &format!("/api/v1/studio/projects/{}/sync", p.project), None);
        status["error"].as_str().is_some_and(|e| e.contains("not a collaborator"))
    });
    assert!(refused, "Bea's Studio says she was let go");
}

#[test]
fn bad_expired_and_revoked_invites_are_refused_with_a_reason() {
    let (p, _hub) = pair("editor");
    let carol = tempfile::tempdir().unwrap();
    let fail = |args: &[&str]| -> String {
        let out = common::studio(carol.path()).args(args).output().unwrap();
        assert!(!out.status.success(), "{args:?} succeeded");
        String::from_utf8_lossy(&out.stderr).to_string()
    };
    assert!(fail(&["join", "not-an-invite"]).contains("not a Studio invite"));
    // A changed invite (another role) no longer carries its owner's signature.
    let token = &p.token;
    let mut forged = token.clone();
    let cut = forged.rfind('.').unwrap() - 3;
    forged.replace_range(cut..cut + 1, if &forged[cut..cut + 1] == "A" { "B" } else { "A" });
    let said = fail(&["join", &forged]);
    assert!(said.contains("not a Studio invite") || said.contains("altered or forged"), "{said}");
    let short = json(&p.ada, &["share", &p.project, "--role", "editor", "--expires", "1s"]);
    std::thread::sleep(Duration::from_millis(1500));
    assert!(fail(&["join", short["token"].as_str().unwrap()]).contains("expired"));
    let revoked = json(&p.ada, &["share", &p.project, "--role", "editor"]);
    json(&p.ada, &["invites", &p.project, "--revoke", revoked["invite_id"].as_str().unwrap()]);
    let said = fail(&["join", revoked["token"].as_str().unwrap()]);
    assert!(said.contains("revoked"), "{said}");
}

#[test]
fn malformed_and_oversized_sync_messages_close_only_their_connection() {
    let (p, hub) = pair("editor");
    let bea = Served::start(&p.bea, &[]);
    let editor = json(&p.ada, &["share", &p.project, "--role", "editor"]);
    let token = editor["token"].as_str().unwrap();
    let url = format!("{}?peer=raw-1&invite={}", hub_url(&p), token);
    // Garbage where a CBOR sync message belongs.
    let (mut ws, _) = tungstenite::connect(&url).unwrap();
    ws.send(tungstenite::Message::Binary(vec![0xff, 0x00, 0x13, 0x37].into())).unwrap();
    let closed = (0..50).any(|_| ws.read().is_err());
    assert!(closed, "the hub closes a connection that sends garbage");
    // Over the size a sync message may have.
    let url = format!("{}?peer=raw-2&invite={}", hub_url(&p), token);
    let (mut ws, _) = tungstenite::connect(&url).unwrap();
    let _ = ws.send(tungstenite::Message::Binary(vec![0u8; 65 * 1024 * 1024].into()));
    let closed = (0..50).any(|_| ws.read().is_err());
    assert!(closed, "the hub closes a connection whose message is too large");
    // No peer id, or no credentials: an HTTP answer that says what is missing.
    match tungstenite::connect(hub_url(&p)) {
        Err(tungstenite::Error::Http(response)) => {
            let body = String::from_utf8_lossy(response.body().as_deref().unwrap_or_default()).to_string();
            assert!(body.contains("?peer="), "{body}");
        }
        other => panic!("a connection without a peer id was let in: {:?}", other.map(|_| ())),
    }
    match tungstenite::connect(format!("{}?peer=raw-3", hub_url(&p))) {
        Err(tungstenite::Error::Http(response)) => assert_eq!(response.status(), 401),
        other => panic!("a connection without credentials was let in: {:?}", other.map(|_| ())),
    }
    // The hub goes on serving the others.
    assert_eq!(bea.edit(&p.project, "still-served"), 200);
    assert!(eventually(Duration::from_secs(10), || hub.fields(&p.project).contains(&"still-served".to_string())));
}

#[test]
fn beyond_loopback_the_hub_speaks_tls_pinned_by_the_invite() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let project = json(a.path(), &["project", "new", "--name", "Wide"])["project_id"].as_str().unwrap().to_string();
    let listen = format!("0.0.0.0:{}", common::free_port());
    let hub = Served::start(a.path(), &["--share", "--listen", &listen]);
    let invite = json(a.path(), &["share", &project, "--role", "editor"]);
    let url = invite["hub"].as_str().unwrap();
    assert!(url.starts_with("wss://"), "beyond loopback the invite names a TLS hub: {url}");
    json(b.path(), &["join", invite["token"].as_str().unwrap()]);
    let bea = Served::start(b.path(), &[]);
    assert_eq!(bea.edit(&project, "over-tls"), 200);
    assert!(eventually(Duration::from_secs(10), || hub.fields(&project).contains(&"over-tls".to_string())));
    // The hub comes back with another certificate: Bea's Studio will not talk to it.
    drop(hub);
    for file in ["hub-cert.der", "hub-key.der"] {
        std::fs::remove_file(a.path().join(file)).unwrap();
    }
    let _impostor = Served::start(a.path(), &["--share", "--listen", &listen]);
    let refused = eventually(Duration::from_secs(20), || {
        let (_, status) = bea.call(reqwest::Method::GET, &format!("/api/v1/studio/projects/{project}/sync"), None);
        status["error"].as_str().is_some_and(|e| e.contains("not the one the invite names"))
    });
    assert!(refused, "a hub with another certificate is refused");
}
