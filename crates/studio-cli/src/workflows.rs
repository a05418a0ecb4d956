//! `studio workflow …`: a project's workflows from the command line — list, show, save from a
//! JSON file, delete, run (followed with --wait), the runs with each step, and a run paused,
//! resumed or cancelled.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Result, anyhow};
use clap::Subcommand;
use serde_json::{Value, json};
use studio_core::model::Workflow;
use studio_core::{Request, Studio, WorkflowRun};

use crate::call::{call, resolve};
use crate::output::Printer;

#[derive(Subcommand, Debug)]
pub enum WorkflowCommand {
    /// The project's workflows.
    List { project: String },
    /// One workflow as JSON.
    Show { project: String, workflow: String },
    /// Save a workflow (made, or replaced by its `workflow_id`) from a JSON file, `-` for stdin.
    Save { project: String, file: String },
    /// Delete a workflow from the project (its runs stay; undo brings it back).
    Delete { project: String, workflow: String },
    /// Run a workflow: left to the app or `studio serve` when one runs (unless --wait), else
    /// run here and followed step by step; non-zero if it fails or is cancelled.
    Run {
        project: String,
        workflow: String,
        /// What the run's expressions read as `input`, as JSON.
        #[arg(long)]
        input: Option<String>,
        #[arg(long)]
        wait: bool,
    },
    /// The project's runs, newest first (one workflow's when it is named).
    Runs { project: String, workflow: Option<String> },
    /// One run with each step's status, output and timing.
    Status { execution: String },
    /// Pause a run between two steps.
    Pause { execution: String },
    /// Resume a paused run.
    Resume { execution: String },
    /// Cancel a run: a running task or wait is cut short.
    Cancel { execution: String },
}

fn run_text(run: &WorkflowRun) -> String {
    let mut lines = vec![format!(
        "{}  {}  {:?}  {}/{} steps{}{}",
        run.execution_id,
        run.workflow_name,
        run.status,
        run.steps_completed,
        run.total_steps,
        run.duration.map(|d| format!("  {d:.2} s")).unwrap_or_default(),
        run.error.as_deref().map(|e| format!("\n  {e}")).unwrap_or_default()
    )];
    for step in &run.steps {
        let ms = step.duration_ms.map(|d| format!(" {d:.0} ms")).unwrap_or_default();
        let extra = step.error.as_deref().map(|e| format!(" — {e}")).unwrap_or_default();
        lines.push(format!("  {:<24} {:<9} {}{ms}{extra}", step.path, step.status, step.kind));
    }
    lines.join("\n")
}

async fn control(studio: &Studio, user: &str, execution: String, what: &str, out: &Printer) -> Result<()> {
    let request = Request::ControlWorkflowRun { execution_id: execution, user_id: user.into(), control: what.into() };
    let run: WorkflowRun = call(studio, request).await?;
    out.message(&run_text(&run), json!(run))
}

pub async fn workflow(studio: &Arc<Studio>, user: &str, command: WorkflowCommand, out: &Printer) -> Result<()> {
    match command {
        WorkflowCommand::List { project } => {
            let project_id = resolve(studio, user, &project).await?;
            let list: Vec<Workflow> = call(studio, Request::ListWorkflows { project_id }).await?;
            let text: Vec<String> = list
                .iter()
                .map(|w| {
                    format!("{}  {}  ({} steps, {} triggers)", w.workflow_id, w.name, w.steps.len(), w.triggers.len())
                })
                .collect();
            out.message(&text.join("\n"), json!(list))
        }
        WorkflowCommand::Show { project, workflow } => {
            let project_id = resolve(studio, user, &project).await?;
            let w: Workflow = call(studio, Request::GetWorkflow { project_id, workflow_id: workflow }).await?;
            out.message(&serde_json::to_string_pretty(&w)?, json!(w))
        }
        WorkflowCommand::Save { project, file } => {
            let project_id = resolve(studio, user, &project).await?;
            let text = if file == "-" {
                std::io::read_to_string(std::io::stdin())?
            } else {
                std::fs::read_to_string(&file).map_err(|e| anyhow!("cannot read {file}: {e}"))?
            };
            let workflow: Workflow =
                serde_json::from_str(&text).map_err(|e| anyhow!("{file} is not a workflow: {e}"))?;
            let request = Request::SaveWorkflow { project_id, user_id: user.into(), workflow };
            let saved: Workflow = call(studio, request).await?;
            out.message(&format!("Saved the workflow '{}' ({})", saved.name, saved.workflow_id), json!(saved))
        }
        WorkflowCommand::Delete { project, workflow } => {
            let project_id = resolve(studio, user, &project).await?;
            let request = Request::DeleteWorkflow { project_id, user_id: user.into(), workflow_id: workflow.clone() };
            let _: Value = call(studio, request).await?;
            out.message(&format!("Deleted the workflow {workflow}"), json!({"deleted": workflow}))
        }
        WorkflowCommand::Run { project, workflow, input, wait } => {
            let project_id = resolve(studio, user, &project).await?;
            let input: Value = match input {
                Some(text) => serde_json::from_str(&text).map_err(|e| anyhow!("--input is not valid JSON: {e}"))?,
                None => json!({}),
            };
            let runner = if wait { None } else { studio.task_runner().await? };
            if runner.is_none() {
                studio.start_tasks().await?;
            }
            let request = Request::ExecuteWorkflow { project_id, user_id: user.into(), workflow_id: workflow, input };
            let started: WorkflowRun = call(studio, request).await?;
            if let Some(runner) = runner {
                let text = format!("Run {} queued; {runner} runs it.", started.execution_id);
                return out.message(&text, json!(started));
            }
            let run = follow(studio, &started.execution_id, out).await?;
            out.message(&run_text(&run), json!(run))?;
            match run.status {
                studio_core::RunStatus::Completed => Ok(()),
                other => Err(anyhow!("the run ended {other:?}")),
            }
        }
        WorkflowCommand::Runs { project, workflow } => {
            let project_id = resolve(studio, user, &project).await?;
            let runs: Vec<WorkflowRun> =
                call(studio, Request::ListWorkflowRuns { project_id, workflow_id: workflow }).await?;
            let text: Vec<String> = runs.iter().map(run_text).collect();
            out.message(&text.join("\n"), json!(runs))
        }
        WorkflowCommand::Status { execution } => {
            let run: WorkflowRun = call(studio, Request::GetWorkflowRun { execution_id: execution }).await?;
            out.message(&run_text(&run), json!(run))
        }
        WorkflowCommand::Pause { execution } => control(studio, user, execution, "pause", out).await,
        WorkflowCommand::Resume { execution } => control(studio, user, execution, "resume", out).await,
        WorkflowCommand::Cancel { execution } => control(studio, user, execution, "cancel", out).await,
    }
}

/// Follows a run to its end, telling each step as it finishes (not with --json).
async fn follow(studio: &Studio, execution: &str, out: &Printer) -> Result<WorkflowRun> {
    let mut told = 0;
    loop {
        let run: WorkflowRun = call(studio, Request::GetWorkflowRun { execution_id: execution.into() }).await?;
        let finished: Vec<_> = run.steps.iter().filter(|s| s.status != "running").collect();
        for step in finished.get(told..).unwrap_or_default() {
            if !out.json {
                crate::errln!("  {} {} ({})", step.path, step.status, step.kind);
            }
        }
        told = told.max(finished.len());
        if run.status.is_finished() {
            return Ok(run);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
