//! The crash journal and the sessions that write it. An edit is appended here, durably,
//! before it is acknowledged; a save or autosave folds it into the project and removes it.
//! Entries left by a session that never closed are what crash recovery offers back.

use crate::{Result, Store};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct SessionRow {
    pub session_id: String,
    pub pid: i64,
    pub process_start: String,
    pub host: String,
    pub started_at: String,
    pub heartbeat_at: String,
    pub closed_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct JournalEntry {
    pub seq: i64,
    pub project_id: String,
    pub session_id: String,
    pub change: Vec<u8>,
    pub summary: String,
    pub created_at: String,
}

impl Store {
    pub async fn open_session(&self, session: &SessionRow) -> Result<()> {
        sqlx::query(
            "INSERT INTO studio_sessions (session_id, pid, process_start, host, started_at, heartbeat_at) VALUES (?,?,?,?,?,?)",
        )
        .bind(&session.session_id)
        .bind(session.pid)
        .bind(&session.process_start)
        .bind(&session.host)
        .bind(&session.started_at)
        .bind(&session.heartbeat_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn heartbeat(&self, session_id: &str, at: &str) -> Result<()> {
        sqlx::query("UPDATE studio_sessions SET heartbeat_at = ? WHERE session_id = ?")
            .bind(at)
            .bind(session_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn close_session(&self, session_id: &str, at: &str) -> Result<()> {
        sqlx::query("UPDATE studio_sessions SET closed_at = ?, heartbeat_at = ? WHERE session_id = ?")
            .bind(at)
            .bind(at)
            .bind(session_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn session(&self, session_id: &str) -> Result<Option<SessionRow>> {
        Ok(sqlx::query_as::<_, SessionRow>(
            "SELECT session_id, pid, process_start, host, started_at, heartbeat_at, closed_at FROM studio_sessions WHERE session_id = ?",
        )
        .bind(session_id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Appends one acknowledged change; returns its sequence number.
    pub async fn append_journal(&self, entry: &JournalEntry) -> Result<i64> {
        let seq: i64 = sqlx::query_scalar(
            "INSERT INTO studio_journal (project_id, session_id, change, summary, created_at)
             VALUES (?,?,?,?,?) RETURNING seq",
        )
        .bind(&entry.project_id)
        .bind(&entry.session_id)
        .bind(&entry.change)
        .bind(&entry.summary)
        .bind(&entry.created_at)
        .fetch_one(&self.pool)
        .await?;
        Ok(seq)
    }

    /// Every journal entry of a project, oldest first.
    pub async fn journal(&self, project_id: &str) -> Result<Vec<JournalEntry>> {
        Ok(sqlx::query_as::<_, JournalEntry>(
            "SELECT seq, project_id, session_id, change, summary, created_at FROM studio_journal
             WHERE project_id = ? ORDER BY seq",
        )
        .bind(project_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Removes the given entries (recovered elsewhere, or discarded by the user).
    pub async fn remove_journal(&self, seqs: &[i64]) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        for seq in seqs {
            sqlx::query("DELETE FROM studio_journal WHERE seq = ?").bind(seq).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Drops journal entries written before `before` (recovery is offered for 24 hours) and
    /// closed sessions with no entries left. Returns how many entries went.
    pub async fn purge_journal(&self, before: &str) -> Result<u64> {
        let done =
            sqlx::query("DELETE FROM studio_journal WHERE created_at < ?").bind(before).execute(&self.pool).await?;
        sqlx::query(
            "DELETE FROM studio_sessions WHERE closed_at IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM studio_journal j WHERE j.session_id = studio_sessions.session_id)",
        )
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }
}
