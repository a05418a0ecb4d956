//! Numbered versions: full snapshots, at most 50 live, older ones archived (deflated, still
//! loadable), never deleted.

use std::io::{Read, Write};

use flate2::Compression;
use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use sqlx::{Sqlite, Transaction};

use super::{IMMEDIATE, Local};
use crate::error::is_unique_violation;
use crate::{Result, StoreError, WorkingCopy};

#[derive(Debug, Clone)]
pub struct NewVersion {
    pub version_id: String,
    pub project_id: String,
    pub version_number: i64,
    /// The full `ProjectState` JSON.
    pub state_snapshot: String,
    /// Automerge heads as a JSON array of hex hashes.
    pub heads: String,
    pub created_by: String,
    pub created_at: String,
}

/// A version in a listing, without its snapshot.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow, serde::Serialize, serde::Deserialize)]
pub struct VersionInfo {
    pub version_id: String,
    pub version_number: i64,
    pub created_by: String,
    pub created_at: String,
    pub archived: bool,
    pub size: i64,
}

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

/// A version with its snapshot, inflated if it was archived.
#[derive(Debug, Clone)]
pub struct VersionRow {
    pub info: VersionInfo,
    pub state_snapshot: String,
    pub heads: String,
}

impl Local {
    /// Saves a version: writes the working copy, inserts the snapshot and archives what falls
    /// beyond `keep_live`, all in one transaction.
    pub(crate) async fn save_version(&self, copy: &WorkingCopy, version: &NewVersion, keep_live: usize) -> Result<()> {
        let mut tx = self.pool.begin_with(IMMEDIATE).await?;
        Local::write_working_in(&mut tx, copy, Some(version.version_number)).await?;
        Local::insert_version(&mut tx, version).await?;
        archive_beyond(&mut tx, &version.project_id, keep_live, &version.created_at).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Keeps a version a peer saved (the working copy is not written): inserted, the project's
    /// version raised to it, what falls beyond `keep_live` archived, in one transaction.
    pub(crate) async fn add_version(&self, version: &NewVersion, keep_live: usize) -> Result<()> {
        let mut tx = self.pool.begin_with(IMMEDIATE).await?;
        Local::insert_version(&mut tx, version).await?;
        sqlx::query("UPDATE studio_projects SET version = MAX(version, ?) WHERE project_id = ?")
            .bind(version.version_number)
            .bind(&version.project_id)
            .execute(&mut *tx)
            .await?;
        archive_beyond(&mut tx, &version.project_id, keep_live, &version.created_at).await?;
        tx.commit().await?;
        Ok(())
    }

    pub(crate) async fn insert_version(tx: &mut Transaction<'_, Sqlite>, v: &NewVersion) -> Result<()> {
        let inserted = sqlx::query(
            "INSERT INTO studio_project_versions (version_id, project_id, version_number, state_snapshot,
               heads, created_by, created_at) VALUES (?,?,?,?,?,?,?)",
        )
        .bind(&v.version_id)
        .bind(&v.project_id)
        .bind(v.version_number)
        .bind(&v.state_snapshot)
        .bind(&v.heads)
        .bind(&v.created_by)
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

    /// Every version of a project, newest first.
    pub(crate) async fn versions(&self, project_id: &str) -> Result<Vec<VersionInfo>> {
        self.project(project_id).await?;
        Ok(sqlx::query_as::<_, VersionInfo>(
            "SELECT version_id, version_number, created_by, created_at, archived_at IS NOT NULL AS archived,
               COALESCE(LENGTH(CAST(state_snapshot AS BLOB)), LENGTH(archived_snapshot)) AS size
             FROM studio_project_versions WHERE project_id = ? ORDER BY version_number DESC",
        )
        .bind(project_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// One version with its full snapshot.
    pub(crate) async fn version(&self, project_id: &str, number: i64) -> Result<VersionRow> {
        let row = sqlx::query_as::<_, StoredVersion>(
            "SELECT version_id, version_number, created_by, created_at, archived_at IS NOT NULL AS archived,
               state_snapshot, archived_snapshot, heads
             FROM studio_project_versions WHERE project_id = ? AND version_number = ?",
        )
        .bind(project_id)
        .bind(number)
        .fetch_optional(&self.pool)
        .await?;
        let Some(StoredVersion {
            version_id,
            version_number,
            created_by,
            created_at,
            archived,
            state_snapshot,
            archived_snapshot,
            heads,
        }) = row
        else {
            self.project(project_id).await?;
            return Err(StoreError::not_found("version", format!("{number} of project {project_id}")));
        };
        let state_snapshot = match (state_snapshot, archived_snapshot) {
            (Some(text), _) => text,
            (None, Some(bytes)) => inflate(&bytes)?,
            (None, None) => return Err(StoreError::Corrupt(format!("version {number} has no snapshot"))),
        };
        let size = state_snapshot.len() as i64;
        Ok(VersionRow {
            info: VersionInfo { version_id, version_number, created_by, created_at, archived, size },
            state_snapshot,
            heads,
        })
    }
}

/// Marks the versions beyond the newest `keep_live` archived. Cheap, inside the save; their
/// snapshots are deflated later by [`Local::pack_archived`], off the save's path.
async fn archive_beyond(tx: &mut Transaction<'_, Sqlite>, project_id: &str, keep_live: usize, at: &str) -> Result<()> {
    sqlx::query(
        "UPDATE studio_project_versions SET archived_at = ?
         WHERE project_id = ? AND archived_at IS NULL AND version_number <= (
           SELECT MAX(version_number) - ? FROM studio_project_versions WHERE project_id = ?)",
    )
    .bind(at)
    .bind(project_id)
    .bind(keep_live as i64)
    .bind(project_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Local {
    /// Deflates the snapshots of archived versions that are still stored plain, at most
    /// `limit` of them. Returns how many it packed.
    pub(crate) async fn pack_archived(&self, limit: usize) -> Result<usize> {
        let plain: Vec<(String, String)> = sqlx::query_as(
            "SELECT version_id, state_snapshot FROM studio_project_versions
             WHERE archived_at IS NOT NULL AND state_snapshot IS NOT NULL LIMIT ?",
        )
        .bind(limit as i64)
        .fetch_all(&self.pool)
        .await?;
        for (version_id, snapshot) in &plain {
            sqlx::query(
                "UPDATE studio_project_versions SET archived_snapshot = ?, state_snapshot = NULL
                 WHERE version_id = ? AND state_snapshot IS NOT NULL",
            )
            .bind(deflate(snapshot.as_bytes())?)
            .bind(version_id)
            .execute(&self.pool)
            .await?;
        }
        Ok(plain.len())
    }
}

pub(crate) fn deflate(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut encoder = DeflateEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(bytes).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    encoder.finish().map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub(crate) fn inflate(bytes: &[u8]) -> Result<String> {
    let mut text = String::new();
    DeflateDecoder::new(bytes)
        .read_to_string(&mut text)
        .map_err(|e| StoreError::Corrupt(format!("archived snapshot does not inflate: {e}")))?;
    Ok(text)
}
