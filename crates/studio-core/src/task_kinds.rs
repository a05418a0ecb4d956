//! The kinds of task the product runs, and the pipeline graph built from a project's stale
//! stages: data → population → one task per scenario → report.

use std::path::PathBuf;
use std::sync::{Arc, Weak};

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use studio_model::{
    Action, ProjectContent, ProjectLoad, ReportAction, ScenarioAction, ScenarioRecord, SimulationAction,
    SimulationSettings, StageStatus, StateChanges, Workbench, WorkbenchResponse,
};
use studio_tasks::{AgentConfig, Failure, Handlers, PoolConfig, Task, TaskContext, TaskOutput, TaskSpec, create_pool};

use crate::actor::Actor;
use crate::error::{CoreError, Result};
use crate::reports_service::Reports;
use crate::studio::Studio;
use crate::tasks::CAPABILITIES;

pub(crate) fn handlers(studio: Weak<Studio>) -> Handlers {
    let export = studio.clone();
    let save = studio.clone();
    let refresh = studio.clone();
    let regenerate = studio.clone();
    let scenario = studio.clone();
    let console = studio.clone();
    let generate = studio.clone();
    let export_report = studio.clone();
    let sensitivity = studio.clone();
    let goal = studio.clone();
    let deliver = studio;
    Handlers::new()
        .on("export_project", move |ctx: TaskContext| export_project(export.clone(), ctx))
        .on("save_project", move |ctx: TaskContext| save_project(save.clone(), ctx))
        .on("refresh_data", move |ctx: TaskContext| run_stage(refresh.clone(), ctx, Workbench::Data))
        .on("regenerate_population", move |ctx: TaskContext| run_stage(regenerate.clone(), ctx, Workbench::Population))
        .on("run_scenario", move |ctx: TaskContext| run_scenario(scenario.clone(), ctx, false))
        .on("play_scenario", move |ctx: TaskContext| run_scenario(console.clone(), ctx, true))
        .on("generate_report", move |ctx: TaskContext| generate_report(generate.clone(), ctx))
        .on("export_report", move |ctx: TaskContext| export_report_task(export_report.clone(), ctx))
        .on("deliver_report", move |ctx: TaskContext| deliver_report(deliver.clone(), ctx))
        .on("sensitivity", move |ctx: TaskContext| analyse_sensitivity(sensitivity.clone(), ctx))
        .on("goal_seek", move |ctx: TaskContext| seek_goal(goal.clone(), ctx))
        .on("echo", crate::workflow_tasks::echo)
        .on("http_request", crate::workflow_tasks::http_request)
}

/// A goal seek from a scenario (inputs `scenario_id`, `request`); cancelling stops it between
/// two combinations.
async fn seek_goal(studio: Weak<Studio>, ctx: TaskContext) -> std::result::Result<TaskOutput, Failure> {
    let studio = studio_of(&studio)?;
    let actor = actor_of(&ctx);
    let scenario_id = input(&ctx, "scenario_id")?.as_str().unwrap_or_default().to_string();
    let request: studio_model::GoalSeekRequest =
        serde_json::from_value(input(&ctx, "request")?.clone()).map_err(|e| Failure::new(format!("request: {e}")))?;
    let progress = |f: f64, what: &str| ctx.progress(f, what);
    let done = studio.scenarios.seek_goal(&actor, &scenario_id, &request, &progress, ctx.cancel_token()).await;
    done.map(output).map_err(|e| Failure::new(e.message))
}

/// A scenario's global sensitivity analysis (inputs `scenario_id`, `request`); cancelling stops
/// it between two points.
async fn analyse_sensitivity(studio: Weak<Studio>, ctx: TaskContext) -> std::result::Result<TaskOutput, Failure> {
    let studio = studio_of(&studio)?;
    let actor = actor_of(&ctx);
    let scenario_id = input(&ctx, "scenario_id")?.as_str().unwrap_or_default().to_string();
    let request: studio_model::SensitivityRequest =
        serde_json::from_value(input(&ctx, "request")?.clone()).map_err(|e| Failure::new(format!("request: {e}")))?;
    let progress = |f: f64, what: &str| ctx.progress(f, what);
    let done =
        studio.scenarios.analyse_sensitivity(&actor, &scenario_id, &request, &progress, ctx.cancel_token()).await;
    done.map(output).map_err(|e| Failure::new(e.message))
}

/// Sends the scheduled report (input `reason`: `scheduled` or `manual`).
async fn deliver_report(studio: Weak<Studio>, ctx: TaskContext) -> std::result::Result<TaskOutput, Failure> {
    let studio = studio_of(&studio)?;
    let project_id = ctx.task.project_id.clone().unwrap_or_default();
    let reason: crate::schedules::DeliveryReason =
        ctx.inputs().get("reason").and_then(|v| serde_json::from_value(v.clone()).ok()).unwrap_or_default();
    let progress = |f: f64, what: &str| ctx.progress(f, what);
    let delivery =
        studio.reports.deliver_report(&project_id, reason, &progress).await.map_err(|e| Failure::new(e.message))?;
    Ok(output(crate::schedules::delivery_output(&delivery)))
}

/// Generates the project's report (with the input `report_config`, else the project's).
async fn generate_report(studio: Weak<Studio>, ctx: TaskContext) -> std::result::Result<TaskOutput, Failure> {
    let studio = studio_of(&studio)?;
    let project_id = ctx.task.project_id.clone().unwrap_or_default();
    let user_id = ctx.inputs().get("user_id").and_then(|v| v.as_str()).unwrap_or("studio").to_string();
    let config = match ctx.inputs().get("report_config").filter(|v| !v.is_null()) {
        Some(v) => Some(serde_json::from_value(v.clone()).map_err(|e| Failure::new(format!("report_config: {e}")))?),
        None => None,
    };
    let progress = |f: f64, what: &str| ctx.progress(f, what);
    let report = studio
        .reports
        .generate_report(&Actor::new(project_id, user_id), config, &progress)
        .await
        .map_err(|e| Failure::new(e.message))?;
    Ok(output(crate::reports::report_summary(&report)))
}

/// Renders a report (`report_id`, `format`, optional `path`) and records the file.
async fn export_report_task(studio: Weak<Studio>, ctx: TaskContext) -> std::result::Result<TaskOutput, Failure> {
    let studio = studio_of(&studio)?;
    let project_id = ctx.task.project_id.clone().unwrap_or_default();
    let report_id = input(&ctx, "report_id")?.as_str().unwrap_or_default().to_string();
    let format = input(&ctx, "format")?.as_str().unwrap_or_default().to_string();
    let path: Option<PathBuf> = ctx.inputs().get("path").and_then(|v| v.as_str()).map(PathBuf::from);
    let progress = |f: f64, what: &str| ctx.progress(f, what);
    let receipt = studio
        .reports
        .export_report(&project_id, &report_id, &format, path, &progress)
        .await
        .map_err(|e| Failure::new(e.message))?;
    Ok(output(serde_json::to_value(receipt).map_err(|e| Failure::new(e.to_string()))?))
}

/// Who a task acts for: its project, and the user who asked (`studio` when none is named).
fn actor_of(ctx: &TaskContext) -> crate::actor::Actor {
    let project_id = ctx.task.project_id.clone().unwrap_or_default();
    let user_id = ctx.inputs().get("user_id").and_then(|v| v.as_str()).unwrap_or("studio");
    crate::actor::Actor::new(&project_id, user_id)
}

/// Refreshes the data or regenerates the population, reporting progress on the task.
async fn run_stage(
    studio: Weak<Studio>,
    ctx: TaskContext,
    stage: Workbench,
) -> std::result::Result<TaskOutput, Failure> {
    let studio = studio_of(&studio)?;
    let actor = actor_of(&ctx);
    let progress = |f: f64, what: &str| ctx.progress(f, what);
    let result = match stage {
        Workbench::Data => {
            let because = ctx.inputs().get("because").and_then(|v| v.as_str());
            studio.data.refresh_data(&actor, because, &progress).await
        }
        _ => studio.population.regenerate_population(&actor, &progress).await,
    };
    result.map(output).map_err(|e| Failure::new(e.message))
}

/// Runs one scenario's ensemble (the input `scenario_id`), reporting progress by tick; in the
/// console (`play`) it can be paused, stepped and shocked while it runs.
async fn run_scenario(studio: Weak<Studio>, ctx: TaskContext, play: bool) -> std::result::Result<TaskOutput, Failure> {
    let studio = studio_of(&studio)?;
    let actor = actor_of(&ctx);
    let scenario_id = input(&ctx, "scenario_id")?.as_str().unwrap_or_default().to_string();
    let progress = |f: f64, what: &str| ctx.progress(f, what);
    let result = if play {
        let token = ctx.cancel_token();
        studio.scenarios.play_scenario(&actor, &scenario_id, &progress, async move { token.cancelled().await }).await
    } else {
        let summary = studio.scenarios.run_scenario(&actor, &scenario_id, &progress).await;
        summary.and_then(|s| serde_json::to_value(s).map_err(crate::error::CoreError::internal))
    };
    result.map(output).map_err(|e| Failure::new(e.message))
}

async fn export_project(studio: Weak<Studio>, ctx: TaskContext) -> std::result::Result<TaskOutput, Failure> {
    let studio = studio_of(&studio)?;
    let project_id = ctx.task.project_id.clone().unwrap_or_default();
    let path: PathBuf =
        serde_json::from_value(input(&ctx, "path")?.clone()).map_err(|e| Failure::new(e.to_string()))?;
    let with_artifacts = ctx.inputs().get("with_artifacts").and_then(|v| v.as_bool()).unwrap_or(false);
    ctx.progress(0.1, &format!("writing {}", path.display()));
    let receipt =
        studio.export_project(&project_id, &path, with_artifacts).await.map_err(|e| Failure::new(e.message))?;
    Ok(output(json!({"path": receipt.path, "bytes": receipt.bytes})))
}

async fn save_project(studio: Weak<Studio>, ctx: TaskContext) -> std::result::Result<TaskOutput, Failure> {
    let studio = studio_of(&studio)?;
    let project_id = ctx.task.project_id.clone().unwrap_or_default();
    let user_id = input(&ctx, "user_id")?.as_str().unwrap_or_default().to_string();
    ctx.progress(0.1, "writing the version");
    let state = studio.save(&project_id, &user_id).await.map_err(|e| Failure::new(e.message))?;
    Ok(output(json!({"version": state.version})))
}

impl Studio {
    /// Starts a stage's task (refresh the data, regenerate the population, run a scenario,
    /// play it in the console, generate or export the report) and answers at once with it;
    /// settings given with it (`regenerate`'s `edits`, `run`'s `simulation_config`) are first
    /// recorded as an edit.
    pub(crate) async fn start_stage_task(&self, actor: &Actor, action: Action) -> Result<WorkbenchResponse> {
        let mut state_changes = StateChanges::default();
        if action.records_settings() {
            state_changes = self.apply_document_action(actor, action.clone()).await?.state_changes;
        }
        let content = self.content_of(&actor.project_id).await?;
        let spec = match &action {
            Action::Data(_) => TaskSpec::new("refresh_data", "Refresh data").needs(Workbench::Data.as_str()),
            Action::Population(_) => {
                TaskSpec::new("regenerate_population", "Regenerate population").needs("population")
            }
            Action::Report(ReportAction::Generate { config }) => {
                Reports::check_generate(&content, config.as_ref())?;
                TaskSpec::new("generate_report", "Generate report")
                    .needs("report")
                    .input("report_config", serde_json::to_value(config).unwrap_or(Value::Null))
            }
            Action::Report(ReportAction::Export { format }) => {
                let report_id = Reports::latest_report(&content)?;
                TaskSpec::new("export_report", &format!("Export report as {}", format.as_str().to_uppercase()))
                    .needs("report")
                    .input("report_id", json!(report_id))
                    .input("format", json!(format))
            }
            Action::Scenario(ScenarioAction::Run { scenario_id }) => {
                let scenario = scenario_named(&content, scenario_id)?;
                TaskSpec::new("run_scenario", &format!("Simulate “{}”", scenario.name))
                    .needs("simulation")
                    .input("scenario_id", json!(scenario.scenario_id))
            }
            Action::Simulation(SimulationAction::Run { .. }) => {
                let scenario = console_scenario(&content)?;
                TaskSpec::new("play_scenario", &format!("Play “{}”", scenario.name))
                    .needs("simulation")
                    .input("scenario_id", json!(scenario.scenario_id))
            }
            other => {
                return Err(CoreError::internal(format!("{}/{} is not a task", other.workbench(), other.name())));
            }
        }
        .input("user_id", json!(actor.user_id));
        let task = self.submit_tasks(&actor.project_id, vec![spec]).await?.remove(0);
        let state = self.get_project(&actor.load()).await?;
        Ok(crate::history::answer(actor, &action, json!({"task_id": task.id, "task": task}), state_changes, state))
    }

    /// Builds and submits the task graph for the project's stages that are not complete:
    /// data → population → one task per scenario (in parallel) → report. A stage that fails
    /// says why, and what depends on it is cancelled as blocked.
    pub async fn run_pipeline(&self, project_id: &str, user_id: &str) -> Result<PipelineRun> {
        let load = ProjectLoad { project_id: project_id.into(), user_id: user_id.into(), version: None };
        let state = self.get_project(&load).await?;
        let stages = &state.workbench_states;
        let stale = |status: StageStatus| status != StageStatus::Complete;
        let mut specs: Vec<TaskSpec> = Vec::new();
        let mut upstream: Vec<String> = Vec::new();
        let id = |_stage: &str| uuid::Uuid::new_v4().to_string();
        let mut stage = |spec: TaskSpec, after: &[String]| {
            let mut spec = spec;
            spec.dependencies = after.to_vec();
            spec.priority = 0;
            let id = spec.id.clone().unwrap_or_default();
            specs.push(spec);
            id
        };
        if stale(stages.data.status) {
            let spec = TaskSpec::new("refresh_data", "Refresh data")
                .with_id(&id("data"))
                .needs(Workbench::Data.as_str())
                .input("user_id", json!(user_id));
            upstream = vec![stage(spec, &upstream)];
        }
        if stale(stages.population.status) || !upstream.is_empty() {
            let spec = TaskSpec::new("regenerate_population", "Regenerate population")
                .with_id(&id("population"))
                .needs("population")
                .input("user_id", json!(user_id));
            upstream = vec![stage(spec, &upstream)];
        }
        let mut scenario_tasks = Vec::new();
        for scenario in &state.scenarios {
            if scenario.status != studio_model::ScenarioStatus::Completed || !upstream.is_empty() {
                let spec = TaskSpec::new("run_scenario", &format!("Simulate “{}”", scenario.name))
                    .with_id(&id("scenario"))
                    .needs("simulation")
                    .input("scenario_id", json!(scenario.scenario_id))
                    .input("user_id", json!(user_id));
                scenario_tasks.push(stage(spec, &upstream));
            }
        }
        if !scenario_tasks.is_empty() {
            upstream = scenario_tasks;
        }
        if stale(stages.report.status) || !upstream.is_empty() {
            let spec = TaskSpec::new("generate_report", "Generate report")
                .with_id(&id("report"))
                .needs("report")
                .input("user_id", json!(user_id));
            stage(spec, &upstream);
        }
        if specs.is_empty() {
            let message = Some("every stage is complete: nothing to run".to_string());
            return Ok(PipelineRun { project_id: project_id.into(), tasks: Vec::new(), message });
        }
        let tasks = self.submit_tasks(project_id, specs).await?;
        Ok(PipelineRun { project_id: project_id.into(), tasks, message: None })
    }
}

fn scenario_named<'a>(content: &'a ProjectContent, id: &str) -> Result<&'a ScenarioRecord> {
    content.scenarios.get(id).ok_or_else(|| CoreError::new("not_found", format!("scenario not found: {id}")))
}

/// The scenario the console plays: the one the simulation settings name, else the first (the
/// baseline).
fn console_scenario(content: &ProjectContent) -> Result<&ScenarioRecord> {
    match SimulationSettings::of(content)?.scenario_id {
        Some(id) => scenario_named(content, &id),
        None => content.scenarios_in_order().into_iter().next().ok_or_else(|| {
            CoreError::new("not_ready", "the project has no scenario to simulate: create one in the Scenario workbench")
        }),
    }
}

/// A pipeline run: the tasks built for the stages that needed running.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PipelineRun {
    pub project_id: String,
    pub tasks: Vec<Task>,
    /// Set when every stage is complete already.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// The context a handler of this crate needs: the Studio, while it lives.
pub(crate) fn studio_of(weak: &Weak<Studio>) -> std::result::Result<Arc<Studio>, Failure> {
    weak.upgrade().ok_or_else(|| Failure::new("the Studio closed before the task ran"))
}

/// An input of a task, or a failure naming it.
pub(crate) fn input<'a>(ctx: &'a TaskContext, key: &str) -> std::result::Result<&'a Value, Failure> {
    ctx.inputs().get(key).ok_or_else(|| Failure::new(format!("the task has no input '{key}'")))
}

pub(crate) fn output(value: Value) -> TaskOutput {
    match value {
        Value::Object(map) => TaskOutput::new(map),
        other => TaskOutput::default().with("value", other),
    }
}

impl Studio {
    /// Starts this program's agents: a pool that runs the product's task kinds, adopts the
    /// boards of programs that stopped, and follows cancel requests made elsewhere. Long
    /// actions submitted before this wait in their queue.
    pub async fn start_tasks(self: &Arc<Self>) -> Result<()> {
        self.start_tasks_with(Handlers::new()).await
    }

    /// Starts the agents with more task kinds than the product's own (tools and tests).
    pub async fn start_tasks_with(self: &Arc<Self>, extra: Handlers) -> Result<()> {
        if self.tasks.pool.get().is_some() {
            return Ok(());
        }
        self.tasks.adopt_orphaned_boards().await?;
        let handlers = handlers(Arc::downgrade(self)).merge(extra);
        let config = PoolConfig {
            max_agents: self.config.max_agents.max(1),
            min_agents: self.config.max_agents.clamp(1, 2),
            agent: AgentConfig {
                agent_type: "studio".into(),
                capabilities: CAPABILITIES.iter().map(|c| c.to_string()).collect(),
                ..AgentConfig::default()
            },
            ..PoolConfig::default()
        };
        let pool = create_pool(config, self.tasks.boards.clone(), handlers)?;
        pool.start_all();
        // From now on the command line leaves long actions to this program.
        self.store.mark_runs_tasks(&self.session_id, &studio_store::now()).await?;
        if self.tasks.pool.set(pool).is_ok() {
            tokio::spawn(crate::tasks::follow_cancel_requests(Arc::downgrade(&self.tasks)));
            tokio::spawn(crate::edge::watch::watch_sources(Arc::downgrade(&self.tasks)));
        }
        // Workflow runs are driven from now on, those other programs left first; every second
        // their triggers are looked at, spawned agents are hosted (and their messages
        // delivered), and every two seconds the runs a command queued or a program that died
        // left are adopted.
        if self.me.set(Arc::downgrade(self)).is_ok() {
            self.adopt_workflow_runs().await?;
            let weak = Arc::downgrade(self);
            tokio::spawn(async move {
                for tick in 1u64.. {
                    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                    let Some(studio) = weak.upgrade() else { return };
                    if let Err(e) = studio.fire_triggers().await {
                        tracing::warn!("workflow triggers could not be looked at: {}", e.message);
                    }
                    if tick % 2 == 0
                        && let Err(e) = studio.adopt_workflow_runs().await
                    {
                        tracing::warn!("workflow runs could not be adopted: {}", e.message);
                    }
                    if let Err(e) = studio.host_agents().await {
                        tracing::warn!("spawned agents could not be looked after: {}", e.message);
                    }
                }
            });
        }
        Ok(())
    }

    /// Exports a project to a `.studio` file as a task.
    pub async fn start_export(&self, project_id: &str, path: PathBuf, with_artifacts: bool) -> Result<Task> {
        if !path.is_absolute() {
            return Err(CoreError::invalid(
                "path must be absolute: where on this machine to write the .studio file".to_string(),
            ));
        }
        let spec = TaskSpec::new("export_project", "Export .studio file")
            .needs("files")
            .input("path", json!(path))
            .input("with_artifacts", json!(with_artifacts));
        Ok(self.submit_tasks(project_id, vec![spec]).await?.remove(0))
    }

    /// Saves a version as a task (for large projects, so the caller is not held up).
    pub async fn start_save(&self, project_id: &str, user_id: &str) -> Result<Task> {
        let spec = TaskSpec::new("save_project", "Save a version").needs("files").input("user_id", json!(user_id));
        Ok(self.submit_tasks(project_id, vec![spec]).await?.remove(0))
    }
}
