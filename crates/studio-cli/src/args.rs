//! The commands, as typed by the user, and what each one calls.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Result;
use clap::{Args, Parser, Subcommand};
use serde_json::Value;
use studio_core::model::{LogEntry, ProjectCreate, ProjectLoad, Workbench, WorkbenchAction, WorkbenchResponse};
use studio_core::{
    CoreError, Deleted, Discarded, MetadataUpdate, PipelineRun, ProfileUpdate, RecoveryOffer, Request, Studio,
};

use crate::call::{call, resolve};
use crate::people::{self, CollaboratorsCommand};
use crate::report::ReportCommand;

use crate::output::Printer;
use crate::tasks;

#[derive(Parser, Debug)]
#[command(name = "studio", version, about = "FutureOS Studio: forecasting projects from data to report")]
pub struct Cli {
    /// The library file (default: the platform data directory, or STUDIO_HOME).
    #[arg(long, global = true, env = "STUDIO_DB")]
    pub db: Option<PathBuf>,
    /// Act as this user id instead of the local user.
    #[arg(long, global = true, env = "STUDIO_USER")]
    pub user: Option<String>,
    /// The configuration file: TOML, YAML or JSON (else STUDIO_CONFIG, else studio.toml|yaml|json
    /// in the settings directory). `studio config show` says what each setting is and why.
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
    /// Print exactly one JSON document on stdout.
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create, list, show, rename, delete and duplicate projects.
    #[command(subcommand)]
    Project(ProjectCommand),
    /// The project's question read into a prediction task, each part beside its words.
    Question {
        project: String,
        /// Change the question first (it is read again).
        #[arg(long)]
        set: Option<String>,
        /// Confirm the task: its conditions make a scenario, its target and horizon the threshold.
        #[arg(long)]
        confirm: bool,
    },
    /// List a project's versions (live and archived).
    Versions { project: String },
    /// Save the project as a new version.
    Save { project: String },
    /// Show the project as it was saved in a version.
    Load {
        project: String,
        #[arg(long)]
        version: u32,
    },
    /// Make a saved version the newest one.
    Restore {
        project: String,
        #[arg(long)]
        version: u32,
    },
    /// Run a workbench action: `studio action PROJECT data override_value --payload '{...}'`.
    Action {
        project: String,
        workbench: String,
        action: String,
        /// The payload as JSON, `@FILE` to read it from a file, or `-` for stdin.
        #[arg(long, default_value = "{}")]
        payload: String,
        /// For an action that runs as a task (refresh_data, regenerate): run it here and follow it.
        #[arg(long)]
        wait: bool,
    },
    /// Undo your last reversible action in the project.
    Undo { project: String },
    /// Redo your last undone action.
    Redo { project: String },
    /// Show the modification log.
    Log { project: String },
    /// Save a project as a template, or list templates.
    #[command(subcommand)]
    Template(TemplateCommand),
    /// Write a project to a portable .studio file (a task: queued, or followed with --wait).
    Export {
        project: String,
        file: PathBuf,
        /// Include derived artifacts (larger file, nothing to recompute).
        #[arg(long)]
        with_artifacts: bool,
        /// Run it here and follow its progress; exit non-zero if it fails or is cancelled.
        #[arg(long)]
        wait: bool,
    },
    /// Run the project's pipeline: the stages that are not complete, as a graph of tasks.
    Run {
        project: String,
        /// Run it here and follow its progress; exit non-zero if a task fails or is cancelled.
        #[arg(long)]
        wait: bool,
    },
    /// List a project's tasks, newest first.
    Tasks { project: String },
    /// Show or cancel one task.
    #[command(subcommand)]
    Task(TaskCommand),
    /// Bring a .studio file into the library.
    Import { file: PathBuf },
    /// Recover (or, with --discard, drop) unsaved edits left by a session that crashed.
    Recover {
        project: String,
        #[arg(long)]
        discard: bool,
    },
    /// How big the library is on disk; with --prune, remove what is past its retention now
    /// (exports after STUDIO_EXPORT_RETENTION_DAYS, finished task boards after
    /// STUDIO_TASK_RETENTION_DAYS).
    Library {
        #[arg(long)]
        prune: bool,
    },
    /// Generate a report from a simulated project, or export one to PDF, PPTX, HTML or DOCX.
    #[command(subcommand)]
    Report(ReportCommand),
    /// Create the bundled example project and walk it through every available action.
    Example(ExampleArgs),
    /// Measure the engine: `studio bench population --agents 1000000 --threads 1 --json`.
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Who you are: your user id, display name, colour and public key.
    Whoami,
    /// Set your display name or colour, as collaborators see them.
    Profile {
        #[arg(long)]
        name: Option<String>,
        /// `#rrggbb`.
        #[arg(long)]
        color: Option<String>,
    },
    /// List, add, re-role or remove a project's collaborators.
    #[command(subcommand)]
    Collaborators(CollaboratorsCommand),
    /// Serve the API and the UI on this machine (127.0.0.1) until interrupted; with --team, a
    /// team server: projects in PostgreSQL, each caller known by their own token.
    Serve {
        /// Port to listen on; 0 picks a free one.
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// Open the UI in the default browser.
        #[arg(long)]
        open: bool,
        /// The built UI to serve (default: ui/dist when it exists).
        #[arg(long)]
        ui: Option<PathBuf>,
        /// Also be the hub of this library's shared projects: peers connect here to sync.
        #[arg(long)]
        share: bool,
        /// Where the hub listens (with --share; loopback 127.0.0.1:7878 by default, any other
        /// address served over TLS only), or the team server (with --team; 127.0.0.1:7880).
        #[arg(long)]
        listen: Option<std::net::SocketAddr>,
        /// Serve a team: projects, versions and reports in PostgreSQL, several instances side
        /// by side on one database.
        #[arg(long)]
        team: bool,
        /// The team server's PostgreSQL database, postgres://… (else STUDIO_DATABASE_URL, else
        /// the configuration file).
        #[arg(long)]
        database: Option<String>,
        /// The team's Redis, redis://… (else STUDIO_REDIS_URL, else the configuration file):
        /// several instances side by side see each other's edits and presence through it.
        #[arg(long)]
        redis: Option<String>,
        /// A directory every instance reaches where artifacts' bytes are kept (else
        /// STUDIO_BLOB_DIR, else the configuration file; without it, in PostgreSQL).
        #[arg(long)]
        blob_dir: Option<PathBuf>,
    },
    /// Makes a team server's first team and its owner, and prints the token the owner signs in
    /// with (shown once). Needs the database as `serve --team` does.
    TeamInit {
        /// The owner's name, as the team sees it.
        #[arg(long)]
        name: String,
        /// The team's name.
        #[arg(long)]
        team: String,
        #[arg(long)]
        database: Option<String>,
    },
    /// Local copies of team projects: publish into a team, open from one, sync.
    #[command(subcommand)]
    Team(crate::team_copies::TeamCommand),
    /// A project's workflows: list, save from JSON, run (--wait follows it), runs, pause,
    /// resume, cancel.
    #[command(subcommand)]
    Workflow(crate::workflows::WorkflowCommand),
    /// The settings in effect and where each came from; a live one changed or reset.
    #[command(subcommand)]
    Config(crate::config_cmd::ConfigCommand),
    /// Spawned agents: list, spawn, show, terminate.
    #[command(subcommand)]
    Agent(crate::agents_cmd::AgentCommand),
    /// Teams of agents (entanglements): list, create, show, delete, add, remove, send, messages.
    #[command(subcommand)]
    Entanglement(crate::agents_cmd::EntanglementCommand),
    /// The audit log: search, export as CSV or JSON lines.
    #[command(subcommand)]
    Audit(crate::agents_cmd::AuditCommand),
    /// Invite someone to a project: prints an invite for `studio join` (owners only).
    Share {
        project: String,
        #[arg(long, value_enum, default_value = "editor")]
        role: crate::people::RoleArg,
        /// How long the invite holds: 7d, 12h, 30m.
        #[arg(long, default_value = "7d")]
        expires: String,
        /// The hub's sync address (default: where `studio serve --share` last listened).
        #[arg(long)]
        hub: Option<String>,
    },
    /// A project's invites, or with --revoke, revoke one.
    Invites {
        project: String,
        #[arg(long)]
        revoke: Option<String>,
    },
    /// Join a project shared with you: it comes into your library and syncs while Studio runs.
    Join { invite: String },
    /// How a shared project is connected to its hub.
    SyncStatus { project: String },
}

#[derive(Subcommand, Debug)]
pub enum ProjectCommand {
    /// Create a project.
    New {
        #[arg(long)]
        name: String,
        #[arg(long)]
        description: Option<String>,
        /// The prediction question the project starts from.
        #[arg(long)]
        query: Option<String>,
        #[arg(long)]
        team: Option<String>,
        /// Start from a saved template (see `studio template list`).
        #[arg(long)]
        template: Option<String>,
    },
    /// List your projects (everyone's with --all).
    List {
        #[arg(long)]
        all: bool,
    },
    /// Show a project's state.
    Show { project: String },
    /// Rename a project (and optionally change its description).
    Rename {
        project: String,
        name: String,
        #[arg(long)]
        description: Option<String>,
    },
    /// Delete a project (it can be brought back with `studio project undelete`).
    Delete { project: String },
    /// Bring back a deleted project.
    Undelete { project: String },
    /// Copy a project.
    Duplicate {
        project: String,
        #[arg(long)]
        name: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum TemplateCommand {
    /// Save a project's configuration as a template.
    Save {
        project: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        description: Option<String>,
    },
    /// List templates.
    List,
}

#[derive(Subcommand, Debug)]
pub enum TaskCommand {
    /// Show a task: status, progress, outputs, failed attempts.
    Show { id: String },
    /// Cancel a task and the tasks that depend on it.
    Cancel {
        id: String,
        #[arg(long)]
        reason: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum BenchCommand {
    /// Synthesise a population with three marginals and its k = 10 small-world network.
    Population {
        #[arg(long, default_value_t = 1_000_000)]
        agents: u64,
        #[arg(long, default_value_t = 1)]
        threads: usize,
        /// Runs to take the best of.
        #[arg(long, default_value_t = 3)]
        repeat: usize,
    },
    /// Run the reference diffusion model (R1 or R2): `studio bench sim --model R2 --agents 1000000`.
    Sim {
        #[arg(long, default_value = "R2")]
        model: String,
        #[arg(long, default_value_t = 1_000_000)]
        agents: usize,
        #[arg(long, default_value_t = 100)]
        ticks: u32,
        #[arg(long, default_value_t = 1)]
        threads: usize,
        /// More than one: an ensemble, replicates run in parallel on --threads.
        #[arg(long, default_value_t = 1)]
        replicates: u32,
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
    /// Rolling-origin backtests of the calibrated model against two naive baselines on three
    /// histories (the example's, another mechanism's, one saturating below 100%).
    Forecast {
        #[arg(long, default_value_t = 20_000)]
        agents: usize,
        /// Calibration seeds each history is backtested with (the model's scores are their mean).
        #[arg(long, default_value_t = 8)]
        seeds: u64,
    },
    /// The example's baseline (100,000 agents, calibrated): Sobol and Morris over eight
    /// factors, each point a forecast from the history's end, timed.
    Sensitivity {
        /// Sobol's base samples (the evaluations are these × 10).
        #[arg(long, default_value_t = 64)]
        samples: u32,
        /// Replicates per evaluation.
        #[arg(long, default_value_t = 8)]
        replicates: u32,
    },
    /// The example's baseline (100,000 agents, calibrated): what would it take — a goal seek
    /// over the price, a price shock and an income shift, timed.
    GoalSeek {
        /// Distinct combinations to simulate.
        #[arg(long, default_value_t = 400)]
        rollouts: u32,
        /// Replicates per combination.
        #[arg(long, default_value_t = 8)]
        replicates: u32,
    },
    /// Sync through a hub: an edit at one peer until every other peer has it (p50/p99), the
    /// hub's memory per peer, and how long a new peer takes to get a --project-mb project.
    Sync {
        #[arg(long, default_value_t = 2)]
        peers: usize,
        #[arg(long, default_value_t = 200)]
        rounds: usize,
        #[arg(long, default_value_t = 0)]
        project_mb: u64,
    },
    /// Workflows: a no-op step's overhead (p50/p99), and --runs runs of --steps echo task
    /// steps through --agents agents.
    Workflow {
        #[arg(long, default_value_t = 200)]
        rounds: usize,
        #[arg(long, default_value_t = 1_000)]
        runs: usize,
        #[arg(long, default_value_t = 10)]
        steps: usize,
        #[arg(long, default_value_t = 2)]
        agents: usize,
        #[arg(long, default_value_t = 50)]
        concurrent: usize,
    },
    /// The event bus: publish → WebSocket subscriber on loopback (p50/p99), a burst written,
    /// and a subscriber that was away replaying --replay events.
    Bus {
        #[arg(long, default_value_t = 2_000)]
        events: usize,
        #[arg(long, default_value_t = 1_000_000)]
        replay: usize,
    },
    /// A project's create, load, save and workbench action on the team server's store
    /// (PostgreSQL, --database: a scratch database) beside the library file, p50 and p99; the
    /// task queue's throughput with 1 and 4 workers; with --redis, how soon an edit through one
    /// of two instances is seen through the other (10 projects × 10 collaborators).
    Team {
        #[arg(long)]
        database: Option<String>,
        #[arg(long)]
        redis: Option<String>,
        #[arg(long, default_value_t = 100)]
        rounds: usize,
        #[arg(long, default_value_t = 1)]
        project_mb: u64,
        /// Seconds of edits across instances (each collaborator edits once a second).
        #[arg(long, default_value_t = 20)]
        live_rounds: usize,
        /// Tasks queued for the workers to claim.
        #[arg(long, default_value_t = 2000)]
        tasks: usize,
    },
    /// Read a large CSV streaming: a generated one of --mb megabytes, or --file.
    Csv {
        #[arg(long, default_value_t = 1_000)]
        mb: u64,
        #[arg(long)]
        file: Option<PathBuf>,
    },
}

#[derive(Args, Debug)]
pub struct ExampleArgs {
    /// Where to write the example's .studio file.
    #[arg(long, default_value = "studio-example")]
    pub out: PathBuf,
}

pub async fn execute(studio: &Arc<Studio>, user: &str, command: Command, out: &Printer) -> Result<()> {
    match command {
        Command::Project(cmd) => project(studio, user, cmd, out).await,
        Command::Team(cmd) => crate::team_copies::team(studio, user, cmd, out).await,
        Command::Workflow(cmd) => crate::workflows::workflow(studio, user, cmd, out).await,
        Command::Config(cmd) => crate::config_cmd::config(studio, user, cmd, out).await,
        Command::Agent(cmd) => crate::agents_cmd::agent(studio, user, cmd, out).await,
        Command::Entanglement(cmd) => crate::agents_cmd::entanglement(studio, user, cmd, out).await,
        Command::Audit(cmd) => crate::agents_cmd::audit(studio, cmd, out).await,
        Command::Whoami => people::whoami(studio, user, out).await,
        Command::Profile { name, color } => {
            people::update_profile(studio, ProfileUpdate { display_name: name, color }, out).await
        }
        Command::Collaborators(cmd) => people::collaborators(studio, user, cmd, out).await,
        Command::Share { project, role, expires, hub } => {
            let id = resolve(studio, user, &project).await?;
            people::share(studio, user, &id, role.into(), expires, hub, out).await
        }
        Command::Invites { project, revoke } => {
            let id = resolve(studio, user, &project).await?;
            people::invites(studio, user, &id, revoke, out).await
        }
        Command::Join { invite } => people::join(studio, user, &invite, out).await,
        Command::SyncStatus { project } => {
            let id = resolve(studio, user, &project).await?;
            people::sync_status(studio, &id, out).await
        }
        Command::Question { project, set, confirm } => {
            let id = resolve(studio, user, &project).await?;
            crate::question::question(studio, user, &id, set, confirm, out).await
        }
        Command::Versions { project } => {
            let id = resolve(studio, user, &project).await?;
            out.versions(&call::<Vec<_>>(studio, Request::ListVersions { project_id: id }).await?)
        }
        Command::Save { project } => {
            let id = resolve(studio, user, &project).await?;
            let state =
                call(studio, Request::SaveProject { project_id: id, user_id: user.into(), background: false }).await?;
            out.saved(&state)
        }
        Command::Load { project, version } => {
            let id = resolve(studio, user, &project).await?;
            let load = ProjectLoad { project_id: id, user_id: user.into(), version: Some(version) };
            out.state(&call(studio, Request::GetProject(load)).await?)
        }
        Command::Restore { project, version } => {
            let id = resolve(studio, user, &project).await?;
            out.state(&call(studio, Request::RestoreVersion { project_id: id, user_id: user.into(), version }).await?)
        }
        Command::Action { project, workbench, action, payload, wait } => {
            let id = resolve(studio, user, &project).await?;
            let workbench: Workbench = workbench.parse().map_err(CoreError::from)?;
            let mut payload = read_payload(&payload)?;
            absolute_paths(workbench, &action, &mut payload)?;
            let request = WorkbenchAction { project_id: id, user_id: user.into(), workbench, action, payload };
            let response: WorkbenchResponse = call(studio, Request::WorkbenchAction(request)).await?;
            match serde_json::from_value::<studio_core::task_engine::Task>(response.result["task"].clone()) {
                Ok(task) => tasks::carry_out(studio, vec![task], wait, out).await,
                Err(_) => out.action(&response),
            }
        }
        Command::Undo { project } => {
            let id = resolve(studio, user, &project).await?;
            out.history("Undid", &call(studio, Request::Undo { project_id: id, user_id: user.into() }).await?)
        }
        Command::Redo { project } => {
            let id = resolve(studio, user, &project).await?;
            out.history("Redid", &call(studio, Request::Redo { project_id: id, user_id: user.into() }).await?)
        }
        Command::Log { project } => {
            let id = resolve(studio, user, &project).await?;
            out.log(&call::<Vec<LogEntry>>(studio, Request::Log { project_id: id }).await?)
        }
        Command::Template(TemplateCommand::Save { project, name, description }) => {
            let id = resolve(studio, user, &project).await?;
            let request = Request::SaveTemplate { project_id: id, user_id: user.into(), name, description };
            out.template(&call(studio, request).await?)
        }
        Command::Template(TemplateCommand::List) => {
            out.templates(&call::<Vec<_>>(studio, Request::ListTemplates).await?)
        }
        Command::Export { project, file, with_artifacts, wait } => {
            let id = resolve(studio, user, &project).await?;
            // Relative to where the command was typed, whichever program runs the task.
            let file = std::path::absolute(&file)?;
            let task = call(studio, Request::ExportProject { project_id: id, path: file, with_artifacts }).await?;
            tasks::carry_out(studio, vec![task], wait, out).await
        }
        Command::Run { project, wait } => {
            let id = resolve(studio, user, &project).await?;
            let run: PipelineRun = call(studio, Request::RunPipeline { project_id: id, user_id: user.into() }).await?;
            if let Some(message) = &run.message {
                return out.message(message, serde_json::to_value(&run)?);
            }
            tasks::carry_out(studio, run.tasks, wait, out).await
        }
        Command::Tasks { project } => {
            let id = resolve(studio, user, &project).await?;
            out.tasks(&call::<Vec<_>>(studio, Request::ListTasks { project_id: id }).await?)
        }
        Command::Task(TaskCommand::Show { id }) => out.task(&call(studio, Request::GetTask { task_id: id }).await?),
        Command::Task(TaskCommand::Cancel { id, reason }) => {
            out.task(&call(studio, Request::CancelTask { task_id: id, reason }).await?)
        }
        Command::Report(cmd) => crate::report::run(studio, user, cmd, out).await,
        Command::Library { prune } => {
            let pruned = if prune { Some(studio.prune(std::time::SystemTime::now()).await?) } else { None };
            let info = call(studio, Request::LibraryInfo).await?;
            out.library(&info, pruned.as_ref())
        }
        Command::Import { file } => {
            let path = std::path::absolute(&file)?;
            out.state(&call(studio, Request::ImportProject { path, user_id: user.into() }).await?)
        }
        Command::Recover { project, discard } => {
            let id = resolve(studio, user, &project).await?;
            if discard {
                let Discarded { discarded } = call(studio, Request::DiscardRecovery { project_id: id }).await?;
                out.message(
                    &format!("Discarded {discarded} unsaved edit(s)"),
                    serde_json::json!({ "discarded": discarded }),
                )
            } else {
                out.state(&call(studio, Request::Recover { project_id: id, user_id: user.into() }).await?)
            }
        }
        Command::Bench(BenchCommand::Population { agents, threads, repeat }) => {
            crate::bench::population(agents, threads, repeat, out)
        }
        Command::Bench(BenchCommand::Csv { mb, file }) => crate::bench::csv(mb, file, out),
        Command::Bench(BenchCommand::Forecast { agents, seeds }) => crate::bench_forecast::forecast(agents, seeds, out),
        Command::Bench(BenchCommand::GoalSeek { rollouts, replicates }) => {
            crate::bench_analysis::goal_seek(rollouts, replicates, out).await
        }
        Command::Bench(BenchCommand::Sensitivity { samples, replicates }) => {
            crate::bench_analysis::sensitivity(samples, replicates, out).await
        }
        Command::Bench(BenchCommand::Team { database, redis, rounds, project_mb, live_rounds, tasks }) => {
            let bench = crate::bench_team::TeamBench { database, redis, rounds, project_mb, live_rounds, tasks };
            crate::bench_team::team(bench, out).await
        }
        Command::Bench(BenchCommand::Workflow { rounds, runs, steps, agents, concurrent }) => {
            let bench = crate::bench_workflows::WorkflowBench { rounds, runs, steps, agents, concurrent };
            crate::bench_workflows::workflows(bench, out).await
        }
        Command::Bench(BenchCommand::Bus { events, replay }) => {
            crate::bench_bus::bus(crate::bench_bus::BusBench { events, replay }, out).await
        }
        Command::Bench(BenchCommand::Sync { peers, rounds, project_mb }) => {
            crate::bench_sync::sync(peers, rounds, project_mb, out).await
        }
        Command::Bench(BenchCommand::Sim { model, agents, ticks, threads, replicates, seed }) => {
            crate::bench::sim(&model, agents, ticks, threads, replicates, seed, out)
        }
        Command::Example(args) => {
            // Relative to where the command was typed: the core takes only absolute paths.
            let out_dir = std::path::absolute(&args.out)?;
            studio.start_tasks().await?;
            crate::example::run(studio, user, &out_dir, out).await
        }
        Command::Serve { .. } | Command::TeamInit { .. } => {
            Err(CoreError::internal("serve and team-init are handled by main").into())
        }
    }
}

async fn project(studio: &Studio, user: &str, cmd: ProjectCommand, out: &Printer) -> Result<()> {
    match cmd {
        ProjectCommand::New { name, description, query, team, template } => {
            let req = ProjectCreate {
                user_id: user.into(),
                team_id: team,
                project_name: name,
                description,
                initial_query: query,
                template_id: template,
            };
            out.state(&call(studio, Request::CreateProject(req)).await?)
        }
        ProjectCommand::List { all } => {
            let user_id = if all { None } else { Some(user.to_string()) };
            out.projects(&call::<Vec<_>>(studio, Request::ListProjects { user_id, team_id: None }).await?)
        }
        ProjectCommand::Show { project } => {
            let id = resolve(studio, user, &project).await?;
            let offer: Option<RecoveryOffer> = call(studio, Request::RecoveryOffer { project_id: id.clone() }).await?;
            if let Some(offer) = offer {
                crate::errln!(
                    "note: {} unsaved edit(s) from a session that ended unexpectedly can be recovered: studio recover {id}",
                    offer.edits.len()
                );
            }
            let load = ProjectLoad { project_id: id, user_id: user.into(), version: None };
            out.state(&call(studio, Request::GetProject(load)).await?)
        }
        ProjectCommand::Rename { project, name, description } => {
            let id = resolve(studio, user, &project).await?;
            let update = MetadataUpdate { project_name: Some(name), description, ..MetadataUpdate::default() };
            out.state(&call(studio, Request::UpdateProject { project_id: id, user_id: user.into(), update }).await?)
        }
        ProjectCommand::Delete { project } => {
            let id = resolve(studio, user, &project).await?;
            let _: Deleted =
                call(studio, Request::DeleteProject { project_id: id.clone(), user_id: user.into() }).await?;
            out.message(
                &format!("Deleted project {id} (bring it back with: studio project undelete {id})"),
                serde_json::json!({ "deleted": id }),
            )
        }
        ProjectCommand::Undelete { project } => {
            out.state(&call(studio, Request::UndeleteProject { project_id: project, user_id: user.into() }).await?)
        }
        ProjectCommand::Duplicate { project, name } => {
            let id = resolve(studio, user, &project).await?;
            let request = Request::DuplicateProject { project_id: id, user_id: user.into(), project_name: name };
            out.state(&call(studio, request).await?)
        }
    }
}

/// Paths typed in a payload are relative to where the command was typed; the core takes only
/// absolute ones (another program, with another working directory, may read them later).
fn absolute_paths(workbench: Workbench, action: &str, payload: &mut Value) -> Result<()> {
    let at: &[&str] = match (workbench, action) {
        (Workbench::Data, "configure_source") => &["configuration", "path"],
        (Workbench::Report, "customize") => &["report_config", "branding", "logo_url"],
        _ => return Ok(()),
    };
    let mut value = &mut *payload;
    for key in at {
        match value.get_mut(*key) {
            Some(inner) => value = inner,
            None => return Ok(()),
        }
    }
    if let Some(path) = value.as_str().filter(|p| !p.is_empty() && !p.contains("://"))
        && Path::new(path).is_relative()
    {
        *value = Value::String(std::path::absolute(path)?.display().to_string());
    }
    Ok(())
}

fn read_payload(arg: &str) -> Result<Value> {
    let text = if arg == "-" {
        std::io::read_to_string(std::io::stdin())?
    } else if let Some(path) = arg.strip_prefix('@') {
        std::fs::read_to_string(path)
            .map_err(|e| CoreError::invalid(format!("cannot read payload file {path}: {e}")))?
    } else {
        arg.to_string()
    };
    serde_json::from_str(&text).map_err(|e| CoreError::invalid(format!("--payload is not valid JSON: {e}")).into())
}
