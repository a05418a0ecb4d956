//! Project rows in the team database: the seed's `studio_projects` and `studio_scenarios`.

use sqlx::{AssertSqlSafe, Postgres, Transaction};

use super::{TeamStore, key, opt_uuid};
use crate::error::is_unique_violation;
use crate::team::uuid;
use crate::{NewVersion, ProjectRow, Result, ScenarioRow, StoreError, WorkingCopy};

/// A project's columns as the core reads them: ids and JSON as text, times as ISO 8601.
const PROJECT_COLUMNS: &str = "project_id::text AS project_id, user_id::text AS user_id, team_id::text AS team_id, \
     project_name, description, status, version::int8 AS version, prediction_task_id, data_package_id, population_id, \
     workbench_states::text AS workbench_states, modification_log::text AS modification_log, document, \
     studio_iso(created_at) AS created_at, studio_iso(updated_at) AS updated_at, studio_iso(deleted_at) AS deleted_at";

impl TeamStore {
    pub(crate) async fn create_project(&self, row: &ProjectRow, first: &NewVersion) -> Result<()> {
        let mut tx = self.pool().begin().await?;
        TeamStore::insert_project(&mut tx, row).await?;
        TeamStore::insert_version(&mut tx, first).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Inserts a project row (a new project, or one from a `.studio` file).
    pub(super) async fn insert_project(tx: &mut Transaction<'_, Postgres>, row: &ProjectRow) -> Result<()> {
        let inserted = sqlx::query(
            "INSERT INTO studio_projects (project_id, user_id, team_id, project_name, description, status, version,
               prediction_task_id, data_package_id, population_id, workbench_states, modification_log, document,
               created_at, updated_at, deleted_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12::jsonb, $13, studio_ts($14),
               studio_ts($15), studio_ts($16))",
        )
        .bind(uuid("project", &row.project_id)?)
        .bind(uuid("user", &row.user_id)?)
        .bind(opt_uuid("team", row.team_id.as_deref())?)
        .bind(&row.project_name)
        .bind(&row.description)
        .bind(&row.status)
        .bind(row.version as i32)
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
            if let sqlx::Error::Database(db) = &e
                && db.is_foreign_key_violation()
            {
                let team = row.team_id.as_deref().unwrap_or_default();
                return Err(StoreError::Invalid(format!("team '{team}' is not a team of this server")));
            }
            return Err(e.into());
        }
        Ok(())
    }

    pub(crate) async fn project(&self, project_id: &str) -> Result<ProjectRow> {
        let id = key("project", project_id)?;
        sqlx::query_as::<_, ProjectRow>(AssertSqlSafe(format!(
            "SELECT {PROJECT_COLUMNS} FROM studio_projects WHERE project_id = $1 AND deleted_at IS NULL"
        )))
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        .ok_or_else(|| StoreError::not_found("project", project_id))
    }

    pub(crate) async fn is_deleted(&self, project_id: &str) -> Result<bool> {
        let Ok(id) = key("project", project_id) else { return Ok(false) };
        let found: Option<i32> =
            sqlx::query_scalar("SELECT 1 FROM studio_projects WHERE project_id = $1 AND deleted_at IS NOT NULL")
                .bind(id)
                .fetch_optional(self.pool())
                .await?;
        Ok(found.is_some())
    }

    pub(crate) async fn project_stamp(&self, project_id: &str) -> Result<(String, i64)> {
        sqlx::query_as(
            "SELECT studio_iso(updated_at), version::int8 FROM studio_projects
             WHERE project_id = $1 AND deleted_at IS NULL",
        )
        .bind(key("project", project_id)?)
        .fetch_optional(self.pool())
        .await?
        .ok_or_else(|| StoreError::not_found("project", project_id))
    }

    /// The projects `user_id` can reach: their own and their teams' (every project with `None`),
    /// in `team_id` when given, newest update first, without the document bytes.
    pub(crate) async fn list_projects(&self, user_id: Option<&str>, team_id: Option<&str>) -> Result<Vec<ProjectRow>> {
        let columns = PROJECT_COLUMNS.replace(" document,", " ''::bytea AS document,");
        let (Ok(user), Ok(team)) =
            (user_id.map(|u| key("user", u)).transpose(), team_id.map(|t| key("team", t)).transpose())
        else {
            return Ok(Vec::new());
        };
        Ok(sqlx::query_as::<_, ProjectRow>(AssertSqlSafe(format!(
            "SELECT {columns} FROM studio_projects
             WHERE deleted_at IS NULL
               AND ($1::uuid IS NULL OR user_id = $1
                    OR team_id IN (SELECT m.team_id FROM studio_team_members m WHERE m.user_id = $1))
               AND ($2::uuid IS NULL OR team_id = $2)
             ORDER BY updated_at DESC, project_id"
        )))
        .bind(user)
        .bind(team)
        .fetch_all(self.pool())
        .await?)
    }

    pub(crate) async fn write_working(&self, copy: &WorkingCopy) -> Result<()> {
        let mut tx = self.pool().begin().await?;
        TeamStore::write_working_in(&mut tx, copy, None).await?;
        tx.commit().await?;
        Ok(())
    }

    pub(super) async fn write_working_in(
        tx: &mut Transaction<'_, Postgres>,
        copy: &WorkingCopy,
        version: Option<i64>,
    ) -> Result<()> {
        let project = key("project", &copy.project_id)?;
        let updated = sqlx::query(
            "UPDATE studio_projects SET team_id = $1, project_name = $2, description = $3, status = $4,
               workbench_states = $5::jsonb, modification_log = $6::jsonb, document = $7,
               updated_at = studio_ts($8), version = COALESCE($9, version)
             WHERE project_id = $10 AND deleted_at IS NULL
               AND ($11::text IS NULL OR updated_at = studio_ts($11))",
        )
        .bind(opt_uuid("team", copy.team_id.as_deref())?)
        .bind(&copy.project_name)
        .bind(&copy.description)
        .bind(&copy.status)
        .bind(&copy.workbench_states)
        .bind(&copy.modification_log)
        .bind(&copy.document)
        .bind(&copy.updated_at)
        .bind(version.map(|v| v as i32))
        .bind(project)
        .bind(&copy.expected_stamp)
        .execute(&mut **tx)
        .await?;
        if updated.rows_affected() == 0 {
            let live: Option<i32> =
                sqlx::query_scalar("SELECT 1 FROM studio_projects WHERE project_id = $1 AND deleted_at IS NULL")
                    .bind(project)
                    .fetch_optional(&mut **tx)
                    .await?;
            return Err(match live {
                Some(_) => StoreError::Stale(copy.project_id.clone()),
                None => StoreError::not_found("project", &copy.project_id),
            });
        }
        sqlx::query("DELETE FROM studio_scenarios WHERE project_id = $1").bind(project).execute(&mut **tx).await?;
        for s in &copy.scenarios {
            sqlx::query(
                "INSERT INTO studio_scenarios (scenario_id, project_id, name, description, config, status,
                   simulation_id, ensemble_id, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, studio_ts($9), studio_ts($9))",
            )
            .bind(&s.scenario_id)
            .bind(project)
            .bind(&s.name)
            .bind(&s.description)
            .bind(&s.config)
            .bind(&s.status)
            .bind(opt_uuid("simulation", s.simulation_id.as_deref())?)
            .bind(&s.ensemble_id)
            .bind(&copy.updated_at)
            .execute(&mut **tx)
            .await?;
        }
        if let Some((session_id, up_to)) = &copy.folds_journal {
            sqlx::query("DELETE FROM studio_journal WHERE project_id = $1 AND session_id = $2 AND seq <= $3")
                .bind(project)
                .bind(uuid("session", session_id)?)
                .bind(up_to)
                .execute(&mut **tx)
                .await?;
        }
        Ok(())
    }

    pub(crate) async fn scenarios(&self, project_id: &str) -> Result<Vec<ScenarioRow>> {
        Ok(sqlx::query_as::<_, ScenarioRow>(
            "SELECT scenario_id, name, description, config::text AS config, status,
               simulation_id::text AS simulation_id, ensemble_id
             FROM studio_scenarios WHERE project_id = $1 ORDER BY created_at, scenario_id",
        )
        .bind(key("project", project_id)?)
        .fetch_all(self.pool())
        .await?)
    }

    pub(crate) async fn set_project_user(&self, project_id: &str, user_id: &str) -> Result<()> {
        let done = sqlx::query("UPDATE studio_projects SET user_id = $1 WHERE project_id = $2")
            .bind(uuid("user", user_id)?)
            .bind(key("project", project_id)?)
            .execute(self.pool())
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::not_found("project", project_id));
        }
        Ok(())
    }

    pub(crate) async fn soft_delete(&self, project_id: &str, at: &str) -> Result<()> {
        let done = sqlx::query(
            "UPDATE studio_projects SET deleted_at = studio_ts($1) WHERE project_id = $2 AND deleted_at IS NULL",
        )
        .bind(at)
        .bind(key("project", project_id)?)
        .execute(self.pool())
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::not_found("project", project_id));
        }
        Ok(())
    }

    pub(crate) async fn undelete(&self, project_id: &str) -> Result<()> {
        let done = sqlx::query(
            "UPDATE studio_projects SET deleted_at = NULL WHERE project_id = $1 AND deleted_at IS NOT NULL",
        )
        .bind(key("deleted project", project_id)?)
        .execute(self.pool())
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::not_found("deleted project", project_id));
        }
        Ok(())
    }
}
