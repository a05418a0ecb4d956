//! Who works on a project and in which role: adding a collaborator, changing a role, removing
//! one. Each is a logged change of the `collaborators` section. Only an owner may make them (the
//! core checks); a project always keeps an owner.

use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::apply::{Change, Outcome, PROJECT, finish};
use crate::content::{Collaborator, ProjectContent};
use crate::context::ActionContext;
use crate::{ModelError, Role};

/// A change to the project's collaborators.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum CollaboratorChange {
    /// Adds a collaborator; their name, colour and key when known (from a join).
    Add(NewCollaborator),
    SetRole {
        user_id: String,
        role: Role,
    },
    Remove {
        user_id: String,
    },
}

/// A collaborator to add.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NewCollaborator {
    pub user_id: String,
    pub role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key: Option<String>,
}

/// Checks a user id given for a collaborator.
pub fn check_user_id(user_id: &str) -> Result<(), ModelError> {
    if user_id.trim().is_empty() {
        return Err(ModelError::invalid("user_id must not be empty"));
    }
    if user_id.len() > 128 {
        return Err(ModelError::invalid("user_id must be at most 128 bytes"));
    }
    if user_id.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(ModelError::invalid("user_id must not contain spaces or control characters"));
    }
    Ok(())
}

/// Applies `change` to the collaborators. Not reversible: a collaborator removed by mistake is
/// added again, on purpose, not by an undo that could lock someone out.
pub fn change_collaborators(
    content: &ProjectContent,
    change: &CollaboratorChange,
    ctx: &ActionContext,
) -> Result<Outcome, ModelError> {
    let mut next = content.clone();
    let (action, summary) = match change {
        CollaboratorChange::Add(new) => {
            check_user_id(&new.user_id)?;
            if let Some(there) = content.collaborators.get(&new.user_id) {
                return Err(ModelError::Conflict(format!(
                    "'{}' is already a collaborator ({}); change their role instead",
                    new.user_id,
                    role_name(there.role)
                )));
            }
            let mut c = Collaborator::new(&new.user_id, new.role, &ctx.now);
            c.display_name = new.display_name.clone();
            c.color = new.color.clone();
            c.public_key = new.public_key.clone();
            let summary = format!("Added {} as {}", name_of(&c), role_name(new.role));
            next.collaborators.insert(new.user_id.clone(), c);
            ("add_collaborator", summary)
        }
        CollaboratorChange::SetRole { user_id, role } => {
            let c = member(&mut next, user_id)?;
            let was = c.role;
            c.role = *role;
            let summary = format!("{} is now {} (was {})", name_of(c), role_name(*role), role_name(was));
            if was == *role {
                return Err(ModelError::invalid(format!("'{user_id}' is already {}", role_name(was))));
            }
            keeps_an_owner(&next, user_id)?;
            ("set_collaborator_role", summary)
        }
        CollaboratorChange::Remove { user_id } => {
            let summary = format!("Removed {}", name_of(member(&mut next, user_id)?));
            next.collaborators.remove(user_id);
            keeps_an_owner(&next, user_id)?;
            ("remove_collaborator", summary)
        }
    };
    let result = json!({ "collaborators": next.collaborators.values().collect::<Vec<_>>() });
    let change = Change { workbench: None, action, summary, reversible: false, result, status: None };
    let mut outcome = finish(content, next, change, ctx);
    outcome.entry.workbench = PROJECT.into();
    Ok(outcome)
}

fn member<'a>(content: &'a mut ProjectContent, user_id: &str) -> Result<&'a mut Collaborator, ModelError> {
    content
        .collaborators
        .get_mut(user_id)
        .ok_or_else(|| ModelError::NotFound { what: "collaborator", id: user_id.to_string() })
}

fn keeps_an_owner(next: &ProjectContent, changed: &str) -> Result<(), ModelError> {
    if next.collaborators.values().any(|c| c.role == Role::Owner) {
        return Ok(());
    }
    Err(ModelError::Conflict(format!("'{changed}' is the project's last owner: make someone else owner first")))
}

fn name_of(c: &Collaborator) -> String {
    match &c.display_name {
        Some(name) => format!("{name} ({})", c.user_id),
        None => c.user_id.clone(),
    }
}

pub fn role_name(role: Role) -> &'static str {
    match role {
        Role::Owner => "owner",
        Role::Editor => "editor",
        Role::Viewer => "viewer",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(user: &str) -> ActionContext {
        ActionContext { user_id: user.into(), now: "2026-12-06T12:00:00Z".into(), fresh_id: "id".into() }
    }

    fn add(user_id: &str, role: Role) -> CollaboratorChange {
        CollaboratorChange::Add(NewCollaborator {
            user_id: user_id.into(),
            role,
            display_name: Some("Bea".into()),
            color: None,
            public_key: None,
        })
    }

    #[test]
    fn add_change_and_remove_are_logged() {
        let content = ProjectContent::new(Default::default(), "ada", "2026-12-06T11:00:00Z");
        let added = change_collaborators(&content, &add("bea", Role::Editor), &ctx("ada")).unwrap();
        assert_eq!(added.content.collaborators["bea"].role, Role::Editor);
        assert_eq!(added.entry.summary, "Added Bea (bea) as editor");
        assert_eq!(added.entry.action, "add_collaborator");
        assert!(!added.entry.reversible);
        let set = CollaboratorChange::SetRole { user_id: "bea".into(), role: Role::Viewer };
        let viewer = change_collaborators(&added.content, &set, &ctx("ada")).unwrap();
        assert_eq!(viewer.entry.summary, "Bea (bea) is now viewer (was editor)");
        let removed =
            change_collaborators(&viewer.content, &CollaboratorChange::Remove { user_id: "bea".into() }, &ctx("ada"))
                .unwrap();
        assert!(!removed.content.collaborators.contains_key("bea"));
    }

    #[test]
    fn a_project_keeps_an_owner_and_names_clashes() {
        let content = ProjectContent::new(Default::default(), "ada", "2026-12-06T11:00:00Z");
        let err = change_collaborators(&content, &CollaboratorChange::Remove { user_id: "ada".into() }, &ctx("ada"))
            .unwrap_err();
        assert_eq!(err.code(), "conflict");
        assert!(err.to_string().contains("last owner"), "{err}");
        let demote = CollaboratorChange::SetRole { user_id: "ada".into(), role: Role::Editor };
        assert_eq!(change_collaborators(&content, &demote, &ctx("ada")).unwrap_err().code(), "conflict");
        let again = change_collaborators(&content, &add("ada", Role::Editor), &ctx("ada")).unwrap_err();
        assert!(again.to_string().contains("already a collaborator (owner)"), "{again}");
        let nobody = CollaboratorChange::Remove { user_id: "zed".into() };
        assert_eq!(change_collaborators(&content, &nobody, &ctx("ada")).unwrap_err().code(), "not_found");
        assert!(change_collaborators(&content, &add("a b", Role::Viewer), &ctx("ada")).is_err());
    }
}
