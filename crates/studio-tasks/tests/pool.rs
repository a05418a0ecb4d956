//! The agent pool running real handlers on the Tokio runtime: timeouts, retries, cancelling a
//! running task, an agent that dies, scaling, and the pool's own bookkeeping.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Map, json};
use studio_tasks::{
    AgentConfig, AgentPool, AgentStatus, CapabilityHierarchy, Failure, Handlers, PoolConfig, PoolStatus, RetryPolicy,
    Task, TaskBoards, TaskContext, TaskError, TaskOutput, TaskSpec, TaskStatus, create_agent, create_pool,
};

fn config(agents: usize) -> PoolConfig {
    PoolConfig {
        max_agents: agents.max(1),
        min_agents: agents,
        health_check_interval_ms: 10,
        auto_scaling: false,
        tasks_per_agent: 1,
        agent: AgentConfig { agent_type: "worker".into(), ..AgentConfig::default() },
    }
}

async fn finished(boards: &TaskBoards, id: &str) -> Task {
    for _ in 0..500 {
        let task = boards.get_task(id).unwrap();
        if task.status.is_finished() {
            return task;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("task {id} did not finish: {:?}", boards.get_task(id).unwrap());
}

fn start(handlers: Handlers, agents: usize) -> (TaskBoards, AgentPool, String) {
    let boards = TaskBoards::new(CapabilityHierarchy::new());
    let board = boards.create_board("tests", "", Map::new(), None).id;
    let pool = create_pool(config(agents), boards.clone(), handlers).unwrap();
    pool.start_all();
    (boards, pool, board)
}

async fn echo(ctx: TaskContext) -> Result<TaskOutput, Failure> {
    ctx.progress(0.5, "halfway");
    Ok(TaskOutput::default().with("echo", ctx.inputs().get("value").cloned().unwrap_or_default()))
}

#[tokio::test(start_paused = true)]
async fn tasks_run_in_dependency_order_with_their_outputs() {
    let (boards, pool, board) = start(Handlers::new().on("echo", echo), 2);
    let a = boards.add_task(&board, TaskSpec::new("echo", "a").input("value", json!(1))).unwrap();
    let b = boards.add_task(&board, TaskSpec::new("echo", "b").after(&a).input("value", json!(2))).unwrap();
    let b = finished(&boards, &b).await;
    let a = finished(&boards, &a).await;
    assert_eq!(b.result.unwrap().outputs["echo"], json!(2));
    assert!(a.finished_at.unwrap() <= b.started_at.unwrap());
    assert_eq!(a.progress.unwrap().fraction, 1.0);
    pool.stop_all(Duration::from_secs(1)).await;
    assert_eq!(pool.status(), PoolStatus::Stopped);
}

#[tokio::test(start_paused = true)]
async fn a_task_past_its_timeout_fails_and_its_handler_is_told_to_stop() {
    let stopped = Arc::new(AtomicU32::new(0));
    let seen = stopped.clone();
    let slow = move |ctx: TaskContext| {
        let seen = seen.clone();
        async move {
            let token = ctx.cancel_token();
            let watcher = tokio::spawn(async move {
                token.cancelled().await;
                seen.fetch_add(1, Ordering::SeqCst);
            });
            tokio::time::sleep(Duration::from_secs(30)).await;
            watcher.abort();
            Ok(TaskOutput::default())
        }
    };
    let (boards, _pool, board) = start(Handlers::new().on("slow", slow), 1);
    let mut spec = TaskSpec::new("slow", "slow");
    spec.timeout_secs = Some(0.1);
    let t = finished(&boards, &boards.add_task(&board, spec).unwrap()).await;
    assert_eq!((t.status, t.reason()), (TaskStatus::Failed, Some("timeout")));
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(stopped.load(Ordering::SeqCst), 1);
}

#[tokio::test(start_paused = true)]
async fn transient_failures_are_retried_until_they_succeed() {
    // Time is tokio's, paused: the backoff is waited out on the test's clock, not the wall's.
    let calls: Arc<Mutex<Vec<tokio::time::Instant>>> = Arc::default();
    let seen = calls.clone();
    let flaky = move |_ctx: TaskContext| {
        let n = {
            let mut calls = seen.lock().unwrap();
            calls.push(tokio::time::Instant::now());
            calls.len() - 1
        };
        async move {
            if n < 2 {
                Err(Failure::transient(format!("busy ({n})")))
            } else {
                Ok(TaskOutput::default().with("calls", json!(n + 1)))
            }
        }
    };
    let (boards, _pool, board) = start(Handlers::new().on("flaky", flaky), 1);
    let mut spec = TaskSpec::new("flaky", "flaky");
    spec.retry = RetryPolicy { max_attempts: 3, backoff_ms: 20, max_backoff_ms: 100 };
    let t = finished(&boards, &boards.add_task(&board, spec).unwrap()).await;
    assert_eq!((t.status, t.attempt), (TaskStatus::Completed, 3));
    assert_eq!(t.failed_attempts.iter().map(|a| a.reason.as_str()).collect::<Vec<_>>(), ["busy (0)", "busy (1)"]);
    let calls = calls.lock().unwrap();
    assert!(calls[1] - calls[0] >= Duration::from_millis(20), "first backoff honoured: {:?}", calls[1] - calls[0]);
    assert!(calls[2] - calls[1] >= Duration::from_millis(40), "and doubled: {:?}", calls[2] - calls[1]);
}

#[tokio::test(start_paused = true)]
async fn cancelling_a_running_task_stops_its_handler_and_its_dependents_never_run() {
    let ran = Arc::new(AtomicU32::new(0));
    let ran_after = ran.clone();
    let cooperative = |ctx: TaskContext| async move {
        for step in 0..1_000 {
            if ctx.is_cancelled() {
                return Err(Failure::new("stopped"));
            }
            ctx.progress(step as f64 / 1_000.0, "working");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        Ok(TaskOutput::default())
    };
    let after = move |_ctx: TaskContext| {
        ran_after.fetch_add(1, Ordering::SeqCst);
        async { Ok(TaskOutput::default()) }
    };
    let (boards, _pool, board) = start(Handlers::new().on("long", cooperative).on("after", after), 2);
    let long = boards.add_task(&board, TaskSpec::new("long", "long")).unwrap();
    let next = boards.add_task(&board, TaskSpec::new("after", "after").after(&long)).unwrap();
    while boards.get_task(&long).unwrap().progress.is_none() {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let cancelled = boards.cancel_task(&long, "the analyst pressed Cancel").unwrap();
    assert_eq!(cancelled, [long.clone(), next.clone()]);
    let t = finished(&boards, &long).await;
    assert_eq!((t.status, t.reason()), (TaskStatus::Cancelled, Some("the analyst pressed Cancel")));
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(boards.get_task(&long).unwrap().status, TaskStatus::Cancelled, "the handler's late report is refused");
    assert_eq!(ran.load(Ordering::SeqCst), 0);
}

#[tokio::test(start_paused = true)]
async fn an_agent_that_dies_mid_task_is_replaced_and_the_task_retried_or_failed() {
    let deaths = Arc::new(AtomicU32::new(0));
    let counter = deaths.clone();
    let fragile = move |ctx: TaskContext| {
        let first = counter.fetch_add(1, Ordering::SeqCst) == 0;
        async move {
            if first && ctx.task.name == "retried" {
                panic!("the agent's thread blew up");
            }
            if ctx.task.name == "once" {
                panic!("this one dies every time");
            }
            Ok(TaskOutput::default())
        }
    };
    let (boards, pool, board) = start(Handlers::new().on("fragile", fragile), 1);
    let first_agent = pool.report().agents[0].agent.id.clone();
    let mut spec = TaskSpec::new("fragile", "retried");
    spec.retry = RetryPolicy { max_attempts: 2, backoff_ms: 0, max_backoff_ms: 0 };
    let retried = finished(&boards, &boards.add_task(&board, spec).unwrap()).await;
    assert_eq!((retried.status, retried.attempt), (TaskStatus::Completed, 2));
    assert!(retried.failed_attempts[0].reason.contains("died"), "{:?}", retried.failed_attempts);
    assert_eq!(pool.agent_status(&first_agent).unwrap(), AgentStatus::Failed);

    let once = finished(&boards, &boards.add_task(&board, TaskSpec::new("fragile", "once")).unwrap()).await;
    assert_eq!(once.status, TaskStatus::Failed);
    assert!(once.reason().unwrap().contains("died while running the task"), "{:?}", once.reason());
    // Replaced: the pool still has a running agent.
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(pool.report().agents.iter().any(|a| a.agent.status == AgentStatus::Running));
}

#[tokio::test(start_paused = true)]
async fn agents_only_take_tasks_they_are_capable_of() {
    let boards = TaskBoards::new(CapabilityHierarchy::new().imply("advanced_math", "basic_math"));
    let board = boards.create_board("caps", "", Map::new(), None).id;
    let who = |ctx: TaskContext| async move { Ok(TaskOutput::default().with("agent", json!(ctx.agent_id))) };
    let mut config = config(0);
    config.max_agents = 2;
    let pool = create_pool(config, boards.clone(), Handlers::new().on("who", who)).unwrap();
    let mut writer = AgentConfig { agent_id: Some("writer".into()), agent_type: "writer".into(), ..Default::default() };
    writer.capabilities = vec!["report_generation".into()];
    let mut maths = AgentConfig { agent_id: Some("maths".into()), agent_type: "analyst".into(), ..Default::default() };
    maths.capabilities = vec!["advanced_math".into()];
    pool.add_agent(create_agent(writer)).unwrap();
    pool.add_agent(create_agent(maths)).unwrap();
    let full = pool.add_agent(create_agent(AgentConfig::default())).unwrap_err();
    assert_eq!(full, TaskError::PoolFull(2));
    pool.start_all();
    let sum = boards.add_task(&board, TaskSpec::new("who", "sum").needs("basic_math")).unwrap();
    let report = boards.add_task(&board, TaskSpec::new("who", "report").needs("report_generation")).unwrap();
    let agent = |t: Task| t.result.unwrap().outputs["agent"].clone();
    assert_eq!(agent(finished(&boards, &sum).await), json!("maths"));
    assert_eq!(agent(finished(&boards, &report).await), json!("writer"));
    assert_eq!(pool.remove_agent("writer").unwrap().status, AgentStatus::Stopped);
    assert!(pool.remove_agent("writer").is_err());
}

#[tokio::test(start_paused = true)]
async fn the_pool_scales_with_the_queue_between_its_bounds() {
    let boards = TaskBoards::new(CapabilityHierarchy::new());
    let board = boards.create_board("scale", "", Map::new(), None).id;
    let nap = |_ctx: TaskContext| async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        Ok(TaskOutput::default())
    };
    let config = PoolConfig { max_agents: 4, min_agents: 1, auto_scaling: true, tasks_per_agent: 2, ..config(1) };
    let pool = create_pool(config, boards.clone(), Handlers::new().on("nap", nap)).unwrap();
    pool.start_all();
    let ids: Vec<String> =
        (0..20).map(|i| boards.add_task(&board, TaskSpec::new("nap", &format!("nap {i}"))).unwrap()).collect();
    tokio::time::sleep(Duration::from_millis(60)).await;
    let busy = pool.report().agents.len();
    assert_eq!(busy, 4, "scaled up to max_agents");
    for id in &ids {
        finished(&boards, id).await;
    }
    tokio::time::sleep(Duration::from_millis(60)).await;
    assert_eq!(pool.report().agents.len(), 1, "back down to min_agents when idle");
}

#[tokio::test(start_paused = true)]
async fn a_task_without_a_handler_fails_saying_so() {
    let (boards, _pool, board) = start(Handlers::new(), 1);
    let t = finished(&boards, &boards.add_task(&board, TaskSpec::new("mystery", "m")).unwrap()).await;
    assert_eq!(t.reason(), Some("no handler runs tasks of kind 'mystery'"));
}

#[tokio::test(start_paused = true)]
async fn a_pinned_agent_stays_through_scaling_is_restarted_when_it_dies_and_keeps_its_history() {
    let boards = TaskBoards::new(CapabilityHierarchy::new());
    let board = boards.create_board("pinned", "", Map::new(), None).id;
    let calls = Arc::new(AtomicU32::new(0));
    let seen = calls.clone();
    let api = move |ctx: TaskContext| {
        let first = seen.fetch_add(1, Ordering::SeqCst) == 0;
        async move {
            if first {
                panic!("the api agent's first call blew up");
            }
            Ok(TaskOutput::default().with("agent", json!(ctx.agent_id)))
        }
    };
    let mut scaled = PoolConfig { max_agents: 2, min_agents: 1, auto_scaling: true, tasks_per_agent: 1, ..config(1) };
    scaled.agent.capabilities = vec!["data".into()];
    let pool = create_pool(scaled, boards.clone(), Handlers::new().on("call", api)).unwrap();
    let spawned = AgentConfig {
        agent_id: Some("api_1".into()),
        agent_type: "api".into(),
        capabilities: vec!["api".into()],
        ..AgentConfig::default()
    };
    // Outside max_agents: the pool's own two still fit beside it.
    pool.add_pinned(create_agent(spawned)).unwrap();
    pool.start_all();
    let mut spec = TaskSpec::new("call", "first").needs("api");
    spec.retry = RetryPolicy { max_attempts: 2, backoff_ms: 0, max_backoff_ms: 0 };
    let first = finished(&boards, &boards.add_task(&board, spec).unwrap()).await;
    assert_eq!((first.status, first.attempt), (TaskStatus::Completed, 2), "{first:?}");
    assert_eq!(first.result.unwrap().outputs["agent"], json!("api_1"), "restarted in place, same id");
    tokio::time::sleep(Duration::from_millis(60)).await;
    let report = pool.agent_report("api_1").expect("still in the pool");
    assert!(report.pinned);
    assert_eq!(report.agent.status, AgentStatus::Running);
    assert_eq!(report.history.len(), 1, "the death left no record; the retry did: {:?}", report.history);
    assert_eq!((report.history[0].kind.as_str(), report.history[0].outcome.as_str()), ("call", "completed"));
    // Idle, the pool scales down to min_agents of its own and keeps the pinned one.
    let mine = pool.report().agents.iter().filter(|a| !a.pinned && a.agent.status == AgentStatus::Running).count();
    assert_eq!(mine, 1);
    assert!(pool.agent_report("api_1").is_some());
    pool.remove_agent("api_1").unwrap();
    assert!(pool.agent_report("api_1").is_none());
}
