//! Workflow runs and their steps on PostgreSQL, as in the library file.

use super::{TeamStore, key};
use crate::Result;
use crate::local::{TriggerRow, WorkflowRunRow, WorkflowStepRow};

const RUN_SELECT: &str = "SELECT run_id::text AS run_id, project_id, workflow_id, workflow::text AS workflow, status, \
     trigger::text AS trigger, input::text AS input, user_id, session_id, error, studio_iso(created_at) AS created_at, \
     studio_iso(started_at) AS started_at, studio_iso(finished_at) AS finished_at, studio_iso(updated_at) AS updated_at \
     FROM studio_workflow_runs";
const STEP_SELECT: &str = "SELECT run_id::text AS run_id, path, step_id, kind, status, attempt::bigint AS attempt, \
     output::text AS output, error, studio_iso(started_at) AS started_at, studio_iso(finished_at) AS finished_at, \
     position::bigint AS position FROM studio_workflow_steps";

impl TeamStore {
    pub(crate) async fn put_workflow_run(&self, run: &WorkflowRunRow) -> Result<()> {
        sqlx::query(
            "INSERT INTO studio_workflow_runs (run_id, project_id, workflow_id, workflow, status, trigger, input, user_id,
               session_id, error, created_at, started_at, finished_at, updated_at)
             VALUES ($1, $2, $3, $4::jsonb, $5, $6::jsonb, $7::jsonb, $8, $9, $10, studio_ts($11), studio_ts($12),
               studio_ts($13), studio_ts($14))
             ON CONFLICT (run_id) DO UPDATE SET workflow = excluded.workflow, status = excluded.status,
               trigger = excluded.trigger, input = excluded.input, session_id = excluded.session_id,
               error = excluded.error, started_at = excluded.started_at, finished_at = excluded.finished_at,
               updated_at = excluded.updated_at",
        )
        .bind(key("run", &run.run_id)?)
        .bind(&run.project_id)
        .bind(&run.workflow_id)
        .bind(&run.workflow)
        .bind(&run.status)
        .bind(&run.trigger)
        .bind(&run.input)
        .bind(&run.user_id)
        .bind(&run.session_id)
        .bind(&run.error)
        .bind(&run.created_at)
        .bind(&run.started_at)
        .bind(&run.finished_at)
        .bind(&run.updated_at)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    pub(crate) async fn workflow_run(&self, run_id: &str) -> Result<Option<WorkflowRunRow>> {
        let Ok(id) = key("run", run_id) else { return Ok(None) };
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!("{RUN_SELECT} WHERE run_id = $1")))
            .bind(id)
            .fetch_optional(self.pool())
            .await?)
    }

    pub(crate) async fn workflow_runs(
        &self,
        project_id: &str,
        workflow_id: Option<&str>,
        limit: i64,
    ) -> Result<Vec<WorkflowRunRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{RUN_SELECT} WHERE project_id = $1 AND ($2::text IS NULL OR workflow_id = $2)
             ORDER BY created_at DESC, run_id LIMIT $3"
        )))
        .bind(project_id)
        .bind(workflow_id)
        .bind(limit)
        .fetch_all(self.pool())
        .await?)
    }

    pub(crate) async fn unfinished_workflow_runs(&self) -> Result<Vec<WorkflowRunRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{RUN_SELECT} WHERE status IN ('queued', 'running', 'paused') ORDER BY created_at, run_id"
        )))
        .fetch_all(self.pool())
        .await?)
    }

    pub(crate) async fn claim_workflow_run(&self, run_id: &str, session: &str, expected: Option<&str>) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE studio_workflow_runs SET session_id = $1 WHERE run_id = $2 AND session_id IS NOT DISTINCT FROM $3",
        )
        .bind(session)
        .bind(key("run", run_id)?)
        .bind(expected)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub(crate) async fn put_workflow_step(&self, step: &WorkflowStepRow) -> Result<()> {
        sqlx::query(
            "INSERT INTO studio_workflow_steps (run_id, path, step_id, kind, status, attempt, output, error, started_at,
               finished_at, position)
             VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, studio_ts($9), studio_ts($10), $11)
             ON CONFLICT (run_id, path) DO UPDATE SET status = excluded.status, attempt = excluded.attempt,
               output = excluded.output, error = excluded.error, started_at = excluded.started_at,
               finished_at = excluded.finished_at, position = excluded.position",
        )
        .bind(key("run", &step.run_id)?)
        .bind(&step.path)
        .bind(&step.step_id)
        .bind(&step.kind)
        .bind(&step.status)
        .bind(step.attempt as i32)
        .bind(&step.output)
        .bind(&step.error)
        .bind(&step.started_at)
        .bind(&step.finished_at)
        .bind(step.position as i32)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    pub(crate) async fn workflow_steps(&self, run_id: &str) -> Result<Vec<WorkflowStepRow>> {
        let Ok(id) = key("run", run_id) else { return Ok(Vec::new()) };
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!("{STEP_SELECT} WHERE run_id = $1 ORDER BY position, path")))
            .bind(id)
            .fetch_all(self.pool())
            .await?)
    }
}

const TRIGGER_SELECT: &str = "SELECT project_id, workflow_id, position::bigint AS position, trigger::text AS trigger, \
     user_id, studio_iso(last_fired_at) AS last_fired_at, last_seq FROM studio_workflow_triggers";

impl TeamStore {
    pub(crate) async fn set_workflow_triggers(
        &self,
        project_id: &str,
        workflow_id: &str,
        rows: &[TriggerRow],
    ) -> Result<()> {
        let mut tx = self.pool().begin().await?;
        sqlx::query("DELETE FROM studio_workflow_triggers WHERE project_id = $1 AND workflow_id = $2")
            .bind(project_id)
            .bind(workflow_id)
            .execute(&mut *tx)
            .await?;
        for r in rows {
            sqlx::query(
                "INSERT INTO studio_workflow_triggers (project_id, workflow_id, position, trigger, user_id, last_fired_at,
                   last_seq) VALUES ($1, $2, $3, $4::jsonb, $5, studio_ts($6), $7)",
            )
            .bind(&r.project_id)
            .bind(&r.workflow_id)
            .bind(r.position as i32)
            .bind(&r.trigger)
            .bind(&r.user_id)
            .bind(&r.last_fired_at)
            .bind(r.last_seq)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub(crate) async fn workflow_triggers(&self) -> Result<Vec<TriggerRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!("{TRIGGER_SELECT} ORDER BY project_id, workflow_id, position")))
            .fetch_all(self.pool())
            .await?)
    }

    pub(crate) async fn claim_trigger_beat(&self, row: &TriggerRow, seen: Option<&str>, beat: &str) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE studio_workflow_triggers SET last_fired_at = studio_ts($1)
             WHERE project_id = $2 AND workflow_id = $3 AND position = $4
               AND last_fired_at IS NOT DISTINCT FROM studio_ts($5)",
        )
        .bind(beat)
        .bind(&row.project_id)
        .bind(&row.workflow_id)
        .bind(row.position as i32)
        .bind(seen)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub(crate) async fn claim_trigger_events(&self, row: &TriggerRow, seen: i64, to: i64) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE studio_workflow_triggers SET last_seq = $1
             WHERE project_id = $2 AND workflow_id = $3 AND position = $4 AND last_seq = $5",
        )
        .bind(to)
        .bind(&row.project_id)
        .bind(&row.workflow_id)
        .bind(row.position as i32)
        .bind(seen)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
