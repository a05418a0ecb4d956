//! "Share on this network" through the API, as the app's switch uses it: a running Studio
//! becomes a hub and stops being one, and the choice holds at the next start.

mod common;

use std::time::Duration;

use common::{Served, eventually, free_port, json};
use reqwest::Method;
use serde_json::{Value, json as value};

fn hub(served: &Served, body: Option<Value>) -> (u16, Value) {
    match body {
        Some(body) => served.call(Method::PUT, "/api/v1/studio/hub", Some(body)),
        None => served.call(Method::GET, "/api/v1/studio/hub", None),
    }
}

fn state_of(served: &Served, project: &str) -> String {
    let (_, status) = served.call(Method::GET, &format!("/api/v1/studio/projects/{project}/sync"), None);
    status["state"].as_str().unwrap_or_default().to_string()
}

#[test]
fn the_switch_makes_a_running_studio_a_hub_and_is_remembered() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let project = json(a.path(), &["project", "new", "--name", "Switched"])["project_id"].as_str().unwrap().to_string();
    let ada = Served::start(a.path(), &[]);
    let (status, off) = hub(&ada, None);
    assert_eq!(status, 200, "{off}");
    assert_eq!((off["on"].clone(), off["available"].clone()), (value!(false), value!(true)));
    assert_eq!(off["fingerprint"].as_str().unwrap().len(), 64);

    let (status, bad) = hub(&ada, Some(value!({"on": true, "listen": "everywhere"})));
    assert_eq!(status, 400, "{bad}");
    assert!(bad["message"].as_str().unwrap().contains("ADDRESS:PORT"), "{bad}");
    let (status, wrong) = hub(&ada, Some(value!({"on": "yes"})));
    assert_eq!(status, 400, "{wrong}");

    // A port another program holds: a conflict, said so, and the switch stays off.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let busy = taken.local_addr().unwrap().to_string();
    let (status, refused) = hub(&ada, Some(value!({"on": true, "listen": busy})));
    assert_eq!(status, 409, "{refused}");
    assert!(refused["message"].as_str().unwrap().contains("in use"), "{refused}");
    assert_eq!(hub(&ada, None).1["on"], false);

    let listen = format!("127.0.0.1:{}", free_port());
    let (status, on) = hub(&ada, Some(value!({"on": true, "listen": listen})));
    assert_eq!(status, 200, "{on}");
    assert_eq!(on["on"], true);
    assert_eq!(on["url"], format!("ws://{listen}/sync/v1"));
    let invite = json(a.path(), &["share", &project, "--role", "editor"]);
    assert_eq!(invite["hub"], format!("ws://{listen}/sync/v1"), "invites name the hub the switch started");
    json(b.path(), &["join", invite["token"].as_str().unwrap()]);
    let bea = Served::start(b.path(), &[]);
    assert!(eventually(Duration::from_secs(10), || state_of(&bea, &project) == "connected"));

    let (status, off) = hub(&ada, Some(value!({"on": false})));
    assert_eq!((status, off["on"].clone()), (200, value!(false)));
    assert!(
        eventually(Duration::from_secs(10), || state_of(&bea, &project) == "reconnecting"),
        "Bea loses the hub: {}",
        state_of(&bea, &project)
    );
    assert!(std::net::TcpStream::connect(&listen).is_err(), "nothing listens any more");

    // On again, then Ada's Studio restarts: it is a hub again without being asked.
    assert_eq!(hub(&ada, Some(value!({"on": true, "listen": listen}))).1["on"], true);
    drop(ada);
    let ada = Served::start(a.path(), &[]);
    assert_eq!(hub(&ada, None).1["on"], true, "the switch holds from one start to the next");
    assert!(
        eventually(Duration::from_secs(20), || state_of(&bea, &project) == "connected"),
        "Bea is back: {}",
        state_of(&bea, &project)
    );
    let settings: Value =
        serde_json::from_str(&std::fs::read_to_string(a.path().join("config.json")).unwrap()).unwrap();
    assert_eq!(settings["share_on_network"], listen.as_str());
}
