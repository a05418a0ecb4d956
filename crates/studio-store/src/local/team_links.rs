//! The library's links to team servers: each local copy of a team project, where it syncs.

use crate::Result;
use crate::local::Local;

/// A local copy of a team project, and where it syncs.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct TeamLinkRow {
    pub project_id: String,
    /// The team server's address, `https://…` (or `http://` on loopback).
    pub server: String,
    pub remote_project_id: String,
    pub token: String,
    /// The heads (hex) both sides had at the last sync, as a JSON array.
    pub synced_heads: String,
    pub last_sync_at: Option<String>,
    pub last_error: Option<String>,
    pub created_at: String,
}

const COLUMNS: &str =
    "project_id, server, remote_project_id, token, synced_heads, last_sync_at, last_error, created_at";

impl Local {
    pub(crate) async fn set_team_link(&self, link: &TeamLinkRow) -> Result<()> {
        sqlx::query(
            "INSERT INTO studio_team_links (project_id, server, remote_project_id, token, synced_heads, last_sync_at,
               last_error, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (project_id) DO UPDATE SET server = excluded.server,
               remote_project_id = excluded.remote_project_id, token = excluded.token,
               synced_heads = excluded.synced_heads, last_sync_at = excluded.last_sync_at,
               last_error = excluded.last_error",
        )
        .bind(&link.project_id)
        .bind(&link.server)
        .bind(&link.remote_project_id)
        .bind(&link.token)
        .bind(&link.synced_heads)
        .bind(&link.last_sync_at)
        .bind(&link.last_error)
        .bind(&link.created_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub(crate) async fn team_link(&self, project_id: &str) -> Result<Option<TeamLinkRow>> {
        Ok(sqlx::query_as::<_, TeamLinkRow>(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM studio_team_links WHERE project_id = ?"
        )))
        .bind(project_id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Every linked project that is not in the trash.
    pub(crate) async fn team_links(&self) -> Result<Vec<TeamLinkRow>> {
        Ok(sqlx::query_as::<_, TeamLinkRow>(sqlx::AssertSqlSafe(format!(
            "SELECT {} FROM studio_team_links l JOIN studio_projects p USING (project_id)
             WHERE p.deleted_at IS NULL ORDER BY l.created_at",
            COLUMNS.split(", ").map(|c| format!("l.{c}")).collect::<Vec<_>>().join(", ")
        )))
        .fetch_all(&self.pool)
        .await?)
    }

    /// How the last sync went: the heads both sides now have (on success), when, and why not.
    pub(crate) async fn record_team_sync(
        &self,
        project_id: &str,
        synced_heads: Option<&str>,
        at: &str,
        error: Option<&str>,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE studio_team_links SET synced_heads = COALESCE(?, synced_heads), last_sync_at = ?, last_error = ?
             WHERE project_id = ?",
        )
        .bind(synced_heads)
        .bind(at)
        .bind(error)
        .bind(project_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
