//! The event bus, for `studio bench bus`: how soon an event published in the core reaches a
//! subscriber on the events WebSocket over loopback (p50/p99, published at a steady pace, each
//! written to the library before it is announced), how fast a burst is written, and how long a
//! subscriber that was away takes to replay a million events from the library — in the core and
//! over the WebSocket.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow};
use futures::StreamExt;
use serde_json::{Value, json};
use studio_core::{EventFilter, Studio, StudioConfig};
use studio_server::ServeOptions;
use tokio_tungstenite::tungstenite::Message;

use crate::bench_team::{Timed, timed};
use crate::output::Printer;

/// Publishes in flight at once while filling the log.
const BURST: usize = 10_000;

pub struct BusBench {
    pub events: usize,
    pub replay: usize,
}

async fn socket(
    base: &str,
    token: &str,
    query: &str,
) -> Result<tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>> {
    let url = format!("{}/ws/v1/studio/events?token={token}&{query}", base.replacen("http", "ws", 1));
    Ok(tokio_tungstenite::connect_async(url).await?.0)
}

/// Publish → WebSocket subscriber, one event every two milliseconds.
async fn delivery(studio: &Studio, base: &str, token: &str, events: usize) -> Result<Timed> {
    let mut ws = socket(base, token, "topics=bench.delivery").await?;
    let sent: Arc<Mutex<HashMap<i64, Instant>>> = Arc::default();
    let heard = sent.clone();
    let receiver = tokio::spawn(async move {
        let mut took = Vec::with_capacity(events);
        while took.len() < events {
            let Some(Ok(Message::Text(text))) = ws.next().await else { break };
            let at = Instant::now();
            let event: Value = serde_json::from_str(&text).unwrap_or_default();
            let n = event["n"].as_i64().unwrap_or(-1);
            if let Some(from) = heard.lock().unwrap_or_else(|p| p.into_inner()).get(&n) {
                took.push(at.duration_since(*from).as_secs_f64() * 1000.0);
            }
        }
        took
    });
    let mut pace = tokio::time::interval(Duration::from_millis(2));
    for n in 0..events as i64 {
        pace.tick().await;
        sent.lock().unwrap_or_else(|p| p.into_inner()).insert(n, Instant::now());
        studio.publish_event("bench.delivery", None, &json!({"n": n}), "bench").await?;
    }
    let took =
        tokio::time::timeout(Duration::from_secs(60), receiver).await.map_err(|_| anyhow!("events were lost"))??;
    if took.len() < events {
        return Err(anyhow!("{} of {events} events reached the subscriber", took.len()));
    }
    Ok(timed(took))
}

/// Fills the log with `count` events, `BURST` publishes in flight at a time; events a second.
async fn fill(studio: &Studio, count: usize) -> Result<f64> {
    let started = Instant::now();
    let mut n = 0;
    while n < count {
        let batch = (count - n).min(BURST);
        let data: Vec<Value> = (n..n + batch).map(|i| json!({"n": i})).collect();
        let publishes = data.iter().map(|d| studio.publish_event("bench.replay", None, d, "bench"));
        for published in futures::future::join_all(publishes).await {
            published?;
        }
        n += batch;
    }
    Ok(count as f64 / started.elapsed().as_secs_f64())
}

pub async fn bus(bench: BusBench, out: &Printer) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let studio = Arc::new(Studio::open(StudioConfig::new(dir.path().join("library.db"))).await?);
    let server = studio_server::start(studio.clone(), "bench".into(), ServeOptions::default()).await?;
    let (base, token) = (server.base(), server.token.clone());
    let seen = delivery(&studio, &base, &token, bench.events).await?;

    let head = studio.list_events(0, &EventFilter::default(), Some(1)).await?.head;
    let written = fill(&studio, bench.replay).await?;
    let filter = EventFilter { topics: vec!["bench.replay".into()], project_id: None };
    let started = Instant::now();
    let mut replaying = studio.subscribe_events(Some(head), filter).await?;
    for _ in 0..bench.replay {
        replaying.next().await?;
    }
    let core_replay = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let mut ws = socket(&base, &token, &format!("topics=bench.replay&after={head}")).await?;
    let mut got = 0;
    while got < bench.replay {
        match ws.next().await {
            Some(Ok(Message::Text(_))) => got += 1,
            Some(Ok(_)) => {}
            _ => return Err(anyhow!("the WebSocket replay stopped after {got} events")),
        }
    }
    let ws_replay = started.elapsed().as_secs_f64();
    server.stop().await?;
    let file = |name: &str| std::fs::metadata(dir.path().join(name)).map(|m| m.len()).unwrap_or(0);
    let size = (file("library.db") + file("library.db-wal")) as f64 / 1e6;
    let text = format!(
        "event bus on a library file, loopback WebSocket\n  \
         publish → subscriber ({} events, one every 2 ms): p50 {:.2} ms, p99 {:.2} ms\n  \
         burst written: {:.0} events/s\n  \
         replay of {} events: {:.2} s in the core ({:.0}/s), {:.2} s over the WebSocket ({:.0}/s); library {:.0} MB",
        bench.events,
        seen.p50,
        seen.p99,
        written,
        bench.replay,
        core_replay,
        bench.replay as f64 / core_replay,
        ws_replay,
        bench.replay as f64 / ws_replay,
        size
    );
    let value = json!({
        "delivery_ms": {"p50": seen.p50, "p99": seen.p99, "events": bench.events},
        "burst_events_per_s": written,
        "replay": {"events": bench.replay, "core_s": core_replay, "websocket_s": ws_replay},
    });
    out.message(&text, value)
}
