//! The sessions of the programs that opened the team database and their crash journal. An
//! edit is appended here before it is acknowledged and removed when a save folds it in, as in
//! the library file; PostgreSQL commits concurrent appends together on its own.

use sqlx::AssertSqlSafe;

use super::{TeamStore, key};
use crate::team::uuid;
use crate::{JournalEntry, Result, SessionRow, StoreError};

const SESSION_COLUMNS: &str = "session_id::text AS session_id, pid, process_start, host, \
     studio_iso(started_at) AS started_at, studio_iso(heartbeat_at) AS heartbeat_at, studio_iso(closed_at) AS closed_at, \
     program, studio_iso(runs_tasks_since) AS runs_tasks_since";

const JOURNAL_COLUMNS: &str = "seq, project_id::text AS project_id, session_id::text AS session_id, change, summary, \
     studio_iso(created_at) AS created_at";

impl TeamStore {
    pub(crate) async fn open_session(&self, session: &SessionRow) -> Result<()> {
        sqlx::query(
            "INSERT INTO studio_sessions (session_id, pid, process_start, host, started_at, heartbeat_at, program,
               runs_tasks_since) VALUES ($1, $2, $3, $4, studio_ts($5), studio_ts($6), $7, studio_ts($8))",
        )
        .bind(uuid("session", &session.session_id)?)
        .bind(session.pid)
        .bind(&session.process_start)
        .bind(&session.host)
        .bind(&session.started_at)
        .bind(&session.heartbeat_at)
        .bind(&session.program)
        .bind(&session.runs_tasks_since)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Answers once the store answers a query: the health check's probe.
    pub(crate) async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(self.pool()).await?;
        Ok(())
    }

    pub(crate) async fn heartbeat(&self, session_id: &str, at: &str) -> Result<()> {
        sqlx::query("UPDATE studio_sessions SET heartbeat_at = studio_ts($1) WHERE session_id = $2")
            .bind(at)
            .bind(key("session", session_id)?)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    pub(crate) async fn close_session(&self, session_id: &str, at: &str) -> Result<()> {
        sqlx::query(
            "UPDATE studio_sessions SET closed_at = studio_ts($1), heartbeat_at = studio_ts($1) WHERE session_id = $2",
        )
        .bind(at)
        .bind(key("session", session_id)?)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    pub(crate) async fn session(&self, session_id: &str) -> Result<Option<SessionRow>> {
        let Ok(id) = key("session", session_id) else { return Ok(None) };
        Ok(sqlx::query_as::<_, SessionRow>(AssertSqlSafe(format!(
            "SELECT {SESSION_COLUMNS} FROM studio_sessions WHERE session_id = $1"
        )))
        .bind(id)
        .fetch_optional(self.pool())
        .await?)
    }

    pub(crate) async fn unclosed_sessions(&self, except: &str) -> Result<Vec<SessionRow>> {
        Ok(sqlx::query_as::<_, SessionRow>(AssertSqlSafe(format!(
            "SELECT {SESSION_COLUMNS} FROM studio_sessions WHERE closed_at IS NULL AND session_id::text <> $1"
        )))
        .bind(except)
        .fetch_all(self.pool())
        .await?)
    }

    pub(crate) async fn mark_runs_tasks(&self, session_id: &str, at: &str) -> Result<()> {
        sqlx::query("UPDATE studio_sessions SET runs_tasks_since = studio_ts($1) WHERE session_id = $2")
            .bind(at)
            .bind(key("session", session_id)?)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    pub(crate) async fn task_running_sessions(&self, except: &str) -> Result<Vec<SessionRow>> {
        Ok(sqlx::query_as::<_, SessionRow>(AssertSqlSafe(format!(
            "SELECT {SESSION_COLUMNS} FROM studio_sessions
             WHERE closed_at IS NULL AND runs_tasks_since IS NOT NULL AND session_id::text <> $1
             ORDER BY started_at DESC"
        )))
        .bind(except)
        .fetch_all(self.pool())
        .await?)
    }

    pub(crate) async fn sessions_with_journal(&self, except: &str) -> Result<Vec<SessionRow>> {
        Ok(sqlx::query_as::<_, SessionRow>(AssertSqlSafe(format!(
            "SELECT {SESSION_COLUMNS} FROM studio_sessions s
             WHERE s.session_id::text <> $1
               AND EXISTS (SELECT 1 FROM studio_journal j WHERE j.session_id = s.session_id)
             ORDER BY s.started_at"
        )))
        .bind(except)
        .fetch_all(self.pool())
        .await?)
    }

    pub(crate) async fn session_journal(&self, session_id: &str) -> Result<Vec<JournalEntry>> {
        let Ok(id) = key("session", session_id) else { return Ok(Vec::new()) };
        Ok(sqlx::query_as::<_, JournalEntry>(AssertSqlSafe(format!(
            "SELECT {JOURNAL_COLUMNS} FROM studio_journal WHERE session_id = $1 ORDER BY seq"
        )))
        .bind(id)
        .fetch_all(self.pool())
        .await?)
    }

    /// Appends one change durably; returns its sequence number once committed.
    pub(crate) async fn append_journal(&self, entry: &JournalEntry) -> Result<i64> {
        sqlx::query_scalar(
            "INSERT INTO studio_journal (project_id, session_id, change, summary, created_at)
             VALUES ($1, $2, $3, $4, studio_ts($5)) RETURNING seq",
        )
        .bind(uuid("project", &entry.project_id)?)
        .bind(uuid("session", &entry.session_id)?)
        .bind(&entry.change)
        .bind(&entry.summary)
        .bind(&entry.created_at)
        .fetch_one(self.pool())
        .await
        .map_err(|e| StoreError::Journal(e.to_string()))
    }

    pub(crate) async fn journal(&self, project_id: &str) -> Result<Vec<JournalEntry>> {
        let Ok(id) = key("project", project_id) else { return Ok(Vec::new()) };
        Ok(sqlx::query_as::<_, JournalEntry>(AssertSqlSafe(format!(
            "SELECT {JOURNAL_COLUMNS} FROM studio_journal WHERE project_id = $1 ORDER BY seq"
        )))
        .bind(id)
        .fetch_all(self.pool())
        .await?)
    }

    pub(crate) async fn remove_journal(&self, seqs: &[i64]) -> Result<()> {
        sqlx::query("DELETE FROM studio_journal WHERE seq = ANY($1)").bind(seqs).execute(self.pool()).await?;
        Ok(())
    }

    pub(crate) async fn purge_journal(&self, before: &str) -> Result<u64> {
        let mut tx = self.pool().begin().await?;
        let done = sqlx::query("DELETE FROM studio_journal WHERE created_at < studio_ts($1)")
            .bind(before)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "DELETE FROM studio_sessions s WHERE s.closed_at IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM studio_journal j WHERE j.session_id = s.session_id)",
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(done.rows_affected())
    }
}
