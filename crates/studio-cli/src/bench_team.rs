//! `studio bench team --database URL`: a project's life on the team server's store (PostgreSQL)
//! beside the library file (SQLite), in one run: create, load (from the store, not memory),
//! save a version and a workbench action, each timed over `--rounds`, on a project of
//! `--project-mb` megabytes, and what the one dispatch adds to a workbench action (the
//! permission check on a team server, the audit row, metrics: the service called directly and
//! through `dispatch_as`, alternately); then the queue's throughput with 1 and 4 workers and, given
//! `--redis`, edits seen across two instances (`bench_team_live`). The database should be a
//! scratch one: the bench's projects are left in its bin.

use std::time::Instant;

use anyhow::{Result, anyhow};
use serde_json::{Value, json};
use studio_core::model::{ProjectCreate, ProjectLoad, Workbench, WorkbenchAction};
use studio_core::{Request, Studio, StudioConfig};

use crate::output::Printer;

/// A bench user: on a team database ids are UUIDs.
pub(crate) const USER: &str = "0b3e5c1a-7d2f-4e8a-9c61-5a4b3c2d1e0f";

/// p50 and p99 of one operation, ms.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Timed {
    pub(crate) p50: f64,
    pub(crate) p99: f64,
}

#[derive(Debug, Default)]
struct Store {
    create: Timed,
    load: Timed,
    save: Timed,
    action: Timed,
    /// The same workbench action called on the service and through the dispatch.
    direct: Timed,
    dispatched: Timed,
}

pub(crate) fn timed(mut samples: Vec<f64>) -> Timed {
    samples.sort_by(f64::total_cmp);
    let at = |p: f64| samples[((p / 100.0) * (samples.len() - 1) as f64).round() as usize];
    if samples.is_empty() { Timed::default() } else { Timed { p50: at(50.0), p99: at(99.0) } }
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}

fn act(project: &str, field: &str) -> WorkbenchAction {
    act_as(project, USER, field)
}

/// A data override of `field` by `user`.
pub(crate) fn act_as(project: &str, user: &str, field: &str) -> WorkbenchAction {
    WorkbenchAction {
        project_id: project.into(),
        user_id: user.into(),
        workbench: Workbench::Data,
        action: "override_value".into(),
        payload: json!({"override": {"field": field, "value": 1, "reason": "bench"}}),
    }
}

async fn measure(config: StudioConfig, rounds: usize, project_mb: u64) -> Result<Store> {
    let studio = Studio::open(config).await?;
    let create = |name: String| ProjectCreate {
        user_id: USER.into(),
        team_id: None,
        project_name: name,
        description: None,
        initial_query: None,
        template_id: None,
    };
    let mut out = Store::default();
    let mut samples = Vec::new();
    let mut made = Vec::new();
    for i in 0..rounds {
        let started = Instant::now();
        made.push(studio.create_project(&create(format!("Bench {i}"))).await?.project_id);
        samples.push(ms(started));
    }
    out.create = timed(samples);

    // One project of `project_mb` MB: a custom table holding that much text.
    let project = made[0].clone();
    if project_mb > 0 {
        let rows: Vec<Value> =
            (0..project_mb).map(|i| json!([format!("{i}:{}", "x".repeat(1_000_000 - 16))])).collect();
        let payload = json!({"source_name": "bulk", "configuration": {"type": "table", "columns": [{"name": "text"}], "rows": rows}});
        let bulk = WorkbenchAction { action: "add_custom_source".into(), payload, ..act(&project, "") };
        studio.workbench_action(&bulk).await?;
        studio.save(&project, USER).await?;
    }
    let (mut loads, mut saves, mut actions) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..rounds {
        studio.close_project(&project).await?;
        let load = ProjectLoad { project_id: project.clone(), user_id: USER.into(), version: None };
        let started = Instant::now();
        studio.get_project(&load).await?;
        loads.push(ms(started));
        let started = Instant::now();
        studio.workbench_action(&act(&project, &format!("f{i}"))).await?;
        actions.push(ms(started));
        let started = Instant::now();
        studio.save(&project, USER).await?;
        saves.push(ms(started));
    }
    out.load = timed(loads);
    out.save = timed(saves);
    out.action = timed(actions);
    let (mut direct, mut dispatched) = (Vec::new(), Vec::new());
    for i in 0..rounds * 5 {
        let started = Instant::now();
        studio.workbench_action(&act(&project, &format!("d{i}"))).await?;
        direct.push(ms(started));
        let started = Instant::now();
        studio.dispatch_as(USER, Request::WorkbenchAction(act(&project, &format!("g{i}")))).await?;
        dispatched.push(ms(started));
    }
    (out.direct, out.dispatched) = (timed(direct), timed(dispatched));
    for id in &made {
        studio.delete_project(id, USER).await?;
    }
    studio.close().await?;
    Ok(out)
}

/// What `studio bench team` measures.
pub struct TeamBench {
    pub database: Option<String>,
    pub redis: Option<String>,
    pub rounds: usize,
    pub project_mb: u64,
    pub live_rounds: usize,
    pub tasks: usize,
}

pub async fn team(bench: TeamBench, out: &Printer) -> Result<()> {
    let TeamBench { database, redis, rounds, project_mb, live_rounds, tasks } = bench;
    let database = database
        .or_else(|| std::env::var("STUDIO_DATABASE_URL").ok())
        .ok_or_else(|| anyhow!("give --database postgres://… (a scratch database) or STUDIO_DATABASE_URL"))?;
    let rounds = rounds.max(2);
    let dir = tempfile::tempdir()?;
    let file = measure(StudioConfig::new(dir.path().join("library.db")), rounds, project_mb).await?;
    let mut config = StudioConfig::new(dir.path().join("team").join("library.db"));
    config.team_database = Some(database.clone());
    let team = measure(config, rounds, project_mb).await?;
    let tasks = tasks.max(1);
    let one = crate::bench_team_live::queue_throughput(&database, tasks, 1).await?;
    let four = crate::bench_team_live::queue_throughput(&database, tasks, 4).await?;
    let live = match &redis {
        Some(redis) => Some(crate::bench_team_live::cross_instance(&database, redis, live_rounds.max(1)).await?),
        None => None,
    };
    let row = |what: &str, a: Timed, b: Timed| {
        format!("{what:<18} {:>8.2} {:>8.2}   {:>8.2} {:>8.2}", a.p50, a.p99, b.p50, b.p99)
    };
    let text = [
        format!("{rounds} rounds, a {project_mb} MB project; ms          library file (SQLite)   team (PostgreSQL)"),
        format!("{:<18} {:>8} {:>8}   {:>8} {:>8}", "", "p50", "p99", "p50", "p99"),
        row("create", file.create, team.create),
        row("load", file.load, team.load),
        row("save a version", file.save, team.save),
        row("workbench action", file.action, team.action),
        row("  on the service", file.direct, team.direct),
        row("  via dispatch_as", file.dispatched, team.dispatched),
        format!("task queue: {tasks} tasks claimed and finished, {one:.0}/s by 1 worker, {four:.0}/s by 4 workers"),
        match &live {
            Some(l) => format!(
                "edit seen through the other instance ({} edits, 10 projects × 10 collaborators on 2 instances): p50 {:.2} ms, p99 {:.2} ms, {} unseen",
                l.edits, l.seen.p50, l.seen.p99, l.unseen
            ),
            None => "edits across instances: give --redis redis://… to measure".into(),
        },
    ]
    .join("\n");
    let pair = |t: Timed| json!({"p50_ms": t.p50, "p99_ms": t.p99});
    let side = |s: &Store| {
        json!({
            "create": pair(s.create), "load": pair(s.load), "save": pair(s.save), "action": pair(s.action),
            "action_on_service": pair(s.direct), "action_via_dispatch": pair(s.dispatched),
        })
    };
    out.message(
        &text,
        json!({
            "rounds": rounds,
            "project_mb": project_mb,
            "database": studio_core::redact_database_url(&database),
            "library_file": side(&file),
            "team": side(&team),
            "queue": {"tasks": tasks, "per_second_1_worker": one, "per_second_4_workers": four},
            "cross_instance": live.as_ref().map(|l| json!({
                "edits": l.edits, "unseen": l.unseen, "p50_ms": l.seen.p50, "p99_ms": l.seen.p99,
                "projects": 10, "collaborators": 10, "instances": 2,
            })),
        }),
    )?;
    Ok(())
}
