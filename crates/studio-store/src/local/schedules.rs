//! The index of scheduled reports and their last runs.

use super::Local;
use crate::Result;

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ScheduleRow {
    pub project_id: String,
    /// The schedule as JSON (frequency, recipients, set_by, set_at).
    pub schedule: String,
    pub last_run_at: Option<String>,
    /// The last delivery as JSON.
    pub last_outcome: Option<String>,
}

impl Local {
    /// Sets (or with `None` removes) a project's schedule, keeping when it last ran. A schedule
    /// new to the index (set for the first time, brought back by an undo) counts as
    /// having run at `now`: reports before it are not owed.
    pub(crate) async fn set_report_schedule(&self, project_id: &str, schedule: Option<&str>, now: &str) -> Result<()> {
        match schedule {
            Some(json) => {
                sqlx::query(
                    "INSERT INTO studio_report_schedules (project_id, schedule, last_run_at) VALUES (?, ?, ?)
                     ON CONFLICT (project_id) DO UPDATE SET schedule = excluded.schedule",
                )
                .bind(project_id)
                .bind(json)
                .bind(now)
                .execute(&self.pool)
                .await?;
            }
            None => {
                sqlx::query("DELETE FROM studio_report_schedules WHERE project_id = ?")
                    .bind(project_id)
                    .execute(&self.pool)
                    .await?;
            }
        }
        Ok(())
    }

    /// The schedules of projects not in the trash.
    pub(crate) async fn report_schedules(&self) -> Result<Vec<ScheduleRow>> {
        Ok(sqlx::query_as::<_, ScheduleRow>(
            "SELECT s.project_id, s.schedule, s.last_run_at, s.last_outcome FROM studio_report_schedules s
             JOIN studio_projects p ON p.project_id = s.project_id WHERE p.deleted_at IS NULL ORDER BY s.project_id",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    pub(crate) async fn report_schedule(&self, project_id: &str) -> Result<Option<ScheduleRow>> {
        Ok(sqlx::query_as::<_, ScheduleRow>(
            "SELECT project_id, schedule, last_run_at, last_outcome FROM studio_report_schedules WHERE project_id = ?",
        )
        .bind(project_id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Marks a run started at `at` if nobody did since `seen` (the `last_run_at` read): true
    /// when this caller won the run.
    pub(crate) async fn claim_schedule_run(&self, project_id: &str, seen: Option<&str>, at: &str) -> Result<bool> {
        let done =
            sqlx::query("UPDATE studio_report_schedules SET last_run_at = ? WHERE project_id = ? AND last_run_at IS ?")
                .bind(at)
                .bind(project_id)
                .bind(seen)
                .execute(&self.pool)
                .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Records how the last run went.
    pub(crate) async fn record_schedule_outcome(&self, project_id: &str, outcome: &str) -> Result<()> {
        sqlx::query("UPDATE studio_report_schedules SET last_outcome = ? WHERE project_id = ?")
            .bind(outcome)
            .bind(project_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
