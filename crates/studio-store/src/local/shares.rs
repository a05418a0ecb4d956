//! Shared projects, the invites of this library's hub, and where that hub listens.

use super::Local;
use crate::Result;

/// A project shared here as a hub, or joined at another's hub.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ShareRow {
    pub project_id: String,
    /// `hub` or `peer`.
    pub side: String,
    pub hub_url: Option<String>,
    pub hub_key: Option<String>,
    pub fingerprint: Option<String>,
    pub invite: Option<String>,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct InviteRow {
    pub invite_id: String,
    pub project_id: String,
    pub role: String,
    pub token: String,
    pub expires_at: String,
    pub created_by: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

const SHARE_COLUMNS: &str = "project_id, side, hub_url, hub_key, fingerprint, invite, created_at";
const INVITE_COLUMNS: &str = "invite_id, project_id, role, token, expires_at, created_by, created_at, revoked_at";

impl Local {
    /// Records a project as shared (or joined); an existing record is replaced.
    pub(crate) async fn set_share(&self, share: &ShareRow) -> Result<()> {
        sqlx::query(
            "INSERT INTO studio_shares (project_id, side, hub_url, hub_key, fingerprint, invite, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (project_id) DO UPDATE SET side = excluded.side, hub_url = excluded.hub_url,
               hub_key = excluded.hub_key, fingerprint = excluded.fingerprint, invite = excluded.invite",
        )
        .bind(&share.project_id)
        .bind(&share.side)
        .bind(&share.hub_url)
        .bind(&share.hub_key)
        .bind(&share.fingerprint)
        .bind(&share.invite)
        .bind(&share.created_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub(crate) async fn share(&self, project_id: &str) -> Result<Option<ShareRow>> {
        Ok(sqlx::query_as::<_, ShareRow>(sqlx::AssertSqlSafe(format!(
            "SELECT {SHARE_COLUMNS} FROM studio_shares WHERE project_id = ?"
        )))
        .bind(project_id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Every shared or joined project that is not in the trash.
    pub(crate) async fn shares(&self) -> Result<Vec<ShareRow>> {
        Ok(sqlx::query_as::<_, ShareRow>(sqlx::AssertSqlSafe(format!(
            "SELECT {} FROM studio_shares s JOIN studio_projects p USING (project_id)
             WHERE p.deleted_at IS NULL ORDER BY s.created_at",
            SHARE_COLUMNS.split(", ").map(|c| format!("s.{c}")).collect::<Vec<_>>().join(", ")
        )))
        .fetch_all(&self.pool)
        .await?)
    }

    pub(crate) async fn add_invite(&self, invite: &InviteRow) -> Result<()> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO studio_invites ({INVITE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        )))
        .bind(&invite.invite_id)
        .bind(&invite.project_id)
        .bind(&invite.role)
        .bind(&invite.token)
        .bind(&invite.expires_at)
        .bind(&invite.created_by)
        .bind(&invite.created_at)
        .bind(&invite.revoked_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub(crate) async fn invite(&self, invite_id: &str) -> Result<Option<InviteRow>> {
        Ok(sqlx::query_as::<_, InviteRow>(sqlx::AssertSqlSafe(format!(
            "SELECT {INVITE_COLUMNS} FROM studio_invites WHERE invite_id = ?"
        )))
        .bind(invite_id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// A project's invites, newest first.
    pub(crate) async fn invites(&self, project_id: &str) -> Result<Vec<InviteRow>> {
        Ok(sqlx::query_as::<_, InviteRow>(sqlx::AssertSqlSafe(format!(
            "SELECT {INVITE_COLUMNS} FROM studio_invites WHERE project_id = ? ORDER BY created_at DESC, invite_id"
        )))
        .bind(project_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Revokes an invite; answers whether there was one not revoked yet.
    pub(crate) async fn revoke_invite(&self, invite_id: &str, at: &str) -> Result<bool> {
        let done = sqlx::query("UPDATE studio_invites SET revoked_at = ? WHERE invite_id = ? AND revoked_at IS NULL")
            .bind(at)
            .bind(invite_id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Records where this library's hub listens.
    pub(crate) async fn set_hub_url(&self, url: &str, at: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO studio_hub (id, url, started_at) VALUES (1, ?, ?)
             ON CONFLICT (id) DO UPDATE SET url = excluded.url, started_at = excluded.started_at",
        )
        .bind(url)
        .bind(at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub(crate) async fn hub_url(&self) -> Result<Option<String>> {
        Ok(sqlx::query_scalar("SELECT url FROM studio_hub WHERE id = 1").fetch_optional(&self.pool).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn invites_are_kept_and_revoked_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::Store::open(&dir.path().join("l.db")).await.unwrap();
        assert_eq!(store.hub_url().await.unwrap(), None);
        store.set_hub_url("ws://127.0.0.1:7878/sync/v1", "t").await.unwrap();
        store.set_hub_url("ws://127.0.0.1:7879/sync/v1", "t").await.unwrap();
        assert_eq!(store.hub_url().await.unwrap().as_deref(), Some("ws://127.0.0.1:7879/sync/v1"));
        // An invite names a project of the library: foreign keys hold.
        let invite = InviteRow {
            invite_id: "i1".into(),
            project_id: "nope".into(),
            role: "editor".into(),
            token: "t".into(),
            expires_at: "2030-01-01T00:00:00Z".into(),
            created_by: "ada".into(),
            created_at: "2026-01-01T00:00:00Z".into(),
            revoked_at: None,
        };
        assert!(store.add_invite(&invite).await.is_err());
    }
}
