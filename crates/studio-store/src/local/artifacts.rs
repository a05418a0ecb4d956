//! Derived artifacts stored once by the SHA-256 of their bytes and linked to projects.

use sha2::{Digest, Sha256};

use super::{IMMEDIATE, Local};
use crate::{Result, StoreError};

/// Links an artifact to a project, once.
const LINK: &str = "INSERT INTO studio_project_artifacts (project_id, hash) VALUES (?,?) ON CONFLICT DO NOTHING";

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ArtifactRow {
    pub hash: String,
    pub kind: String,
    pub size: i64,
    pub content: Vec<u8>,
    pub created_at: String,
}

impl Local {
    /// Stores `content` (once, whatever the number of projects using it) and links it to the
    /// project. Returns its hash.
    pub(crate) async fn put_artifact(&self, project_id: &str, kind: &str, content: &[u8]) -> Result<String> {
        let hash = hex::encode(Sha256::digest(content));
        let mut tx = self.pool.begin_with(IMMEDIATE).await?;
        sqlx::query(
            "INSERT INTO studio_artifacts (hash, kind, size, content, created_at) VALUES (?,?,?,?,?)
             ON CONFLICT (hash) DO NOTHING",
        )
        .bind(&hash)
        .bind(kind)
        .bind(content.len() as i64)
        .bind(content)
        .bind(crate::now())
        .execute(&mut *tx)
        .await?;
        sqlx::query(LINK).bind(project_id).bind(&hash).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(hash)
    }

    pub(crate) async fn artifact(&self, hash: &str) -> Result<ArtifactRow> {
        sqlx::query_as::<_, ArtifactRow>(
            "SELECT hash, kind, size, content, created_at FROM studio_artifacts WHERE hash = ?",
        )
        .bind(hash)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::not_found("artifact", hash))
    }

    /// Hashes of the artifacts linked to a project.
    pub(crate) async fn project_artifacts(&self, project_id: &str) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar("SELECT hash FROM studio_project_artifacts WHERE project_id = ? ORDER BY hash")
            .bind(project_id)
            .fetch_all(&self.pool)
            .await?)
    }

    /// The kind of a stored artifact, without its bytes; `None` when it is not here.
    pub(crate) async fn artifact_kind(&self, hash: &str) -> Result<Option<String>> {
        Ok(sqlx::query_scalar("SELECT kind FROM studio_artifacts WHERE hash = ?")
            .bind(hash)
            .fetch_optional(&self.pool)
            .await?)
    }

    /// Deletes the report exports kept as artifacts (`export_*`) stored before `before`;
    /// answers how many and their bytes.
    pub(crate) async fn prune_exports(&self, before: &str) -> Result<(u64, u64)> {
        let mut tx = self.pool.begin_with(IMMEDIATE).await?;
        let (n, bytes): (i64, Option<i64>) = sqlx::query_as(
            "SELECT COUNT(*), SUM(size) FROM studio_artifacts WHERE kind LIKE 'export\\_%' ESCAPE '\\' AND created_at < ?",
        )
        .bind(before)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query(
            "DELETE FROM studio_project_artifacts WHERE hash IN
               (SELECT hash FROM studio_artifacts WHERE kind LIKE 'export\\_%' ESCAPE '\\' AND created_at < ?)",
        )
        .bind(before)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM studio_artifacts WHERE kind LIKE 'export\\_%' ESCAPE '\\' AND created_at < ?")
            .bind(before)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok((n as u64, bytes.unwrap_or(0) as u64))
    }

    /// Links a stored artifact to a project as well (nothing when it already is).
    pub(crate) async fn link_artifact(&self, project_id: &str, hash: &str) -> Result<()> {
        sqlx::query(LINK).bind(project_id).bind(hash).execute(&self.pool).await?;
        Ok(())
    }

    /// Whether the artifact `hash` is linked to the project.
    pub(crate) async fn project_has_artifact(&self, project_id: &str, hash: &str) -> Result<bool> {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT 1 FROM studio_project_artifacts WHERE project_id = ? AND hash = ?")
                .bind(project_id)
                .bind(hash)
                .fetch_optional(&self.pool)
                .await?;
        Ok(found.is_some())
    }
}
