//! Workflow runs and their steps: each run's row (its workflow as it started, status, who and
//! what started it, the program running it) and one row per step instance, written as the
//! step starts and again as it ends.

use super::Local;
use crate::Result;

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct WorkflowRunRow {
    pub run_id: String,
    pub project_id: String,
    pub workflow_id: String,
    /// The workflow as it was when the run started, JSON.
    pub workflow: String,
    pub status: String,
    pub trigger: String,
    pub input: String,
    pub user_id: String,
    pub session_id: Option<String>,
    pub error: Option<String>,
    pub created_at: String,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct WorkflowStepRow {
    pub run_id: String,
    pub path: String,
    pub step_id: String,
    pub kind: String,
    pub status: String,
    pub attempt: i64,
    pub output: Option<String>,
    pub error: Option<String>,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub position: i64,
}

pub(crate) const RUN_COLUMNS: &str = "run_id, project_id, workflow_id, workflow, status, trigger, input, user_id, \
     session_id, error, created_at, started_at, finished_at, updated_at";
const STEP_COLUMNS: &str =
    "run_id, path, step_id, kind, status, attempt, output, error, started_at, finished_at, position";

impl Local {
    /// Writes the run's row whole (made, or updated in place: its steps stay).
    pub(crate) async fn put_workflow_run(&self, run: &WorkflowRunRow) -> Result<()> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO studio_workflow_runs ({RUN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (run_id) DO UPDATE SET workflow = excluded.workflow, status = excluded.status,
               trigger = excluded.trigger, input = excluded.input, session_id = excluded.session_id,
               error = excluded.error, started_at = excluded.started_at, finished_at = excluded.finished_at,
               updated_at = excluded.updated_at"
        )))
        .bind(&run.run_id)
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
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub(crate) async fn workflow_run(&self, run_id: &str) -> Result<Option<WorkflowRunRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {RUN_COLUMNS} FROM studio_workflow_runs WHERE run_id = ?"
        )))
        .bind(run_id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// A project's runs, newest first (of one workflow when it is named).
    pub(crate) async fn workflow_runs(
        &self,
        project_id: &str,
        workflow_id: Option<&str>,
        limit: i64,
    ) -> Result<Vec<WorkflowRunRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {RUN_COLUMNS} FROM studio_workflow_runs WHERE project_id = ? AND (? IS NULL OR workflow_id = ?)
             ORDER BY created_at DESC, run_id LIMIT ?"
        )))
        .bind(project_id)
        .bind(workflow_id)
        .bind(workflow_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Runs not finished (queued, running or paused), oldest first: for a program to resume.
    pub(crate) async fn unfinished_workflow_runs(&self) -> Result<Vec<WorkflowRunRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {RUN_COLUMNS} FROM studio_workflow_runs WHERE status IN ('queued', 'running', 'paused')
             ORDER BY created_at, run_id"
        )))
        .fetch_all(&self.pool)
        .await?)
    }

    /// Makes `session` the run's program if `expected` still is (compare and set).
    pub(crate) async fn claim_workflow_run(&self, run_id: &str, session: &str, expected: Option<&str>) -> Result<bool> {
        let done = sqlx::query("UPDATE studio_workflow_runs SET session_id = ? WHERE run_id = ? AND session_id IS ?")
            .bind(session)
            .bind(run_id)
            .bind(expected)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Writes a step instance's row (its start, or its end), without waiting for the disk
    /// (see `Local::relaxed`).
    pub(crate) async fn put_workflow_step(&self, step: &WorkflowStepRow) -> Result<()> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT OR REPLACE INTO studio_workflow_steps ({STEP_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        )))
        .bind(&step.run_id)
        .bind(&step.path)
        .bind(&step.step_id)
        .bind(&step.kind)
        .bind(&step.status)
        .bind(step.attempt)
        .bind(&step.output)
        .bind(&step.error)
        .bind(&step.started_at)
        .bind(&step.finished_at)
        .bind(step.position)
        .execute(&self.relaxed)
        .await?;
        Ok(())
    }

    /// A run's step instances in the order they started.
    pub(crate) async fn workflow_steps(&self, run_id: &str) -> Result<Vec<WorkflowStepRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {STEP_COLUMNS} FROM studio_workflow_steps WHERE run_id = ? ORDER BY position, path"
        )))
        .bind(run_id)
        .fetch_all(&self.pool)
        .await?)
    }
}

/// One trigger of one workflow, as indexed.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct TriggerRow {
    pub project_id: String,
    pub workflow_id: String,
    pub position: i64,
    pub trigger: String,
    pub user_id: String,
    pub last_fired_at: Option<String>,
    pub last_seq: i64,
}

const TRIGGER_COLUMNS: &str = "project_id, workflow_id, position, trigger, user_id, last_fired_at, last_seq";

impl Local {
    /// Replaces a workflow's triggers (none: it has none, or it is gone).
    pub(crate) async fn set_workflow_triggers(
        &self,
        project_id: &str,
        workflow_id: &str,
        rows: &[TriggerRow],
    ) -> Result<()> {
        let mut tx = self.pool.begin_with(super::IMMEDIATE).await?;
        sqlx::query("DELETE FROM studio_workflow_triggers WHERE project_id = ? AND workflow_id = ?")
            .bind(project_id)
            .bind(workflow_id)
            .execute(&mut *tx)
            .await?;
        for r in rows {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "INSERT INTO studio_workflow_triggers ({TRIGGER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)"
            )))
            .bind(&r.project_id)
            .bind(&r.workflow_id)
            .bind(r.position)
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

    /// Every trigger of every project's workflows.
    pub(crate) async fn workflow_triggers(&self) -> Result<Vec<TriggerRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {TRIGGER_COLUMNS} FROM studio_workflow_triggers ORDER BY project_id, workflow_id, position"
        )))
        .fetch_all(&self.pool)
        .await?)
    }

    /// Claims a schedule's beat: true for the one program that moved `last_fired_at` from
    /// `seen` to `beat`.
    pub(crate) async fn claim_trigger_beat(&self, row: &TriggerRow, seen: Option<&str>, beat: &str) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE studio_workflow_triggers SET last_fired_at = ?
             WHERE project_id = ? AND workflow_id = ? AND position = ? AND last_fired_at IS ?",
        )
        .bind(beat)
        .bind(&row.project_id)
        .bind(&row.workflow_id)
        .bind(row.position)
        .bind(seen)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Claims the events of an event trigger from after `seen` to `to`.
    pub(crate) async fn claim_trigger_events(&self, row: &TriggerRow, seen: i64, to: i64) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE studio_workflow_triggers SET last_seq = ?
             WHERE project_id = ? AND workflow_id = ? AND position = ? AND last_seq = ?",
        )
        .bind(to)
        .bind(&row.project_id)
        .bind(&row.workflow_id)
        .bind(row.position)
        .bind(seen)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
