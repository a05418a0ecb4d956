//! The Data workbench's reads through the Studio: exploring configured file sources and
//! previewing one with its overrides applied; neither changes the project.

mod common;

use common::{USER, fixture};
use serde_json::{Value, json};
use studio_core::model::{Workbench, WorkbenchAction};

fn action(project: &str, name: &str, payload: Value) -> WorkbenchAction {
    WorkbenchAction {
        project_id: project.into(),
        user_id: USER.into(),
        workbench: Workbench::Data,
        action: name.into(),
        payload,
    }
}

#[tokio::test]
async fn sources_are_explored_and_previewed_with_overrides_marked() {
    let f = fixture().await;
    let project = f.project("Data").await.project_id;
    let csv = f.dir.path().join("survey.csv");
    std::fs::write(&csv, "region;income;age\nNorth;41000;34\nSouth;38000;51\nSouth;;29\n").unwrap();
    let configure = |name: &str, config: Value| {
        action(&project, "configure_source", json!({"source_name": name, "configuration": config}))
    };
    f.studio
        .workbench_action(&configure(
            "survey",
            json!({"path": csv, "role": "microdata", "units": {"income": "EUR a year"}}),
        ))
        .await
        .unwrap();
    f.studio.workbench_action(&configure("gone", json!({"path": f.dir.path().join("gone.csv")}))).await.unwrap();
    f.studio.workbench_action(&configure("typed", json!({"role": "variables"}))).await.unwrap();
    let log_before = f.studio.log(&project).await.unwrap().len();

    let explored = f.studio.workbench_action(&action(&project, "explore_sources", json!({}))).await.unwrap();
    let sources = explored.result["sources"].as_array().unwrap();
    let by_name = |n: &str| sources.iter().find(|s| s["source_name"] == n).unwrap().clone();
    let survey = by_name("survey");
    assert_eq!(
        (survey["status"].as_str(), survey["rows"].as_u64(), survey["delimiter"].as_str()),
        (Some("ok"), Some(3), Some(";"))
    );
    assert_eq!(survey["role"], "microdata");
    let income = survey["columns"].as_array().unwrap().iter().find(|c| c["name"] == "income").unwrap();
    assert_eq!(
        (income["type"].as_str(), income["nulls"].as_u64(), income["mean"].as_f64()),
        (Some("integer"), Some(1), Some(39500.0))
    );
    assert_eq!(income["unit"], "EUR a year", "units are shown with their columns");
    let gone = by_name("gone");
    assert_eq!(gone["status"], "error");
    let message = gone["message"].as_str().unwrap();
    assert!(message.starts_with("cannot read ") && message.contains("gone.csv"), "names the path: {gone}");
    assert_eq!(by_name("typed")["status"], "no_file");

    let over = json!({"override": {"field": "survey.income", "value": 40000, "reason": "top-coded in the survey"}});
    f.studio.workbench_action(&action(&project, "override_value", over)).await.unwrap();
    let preview =
        f.studio.workbench_action(&action(&project, "preview_data", json!({"source_name": "survey"}))).await.unwrap();
    let rows = preview.result["preview"].as_array().unwrap();
    assert_eq!(rows[0]["income"], 40000);
    assert_eq!(rows[0]["_overridden"], json!(["income"]));
    assert_eq!(preview.result["overrides"][0]["reason"], "top-coded in the survey");
    assert_eq!(f.studio.log(&project).await.unwrap().len(), log_before + 1, "reads add nothing to the log");

    let err =
        f.studio.workbench_action(&action(&project, "preview_data", json!({"source_name": "nope"}))).await.unwrap_err();
    assert_eq!(err.code, "not_found");
    let err = f.studio.workbench_action(&action(&project, "preview_data", json!({}))).await.unwrap_err();
    assert!(err.message.contains("needs payload.source_name"), "{}", err.message);

    // `SOURCE.COLUMN[N]` overrides one row only (counted from 1, as the preview grid shows).
    let one = json!({"override": {"field": "survey.age[2]", "value": 50, "reason": "typo in the form"}});
    f.studio.workbench_action(&action(&project, "override_value", one)).await.unwrap();
    let preview =
        f.studio.workbench_action(&action(&project, "preview_data", json!({"source_name": "survey"}))).await.unwrap();
    let rows = preview.result["preview"].as_array().unwrap();
    assert_eq!(
        (rows[0]["age"].as_i64(), rows[1]["age"].as_i64(), rows[2]["age"].as_i64()),
        (Some(34), Some(50), Some(29))
    );
    assert_eq!(rows[1]["_overridden"], json!(["age", "income"]), "overrides apply in field order");
}

/// Reads that would never end are refused before they start: a named pipe would block the
/// refresh forever at open(), a link to /dev/zero would be hashed forever. Each is that source's
/// error, named; the refresh completes and the other sources are read.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pipes_and_devices_are_refused_and_the_refresh_completes() {
    let f = fixture().await;
    let project = f.project("Hostile paths").await.project_id;
    let fifo = f.dir.path().join("pipe.csv");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let zero = f.dir.path().join("zero.csv");
    std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
    let fine = f.dir.path().join("fine.csv");
    std::fs::write(&fine, "year,price\n2025,1.0\n2026,0.9\n").unwrap();
    let studio = std::sync::Arc::new(f.studio);
    studio.start_tasks().await.unwrap();
    for (name, path) in [("pipe", &fifo), ("zero", &zero), ("fine", &fine)] {
        let config = json!({"source_name": name, "configuration": {"path": path, "role": "variables"}});
        studio.workbench_action(&action(&project, "configure_source", config)).await.unwrap();
    }
    let refreshed = tokio::time::timeout(
        std::time::Duration::from_secs(60),
        common::run(&studio, &project, Workbench::Data, "refresh_data", json!({})),
    )
    .await
    .expect("the refresh ends");
    let sources = refreshed["sources"].as_array().unwrap();
    let by_name = |n: &str| sources.iter().find(|s| s["source_name"] == n).unwrap().clone();
    let pipe = by_name("pipe");
    assert_eq!(pipe["status"], "error");
    assert!(pipe["message"].as_str().unwrap().contains("named pipe"), "{pipe}");
    let zero = by_name("zero");
    assert!(zero["message"].as_str().unwrap().contains("not a regular file"), "{zero}");
    assert_eq!(by_name("fine")["status"], "ok");
    // Exploring them answers at once too.
    let explored = studio.workbench_action(&action(&project, "explore_sources", json!({}))).await.unwrap();
    assert_eq!(explored.result["sources"].as_array().unwrap().iter().filter(|s| s["status"] == "error").count(), 2);
}

/// CPU time this process has used (user + system), from /proc.
#[cfg(target_os = "linux")]
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    let fields: Vec<&str> = stat[stat.rfind(')').unwrap() + 2..].split_whitespace().collect();
    let ticks: f64 = fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap();
    ticks / 100.0
}

/// A refresh cancelled while it reads a large file stops reading: the task is cancelled and
/// the process goes quiet, rather than a core staying busy on a read nobody waits for.
#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_refresh_stops_reading() {
    let f = fixture().await;
    let project = f.project("Large file").await.project_id;
    let big = f.dir.path().join("big.csv");
    {
        use std::io::Write;
        let mut file = std::io::BufWriter::new(std::fs::File::create(&big).unwrap());
        file.write_all(b"id,region,income,age\n").unwrap();
        let block: String = (0..10_000).map(|i| format!("{i},North,{},{}\n", 30_000 + i, 20 + i % 60)).collect();
        for _ in 0..600 {
            file.write_all(block.as_bytes()).unwrap();
        }
    }
    let studio = std::sync::Arc::new(f.studio);
    studio.start_tasks().await.unwrap();
    let config = json!({"source_name": "big", "configuration": {"path": big, "role": "microdata"}});
    studio.workbench_action(&action(&project, "configure_source", config)).await.unwrap();
    let started = studio.workbench_action(&action(&project, "refresh_data", json!({}))).await.unwrap();
    let task = started.result["task_id"].as_str().unwrap().to_string();
    // Reading: some progress made, far from the end.
    loop {
        let t = studio.get_task(&task).await.unwrap();
        assert!(!t.status.is_finished(), "the read ended before it could be cancelled: {:?}", t.reason());
        if t.progress.as_ref().is_some_and(|p| p.fraction > 0.05) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let cancelled = studio.cancel_task(&task, Some("too slow")).await.unwrap();
    assert_eq!(cancelled.status, studio_core::task_engine::TaskStatus::Cancelled);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let before = cpu_seconds();
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    let busy = cpu_seconds() - before;
    assert!(busy < 0.4, "{busy:.2} s of CPU in the second after the cancel: the read went on");
}
