//! Project rows: create, list, get, write the working copy, soft delete.

use sqlx::{AssertSqlSafe, Sqlite, Transaction};

use super::{IMMEDIATE, Local};
use crate::error::is_unique_violation;
use crate::{NewVersion, Result, StoreError};

/// A project as stored, with the document as of the last save or autosave.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ProjectRow {
    pub project_id: String,
    pub user_id: String,
    pub team_id: Option<String>,
    pub project_name: String,
    pub description: Option<String>,
    pub status: String,
    pub version: i64,
    pub prediction_task_id: Option<String>,
    pub data_package_id: Option<String>,
    pub population_id: Option<String>,
    pub workbench_states: String,
    pub modification_log: String,
    pub document: Vec<u8>,
    pub created_at: String,
    pub updated_at: String,
    pub deleted_at: Option<String>,
}

/// What a save or an autosave writes over a project row.
#[derive(Debug, Clone)]
pub struct WorkingCopy {
    pub project_id: String,
    pub team_id: Option<String>,
    pub project_name: String,
    pub description: Option<String>,
    pub status: String,
    pub workbench_states: String,
    pub modification_log: String,
    pub document: Vec<u8>,
    pub updated_at: String,
    pub scenarios: Vec<ScenarioRow>,
    /// Journal entries this write folds in: this session's, up to this sequence number
    /// (removed in the same transaction).
    pub folds_journal: Option<(String, i64)>,
    /// The row's `updated_at` as the writer read it: the write is refused (`Stale`) when the
    /// row was written since, so nobody's document is overwritten unmerged.
    pub expected_stamp: Option<String>,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ScenarioRow {
    pub scenario_id: String,
    pub name: String,
    pub description: Option<String>,
    pub config: String,
    pub status: String,
    pub simulation_id: Option<String>,
    pub ensemble_id: Option<String>,
}

const PROJECT_COLUMNS: &str = "project_id, user_id, team_id, project_name, description, status, version, \
     prediction_task_id, data_package_id, population_id, workbench_states, modification_log, document, \
     created_at, updated_at, deleted_at";

impl Local {
    /// Inserts a new project with its first version, in one transaction.
    pub(crate) async fn create_project(&self, row: &ProjectRow, first: &NewVersion) -> Result<()> {
        let mut tx = self.pool.begin_with(IMMEDIATE).await?;
        Local::insert_project(&mut tx, row).await?;
        Local::insert_version(&mut tx, first).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Inserts a project row (a new project, or one a `.studio` file is written with).
    pub(super) async fn insert_project(tx: &mut Transaction<'_, Sqlite>, row: &ProjectRow) -> Result<()> {
        let inserted = sqlx::query(AssertSqlSafe(format!(
            "INSERT INTO studio_projects ({PROJECT_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
        )))
        .bind(&row.project_id)
        .bind(&row.user_id)
        .bind(&row.team_id)
        .bind(&row.project_name)
        .bind(&row.description)
        .bind(&row.status)
        .bind(row.version)
        .bind(&row.prediction_task_id)
        .bind(&row.data_package_id)
        .bind(&row.population_id)
        .bind(&row.workbench_states)
        .bind(&row.modification_log)
        .bind(&row.document)
        .bind(&row.created_at)
        .bind(&row.updated_at)
        .bind(&row.deleted_at)
        .execute(&mut **tx)
        .await;
        if let Err(e) = inserted {
            if is_unique_violation(&e) {
                return Err(StoreError::Conflict(format!("project '{}' already exists", row.project_id)));
            }
            return Err(e.into());
        }
        Ok(())
    }

    /// The project, unless it does not exist or was deleted.
    pub(crate) async fn project(&self, project_id: &str) -> Result<ProjectRow> {
        sqlx::query_as::<_, ProjectRow>(AssertSqlSafe(format!(
            "SELECT {PROJECT_COLUMNS} FROM studio_projects WHERE project_id = ? AND deleted_at IS NULL"
        )))
        .bind(project_id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::not_found("project", project_id))
    }

    /// Whether the project is in the library's bin (deleted, not purged).
    pub(crate) async fn is_deleted(&self, project_id: &str) -> Result<bool> {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT 1 FROM studio_projects WHERE project_id = ? AND deleted_at IS NOT NULL")
                .bind(project_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(found.is_some())
    }

    /// `updated_at` of a live project: tells whether someone else wrote it since.
    pub(crate) async fn project_stamp(&self, project_id: &str) -> Result<(String, i64)> {
        sqlx::query_as("SELECT updated_at, version FROM studio_projects WHERE project_id = ? AND deleted_at IS NULL")
            .bind(project_id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::not_found("project", project_id))
    }

    /// Projects owned by `user_id` (or all users' with `None`), in `team_id` when given,
    /// newest update first, without the document bytes.
    pub(crate) async fn list_projects(&self, user_id: Option<&str>, team_id: Option<&str>) -> Result<Vec<ProjectRow>> {
        let columns = PROJECT_COLUMNS.replace("document", "x'' AS document");
        let rows = sqlx::query_as::<_, ProjectRow>(AssertSqlSafe(format!(
            "SELECT {columns} FROM studio_projects
             WHERE deleted_at IS NULL AND (?1 IS NULL OR user_id = ?1) AND (?2 IS NULL OR team_id = ?2)
             ORDER BY updated_at DESC, project_id"
        )))
        .bind(user_id)
        .bind(team_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows)
    }

    /// Writes the working copy (an autosave), folding journal entries if asked.
    pub(crate) async fn write_working(&self, copy: &WorkingCopy) -> Result<()> {
        let mut tx = self.pool.begin_with(IMMEDIATE).await?;
        Local::write_working_in(&mut tx, copy, None).await?;
        tx.commit().await?;
        Ok(())
    }

    pub(crate) async fn write_working_in(
        tx: &mut Transaction<'_, Sqlite>,
        copy: &WorkingCopy,
        version: Option<i64>,
    ) -> Result<()> {
        let updated = sqlx::query(
            "UPDATE studio_projects SET team_id = ?, project_name = ?, description = ?, status = ?,
               workbench_states = ?, modification_log = ?, document = ?, updated_at = ?,
               version = COALESCE(?, version)
             WHERE project_id = ? AND deleted_at IS NULL AND (? IS NULL OR updated_at = ?)",
        )
        .bind(&copy.team_id)
        .bind(&copy.project_name)
        .bind(&copy.description)
        .bind(&copy.status)
        .bind(&copy.workbench_states)
        .bind(&copy.modification_log)
        .bind(&copy.document)
        .bind(&copy.updated_at)
        .bind(version)
        .bind(&copy.project_id)
        .bind(&copy.expected_stamp)
        .bind(&copy.expected_stamp)
        .execute(&mut **tx)
        .await?;
        if updated.rows_affected() == 0 {
            let live: Option<i64> =
                sqlx::query_scalar("SELECT 1 FROM studio_projects WHERE project_id = ? AND deleted_at IS NULL")
                    .bind(&copy.project_id)
                    .fetch_optional(&mut **tx)
                    .await?;
            return Err(match live {
                Some(_) => StoreError::Stale(copy.project_id.clone()),
                None => StoreError::not_found("project", &copy.project_id),
            });
        }
        sqlx::query("DELETE FROM studio_scenarios WHERE project_id = ?")
            .bind(&copy.project_id)
            .execute(&mut **tx)
            .await?;
        for s in &copy.scenarios {
            sqlx::query(
                "INSERT INTO studio_scenarios (scenario_id, project_id, name, description, config, status,
                   simulation_id, ensemble_id, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
            )
            .bind(&s.scenario_id)
            .bind(&copy.project_id)
            .bind(&s.name)
            .bind(&s.description)
            .bind(&s.config)
            .bind(&s.status)
            .bind(&s.simulation_id)
            .bind(&s.ensemble_id)
            .bind(&copy.updated_at)
            .bind(&copy.updated_at)
            .execute(&mut **tx)
            .await?;
        }
        if let Some((session_id, up_to)) = &copy.folds_journal {
            sqlx::query("DELETE FROM studio_journal WHERE project_id = ? AND session_id = ? AND seq <= ?")
                .bind(&copy.project_id)
                .bind(session_id)
                .bind(up_to)
                .execute(&mut **tx)
                .await?;
        }
        Ok(())
    }

    /// The scenarios mirrored from the document at the last save or autosave.
    pub(crate) async fn scenarios(&self, project_id: &str) -> Result<Vec<ScenarioRow>> {
        Ok(sqlx::query_as::<_, ScenarioRow>(
            "SELECT scenario_id, name, description, config, status, simulation_id, ensemble_id
             FROM studio_scenarios WHERE project_id = ? ORDER BY created_at, scenario_id",
        )
        .bind(project_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Makes `user_id` the project's owner here (a project imported from another library or
    /// a team server, whose owner was someone else's id there).
    pub(crate) async fn set_project_user(&self, project_id: &str, user_id: &str) -> Result<()> {
        let done = sqlx::query("UPDATE studio_projects SET user_id = ? WHERE project_id = ?")
            .bind(user_id)
            .bind(project_id)
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::not_found("project", project_id));
        }
        Ok(())
    }

    /// Marks the project deleted; it stays in the file and can be brought back.
    pub(crate) async fn soft_delete(&self, project_id: &str, at: &str) -> Result<()> {
        let done = sqlx::query("UPDATE studio_projects SET deleted_at = ? WHERE project_id = ? AND deleted_at IS NULL")
            .bind(at)
            .bind(project_id)
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::not_found("project", project_id));
        }
        Ok(())
    }

    /// Brings back a soft-deleted project.
    pub(crate) async fn undelete(&self, project_id: &str) -> Result<()> {
        let done =
            sqlx::query("UPDATE studio_projects SET deleted_at = NULL WHERE project_id = ? AND deleted_at IS NOT NULL")
                .bind(project_id)
                .execute(&self.pool)
                .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::not_found("deleted project", project_id));
        }
        Ok(())
    }
}
