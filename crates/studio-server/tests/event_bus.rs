//! The event bus over real HTTP and WebSockets on loopback: a subscriber that goes away and
//! comes back with the last sequence number it saw replays exactly what it missed; the
//! product's own events (a project saved, a task finished) are on it; webhooks are delivered
//! to a real local HTTP receiver, signed, in order, retried after failures; bad input is
//! refused by name.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::StreamExt;
use hmac::{Hmac, Mac};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use sha2::Sha256;
use studio_core::{Studio, StudioConfig};
use studio_server::{RunningServer, ServeOptions};

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

struct Bus {
    _dir: tempfile::TempDir,
    studio: Arc<Studio>,
    server: RunningServer,
    client: Client,
}

async fn bus() -> Bus {
    let dir = tempfile::tempdir().unwrap();
    let studio = Arc::new(Studio::open(StudioConfig::new(dir.path().join("library.db"))).await.unwrap());
    let server = studio_server::start(studio.clone(), "bus-user".into(), ServeOptions::default()).await.unwrap();
    Bus { _dir: dir, studio, server, client: Client::new() }
}

impl Bus {
    async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let mut req =
            self.client.request(method, format!("{}{path}", self.server.base())).bearer_auth(&self.server.token);
        if let Some(body) = body {
            req = req.json(&body);
        }
        let res = req.send().await.unwrap();
        (res.status(), res.json().await.unwrap())
    }

    async fn publish(&self, topic: &str, n: i64) -> i64 {
        let (status, event) = self
            .send(reqwest::Method::POST, "/api/v1/studio/events", Some(json!({"topic": topic, "data": {"n": n}})))
            .await;
        assert_eq!(status, StatusCode::OK, "{event}");
        event["seq"].as_i64().unwrap()
    }

    async fn follow(&self, query: &str) -> Socket {
        let port = self.server.addr.port();
        let url = format!("ws://127.0.0.1:{port}/ws/v1/studio/events?token={}&{query}", self.server.token);
        tokio_tungstenite::connect_async(url).await.unwrap().0
    }
}

async fn next(socket: &mut Socket) -> Value {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(10), socket.next()).await.expect("an event in time");
        if let tokio_tungstenite::tungstenite::Message::Text(text) = message.unwrap().unwrap() {
            return serde_json::from_str(&text).unwrap();
        }
    }
}

#[tokio::test]
async fn a_subscriber_that_was_away_replays_what_it_missed_in_order() {
    let b = bus().await;
    let mut socket = b.follow("topics=custom.*").await;
    let mut seen = Vec::new();
    for n in 0..3 {
        b.publish("custom.data_refreshed", n).await;
    }
    b.publish("other.ignored", 99).await;
    for n in 0..3 {
        let event = next(&mut socket).await;
        assert_eq!((event["topic"].as_str(), event["n"].as_i64()), (Some("custom.data_refreshed"), Some(n)), "{event}");
        assert_eq!(event["module_id"], "studio");
        assert_eq!(event["user_id"], "bus-user");
        assert!(event["timestamp"].as_str().unwrap().ends_with('Z'), "{event}");
        seen.push(event["seq"].as_i64().unwrap());
    }
    assert!(seen.windows(2).all(|w| w[0] < w[1]), "{seen:?}");
    drop(socket);

    // Away: five more are published; back with the last seq seen, it gets exactly those.
    let mut missed = Vec::new();
    for n in 3..8 {
        missed.push(b.publish("custom.data_refreshed", n).await);
    }
    let mut socket = b.follow(&format!("topics=custom.*&after={}", seen[2])).await;
    for (n, seq) in (3..8).zip(&missed) {
        let event = next(&mut socket).await;
        assert_eq!((event["seq"].as_i64(), event["n"].as_i64()), (Some(*seq), Some(n)), "{event}");
    }
    // Then live.
    let live = b.publish("custom.data_refreshed", 8).await;
    assert_eq!(next(&mut socket).await["seq"], live);

    // The same log over HTTP, from a sequence number, by topic.
    let (status, page) =
        b.send(reqwest::Method::GET, &format!("/api/v1/studio/events?after={}&topics=custom.*", seen[0]), None).await;
    assert_eq!(status, StatusCode::OK);
    let ns: Vec<i64> = page["events"].as_array().unwrap().iter().map(|e| e["n"].as_i64().unwrap()).collect();
    assert_eq!(ns, [1, 2, 3, 4, 5, 6, 7, 8]);
    assert!(page["head"].as_i64().unwrap() >= live);
    b.server.stop().await.unwrap();
}

#[tokio::test]
async fn the_products_own_events_are_on_the_bus() {
    let b = bus().await;
    let mut socket = b.follow("topics=studio.project.saved,studio.task.*").await;
    let (_, created) =
        b.send(reqwest::Method::POST, "/api/v1/studio/projects", Some(json!({"project_name": "On the bus"}))).await;
    let id = created["project_id"].as_str().unwrap().to_string();
    let (status, _) = b.send(reqwest::Method::POST, &format!("/api/v1/studio/projects/{id}/versions"), None).await;
    assert_eq!(status, StatusCode::CREATED);
    let saved = next(&mut socket).await;
    assert_eq!(
        (saved["topic"].as_str(), saved["project_id"].as_str()),
        (Some("studio.project.saved"), Some(id.as_str()))
    );
    assert_eq!(saved["version"], 2);
    // A background save is a task: queued, started, completed, each once, in order.
    let (status, task) =
        b.send(reqwest::Method::POST, &format!("/api/v1/studio/projects/{id}/versions?background=true"), None).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{task}");
    let mut topics = Vec::new();
    while topics.last().map(String::as_str) != Some("studio.task.completed") {
        let event = next(&mut socket).await;
        if event["topic"].as_str().unwrap().starts_with("studio.task.") {
            assert_eq!(event["task_id"], task["id"], "{event}");
        }
        topics.push(event["topic"].as_str().unwrap().to_string());
    }
    let tasks: Vec<&str> = topics.iter().map(String::as_str).filter(|t| t.starts_with("studio.task.")).collect();
    assert_eq!(tasks.first(), Some(&"studio.task.queued"), "{topics:?}");
    assert!(tasks.contains(&"studio.task.started"), "{topics:?}");
    assert_eq!(tasks.iter().filter(|t| **t == "studio.task.completed").count(), 1, "{topics:?}");
    b.server.stop().await.unwrap();
}

/// What the receiver got: each request's headers of ours and its body.
#[derive(Default)]
struct Received {
    requests: Vec<(String, String, String)>,
    /// Requests to refuse (500) before accepting.
    refuse: usize,
}

async fn receiver(state: Arc<Mutex<Received>>) -> String {
    use axum::http::{HeaderMap, StatusCode as S};
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: String| {
            let state = state.clone();
            async move {
                let mut r = state.lock().unwrap();
                let header = |n: &str| headers.get(n).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
                r.requests.push((header("x-studio-signature"), header("x-studio-seq"), body));
                if r.refuse > 0 {
                    r.refuse -= 1;
                    return S::INTERNAL_SERVER_ERROR;
                }
                S::NO_CONTENT
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}/hook")
}

fn signed(secret: &str, header: &str, body: &str) -> bool {
    let (Some(t), Some(v1)) =
        (header.split(',').find_map(|p| p.strip_prefix("t=")), header.split(',').find_map(|p| p.strip_prefix("v1=")))
    else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.{body}").as_bytes());
    mac.verify_slice(&hex::decode(v1).unwrap_or_default()).is_ok()
}

#[tokio::test]
async fn webhooks_are_delivered_signed_in_order_and_retried_after_failures() {
    let b = bus().await;
    let received = Arc::new(Mutex::new(Received { refuse: 2, ..Received::default() }));
    let url = receiver(received.clone()).await;
    let secret = "a-secret-of-sixteen-plus";
    let (status, hook) = b
        .send(
            reqwest::Method::POST,
            "/api/v1/studio/webhooks",
            Some(json!({"url": url, "topics": ["custom.*"], "secret": secret})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{hook}");
    assert_eq!(hook["secret"], secret, "shown once, at creation");
    let _delivering = b.studio.spawn_webhooks();
    let seqs = [b.publish("custom.a", 1).await, b.publish("other.b", 2).await, b.publish("custom.c", 3).await];

    // Refused twice (backoff 1 s, then 2 s), then both delivered in order.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let done = received.lock().unwrap().requests.iter().any(|(_, seq, _)| seq == &seqs[2].to_string());
        if done {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "not delivered: {:?}", received.lock().unwrap().requests);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let requests = received.lock().unwrap().requests.clone();
    let order: Vec<&str> = requests.iter().map(|(_, seq, _)| seq.as_str()).collect();
    let (first, third) = (seqs[0].to_string(), seqs[2].to_string());
    assert_eq!(
        order,
        [first.as_str(), first.as_str(), first.as_str(), third.as_str()],
        "retried, then in order; other.b filtered"
    );
    for (signature, _, body) in &requests {
        assert!(signed(secret, signature, body), "{signature} {body}");
        assert!(!signed("another-secret-entirely", signature, body));
    }
    let event: Value = serde_json::from_str(&requests[3].2).unwrap();
    assert_eq!((event["topic"].as_str(), event["n"].as_i64()), (Some("custom.c"), Some(3)));

    let (_, hooks) = b.send(reqwest::Method::GET, "/api/v1/studio/webhooks", None).await;
    assert_eq!(hooks[0]["failures"], 0, "{hooks}");
    assert!(hooks[0]["delivered_seq"].as_i64().unwrap() >= seqs[2], "{hooks}");
    assert!(!hooks.to_string().contains(secret), "the secret is never listed: {hooks}");
    let wid = hooks[0]["webhook_id"].as_str().unwrap();
    let (status, _) = b.send(reqwest::Method::DELETE, &format!("/api/v1/studio/webhooks/{wid}"), None).await;
    assert_eq!(status, StatusCode::OK);
    b.server.stop().await.unwrap();
}

#[tokio::test]
async fn bad_events_and_webhooks_are_refused_by_name() {
    let b = bus().await;
    let post = |body: Value| b.send(reqwest::Method::POST, "/api/v1/studio/events", Some(body));
    let cases = [
        (json!({"topic": "Bad Topic"}), 400, "is not a topic"),
        (json!({"topic": "studio.workflow.completed"}), 400, "the product's own"),
        (json!({"topic": "custom.x", "data": [1, 2]}), 400, "JSON object"),
        (json!({"topic": "custom.x", "data": {"big": "x".repeat(70_000)}}), 413, "64 KB"),
        (json!({"topic": "custom.x", "project_id": "no-such-project"}), 404, "no-such-project"),
    ];
    for (body, status, says) in cases {
        let (got, error) = post(body.clone()).await;
        assert_eq!(got.as_u16(), status, "{body}: {error}");
        assert!(error["message"].as_str().unwrap().contains(says), "{error}");
    }
    let hook = |body: Value| b.send(reqwest::Method::POST, "/api/v1/studio/webhooks", Some(body));
    let (status, error) = hook(json!({"url": "ftp://example.org/x"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
    let (status, error) = hook(json!({"url": "http://127.0.0.1:9/x", "secret": "short"})).await;
    assert!(status == StatusCode::BAD_REQUEST && error["message"].as_str().unwrap().contains("16"), "{error}");
    let (status, error) = hook(json!({"url": "http://127.0.0.1:9/x", "topics": ["a b"]})).await;
    assert!(status == StatusCode::BAD_REQUEST && error["message"].as_str().unwrap().contains("a b"), "{error}");
    let (status, _) = b.send(reqwest::Method::DELETE, "/api/v1/studio/webhooks/nope", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, error) = b.send(reqwest::Method::GET, "/api/v1/studio/events?after=soon", None).await;
    assert!(status == StatusCode::BAD_REQUEST && error["message"].as_str().unwrap().contains("after"), "{error}");
    // A subscription with a bad pattern is refused before the upgrade.
    let port = b.server.addr.port();
    let url = format!("ws://127.0.0.1:{port}/ws/v1/studio/events?token={}&topics=no%20way", b.server.token);
    assert!(tokio_tungstenite::connect_async(url).await.is_err());
    b.server.stop().await.unwrap();
}
