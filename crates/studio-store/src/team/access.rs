//! Who may reach a project on the team server: the user who made it, and the members of its
//! team by their role there. Read in one query at every request about a project.

use sqlx::Row;

use super::{TeamDb, uuid};
use crate::{Result, StoreError};

/// A user's standing on one project.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectAccess {
    /// They made it (its `user_id`).
    pub creator: bool,
    pub team_id: Option<String>,
    /// Their role in the project's team, if it is in one and they are a member.
    pub team_role: Option<String>,
}

impl TeamDb {
    /// `user_id`'s standing on `project_id` (deleted or not); not found when there is no such
    /// project.
    pub async fn project_access(&self, project_id: &str, user_id: &str) -> Result<ProjectAccess> {
        let project = uuid::Uuid::parse_str(project_id).map_err(|_| StoreError::not_found("project", project_id))?;
        let user = uuid("user", user_id)?;
        let row = sqlx::query(
            "SELECT p.user_id = $2 AS creator, p.team_id::text AS team_id, m.role
             FROM studio_projects p
             LEFT JOIN studio_team_members m ON m.team_id = p.team_id AND m.user_id = $2
             WHERE p.project_id = $1",
        )
        .bind(project)
        .bind(user)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::not_found("project", project_id))?;
        Ok(ProjectAccess {
            creator: row.try_get("creator")?,
            team_id: row.try_get("team_id")?,
            team_role: row.try_get("role")?,
        })
    }
}
