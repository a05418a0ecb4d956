//! Who you are (`studio whoami`, `studio profile`) and who works on a project with you
//! (`studio collaborators`).

use std::sync::Arc;

use anyhow::Result;
use clap::Subcommand;
use studio_core::model::{Collaborator, CollaboratorChange, NewCollaborator, ProjectLoad, ProjectState, Role};
use studio_core::{Profile, ProfileUpdate, Request, Studio};

use crate::call::{call, resolve};
use crate::output::Printer;

#[derive(Subcommand, Debug)]
pub enum CollaboratorsCommand {
    /// List a project's collaborators and their roles.
    List { project: String },
    /// Add a collaborator (owners only).
    Add {
        project: String,
        user_id: String,
        #[arg(long, value_enum, default_value = "editor")]
        role: RoleArg,
    },
    /// Change a collaborator's role (owners only).
    Role {
        project: String,
        user_id: String,
        #[arg(value_enum)]
        role: RoleArg,
    },
    /// Remove a collaborator (owners only).
    Remove { project: String, user_id: String },
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum RoleArg {
    Owner,
    Editor,
    Viewer,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Role {
        match r {
            RoleArg::Owner => Role::Owner,
            RoleArg::Editor => Role::Editor,
            RoleArg::Viewer => Role::Viewer,
        }
    }
}

/// `studio whoami`: the local user, and the user commands act as when `--user` says another.
pub async fn whoami(studio: &Studio, user: &str, out: &Printer) -> Result<()> {
    let profile: Profile = call(studio, Request::GetProfile).await?;
    let mut value = serde_json::to_value(&profile)?;
    value["acting_as"] = user.into();
    out.emit(&value, || {
        let mut text = format!(
            "{} ({})\nuser id     {}\ncolour      {}\npublic key  {}\nsettings    {}",
            profile.display_name,
            profile.user_id,
            profile.user_id,
            profile.color,
            profile.public_key,
            profile.settings_dir.display()
        );
        if user != profile.user_id {
            text.push_str(&format!("\nacting as   {user} (--user / STUDIO_USER)"));
        }
        text
    })
}

pub async fn update_profile(studio: &Studio, update: ProfileUpdate, out: &Printer) -> Result<()> {
    let profile: Profile = call(studio, Request::UpdateProfile { update }).await?;
    out.emit(&profile, || format!("You are {} ({}), colour {}", profile.display_name, profile.user_id, profile.color))
}

pub async fn collaborators(studio: &Arc<Studio>, user: &str, cmd: CollaboratorsCommand, out: &Printer) -> Result<()> {
    let (project, change) = match cmd {
        CollaboratorsCommand::List { project } => {
            let id = resolve(studio, user, &project).await?;
            let load = ProjectLoad { project_id: id, user_id: user.into(), version: None };
            let state: ProjectState = call(studio, Request::GetProject(load)).await?;
            return list(&state.collaborators, out);
        }
        CollaboratorsCommand::Add { project, user_id, role } => {
            let new = NewCollaborator { user_id, role: role.into(), display_name: None, color: None, public_key: None };
            (project, CollaboratorChange::Add(new))
        }
        CollaboratorsCommand::Role { project, user_id, role } => {
            (project, CollaboratorChange::SetRole { user_id, role: role.into() })
        }
        CollaboratorsCommand::Remove { project, user_id } => (project, CollaboratorChange::Remove { user_id }),
    };
    let id = resolve(studio, user, &project).await?;
    let state: ProjectState =
        call(studio, Request::ChangeCollaborators { project_id: id, user_id: user.into(), change }).await?;
    if !out.json
        && let Some(entry) = state.modification_log.last()
    {
        crate::outln!("{}", entry.summary);
    }
    list(&state.collaborators, out)
}

fn list(collaborators: &[Collaborator], out: &Printer) -> Result<()> {
    out.emit(&collaborators, || {
        collaborators
            .iter()
            .map(|c| {
                let name = c.display_name.as_deref().unwrap_or("");
                format!(
                    "{:<8} {}  {}  last active {}",
                    studio_core::model::role_name(c.role),
                    c.user_id,
                    name,
                    c.last_active
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    })
}
