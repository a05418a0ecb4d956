//! Workflows, for `studio bench workflow`: the overhead of a step that does nothing (a wait of
//! no time: the interpreter and the two durable writes of its row), taken as the difference
//! between runs of eleven such steps and runs of one, per step; and a thousand runs of ten
//! `echo` task steps each through a pool of two agents (every step a task on the engine).

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow};
use serde_json::{Value, json};
use studio_core::model::{ProjectCreate, Workflow};
use studio_core::{Request, RunStatus, Studio, StudioConfig};

use crate::bench_team::timed;
use crate::output::Printer;

const USER: &str = "5eed0000-0000-4000-8000-0000000000b1";

pub struct WorkflowBench {
    pub rounds: usize,
    pub runs: usize,
    pub steps: usize,
    pub agents: usize,
    pub concurrent: usize,
}

fn workflow(id: &str, steps: Vec<Value>) -> Result<Workflow> {
    Ok(serde_json::from_value(json!({"workflow_id": id, "name": id, "steps": steps}))?)
}

fn noops(n: usize) -> Vec<Value> {
    (0..n).map(|i| json!({"id": format!("s{i}"), "type": "wait", "seconds": 0})).collect()
}

fn echoes(n: usize) -> Vec<Value> {
    (0..n)
        .map(|i| {
            let agent = if i % 2 == 0 { "data_processor" } else { "assistant" };
            json!({"id": format!("s{i}"), "type": "task", "agent_type": agent, "task": "echo", "config": {"i": i}})
        })
        .collect()
}

async fn finish(studio: &Studio, execution: &str) -> Result<RunStatus> {
    loop {
        let run = studio.workflow_run(execution).await?;
        if run.status.is_finished() {
            return Ok(run.status);
        }
        tokio::time::sleep(Duration::from_micros(200)).await;
    }
}

async fn timed_run(studio: &Studio, project: &str, id: &str) -> Result<f64> {
    let started = Instant::now();
    let run = studio.execute_workflow(project, id, USER, &json!({}), &Value::Null).await?;
    match finish(studio, &run.execution_id).await? {
        RunStatus::Completed => Ok(started.elapsed().as_secs_f64() * 1000.0),
        other => Err(anyhow!("a bench run ended {other:?}")),
    }
}

pub async fn workflows(bench: WorkflowBench, out: &Printer) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let mut config = StudioConfig::new(dir.path().join("library.db"));
    config.max_agents = bench.agents;
    config.workflow.max_concurrent_executions = bench.concurrent;
    let studio = Arc::new(Studio::open(config).await?);
    studio.start_tasks().await?;
    let create = ProjectCreate {
        user_id: USER.into(),
        team_id: None,
        project_name: "Bench".into(),
        description: None,
        initial_query: None,
        template_id: None,
    };
    let project = studio.create_project(&create).await?.project_id;
    for (id, steps) in [("one", noops(1)), ("eleven", noops(11)), ("echoes", echoes(bench.steps))] {
        let save =
            Request::SaveWorkflow { project_id: project.clone(), user_id: USER.into(), workflow: workflow(id, steps)? };
        let _: Workflow = crate::call::call(&studio, save).await?;
    }

    // Step overhead: (eleven steps − one step) / 10, each pair run back to back.
    let mut per_step = Vec::with_capacity(bench.rounds);
    for _ in 0..bench.rounds {
        let one = timed_run(&studio, &project, "one").await?;
        let eleven = timed_run(&studio, &project, "eleven").await?;
        per_step.push(((eleven - one) / 10.0).max(0.0));
    }
    let step = timed(per_step);

    // Many runs of task steps through the agents, `concurrent` at a time.
    let started = Instant::now();
    let mut executions = Vec::with_capacity(bench.runs);
    for _ in 0..bench.runs {
        executions
            .push(studio.execute_workflow(&project, "echoes", USER, &json!({}), &Value::Null).await?.execution_id);
    }
    let mut latencies = Vec::with_capacity(bench.runs);
    for execution in &executions {
        if finish(&studio, execution).await? != RunStatus::Completed {
            return Err(anyhow!("run {execution} did not complete"));
        }
        let run = studio.workflow_run(execution).await?;
        latencies.push(run.duration.unwrap_or(0.0) * 1000.0);
    }
    let took = started.elapsed().as_secs_f64();
    let run = timed(latencies);
    let steps = bench.runs * bench.steps;
    let text = format!(
        "workflows on a library file\n  \
         no-op step overhead ({} pairs of 11- and 1-step runs): p50 {:.3} ms, p99 {:.3} ms\n  \
         {} runs × {} echo task steps through {} agents ({} runs at once): {:.1} s, {:.0} steps/s; \
         a run from its start to its end p50 {:.0} ms, p99 {:.0} ms",
        bench.rounds,
        step.p50,
        step.p99,
        bench.runs,
        bench.steps,
        bench.agents,
        bench.concurrent,
        took,
        steps as f64 / took,
        run.p50,
        run.p99
    );
    let value = json!({
        "step_overhead_ms": {"p50": step.p50, "p99": step.p99, "rounds": bench.rounds},
        "runs": {"runs": bench.runs, "steps": bench.steps, "agents": bench.agents, "seconds": took,
                 "steps_per_s": steps as f64 / took, "run_ms": {"p50": run.p50, "p99": run.p99}},
    });
    studio.close().await?;
    out.message(&text, value)
}
