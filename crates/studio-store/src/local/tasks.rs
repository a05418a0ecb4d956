//! Task boards and tasks as rows: the task engine's state as JSON, with the columns needed
//! to find a project's tasks, a session's boards and pending cancel requests.

use super::{IMMEDIATE, Local};
use crate::Result;

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct TaskBoardRow {
    pub board_id: String,
    pub project_id: Option<String>,
    pub session_id: String,
    pub info: String,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct TaskRow {
    pub task_id: String,
    pub board_id: String,
    pub project_id: Option<String>,
    pub kind: String,
    pub status: String,
    pub task: String,
    pub cancel_requested_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

const TASK_COLUMNS: &str =
    "task_id, board_id, project_id, kind, status, task, cancel_requested_at, created_at, updated_at";

impl Local {
    pub(crate) async fn put_task_board(&self, row: &TaskBoardRow) -> Result<()> {
        sqlx::query(
            "INSERT INTO studio_task_boards (board_id, project_id, session_id, info, created_at) VALUES (?,?,?,?,?)
             ON CONFLICT (board_id) DO UPDATE SET session_id = excluded.session_id, info = excluded.info",
        )
        .bind(&row.board_id)
        .bind(&row.project_id)
        .bind(&row.session_id)
        .bind(&row.info)
        .bind(&row.created_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Boards of other sessions that still have unfinished tasks: the ones a session may have
    /// to adopt.
    pub(crate) async fn open_task_boards(&self, except_session: &str) -> Result<Vec<TaskBoardRow>> {
        Ok(sqlx::query_as(
            "SELECT board_id, project_id, session_id, info, created_at FROM studio_task_boards b
             WHERE b.session_id <> ? AND EXISTS (SELECT 1 FROM studio_tasks t WHERE t.board_id = b.board_id
               AND t.status NOT IN ('COMPLETED', 'FAILED', 'CANCELLED'))
             ORDER BY created_at",
        )
        .bind(except_session)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Moves a board from the session that left it to `to_session`, if no one moved it first:
    /// false when another session adopted it meanwhile (its tasks then run there, once).
    pub(crate) async fn adopt_task_board(&self, board_id: &str, from_session: &str, to_session: &str) -> Result<bool> {
        let done = sqlx::query("UPDATE studio_task_boards SET session_id = ? WHERE board_id = ? AND session_id = ?")
            .bind(to_session)
            .bind(board_id)
            .bind(from_session)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Deletes (with their tasks) the boards of closed sessions whose tasks all finished
    /// before `before`, and boards with no tasks made before it. Returns how many went.
    pub(crate) async fn prune_task_boards(&self, before: &str) -> Result<u64> {
        let done = sqlx::query(
            "DELETE FROM studio_task_boards WHERE board_id IN (
               SELECT b.board_id FROM studio_task_boards b
               WHERE b.created_at < ?1
                 AND NOT EXISTS (SELECT 1 FROM studio_sessions s WHERE s.session_id = b.session_id
                                 AND s.closed_at IS NULL)
                 AND NOT EXISTS (SELECT 1 FROM studio_tasks t WHERE t.board_id = b.board_id
                                 AND (t.status NOT IN ('COMPLETED', 'FAILED', 'CANCELLED') OR t.updated_at >= ?1)))",
        )
        .bind(before)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    /// How many boards and tasks the library holds.
    pub(crate) async fn task_counts(&self) -> Result<(i64, i64)> {
        let boards: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM studio_task_boards").fetch_one(&self.pool).await?;
        let tasks: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM studio_tasks").fetch_one(&self.pool).await?;
        Ok((boards, tasks))
    }

    /// Writes tasks (new or changed) in one transaction.
    pub(crate) async fn put_tasks(&self, rows: &[TaskRow]) -> Result<()> {
        let mut tx = self.pool.begin_with(IMMEDIATE).await?;
        for row in rows {
            sqlx::query(
                "INSERT INTO studio_tasks (task_id, board_id, project_id, kind, status, task, created_at, updated_at)
                 VALUES (?,?,?,?,?,?,?,?)
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
            "SELECT {TASK_COLUMNS} FROM studio_tasks WHERE board_id = ? ORDER BY created_at"
        )))
        .bind(board_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// A project's tasks, newest first.
    pub(crate) async fn project_tasks(&self, project_id: &str, limit: i64) -> Result<Vec<TaskRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {TASK_COLUMNS} FROM studio_tasks WHERE project_id = ? ORDER BY created_at DESC, task_id LIMIT ?"
        )))
        .bind(project_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    pub(crate) async fn task(&self, task_id: &str) -> Result<Option<TaskRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {TASK_COLUMNS} FROM studio_tasks WHERE task_id = ?")))
            .bind(task_id)
            .fetch_optional(&self.pool)
            .await?)
    }

    /// Asks the session running a task to cancel it.
    pub(crate) async fn request_task_cancel(&self, task_id: &str, at: &str) -> Result<bool> {
        let done = sqlx::query("UPDATE studio_tasks SET cancel_requested_at = ? WHERE task_id = ?")
            .bind(at)
            .bind(task_id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Tasks on this session's boards that another program asked to cancel, not yet finished.
    pub(crate) async fn cancel_requests(&self, session_id: &str) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar(
            "SELECT t.task_id FROM studio_tasks t JOIN studio_task_boards b ON b.board_id = t.board_id
             WHERE b.session_id = ? AND t.cancel_requested_at IS NOT NULL
               AND t.status NOT IN ('COMPLETED', 'FAILED', 'CANCELLED')",
        )
        .bind(session_id)
        .fetch_all(&self.pool)
        .await?)
    }
}
