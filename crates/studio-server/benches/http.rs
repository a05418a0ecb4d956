//! A state-changing workbench action over real HTTP on loopback: latency of one client
//! (p50, p99), then throughput with 50 concurrent connections, counting errors.
//! Run: `cargo bench -p studio-server --bench http`; figures go in BENCHMARKS.md.
//! With `STUDIO_BENCH_SERVERS="before=http://127.0.0.1:PORT#TOKEN,after=…"` it loads servers
//! already running instead of one of its own, each in turn, and prints them side by side
//! (`benches/http_before_after.sh` builds and serves two versions that way).

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::Client;
use serde_json::{Value, json};
use studio_core::{Studio, StudioConfig};
use studio_server::ServeOptions;

const SEQUENTIAL: usize = 2000;
const CONNECTIONS: usize = 50;
const PER_CONNECTION: usize = 100;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

async fn project(client: &Client, base: &str, token: &str, name: &str) -> String {
    let res: Value = client
        .post(format!("{base}/api/v1/studio/projects"))
        .bearer_auth(token)
        .json(&json!({"project_name": name}))
        .send()
        .await
        .expect("create")
        .json()
        .await
        .expect("json");
    res["project_id"].as_str().expect("id").to_string()
}

async fn act(client: &Client, base: &str, token: &str, id: &str, i: usize) -> bool {
    // Overrides of a few fields, as an analyst adjusting values: the log grows, the state does not.
    let body = json!({"action": "override_value", "payload": {"override": {"field": format!("f{}", i % 8), "value": i, "reason": "bench"}}});
    match client
        .post(format!("{base}/api/v1/studio/projects/{id}/workbench/data/action"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
    {
        Ok(res) => res.status().is_success() && res.bytes().await.is_ok(),
        Err(_) => false,
    }
}

/// One server's figures.
struct Figures {
    p50: f64,
    p99: f64,
    max: f64,
    throughput: f64,
    errors: usize,
    load_p50: f64,
    load_p99: f64,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

async fn measure(base: &str, token: &str) -> Figures {
    let client = Client::new();
    let id = project(&client, base, token, "latency").await;
    for i in 0..100 {
        act(&client, base, token, &id, i).await;
    }
    let mut times = Vec::with_capacity(SEQUENTIAL);
    for i in 0..SEQUENTIAL {
        let start = Instant::now();
        assert!(act(&client, base, token, &id, i).await, "action {i} failed");
        times.push(start.elapsed());
    }
    times.sort();
    let mut ids = Vec::new();
    for c in 0..CONNECTIONS {
        ids.push(project(&client, base, token, &format!("load {c}")).await);
    }
    let start = Instant::now();
    let tasks: Vec<_> = ids
        .into_iter()
        .map(|id| {
            let (client, base, token) = (Client::new(), base.to_string(), token.to_string());
            tokio::spawn(async move {
                let mut errors = 0;
                let mut times = Vec::with_capacity(PER_CONNECTION);
                for i in 0..PER_CONNECTION {
                    let t = Instant::now();
                    if !act(&client, &base, &token, &id, i).await {
                        errors += 1;
                    }
                    times.push(t.elapsed());
                }
                (errors, times)
            })
        })
        .collect();
    let mut errors = 0;
    let mut all = Vec::new();
    for task in tasks {
        let (e, t) = task.await.expect("task");
        errors += e;
        all.extend(t);
    }
    let elapsed = start.elapsed();
    all.sort();
    Figures {
        p50: ms(percentile(&times, 0.5)),
        p99: ms(percentile(&times, 0.99)),
        max: ms(times[times.len() - 1]),
        throughput: (CONNECTIONS * PER_CONNECTION) as f64 / elapsed.as_secs_f64(),
        errors,
        load_p50: ms(percentile(&all, 0.5)),
        load_p99: ms(percentile(&all, 0.99)),
    }
}

fn print(name: &str, f: &Figures) {
    let total = CONNECTIONS * PER_CONNECTION;
    println!("{name}: one client, {SEQUENTIAL} actions: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms", f.p50, f.p99, f.max);
    println!(
        "{name}: {CONNECTIONS} connections, {total} actions: {:.0} actions/s, {} errors, p50 {:.2} ms, p99 {:.2} ms",
        f.throughput, f.errors, f.load_p50, f.load_p99
    );
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    runtime.block_on(async {
        if let Ok(servers) = std::env::var("STUDIO_BENCH_SERVERS") {
            for server in servers.split(',') {
                let (name, at) = server.split_once('=').expect("NAME=URL#TOKEN");
                let (base, token) = at.split_once('#').expect("URL#TOKEN");
                print(name, &measure(base, token).await);
            }
            return;
        }
        let dir = tempfile::tempdir().expect("temp dir");
        let studio = Arc::new(Studio::open(StudioConfig::new(dir.path().join("bench.db"))).await.expect("open"));
        let server =
            studio_server::start(studio.clone(), "bench".into(), ServeOptions::default()).await.expect("serve");
        print("this build", &measure(&server.base(), &server.token).await);
        server.stop().await.expect("stop");
        studio.close().await.expect("close");
    });
}
