//! Scheduling throughput and latency of the task engine.
//! - 100,000 no-op tasks with no dependencies through 2 agents of a pool, and through a
//!   1,000-deep chain; also the board alone (claim + complete in a loop), the scheduler's cost.
//! - From submitting a task to its handler starting, with idle agents: p50 and p99.
//!
//! Run: `cargo bench -p studio-tasks --bench scheduling`; figures go in BENCHMARKS.md.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use std::time::{Duration, Instant};

use chrono::Utc;
use serde_json::Map;
use studio_tasks::{
    AgentConfig, BoardInfo, CapabilityHierarchy, Failure, Handlers, PoolConfig, TaskBoard, TaskBoards, TaskContext,
    TaskOutput, TaskSpec, TaskStatus, create_pool,
};

const TASKS: usize = 100_000;
const CHAIN: usize = 1_000;
const LATENCY_SAMPLES: usize = 2_000;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn noop_specs(n: usize, chained: bool) -> Vec<TaskSpec> {
    (0..n)
        .map(|i| {
            let spec = TaskSpec::new("noop", "noop").with_id(&format!("t{i}"));
            if chained && i > 0 { spec.after(&format!("t{}", i - 1)) } else { spec }
        })
        .collect()
}

async fn noop(_ctx: TaskContext) -> Result<TaskOutput, Failure> {
    Ok(TaskOutput::default())
}

fn pool_config(agents: usize) -> PoolConfig {
    PoolConfig {
        max_agents: agents,
        min_agents: agents,
        auto_scaling: false,
        health_check_interval_ms: 1_000,
        agent: AgentConfig::default(),
        ..PoolConfig::default()
    }
}

/// Seconds to run `specs` through a pool of 2 agents, from the moment they are added.
async fn through_pool(specs: Vec<TaskSpec>) -> f64 {
    let n = specs.len();
    let boards = TaskBoards::new(CapabilityHierarchy::new());
    let board = boards.create_board("bench", "", Map::new(), None).id;
    let pool = create_pool(pool_config(2), boards.clone(), Handlers::new().on("noop", noop)).expect("pool");
    pool.start_all();
    let started = Instant::now();
    boards.add_tasks(&board, specs).expect("add");
    let last = format!("t{}", n - 1);
    loop {
        let done = boards.with_board(&board, |b| b.list_tasks(Some(TaskStatus::Completed), None).len()).expect("board");
        if done == n && boards.get_task(&last).expect("last").status == TaskStatus::Completed {
            break;
        }
        tokio::time::sleep(Duration::from_micros(200)).await;
    }
    let secs = started.elapsed().as_secs_f64();
    pool.stop_all(Duration::from_secs(1)).await;
    secs
}

/// The board alone: 2 threads claiming and completing until the board is settled.
fn board_only(specs: Vec<TaskSpec>) -> f64 {
    let info = BoardInfo {
        id: "b".into(),
        name: "bench".into(),
        description: String::new(),
        metadata: Map::new(),
        project_id: None,
        created_at: Utc::now(),
    };
    let mut board = TaskBoard::new(info, CapabilityHierarchy::new());
    board.add_tasks(specs).expect("add");
    let board = Arc::new(Mutex::new(board));
    let started = Instant::now();
    let workers: Vec<_> = (0..2)
        .map(|w| {
            let board = board.clone();
            std::thread::spawn(move || {
                let agent = format!("agent{w}");
                let none = BTreeSet::new();
                loop {
                    let claimed = board.lock().expect("lock").claim_next(&agent, &none);
                    match claimed {
                        Some(task) => board
                            .lock()
                            .expect("lock")
                            .complete_task(&task.id, &agent, Map::new(), Map::new())
                            .expect("complete"),
                        None if board.lock().expect("lock").is_settled() => return,
                        None => std::thread::yield_now(),
                    }
                }
            })
        })
        .collect();
    for w in workers {
        w.join().expect("worker");
    }
    started.elapsed().as_secs_f64()
}

async fn latency() -> Vec<Duration> {
    let boards = TaskBoards::new(CapabilityHierarchy::new());
    let board = boards.create_board("latency", "", Map::new(), None).id;
    // The handler says when it started; the bench waits on the channel, parked, so it does
    // not compete with the agents for the two cores.
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Instant>();
    let record = move |_ctx: TaskContext| {
        let _ = tx.send(Instant::now());
        async { Ok::<_, Failure>(TaskOutput::default()) }
    };
    let pool = create_pool(pool_config(2), boards.clone(), Handlers::new().on("record", record)).expect("pool");
    pool.start_all();
    tokio::time::sleep(Duration::from_millis(50)).await;
    let mut samples = Vec::with_capacity(LATENCY_SAMPLES);
    for i in 0..LATENCY_SAMPLES {
        let submitted = Instant::now();
        boards.add_task(&board, TaskSpec::new("record", "record").with_id(&format!("l{i}"))).expect("add");
        let started = rx.recv().await.expect("started");
        samples.push(started - submitted);
        // Idle agents: let the task finish and the agent go back to waiting.
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    pool.stop_all(Duration::from_secs(1)).await;
    samples.sort();
    samples
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let best = |f: &mut dyn FnMut() -> f64| (0..3).map(|_| f()).fold(f64::INFINITY, f64::min);

    let secs = best(&mut || runtime.block_on(through_pool(noop_specs(TASKS, false))));
    println!(
        "pool, 2 agents, {TASKS} independent no-op tasks: {:.0} tasks/s ({:.1} ms)",
        TASKS as f64 / secs,
        secs * 1e3
    );
    let secs = best(&mut || runtime.block_on(through_pool(noop_specs(CHAIN, true))));
    println!("pool, 2 agents, a {CHAIN}-deep chain: {:.0} tasks/s ({:.1} ms)", CHAIN as f64 / secs, secs * 1e3);
    let secs = best(&mut || board_only(noop_specs(TASKS, false)));
    println!(
        "board alone, 2 threads, {TASKS} independent tasks: {:.0} tasks/s ({:.1} ms)",
        TASKS as f64 / secs,
        secs * 1e3
    );
    let secs = best(&mut || board_only(noop_specs(CHAIN, true)));
    println!("board alone, 2 threads, a {CHAIN}-deep chain: {:.0} tasks/s ({:.2} ms)", CHAIN as f64 / secs, secs * 1e3);
    let samples = runtime.block_on(latency());
    println!(
        "submit to start, idle agents, {LATENCY_SAMPLES} tasks: p50 {:.1} µs, p99 {:.1} µs",
        percentile(&samples, 0.5).as_secs_f64() * 1e6,
        percentile(&samples, 0.99).as_secs_f64() * 1e6
    );
}
