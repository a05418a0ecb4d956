//! `studio`: the command line of FutureOS Studio. Definition of the commands and glue to
//! `studio-core`; nothing here knows a workbench rule.

mod agents_cmd;
mod args;
mod bench;
mod bench_analysis;
mod bench_bus;
mod bench_forecast;
mod bench_sync;
mod bench_team;
mod bench_team_live;
mod bench_workflows;
mod call;
mod config_cmd;
mod example;
mod output;
mod people;
mod question;
mod report;
mod serve;
mod tasks;
mod team_config;
mod team_copies;
mod workflows;

use std::process::ExitCode;

use anyhow::Result;
use clap::Parser;
use studio_core::{CoreError, Program, Studio, StudioConfig};

use crate::args::{Cli, Command};
use crate::output::Printer;

/// Log lines go to stderr: warnings and errors, and for `serve` one line a request with its
/// time. `STUDIO_LOG` (e.g. `info`, `studio::request=debug`) says otherwise.
fn init_logging(serving: bool) {
    let default = if serving { "warn,studio::request=info" } else { "warn" };
    let filter = tracing_subscriber::EnvFilter::try_from_env("STUDIO_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    tracing_subscriber::fmt().with_env_filter(filter).with_ansi(ansi).with_writer(|| studio_core::MaskedStderr).init();
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(matches!(cli.command, Command::Serve { .. }));
    let printer = Printer { json: cli.json };
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => return printer.fail(&CoreError::internal(e)),
    };
    let result = runtime.block_on(run(cli, &printer));
    // The library is closed by now; a read still blocked in the kernel (a file on a hung
    // network mount) must not keep the process from exiting.
    runtime.shutdown_timeout(std::time::Duration::from_secs(2));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => match e.downcast::<CoreError>() {
            Ok(core) => printer.fail(&core),
            Err(other) => printer.fail(&CoreError::new("error", format!("{other:#}"))),
        },
    }
}

async fn run(cli: Cli, printer: &Printer) -> Result<()> {
    let user = match &cli.user {
        Some(user) => user.clone(),
        None => studio_core::local_user_id()?,
    };
    let flags = team_flags(&cli.command)?;
    let mut config =
        StudioConfig::resolve_with(cli.db.clone(), cli.config.as_deref(), flags.as_deref().unwrap_or(&[]))?;
    config.program = if matches!(cli.command, Command::Serve { .. }) { Program::Serve } else { Program::Cli };
    let team = match flags {
        Some(_) => Some(team_config::team(&config.layers.settings)?),
        None => None,
    };
    if let Some(team) = &team {
        config.team_database = Some(team.database.clone());
        config.team_blob_dir = team.blob_dir.clone();
    }
    let studio = std::sync::Arc::new(Studio::open(config).await?);
    let result = match team {
        Some(team) => team_commands(&studio, team, cli.command, printer).await,
        None => commands(&studio, &user, cli.command, printer).await,
    };
    // Fold this run's edits into the library and end the session cleanly, even after an error.
    let closed = studio.close().await;
    result?;
    closed?;
    Ok(())
}

async fn commands(studio: &std::sync::Arc<Studio>, user: &str, command: Command, out: &Printer) -> Result<()> {
    match command {
        Command::Serve { port, open, ui, share, listen, .. } => {
            let hub = share.then(|| listen.unwrap_or(std::net::SocketAddr::from(([127, 0, 0, 1], 7878))));
            serve::run(studio, user, port, open, ui, hub, out).await
        }
        other => args::execute(studio, user, other, out).await,
    }
}

/// The command line's layer of a team server's settings, for the commands that stand on its
/// database; `None` for the others.
fn team_flags(command: &Command) -> Result<Option<team_config::Flags>> {
    Ok(Some(match command {
        Command::Serve { team: true, share: true, .. } => {
            return Err(CoreError::invalid(
                "--share makes this library a hub for peers; a team server (--team) shares through its team",
            )
            .into());
        }
        Command::Serve { team: true, database, redis, listen, blob_dir, .. } => {
            team_config::flags(database.as_deref(), redis.as_deref(), *listen, blob_dir.as_deref())
        }
        Command::TeamInit { database, .. } => team_config::flags(database.as_deref(), None, None, None),
        _ => return Ok(None),
    }))
}

async fn team_commands(
    studio: &std::sync::Arc<Studio>,
    team: team_config::Team,
    command: Command,
    out: &Printer,
) -> Result<()> {
    match command {
        Command::Serve { ui, .. } => serve::run_team(studio, &team, ui, out).await,
        Command::TeamInit { name, team: team_name, .. } => {
            let invitation = studio.bootstrap_team(&name, &team_name).await?;
            out.message(
                &format!(
                    "Team '{team_name}' made, with {name} its owner (user {}).\nTheir token, shown once: {}",
                    invitation.member.user_id, invitation.token
                ),
                serde_json::to_value(&invitation)?,
            )?;
            Ok(())
        }
        _ => Err(CoreError::internal("only serve and team-init stand on a team database").into()),
    }
}
