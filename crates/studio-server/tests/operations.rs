//! What an operator watches, over real HTTP: the health probe (no token, the seed's shape, 503
//! when a component is down), the detailed health check, and `/metrics` checked by
//! Prometheus's own `promtool` (scripts/setup unpacks it into ~/.cache/futureos-tools).

use std::path::PathBuf;
use std::sync::Arc;

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use studio_core::{Studio, StudioConfig};
use studio_server::{RunningServer, ServeOptions};

const COMPONENTS: [&str; 5] = ["agents", "scheduler", "store", "sync", "task_engine"];

/// Prometheus's checker: `STUDIO_PROMTOOL`, else on the PATH, else where scripts/setup puts it.
fn promtool() -> PathBuf {
    let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_default();
    let candidates = [
        std::env::var_os("STUDIO_PROMTOOL").map(PathBuf::from),
        std::env::var_os("PATH")
            .and_then(|path| std::env::split_paths(&path).map(|d| d.join("promtool")).find(|p| p.is_file())),
        Some(home.join(".cache/futureos-tools/promtool")),
    ];
    candidates.into_iter().flatten().find(|p| p.is_file()).unwrap_or_else(|| {
        panic!("promtool is needed to check /metrics: run scripts/setup desktop (or set STUDIO_PROMTOOL)")
    })
}

/// `promtool check metrics` on the text: its complaints, or none.
fn promtool_check(text: &str) -> (bool, String) {
    use std::io::Write;
    let mut child = std::process::Command::new(promtool())
        .args(["check", "metrics"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), said)
}

/// A sample's value: the line starting with `series ` (labels written as the text has them).
fn sample(text: &str, series: &str) -> f64 {
    let line =
        text.lines().find(|l| l.starts_with(&format!("{series} "))).unwrap_or_else(|| panic!("{series}:\n{text}"));
    line.rsplit(' ').next().unwrap().parse().unwrap()
}

async fn serve() -> (tempfile::TempDir, Arc<Studio>, RunningServer) {
    let dir = tempfile::tempdir().unwrap();
    let studio = Arc::new(Studio::open(StudioConfig::new(dir.path().join("library.db"))).await.unwrap());
    let server = studio_server::start(studio.clone(), "ops-user".into(), ServeOptions::default()).await.unwrap();
    (dir, studio, server)
}

#[tokio::test]
async fn the_probe_answers_the_seeds_shape_without_a_token_and_503_when_a_component_is_down() {
    let (_dir, studio, server) = serve().await;
    let client = Client::new();
    let probe = client.get(format!("{}/health", server.base())).send().await.unwrap();
    assert_eq!(probe.status(), StatusCode::OK);
    let health: Value = probe.json().await.unwrap();
    assert_eq!(health["status"], "healthy", "{health}");
    let score = health["health_score"].as_f64().unwrap();
    assert!((0.9..=1.0).contains(&score), "{health}");
    let components = health["components"].as_object().unwrap();
    assert_eq!(components.keys().map(String::as_str).collect::<Vec<_>>(), COMPONENTS, "{health}");
    for (name, c) in components {
        assert_eq!(c["status"], "healthy", "{name}: {health}");
        assert_eq!(c.as_object().unwrap().keys().collect::<Vec<_>>(), ["score", "status"], "no detail: {health}");
    }

    // With the token, each component says what it saw.
    let detailed: Value = client
        .get(format!("{}/api/v1/studio/health", server.base()))
        .bearer_auth(&server.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let store = detailed["components"]["store"]["detail"].as_str().unwrap();
    assert!(store.starts_with("the library file answered in"), "{detailed}");
    assert!(detailed["components"]["agents"]["detail"].as_str().unwrap().contains("agents running"), "{detailed}");
    let refused = client.get(format!("{}/api/v1/studio/health", server.base())).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);

    // The task pool stopped: the task engine and the agents are down, the program unhealthy.
    studio.stop_tasks(std::time::Duration::from_secs(1)).await;
    let probe = client.get(format!("{}/health", server.base())).send().await.unwrap();
    assert_eq!(probe.status(), StatusCode::SERVICE_UNAVAILABLE);
    let health: Value = probe.json().await.unwrap();
    assert_eq!(health["status"], "unhealthy", "{health}");
    assert_eq!(health["components"]["task_engine"]["score"], 0.0, "{health}");
    assert_eq!(health["components"]["task_engine"]["status"], "unhealthy", "{health}");
    assert_eq!(health["components"]["store"]["status"], "healthy", "{health}");
    assert!(health["health_score"].as_f64().unwrap() < 0.9, "{health}");
    server.stop().await.unwrap();
}

#[tokio::test]
async fn metrics_are_prometheus_text_that_promtool_accepts() {
    let (_dir, _studio, server) = serve().await;
    let client = Client::new();
    let base = server.base();
    let created: Value = client
        .post(format!("{base}/api/v1/studio/projects"))
        .bearer_auth(&server.token)
        .json(&json!({"project_name": "Watched"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["project_id"].as_str().unwrap();
    for _ in 0..3 {
        let got = client.get(format!("{base}/api/v1/studio/projects/{id}")).bearer_auth(&server.token).send().await;
        assert_eq!(got.unwrap().status(), StatusCode::OK);
    }
    let missing = client.get(format!("{base}/api/v1/studio/projects/no-such")).bearer_auth(&server.token).send().await;
    assert_eq!(missing.unwrap().status(), StatusCode::NOT_FOUND);

    assert_eq!(client.get(format!("{base}/metrics")).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    let res = client.get(format!("{base}/metrics")).bearer_auth(&server.token).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "text/plain; version=0.0.4; charset=utf-8");
    let text = res.text().await.unwrap();
    let (accepted, said) = promtool_check(&text);
    assert!(accepted, "promtool refused the metrics: {said}\n{text}");
    assert!(said.trim().is_empty(), "promtool's lint: {said}");

    let count = |request: &str, outcome: &str| {
        sample(&text, &format!("studio_request_duration_seconds_count{{outcome=\"{outcome}\",request=\"{request}\"}}"))
    };
    assert_eq!(count("create_project", "ok"), 1.0);
    assert_eq!(count("get_project", "ok"), 3.0);
    assert_eq!(count("get_project", "not_found"), 1.0);
    assert!(sample(&text, "studio_process_resident_memory_bytes") > 1e6, "{text}");
    assert!(sample(&text, "studio_disk_total_bytes") > 0.0, "{text}");
    assert!(sample(&text, "studio_system_memory_total_bytes") > 0.0, "{text}");
    assert!(sample(&text, "studio_process_cpu_seconds_total") > 0.0, "{text}");
    assert_eq!(sample(&text, "studio_open_projects"), 1.0);
    assert!(sample(&text, "studio_agents{state=\"idle\"}") >= 1.0, "{text}");
    for status in ["PENDING", "ASSIGNED", "IN_PROGRESS", "COMPLETED", "FAILED", "CANCELLED"] {
        sample(&text, &format!("studio_tasks{{status=\"{status}\"}}"));
    }
    for component in COMPONENTS {
        assert_eq!(sample(&text, &format!("studio_health_score{{component=\"{component}\"}}")), 1.0);
    }

    // The same text under the API's prefix; broken text is refused by the checker (it can fail).
    let again = client.get(format!("{base}/api/v1/studio/metrics")).bearer_auth(&server.token).send().await.unwrap();
    assert!(again.text().await.unwrap().contains("studio_request_duration_seconds_bucket"));
    let (accepted, _) = promtool_check("studio_tasks{status=\"PENDING\" 2\n");
    assert!(!accepted, "promtool accepted a broken line");
    server.stop().await.unwrap();
}
