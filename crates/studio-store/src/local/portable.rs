//! `.studio` files: one project in a standalone SQLite file with the library's schema.
//! Export writes to a temporary file and renames it into place; import checks the file
//! (SQLite, intact, a project file, not from a newer schema) before copying anything.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use sqlx::{AssertSqlSafe, Connection, SqliteConnection};

use super::Local;
use crate::{MIGRATOR, PROJECT_FILE_FORMAT, Result, StoreError, schema_version};

#[derive(Debug, Clone, Copy, Default)]
pub struct ExportOptions {
    pub with_artifacts: bool,
}

/// What a `.studio` file holds, read without importing it.
#[derive(Debug, Clone, PartialEq)]
pub struct FileCheck {
    pub project_id: String,
    pub project_name: String,
    pub schema: i64,
}

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

impl Local {
    /// Writes one project (document, versions, scenarios, reports; artifacts if asked) to `path`.
    pub(crate) async fn export_project(&self, project_id: &str, path: &Path, options: ExportOptions) -> Result<()> {
        self.project(project_id).await?;
        let tmp = temp_path(path);
        let _ = std::fs::remove_file(&tmp);
        let result = self.export_into(project_id, &tmp, options).await;
        if let Err(e) = result {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
        std::fs::rename(&tmp, path).map_err(|e| StoreError::io(path, e))?;
        Ok(())
    }

    async fn export_into(&self, project_id: &str, tmp: &Path, options: ExportOptions) -> Result<()> {
        {
            let pool = SqlitePoolOptions::new()
                .max_connections(1)
                .connect_with(file_options(tmp).create_if_missing(true))
                .await?;
            MIGRATOR.run(&pool).await?;
            sqlx::query("UPDATE studio_library SET value = ? WHERE key = 'format'")
                .bind(PROJECT_FILE_FORMAT)
                .execute(&pool)
                .await?;
            pool.close().await;
        }
        let mut conn = self.pool.acquire().await?;
        sqlx::query("ATTACH DATABASE ? AS ext").bind(tmp.to_string_lossy().as_ref()).execute(&mut *conn).await?;
        let copied = async {
            let mut tx = conn.begin().await?;
            for table in ["studio_projects", "studio_project_versions", "studio_scenarios", "studio_reports"] {
                sqlx::query(AssertSqlSafe(format!("INSERT INTO ext.{table} SELECT * FROM main.{table} WHERE project_id = ?")))
                    .bind(project_id)
                    .execute(&mut *tx)
                    .await?;
            }
            if options.with_artifacts {
                sqlx::query(
                    "INSERT INTO ext.studio_artifacts SELECT a.* FROM main.studio_artifacts a
                     JOIN main.studio_project_artifacts l ON l.hash = a.hash WHERE l.project_id = ?",
                )
                .bind(project_id)
                .execute(&mut *tx)
                .await?;
                sqlx::query("INSERT INTO ext.studio_project_artifacts SELECT * FROM main.studio_project_artifacts WHERE project_id = ?")
                    .bind(project_id)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok::<_, sqlx::Error>(())
        }
        .await;
        sqlx::query("DETACH DATABASE ext").execute(&mut *conn).await?;
        copied?;
        Ok(())
    }

    /// Checks that `path` is an intact `.studio` file this version can read.
    pub(crate) async fn check_file(path: &Path) -> Result<FileCheck> {
        let bad = |detail: &str| StoreError::NotALibrary { path: path.to_path_buf(), detail: detail.to_string() };
        // Only the header is read here: the file may be large, and SQLite reads the rest page
        // by page as it is checked and copied.
        let mut file = std::fs::File::open(path).map_err(|e| StoreError::io(path, e))?;
        let meta = file.metadata().map_err(|e| StoreError::io(path, e))?;
        if !meta.is_file() {
            return Err(bad("it is not a regular file"));
        }
        let mut header = [0u8; 100];
        if meta.len() < 100 || file.read_exact(&mut header).is_err() || &header[..16] != SQLITE_MAGIC {
            return Err(bad("it is not a SQLite database"));
        }
        let page_size = match u16::from_be_bytes([header[16], header[17]]) {
            1 => 65536,
            n => u64::from(n),
        };
        let pages = u64::from(u32::from_be_bytes([header[28], header[29], header[30], header[31]]));
        if page_size == 0 || meta.len() < pages * page_size {
            return Err(bad(&format!(
                "it is truncated ({} bytes of the {} its header promises)",
                meta.len(),
                pages * page_size
            )));
        }
        let read_only = SqliteConnectOptions::from_str("sqlite://").unwrap_or_default().filename(path).read_only(true);
        let mut conn =
            SqliteConnection::connect_with(&read_only).await.map_err(|e| bad(&format!("it cannot be opened: {e}")))?;
        let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(&mut conn)
            .await
            .map_err(|e| bad(&format!("it is damaged: {e}")))?;
        if integrity != "ok" {
            return Err(bad(&format!("it is damaged: {integrity}")));
        }
        let format: Option<String> = sqlx::query_scalar("SELECT value FROM studio_library WHERE key = 'format'")
            .fetch_optional(&mut conn)
            .await
            .map_err(|_| bad("it has no studio_library table"))?;
        match format.as_deref() {
            Some(PROJECT_FILE_FORMAT) => {}
            Some(other) => return Err(bad(&format!("its format is '{other}', not a project file"))),
            None => return Err(bad("it names no format")),
        }
        let schema: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations")
            .fetch_one(&mut conn)
            .await
            .map_err(|_| bad("it has no schema history"))?;
        if schema > schema_version() {
            return Err(StoreError::NewerSchema {
                path: path.to_path_buf(),
                found: schema,
                supported: schema_version(),
            });
        }
        let projects: Vec<(String, String)> =
            sqlx::query_as("SELECT project_id, project_name FROM studio_projects").fetch_all(&mut conn).await?;
        conn.close().await?;
        match projects.as_slice() {
            [(project_id, project_name)] => {
                Ok(FileCheck { project_id: project_id.clone(), project_name: project_name.clone(), schema })
            }
            other => Err(bad(&format!("it holds {} projects instead of one", other.len()))),
        }
    }

    /// Imports a checked `.studio` file; the project gets `new_id` when its own id is taken.
    /// Returns the id it was imported under.
    pub(crate) async fn import_project(&self, path: &Path, new_id: &str) -> Result<String> {
        let check = Local::check_file(path).await?;
        let taken: Option<String> = sqlx::query_scalar("SELECT project_id FROM studio_projects WHERE project_id = ?")
            .bind(&check.project_id)
            .fetch_optional(&self.pool)
            .await?;
        let id = if taken.is_some() { new_id.to_string() } else { check.project_id.clone() };
        let renamed = id != check.project_id;
        let mut conn = self.pool.acquire().await?;
        sqlx::query("ATTACH DATABASE ? AS ext").bind(path.to_string_lossy().as_ref()).execute(&mut *conn).await?;
        let copied = async {
            let mut tx = conn.begin().await?;
            // Row ids are new only when the project is: a second import must not collide.
            let fresh = |column: &str| {
                if renamed { "lower(hex(randomblob(16)))".to_string() } else { column.to_string() }
            };
            sqlx::query(
                "INSERT INTO main.studio_projects SELECT ?, user_id, team_id, project_name, description, status,
                   version, prediction_task_id, data_package_id, population_id, workbench_states, modification_log,
                   document, created_at, updated_at, deleted_at FROM ext.studio_projects",
            )
            .bind(&id)
            .execute(&mut *tx)
            .await?;
            sqlx::query(AssertSqlSafe(format!(
                "INSERT INTO main.studio_project_versions SELECT {}, ?, version_number, state_snapshot,
                   archived_snapshot, heads, created_by, created_at, archived_at FROM ext.studio_project_versions",
                fresh("version_id")
            )))
            .bind(&id)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO main.studio_scenarios SELECT scenario_id, ?, name, description, config, status,
                   simulation_id, ensemble_id, created_at, updated_at FROM ext.studio_scenarios",
            )
            .bind(&id)
            .execute(&mut *tx)
            .await?;
            sqlx::query(AssertSqlSafe(format!(
                "INSERT INTO main.studio_reports SELECT {}, ?, template, content, export_urls, generated_at
                 FROM ext.studio_reports",
                fresh("report_id")
            )))
            .bind(&id)
            .execute(&mut *tx)
            .await?;
            sqlx::query("INSERT INTO main.studio_artifacts SELECT * FROM ext.studio_artifacts WHERE true ON CONFLICT (hash) DO NOTHING")
                .execute(&mut *tx)
                .await?;
            sqlx::query("INSERT INTO main.studio_project_artifacts SELECT ?, hash FROM ext.studio_project_artifacts")
                .bind(&id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok::<_, sqlx::Error>(())
        }
        .await;
        sqlx::query("DETACH DATABASE ext").execute(&mut *conn).await?;
        copied?;
        Ok(id)
    }
}

/// Options for a standalone file: a rollback journal, so the file is complete on its own.
pub(super) fn file_options(path: &Path) -> SqliteConnectOptions {
    SqliteConnectOptions::from_str("sqlite://")
        .unwrap_or_default()
        .filename(path)
        .journal_mode(SqliteJournalMode::Delete)
        .foreign_keys(true)
}

/// A temporary file of its own beside `path`: two exports to one path at once (two programs,
/// two clicks) must not write into each other's file; the last to finish wins, whole.
pub(super) fn temp_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(format!(".{}.partial", uuid::Uuid::new_v4().simple()));
    path.with_file_name(name)
}
