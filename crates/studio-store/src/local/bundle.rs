//! One project's rows as a `.studio` file holds them, for a store that is not a library file
//! (the team database) to write such a file or read one: the file is the same either way.

use std::path::Path;

use sqlx::sqlite::SqlitePoolOptions;
use sqlx::{Connection, SqliteConnection};

use super::portable::{file_options, temp_path};
use crate::{ArtifactRow, MIGRATOR, PROJECT_FILE_FORMAT, ProjectRow, ReportRow, Result, ScenarioRow, StoreError};

/// A version as stored: live (`state_snapshot`) or archived (deflated).
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct StoredVersion {
    pub version_id: String,
    pub version_number: i64,
    pub state_snapshot: Option<String>,
    pub archived_snapshot: Option<Vec<u8>>,
    pub heads: String,
    pub created_by: String,
    pub created_at: String,
    pub archived_at: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct Bundle {
    pub project: ProjectRow,
    pub versions: Vec<StoredVersion>,
    pub scenarios: Vec<ScenarioRow>,
    pub reports: Vec<ReportRow>,
    pub artifacts: Vec<ArtifactRow>,
}

/// Writes `bundle` as a `.studio` file at `path` (a temporary file renamed into place).
pub(crate) async fn write_file(path: &Path, bundle: &Bundle) -> Result<()> {
    let tmp = temp_path(path);
    let _ = std::fs::remove_file(&tmp);
    if let Err(e) = write_into(&tmp, bundle).await {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    std::fs::rename(&tmp, path).map_err(|e| StoreError::io(path, e))
}

async fn write_into(tmp: &Path, b: &Bundle) -> Result<()> {
    let pool =
        SqlitePoolOptions::new().max_connections(1).connect_with(file_options(tmp).create_if_missing(true)).await?;
    MIGRATOR.run(&pool).await?;
    let mut tx = pool.begin().await?;
    sqlx::query("UPDATE studio_library SET value = ? WHERE key = 'format'")
        .bind(PROJECT_FILE_FORMAT)
        .execute(&mut *tx)
        .await?;
    let p = &b.project;
    super::Local::insert_project(&mut tx, p).await?;
    for v in &b.versions {
        sqlx::query(
            "INSERT INTO studio_project_versions (version_id, project_id, version_number, state_snapshot,
               archived_snapshot, heads, created_by, created_at, archived_at) VALUES (?,?,?,?,?,?,?,?,?)",
        )
        .bind(&v.version_id)
        .bind(&p.project_id)
        .bind(v.version_number)
        .bind(&v.state_snapshot)
        .bind(&v.archived_snapshot)
        .bind(&v.heads)
        .bind(&v.created_by)
        .bind(&v.created_at)
        .bind(&v.archived_at)
        .execute(&mut *tx)
        .await?;
    }
    for s in &b.scenarios {
        sqlx::query(
            "INSERT INTO studio_scenarios (scenario_id, project_id, name, description, config, status, simulation_id,
               ensemble_id, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
        )
        .bind(&s.scenario_id)
        .bind(&p.project_id)
        .bind(&s.name)
        .bind(&s.description)
        .bind(&s.config)
        .bind(&s.status)
        .bind(&s.simulation_id)
        .bind(&s.ensemble_id)
        .bind(&p.updated_at)
        .bind(&p.updated_at)
        .execute(&mut *tx)
        .await?;
    }
    for r in &b.reports {
        sqlx::query(
            "INSERT INTO studio_reports (report_id, project_id, template, content, export_urls, generated_at)
             VALUES (?,?,?,?,?,?)",
        )
        .bind(&r.report_id)
        .bind(&p.project_id)
        .bind(&r.template)
        .bind(&r.content)
        .bind(&r.export_urls)
        .bind(&r.generated_at)
        .execute(&mut *tx)
        .await?;
    }
    for a in &b.artifacts {
        sqlx::query("INSERT INTO studio_artifacts (hash, kind, size, content, created_at) VALUES (?,?,?,?,?)")
            .bind(&a.hash)
            .bind(&a.kind)
            .bind(a.size)
            .bind(&a.content)
            .bind(&a.created_at)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO studio_project_artifacts (project_id, hash) VALUES (?,?)")
            .bind(&p.project_id)
            .bind(&a.hash)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    pool.close().await;
    Ok(())
}

/// Reads the project of a `.studio` file that [`crate::Store::check_file`] passed.
pub(crate) async fn read_file(path: &Path) -> Result<Bundle> {
    let mut conn = SqliteConnection::connect_with(&file_options(path).read_only(true)).await?;
    let project: ProjectRow = sqlx::query_as(
        "SELECT project_id, user_id, team_id, project_name, description, status, version, prediction_task_id,
           data_package_id, population_id, workbench_states, modification_log, document, created_at, updated_at,
           deleted_at FROM studio_projects",
    )
    .fetch_one(&mut conn)
    .await?;
    let versions = sqlx::query_as(
        "SELECT version_id, version_number, state_snapshot, archived_snapshot, heads, created_by, created_at,
           archived_at FROM studio_project_versions ORDER BY version_number",
    )
    .fetch_all(&mut conn)
    .await?;
    let scenarios = sqlx::query_as(
        "SELECT scenario_id, name, description, config, status, simulation_id, ensemble_id FROM studio_scenarios
         ORDER BY created_at, scenario_id",
    )
    .fetch_all(&mut conn)
    .await?;
    let reports = sqlx::query_as(
        "SELECT report_id, project_id, template, content, export_urls, generated_at FROM studio_reports
         ORDER BY generated_at",
    )
    .fetch_all(&mut conn)
    .await?;
    let artifacts = sqlx::query_as("SELECT hash, kind, size, content, created_at FROM studio_artifacts ORDER BY hash")
        .fetch_all(&mut conn)
        .await?;
    conn.close().await?;
    Ok(Bundle { project, versions, scenarios, reports, artifacts })
}
