//! Properties over random task graphs and random agents' capabilities.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use proptest::prelude::*;
use serde_json::Map;
use studio_tasks::{
    AgentConfig, BoardInfo, CapabilityHierarchy, Failure, Handlers, PoolConfig, TaskBoard, TaskBoards, TaskContext,
    TaskOutput, TaskSpec, TaskStatus, create_pool,
};

const CAPS: [&str; 4] = ["data", "population", "simulation", "report"];

/// A random DAG: each task may depend on any earlier one and requires up to two capabilities.
#[derive(Debug, Clone)]
struct Graph {
    deps: Vec<Vec<usize>>,
    needs: Vec<BTreeSet<String>>,
}

fn graph(max: usize) -> impl Strategy<Value = Graph> {
    (1..max).prop_flat_map(|n| {
        let deps = (0..n)
            .map(|i| if i == 0 { Just(vec![]).boxed() } else { proptest::collection::vec(0..i, 0..3).boxed() })
            .collect::<Vec<_>>();
        let needs = proptest::collection::vec(proptest::collection::btree_set(0..CAPS.len(), 0..2), n);
        (deps, needs).prop_map(|(deps, needs)| Graph {
            deps: deps
                .into_iter()
                .map(|mut d| {
                    d.sort();
                    d.dedup();
                    d
                })
                .collect(),
            needs: needs.into_iter().map(|s| s.into_iter().map(|c| CAPS[c].to_string()).collect()).collect(),
        })
    })
}

fn specs(g: &Graph) -> Vec<TaskSpec> {
    (0..g.deps.len())
        .map(|i| {
            let mut spec = TaskSpec::new("work", &format!("t{i}")).with_id(&format!("t{i}"));
            spec.dependencies = g.deps[i].iter().map(|d| format!("t{d}")).collect();
            spec.required_capabilities = g.needs[i].clone();
            spec
        })
        .collect()
}

fn board(g: &Graph) -> TaskBoard {
    let info = BoardInfo {
        id: "b".into(),
        name: "p".into(),
        description: String::new(),
        metadata: Map::new(),
        project_id: None,
        created_at: Utc::now(),
    };
    let mut b = TaskBoard::new(info, CapabilityHierarchy::new().imply("simulation", "population"));
    b.add_tasks(specs(g)).unwrap();
    b
}

fn agents() -> impl Strategy<Value = Vec<BTreeSet<String>>> {
    proptest::collection::vec(proptest::collection::btree_set(0..CAPS.len(), 0..3), 1..4)
        .prop_map(|v| v.into_iter().map(|s| s.into_iter().map(|c| CAPS[c].to_string()).collect()).collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn the_next_task_is_always_runnable_by_the_agent(g in graph(40), agents in agents(), picks in proptest::collection::vec(0usize..100, 200)) {
        let mut b = board(&g);
        let hierarchy = CapabilityHierarchy::new().imply("simulation", "population");
        let mut completions: HashMap<String, u32> = HashMap::new();
        for pick in picks {
            let which = pick % agents.len();
            let Some(task) = b.next_task(&agents[which]).cloned() else { continue };
            for dep in &task.dependencies {
                prop_assert_eq!(b.get_task(dep).unwrap().status, TaskStatus::Completed);
            }
            prop_assert!(task.required_capabilities.is_subset(&hierarchy.expand(&agents[which])));
            let agent = format!("agent{which}");
            b.assign_task(&task.id, &agent).unwrap();
            b.start_task(&task.id, &agent).unwrap();
            b.complete_task(&task.id, &agent, Map::new(), Map::new()).unwrap();
            *completions.entry(task.id.clone()).or_default() += 1;
        }
        prop_assert!(completions.values().all(|&n| n == 1));
    }

    #[test]
    fn cancelling_never_leaves_a_dependent_running(g in graph(30), steps in proptest::collection::vec((0usize..3, 0usize..30), 60)) {
        let mut b = board(&g);
        let all: BTreeSet<String> = CAPS.iter().map(|s| s.to_string()).collect();
        let mut running: Vec<String> = Vec::new();
        for (op, n) in steps {
            match op {
                0 => if let Some(t) = b.next_task(&all).cloned() {
                    b.assign_task(&t.id, "a").unwrap();
                    b.start_task(&t.id, "a").unwrap();
                    running.push(t.id);
                },
                1 => if !running.is_empty() {
                    let id = running.remove(n % running.len());
                    let _ = b.complete_task(&id, "a", Map::new(), Map::new());
                },
                _ => {
                    let id = format!("t{}", n % g.deps.len());
                    if let Ok(cancelled) = b.cancel_task(&id, "stop") {
                        for c in cancelled {
                            prop_assert_eq!(b.get_task(&c).unwrap().status, TaskStatus::Cancelled);
                        }
                    }
                }
            }
            for t in b.tasks() {
                if matches!(t.status, TaskStatus::Assigned | TaskStatus::InProgress | TaskStatus::Completed) {
                    for dep in &t.dependencies {
                        prop_assert_eq!(b.get_task(dep).unwrap().status, TaskStatus::Completed, "{} runs after {}", t.id, dep);
                    }
                }
                if matches!(t.status, TaskStatus::Failed | TaskStatus::Cancelled) {
                    for d in b.task_dependents(&t.id).unwrap() {
                        prop_assert!(d.status.is_finished() && d.status != TaskStatus::Completed, "{} outlives cancelled {}", d.id, t.id);
                    }
                }
            }
        }
    }

    #[test]
    fn with_n_agents_every_task_completes_exactly_once(g in graph(60), n in 1usize..5) {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let runs: Arc<Mutex<HashMap<String, u32>>> = Arc::default();
        let counted = runs.clone();
        let handler = move |ctx: TaskContext| {
            let counted = counted.clone();
            async move {
                *counted.lock().unwrap().entry(ctx.task.id.clone()).or_default() += 1;
                tokio::task::yield_now().await;
                Ok::<_, Failure>(TaskOutput::default())
            }
        };
        let everything = AgentConfig { capabilities: CAPS.iter().map(|s| s.to_string()).collect(), ..AgentConfig::default() };
        let config = PoolConfig { max_agents: n, min_agents: n, auto_scaling: false, health_check_interval_ms: 20, agent: everything, ..PoolConfig::default() };
        let total = g.deps.len();
        let result = runtime.block_on(async move {
            let (boards, mut updates) = TaskBoards::with_updates(CapabilityHierarchy::new());
            let board = boards.create_board("p", "", Map::new(), None).id;
            let pool = create_pool(config, boards.clone(), Handlers::new().on("work", handler)).unwrap();
            pool.start_all();
            boards.add_tasks(&board, specs(&g)).unwrap();
            // Every change is heard as it happens: no polling, and a stall ends the wait.
            let all_done = async {
                while !boards.tasks(&board).unwrap().iter().all(|t| t.status == TaskStatus::Completed) {
                    if updates.recv().await.is_none() {
                        break;
                    }
                }
            };
            let _ = tokio::time::timeout(Duration::from_secs(10), all_done).await;
            pool.stop_all(Duration::from_secs(1)).await;
            boards.tasks(&board).unwrap()
        });
        prop_assert!(result.iter().all(|t| t.status == TaskStatus::Completed), "{:?}", result.iter().filter(|t| t.status != TaskStatus::Completed).map(|t| (&t.id, t.status, t.reason(), &t.assigned_agent)).collect::<Vec<_>>());
        let runs = runs.lock().unwrap();
        prop_assert_eq!(runs.len(), total);
        prop_assert!(runs.values().all(|&c| c == 1), "{:?}", runs);
    }
}
