//! Who works on a project: adding a collaborator, changing a role, removing one. Each is one
//! logged change of the document, made by an owner.

use studio_model::{CollaboratorChange, ProjectState, Role, change_collaborators};

use crate::actor::Actor;
use crate::error::{CoreError, Result};
use crate::library::Library;
use crate::projects_service::Projects;

impl Projects {
    /// Applies `change` to the project's collaborators; the actor must be one of its owners.
    pub async fn change_collaborators(&self, actor: &Actor, change: &CollaboratorChange) -> Result<ProjectState> {
        change_members(self, actor, change).await
    }
}

/// Applies `change` to the project's collaborators; the actor must be one of its owners.
pub(crate) async fn change_members(
    library: &Library,
    actor: &Actor,
    change: &CollaboratorChange,
) -> Result<ProjectState> {
    let (project_id, user_id) = (actor.project_id.as_str(), actor.user_id.as_str());
    let mut open = library.project(project_id).await?;
    // Stricter than other edits: someone the project does not list is no owner of it.
    match open.doc.content().collaborators.get(user_id).map(|c| c.role) {
        Some(Role::Owner) => {}
        Some(_) => {
            return Err(CoreError::new(
                "forbidden",
                format!("user '{user_id}' is not an owner of this project: only an owner can change who works on it"),
            ));
        }
        None => {
            return Err(CoreError::new(
                "forbidden",
                format!(
                    "user '{user_id}' is not a collaborator of this project: only an owner can change who works on it"
                ),
            ));
        }
    }
    let ctx = library.context(user_id);
    let outcome = change_collaborators(open.doc.content(), change, &ctx)?;
    library.commit_outcome(project_id, &mut open, user_id, &outcome).await
}
