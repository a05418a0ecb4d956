//! Custom roles and who holds them: a role is a named set of permissions (the core says which
//! names there are); a grant gives a user a role on the whole server (`team_id` empty) or on
//! one team's projects. `admin` is built in and cannot be removed.

use serde::{Deserialize, Serialize};
use sqlx::Row;

use super::{TeamDb, uuid};
use crate::{Result, StoreError};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoleRow {
    pub name: String,
    pub description: String,
    pub permissions: Vec<String>,
    pub created_by: String,
    pub created_at: String,
}

/// A role a user holds, where, with its permissions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GrantRow {
    pub user_id: String,
    pub role: String,
    /// Empty: the whole server.
    pub team_id: String,
    pub permissions: Vec<String>,
    pub granted_by: String,
    pub granted_at: String,
}

const ISO: &str = r#"'YYYY-MM-DD"T"HH24:MI:SS"Z"'"#;

fn permissions(row: &sqlx::postgres::PgRow) -> Result<Vec<String>> {
    let text: String = row.try_get("permissions")?;
    serde_json::from_str(&text).map_err(|e| StoreError::Corrupt(format!("a role's permissions: {e}")))
}

impl TeamDb {
    /// Makes a role, or replaces its permissions and description.
    pub async fn put_role(&self, name: &str, description: &str, perms: &[String], by: &str) -> Result<RoleRow> {
        let list = serde_json::to_string(perms).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        sqlx::query(
            "INSERT INTO studio_roles (name, description, permissions, created_by) VALUES ($1, $2, $3::jsonb, $4)
             ON CONFLICT (name) DO UPDATE SET description = excluded.description, permissions = excluded.permissions",
        )
        .bind(name)
        .bind(description)
        .bind(list)
        .bind(by)
        .execute(&self.pool)
        .await?;
        self.roles().await?.into_iter().find(|r| r.name == name).ok_or_else(|| StoreError::not_found("role", name))
    }

    pub async fn roles(&self) -> Result<Vec<RoleRow>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT name, description, permissions::text AS permissions, created_by,
                    to_char(created_at, {ISO}) AS created_at FROM studio_roles ORDER BY name"
        )))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(RoleRow {
                    name: r.try_get("name")?,
                    description: r.try_get("description")?,
                    permissions: permissions(r)?,
                    created_by: r.try_get("created_by")?,
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect()
    }

    /// Removes a role and every grant of it; false when there was none.
    pub async fn delete_role(&self, name: &str) -> Result<bool> {
        let done = sqlx::query("DELETE FROM studio_roles WHERE name = $1").bind(name).execute(&self.pool).await?;
        Ok(done.rows_affected() == 1)
    }

    /// Gives `user_id` the role (on a team, or the whole server with `team_id` empty).
    pub async fn grant_role(&self, user_id: &str, role: &str, team_id: &str, by: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO studio_role_grants (user_id, role, team_id, granted_by) VALUES ($1, $2, $3, $4)
             ON CONFLICT DO NOTHING",
        )
        .bind(uuid("user", user_id)?)
        .bind(role)
        .bind(team_id)
        .bind(by)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Takes the role back; false when they did not hold it there.
    pub async fn revoke_role(&self, user_id: &str, role: &str, team_id: &str) -> Result<bool> {
        let done = sqlx::query("DELETE FROM studio_role_grants WHERE user_id = $1 AND role = $2 AND team_id = $3")
            .bind(uuid("user", user_id)?)
            .bind(role)
            .bind(team_id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The roles a user holds (every user's with `None`), with their permissions.
    pub async fn grants(&self, user_id: Option<&str>) -> Result<Vec<GrantRow>> {
        let user = user_id.map(|u| uuid("user", u)).transpose()?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT g.user_id::text AS user_id, g.role, g.team_id, r.permissions::text AS permissions, g.granted_by,
                    to_char(g.granted_at, {ISO}) AS granted_at
             FROM studio_role_grants g JOIN studio_roles r ON r.name = g.role
             WHERE $1::uuid IS NULL OR g.user_id = $1 ORDER BY g.user_id, g.team_id, g.role"
        )))
        .bind(user)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(GrantRow {
                    user_id: r.try_get("user_id")?,
                    role: r.try_get("role")?,
                    team_id: r.try_get("team_id")?,
                    permissions: permissions(r)?,
                    granted_by: r.try_get("granted_by")?,
                    granted_at: r.try_get("granted_at")?,
                })
            })
            .collect()
    }
}
