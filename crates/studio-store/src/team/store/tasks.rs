//! Task boards and their tasks in the team database, as the task engine keeps them.

use super::TeamStore;
use crate::{Result, TaskBoardRow, TaskRow};

const TASK_COLUMNS: &str = "task_id, board_id, project_id, kind, status, task::text AS task, \
     studio_iso(cancel_requested_at) AS cancel_requested_at, studio_iso(created_at) AS created_at, \
     studio_iso(updated_at) AS updated_at";

impl TeamStore {
    pub(crate) async fn put_task_board(&self, row: &TaskBoardRow) -> Result<()> {
        sqlx::query(
            "INSERT INTO studio_task_boards (board_id, project_id, session_id, info, created_at)
             VALUES ($1, $2, $3, $4::jsonb, studio_ts($5))
             ON CONFLICT (board_id) DO UPDATE SET session_id = excluded.session_id, info = excluded.info",
        )
        .bind(&row.board_id)
        .bind(&row.project_id)
        .bind(&row.session_id)
        .bind(&row.info)
        .bind(&row.created_at)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    pub(crate) async fn open_task_boards(&self, except_session: &str) -> Result<Vec<TaskBoardRow>> {
        Ok(sqlx::query_as(
            "SELECT board_id, project_id, session_id, info::text AS info, studio_iso(created_at) AS created_at
             FROM studio_task_boards b
             WHERE b.session_id <> $1 AND EXISTS (SELECT 1 FROM studio_tasks t WHERE t.board_id = b.board_id
               AND t.status NOT IN ('COMPLETED', 'FAILED', 'CANCELLED'))
             ORDER BY b.created_at",
        )
        .bind(except_session)
        .fetch_all(self.pool())
        .await?)
    }

    /// As on the library file; instances adopting at the same moment skip a board another is
    /// taking (`FOR UPDATE SKIP LOCKED`) rather than wait for it.
    pub(crate) async fn adopt_task_board(&self, board_id: &str, from_session: &str, to_session: &str) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE studio_task_boards SET session_id = $3 WHERE board_id = (
               SELECT board_id FROM studio_task_boards WHERE board_id = $1 AND session_id = $2
               FOR UPDATE SKIP LOCKED)",
        )
        .bind(board_id)
        .bind(from_session)
        .bind(to_session)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub(crate) async fn prune_task_boards(&self, before: &str) -> Result<u64> {
        let done = sqlx::query(
            "DELETE FROM studio_task_boards WHERE board_id IN (
               SELECT b.board_id FROM studio_task_boards b
               WHERE b.created_at < studio_ts($1)
                 AND NOT EXISTS (SELECT 1 FROM studio_sessions s WHERE s.session_id::text = b.session_id
                                 AND s.closed_at IS NULL)
                 AND NOT EXISTS (SELECT 1 FROM studio_tasks t WHERE t.board_id = b.board_id
                                 AND (t.status NOT IN ('COMPLETED', 'FAILED', 'CANCELLED')
                                      OR t.updated_at >= studio_ts($1))))",
        )
        .bind(before)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected())
    }

    pub(crate) async fn task_counts(&self) -> Result<(i64, i64)> {
        Ok(sqlx::query_as("SELECT (SELECT COUNT(*) FROM studio_task_boards), (SELECT COUNT(*) FROM studio_tasks)")
            .fetch_one(self.pool())
            .await?)
    }

    pub(crate) async fn put_tasks(&self, rows: &[TaskRow]) -> Result<()> {
        let mut tx = self.pool().begin().await?;
        for row in rows {
            sqlx::query(
                "INSERT INTO studio_tasks (task_id, board_id, project_id, kind, status, task, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6::jsonb, studio_ts($7), studio_ts($8))
                 ON CONFLICT (task_id) DO UPDATE SET status = excluded.status, task = excluded.task,
                   updated_at = excluded.updated_at",
            )
            .bind(&row.task_id)
            .bind(&row.board_id)
            .bind(&row.project_id)
            .bind(&row.kind)
            .bind(&row.status)
            .bind(&row.task)
            .bind(&row.created_at)
            .bind(&row.updated_at)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub(crate) async fn board_tasks(&self, board_id: &str) -> Result<Vec<TaskRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {TASK_COLUMNS} FROM studio_tasks WHERE board_id = $1 ORDER BY created_at"
        )))
        .bind(board_id)
        .fetch_all(self.pool())
        .await?)
    }

    pub(crate) async fn project_tasks(&self, project_id: &str, limit: i64) -> Result<Vec<TaskRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {TASK_COLUMNS} FROM studio_tasks WHERE project_id = $1
             ORDER BY created_at DESC, task_id LIMIT $2"
        )))
        .bind(project_id)
        .bind(limit)
        .fetch_all(self.pool())
        .await?)
    }

    pub(crate) async fn task(&self, task_id: &str) -> Result<Option<TaskRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {TASK_COLUMNS} FROM studio_tasks WHERE task_id = $1")))
            .bind(task_id)
            .fetch_optional(self.pool())
            .await?)
    }

    pub(crate) async fn request_task_cancel(&self, task_id: &str, at: &str) -> Result<bool> {
        let done = sqlx::query("UPDATE studio_tasks SET cancel_requested_at = studio_ts($1) WHERE task_id = $2")
            .bind(at)
            .bind(task_id)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() > 0)
    }

    pub(crate) async fn cancel_requests(&self, session_id: &str) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar(
            "SELECT t.task_id FROM studio_tasks t JOIN studio_task_boards b ON b.board_id = t.board_id
             WHERE b.session_id = $1 AND t.cancel_requested_at IS NOT NULL
               AND t.status NOT IN ('COMPLETED', 'FAILED', 'CANCELLED')",
        )
        .bind(session_id)
        .fetch_all(self.pool())
        .await?)
    }
}
