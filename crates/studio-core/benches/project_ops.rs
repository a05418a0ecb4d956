//! Create, load and save of projects whose state is about 1 MB and 10 MB, and serialisation
//! of their snapshots. The seed asks < 500 ms for create/load/save and < 200 ms for a
//! snapshot; our targets are p50 < 20 ms at 1 MB and < 100 ms for a 10 MB snapshot.
//! Run: `cargo bench -p studio-core --bench project_ops`; figures go in BENCHMARKS.md.

use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use serde_json::json;
use studio_core::model::{ProjectCreate, ProjectLoad, Workbench, WorkbenchAction};
use studio_core::{Studio, StudioConfig};

const USER: &str = "bench-user";

/// (label, approximate serialized state size in bytes). "10MB" stays under the 10 MiB limit.
const SIZES: [(&str, usize); 2] = [("1MB", 1_000_000), ("10MB", 10_000_000)];

/// A project holding custom tables until its state reaches `bytes`; returns its id and the
/// id of a template made from it.
async fn project_of_size(studio: &Studio, bytes: usize) -> (String, String) {
    let req = ProjectCreate {
        user_id: USER.into(),
        team_id: None,
        project_name: format!("bench {bytes}"),
        description: Some("benchmark project".into()),
        initial_query: None,
        template_id: None,
    };
    let id = studio.create_project(&req).await.expect("create").project_id;
    // Tables of 2,000 rows (~60 kB each), like a typed-in survey extract.
    let rows: Vec<_> = (0..2000).map(|i| json!([i, 1000.0 + i as f64 * 0.37, format!("region-{}", i % 13)])).collect();
    let table_bytes = serde_json::to_string(&rows).expect("json").len();
    for n in 0..bytes / table_bytes {
        let payload = json!({"source_name": format!("table-{n}"), "configuration": {"type": "table",
            "columns": [{"name": "id", "type": "integer"}, {"name": "income", "type": "number"}, {"name": "region", "type": "category"}],
            "rows": rows}});
        let action = WorkbenchAction {
            project_id: id.clone(),
            user_id: USER.into(),
            workbench: Workbench::Data,
            action: "add_custom_source".into(),
            payload,
        };
        studio.workbench_action(&action).await.expect("add table");
    }
    studio.save(&id, USER).await.expect("save");
    let template = studio.save_template(&id, USER, &format!("bench {bytes}"), None).await.expect("template");
    (id, template.template_id)
}

fn load(id: &str) -> ProjectLoad {
    ProjectLoad { project_id: id.into(), user_id: USER.into(), version: None }
}

fn project_ops(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let dir = tempfile::tempdir().expect("temp dir");
    let studio = runtime.block_on(Studio::open(StudioConfig::new(dir.path().join("bench.db")))).expect("open");
    let mut group = c.benchmark_group("project");
    group.sample_size(20).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(6));
    for (label, bytes) in SIZES {
        let (id, template) = runtime.block_on(project_of_size(&studio, bytes));
        let state = runtime.block_on(studio.get_project(&load(&id))).expect("state");
        let size = serde_json::to_string(&state).expect("json").len();
        eprintln!("{label}: state is {size} bytes");

        group.bench_function(BenchmarkId::new("snapshot_serialise", label), |b| {
            b.iter(|| serde_json::to_string(&state).expect("json"))
        });
        // Between operations the WAL is checkpointed, as the app does when idle (`Studio::tidy`),
        // so each figure is one operation's latency, not a share of a checkpoint.
        let tidy = || runtime.block_on(studio.tidy()).expect("tidy");
        group.bench_function(BenchmarkId::new("create_from_template", label), |b| {
            b.iter_batched(
                tidy,
                |()| {
                    let req = ProjectCreate {
                        user_id: USER.into(),
                        team_id: None,
                        project_name: "copy".into(),
                        description: None,
                        initial_query: None,
                        template_id: Some(template.clone()),
                    };
                    runtime.block_on(studio.create_project(&req)).expect("create")
                },
                criterion::BatchSize::PerIteration,
            )
        });
        group.bench_function(BenchmarkId::new("load", label), |b| {
            b.iter_batched(
                || runtime.block_on(studio.close_project(&id)).expect("close"),
                |()| runtime.block_on(studio.get_project(&load(&id))).expect("load"),
                criterion::BatchSize::PerIteration,
            )
        });
        group.bench_function(BenchmarkId::new("save", label), |b| {
            b.iter_batched(
                tidy,
                |()| runtime.block_on(studio.save(&id, USER)).expect("save"),
                criterion::BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, project_ops);
criterion_main!(benches);
