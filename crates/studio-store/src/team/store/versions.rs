//! Numbered versions in the team database: at most 50 live, older ones archived (deflated),
//! as in the library file. A snapshot is kept as JSON text, so it comes back byte for byte.

use sqlx::{Postgres, Transaction};

use super::{TeamStore, key};
use crate::error::is_unique_violation;
use crate::local::{deflate, inflate};
use crate::team::uuid;
use crate::{NewVersion, Result, StoreError, VersionInfo, VersionRow, WorkingCopy};

#[derive(sqlx::FromRow)]
struct StoredVersion {
    version_id: String,
    version_number: i64,
    created_by: String,
    created_at: String,
    archived: bool,
    state_snapshot: Option<String>,
    archived_snapshot: Option<Vec<u8>>,
    heads: String,
}

impl TeamStore {
    pub(crate) async fn save_version(&self, copy: &WorkingCopy, version: &NewVersion, keep_live: usize) -> Result<()> {
        let mut tx = self.pool().begin().await?;
        TeamStore::write_working_in(&mut tx, copy, Some(version.version_number)).await?;
        TeamStore::insert_version(&mut tx, version).await?;
        archive_beyond(&mut tx, &version.project_id, keep_live, &version.created_at).await?;
        tx.commit().await?;
        Ok(())
    }

    pub(crate) async fn add_version(&self, version: &NewVersion, keep_live: usize) -> Result<()> {
        let mut tx = self.pool().begin().await?;
        TeamStore::insert_version(&mut tx, version).await?;
        sqlx::query("UPDATE studio_projects SET version = GREATEST(version, $1) WHERE project_id = $2")
            .bind(version.version_number as i32)
            .bind(uuid("project", &version.project_id)?)
            .execute(&mut *tx)
            .await?;
        archive_beyond(&mut tx, &version.project_id, keep_live, &version.created_at).await?;
        tx.commit().await?;
        Ok(())
    }

    pub(super) async fn insert_version(tx: &mut Transaction<'_, Postgres>, v: &NewVersion) -> Result<()> {
        let inserted = sqlx::query(
            "INSERT INTO studio_project_versions (version_id, project_id, version_number, state_snapshot,
               heads, created_by, created_at) VALUES ($1, $2, $3, $4::json, $5::jsonb, $6, studio_ts($7))",
        )
        .bind(uuid("version", &v.version_id)?)
        .bind(uuid("project", &v.project_id)?)
        .bind(v.version_number as i32)
        .bind(&v.state_snapshot)
        .bind(&v.heads)
        .bind(uuid("user", &v.created_by)?)
        .bind(&v.created_at)
        .execute(&mut **tx)
        .await;
        match inserted {
            Ok(_) => Ok(()),
            Err(e) if is_unique_violation(&e) => Err(StoreError::Conflict(format!(
                "version {} of project '{}' was saved by another session; reload the project and save again",
                v.version_number, v.project_id
            ))),
            Err(e) => Err(e.into()),
        }
    }

    pub(crate) async fn versions(&self, project_id: &str) -> Result<Vec<VersionInfo>> {
        self.project(project_id).await?;
        Ok(sqlx::query_as::<_, VersionInfo>(
            "SELECT version_id::text AS version_id, version_number::int8 AS version_number,
               created_by::text AS created_by, studio_iso(created_at) AS created_at,
               archived_at IS NOT NULL AS archived,
               COALESCE(octet_length(state_snapshot::text), octet_length(archived_snapshot))::int8 AS size
             FROM studio_project_versions WHERE project_id = $1 ORDER BY version_number DESC",
        )
        .bind(key("project", project_id)?)
        .fetch_all(self.pool())
        .await?)
    }

    pub(crate) async fn version(&self, project_id: &str, number: i64) -> Result<VersionRow> {
        let row = sqlx::query_as::<_, StoredVersion>(
            "SELECT version_id::text AS version_id, version_number::int8 AS version_number,
               created_by::text AS created_by, studio_iso(created_at) AS created_at,
               archived_at IS NOT NULL AS archived, state_snapshot::text AS state_snapshot, archived_snapshot,
               heads::text AS heads
             FROM studio_project_versions WHERE project_id = $1 AND version_number = $2",
        )
        .bind(key("project", project_id)?)
        .bind(number as i32)
        .fetch_optional(self.pool())
        .await?;
        let Some(v) = row else {
            self.project(project_id).await?;
            return Err(StoreError::not_found("version", format!("{number} of project {project_id}")));
        };
        let state_snapshot = match (v.state_snapshot, v.archived_snapshot) {
            (Some(text), _) => text,
            (None, Some(bytes)) => inflate(&bytes)?,
            (None, None) => return Err(StoreError::Corrupt(format!("version {number} has no snapshot"))),
        };
        let size = state_snapshot.len() as i64;
        Ok(VersionRow {
            info: VersionInfo {
                version_id: v.version_id,
                version_number: v.version_number,
                created_by: v.created_by,
                created_at: v.created_at,
                archived: v.archived,
                size,
            },
            state_snapshot,
            heads: v.heads,
        })
    }

    pub(crate) async fn pack_archived(&self, limit: usize) -> Result<usize> {
        let plain: Vec<(uuid::Uuid, String)> = sqlx::query_as(
            "SELECT version_id, state_snapshot::text FROM studio_project_versions
             WHERE archived_at IS NOT NULL AND state_snapshot IS NOT NULL LIMIT $1",
        )
        .bind(limit as i64)
        .fetch_all(self.pool())
        .await?;
        for (version_id, snapshot) in &plain {
            sqlx::query(
                "UPDATE studio_project_versions SET archived_snapshot = $1, state_snapshot = NULL
                 WHERE version_id = $2 AND state_snapshot IS NOT NULL",
            )
            .bind(deflate(snapshot.as_bytes())?)
            .bind(version_id)
            .execute(self.pool())
            .await?;
        }
        Ok(plain.len())
    }
}

/// Marks the versions beyond the newest `keep_live` archived (deflated later, off the save).
async fn archive_beyond(
    tx: &mut Transaction<'_, Postgres>,
    project_id: &str,
    keep_live: usize,
    at: &str,
) -> Result<()> {
    sqlx::query(
        "UPDATE studio_project_versions SET archived_at = studio_ts($1)
         WHERE project_id = $2 AND archived_at IS NULL AND version_number <= (
           SELECT MAX(version_number) - $3 FROM studio_project_versions WHERE project_id = $2)",
    )
    .bind(at)
    .bind(uuid("project", project_id)?)
    .bind(keep_live as i32)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
