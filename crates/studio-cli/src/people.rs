//! Who you are (`studio whoami`, `studio profile`) and who works on a project with you
//! (`studio collaborators`).

use std::sync::Arc;

use anyhow::Result;
use clap::Subcommand;
use studio_core::model::{Collaborator, CollaboratorChange, NewCollaborator, ProjectLoad, ProjectState, Role};
use studio_core::{InviteInfo, Profile, ProfileUpdate, Request, Studio, SyncStatus};

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

pub async fn share(
    studio: &Studio,
    user: &str,
    project_id: &str,
    role: Role,
    expires: String,
    hub: Option<String>,
    out: &Printer,
) -> Result<()> {
    let request = Request::CreateInvite {
        project_id: project_id.into(),
        user_id: user.into(),
        role,
        expires: Some(expires),
        hub,
    };
    let invite: InviteInfo = call(studio, request).await?;
    out.emit(&invite, || {
        format!(
            "Invite for {} as {} at {}, until {}:\n\n{}\n\nThey join with: studio join <invite>   (revoke: studio invites PROJECT --revoke {})",
            project_id, invite.role, invite.hub, invite.expires_at, invite.token, invite.invite_id
        )
    })
}

pub async fn invites(
    studio: &Studio,
    user: &str,
    project_id: &str,
    revoke: Option<String>,
    out: &Printer,
) -> Result<()> {
    if let Some(invite_id) = revoke {
        let request = Request::RevokeInvite { project_id: project_id.into(), user_id: user.into(), invite_id };
        let invite: InviteInfo = call(studio, request).await?;
        return out.emit(&invite, || format!("Revoked invite {}", invite.invite_id));
    }
    let list: Vec<InviteInfo> = call(studio, Request::ListInvites { project_id: project_id.into() }).await?;
    out.emit(&list, || {
        if list.is_empty() {
            return "No invites: make one with `studio share PROJECT --role editor`".into();
        }
        list.iter()
            .map(|i| {
                let state = match &i.revoked_at {
                    Some(at) => format!("revoked {at}"),
                    None => format!("until {}", i.expires_at),
                };
                format!("{}  {:<6}  {}  {}", i.invite_id, i.role, i.hub, state)
            })
            .collect::<Vec<_>>()
            .join("\n")
    })
}

pub async fn join(studio: &Studio, user: &str, invite: &str, out: &Printer) -> Result<()> {
    let state: ProjectState = call(studio, Request::JoinProject { token: invite.into(), user_id: user.into() }).await?;
    out.emit(&state, || {
        format!(
            "Joined '{}' ({}); it syncs with its hub while `studio serve` or the app runs",
            state.project_name, state.project_id
        )
    })
}

pub async fn sync_status(studio: &Studio, project_id: &str, out: &Printer) -> Result<()> {
    let status: Option<SyncStatus> = call(studio, Request::SyncStatus { project_id: project_id.into() }).await?;
    out.emit(&status, || match &status {
        None => "Not shared: invite someone with `studio share PROJECT`".into(),
        Some(s) => format!(
            "{} ({}) {}{}{}",
            s.state,
            s.side,
            s.hub.as_deref().unwrap_or(""),
            if s.side == "hub" { format!(", {} peer(s) connected", s.peers) } else { String::new() },
            s.error.as_deref().map(|e| format!("\nlast error: {e}")).unwrap_or_default()
        ),
    })
}
