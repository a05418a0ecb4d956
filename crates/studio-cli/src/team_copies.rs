//! `studio team …`: local copies of team projects from the command line, as the app's
//! "Publish to team…" and "Open from team…" make them — publish one of this library's
//! projects into a team, list and open a team server's projects, sync a copy, show its link.
//! The server's address and the member's token come from flags or `STUDIO_TEAM_SERVER` and
//! `STUDIO_TEAM_TOKEN`.

use anyhow::{Result, anyhow};
use clap::Subcommand;
use serde_json::json;
use studio_core::model::ProjectState;
use studio_core::{ProjectSummary, Request, Studio, TeamInfo, TeamLinkStatus};

use crate::call::{call, resolve};
use crate::output::Printer;

#[derive(Subcommand, Debug)]
pub enum TeamCommand {
    /// The teams you belong to on a team server.
    Teams {
        #[command(flatten)]
        at: Server,
    },
    /// The projects on a team server you may open (one team's with --team).
    Projects {
        #[command(flatten)]
        at: Server,
        #[arg(long)]
        team: Option<String>,
    },
    /// Publish a project of this library into a team; it stays here as the team project's
    /// local copy, kept in step.
    Publish {
        project: String,
        #[command(flatten)]
        at: Server,
        #[arg(long)]
        team: String,
    },
    /// Bring a team project down as a local copy that works offline.
    Open {
        /// The project's id on the team server.
        project_id: String,
        #[command(flatten)]
        at: Server,
    },
    /// Sync a local copy with its team server now.
    Sync { project: String },
    /// A project's link to its team server.
    Status { project: String },
}

#[derive(clap::Args, Debug)]
pub struct Server {
    /// The team server's address, https://host:port (else STUDIO_TEAM_SERVER).
    #[arg(long)]
    server: Option<String>,
    /// Your token from the team's invitation (else STUDIO_TEAM_TOKEN).
    #[arg(long)]
    token: Option<String>,
}

impl Server {
    fn resolve(self) -> Result<(String, String)> {
        let server = self
            .server
            .or_else(|| std::env::var("STUDIO_TEAM_SERVER").ok())
            .ok_or_else(|| anyhow!("give --server https://… (or STUDIO_TEAM_SERVER)"))?;
        let token = self
            .token
            .or_else(|| std::env::var("STUDIO_TEAM_TOKEN").ok())
            .ok_or_else(|| anyhow!("give --token (or STUDIO_TEAM_TOKEN): the one your team invitation gave you"))?;
        Ok((server, token))
    }
}

fn link_text(link: &TeamLinkStatus) -> String {
    let synced = link.last_sync_at.as_deref().unwrap_or("never");
    let mut text = format!(
        "Local copy of {} on {} (last synced {synced}{})",
        link.remote_project_id,
        link.server,
        if link.unsent_changes { "; changes made here wait to be sent" } else { "" }
    );
    if let Some(e) = &link.last_error {
        text.push_str(&format!("\nThe last sync did not happen: {e}"));
    }
    text
}

pub async fn team(studio: &Studio, user: &str, command: TeamCommand, out: &Printer) -> Result<()> {
    match command {
        TeamCommand::Teams { at } => {
            let (server, token) = at.resolve()?;
            let teams: Vec<TeamInfo> = call(studio, Request::TeamServerTeams { server, token }).await?;
            let text = teams.iter().map(|t| format!("{}  {}", t.team_id, t.name)).collect::<Vec<_>>();
            out.message(&text.join("\n"), json!(teams))
        }
        TeamCommand::Projects { at, team } => {
            let (server, token) = at.resolve()?;
            let list: Vec<ProjectSummary> =
                call(studio, Request::TeamServerProjects { server, token, team_id: team }).await?;
            out.projects(&list)
        }
        TeamCommand::Publish { project, at, team } => {
            let (server, token) = at.resolve()?;
            let project_id = resolve(studio, user, &project).await?;
            let link: TeamLinkStatus =
                call(studio, Request::PublishToTeam { project_id, server, token, team_id: team }).await?;
            out.message(&format!("Published. {}", link_text(&link)), json!(link))
        }
        TeamCommand::Open { project_id, at } => {
            let (server, token) = at.resolve()?;
            let request = Request::OpenFromTeam { server, token, project_id, user_id: user.to_string() };
            let state: ProjectState = call(studio, request).await?;
            out.state(&state)
        }
        TeamCommand::Sync { project } => {
            let project_id = resolve(studio, user, &project).await?;
            let link: TeamLinkStatus = call(studio, Request::SyncWithTeam { project_id }).await?;
            out.message(&format!("Synced. {}", link_text(&link)), json!(link))
        }
        TeamCommand::Status { project } => {
            let project_id = resolve(studio, user, &project).await?;
            let link: Option<TeamLinkStatus> = call(studio, Request::TeamLink { project_id }).await?;
            match &link {
                Some(l) => out.message(&link_text(l), json!(l)),
                None => out.message("Not a team project's local copy", json!(null)),
            }
        }
    }
}
