//! The crash journal and the sessions that write it. An edit is appended here, durably,
//! before it is acknowledged; a save or autosave folds it into the project and removes it.
//! Entries left by a session that never closed are what crash recovery offers back.
//!
//! Appends are committed in groups: every entry waiting while the previous group was written
//! goes into one transaction, so one fsync makes all of them durable, and each caller hears
//! back only once its group is committed. Under load the edits of many clients share a
//! commit; alone, an edit is written at once. The writer is a task of its own, so a caller
//! that goes away (a closed connection) cannot leave the others of its group unanswered.

use sqlx::{AssertSqlSafe, SqlitePool};
use tokio::sync::{mpsc, oneshot};

use super::{IMMEDIATE, Local};
use crate::{Result, StoreError};

const SESSION_COLUMNS: &str =
    "session_id, pid, process_start, host, started_at, heartbeat_at, closed_at, program, runs_tasks_since";

/// Most entries committed together.
const MAX_GROUP: usize = 1024;

struct Pending {
    entry: JournalEntry,
    done: oneshot::Sender<Result<i64>>,
}

/// The sending side of the journal's writer.
#[derive(Clone, Debug)]
pub(crate) struct JournalWriter {
    queue: mpsc::UnboundedSender<Pending>,
}

impl JournalWriter {
    /// Starts the writer on the current Tokio runtime.
    pub(crate) fn start(pool: SqlitePool) -> Self {
        let (queue, pending) = mpsc::unbounded_channel();
        tokio::spawn(write_groups(pool, pending));
        JournalWriter { queue }
    }
}

async fn write_groups(pool: SqlitePool, mut pending: mpsc::UnboundedReceiver<Pending>) {
    let mut group = Vec::new();
    while pending.recv_many(&mut group, MAX_GROUP).await > 0 {
        match write_group(&pool, &group).await {
            Ok(seqs) => {
                for (p, seq) in group.drain(..).zip(seqs) {
                    let _ = p.done.send(Ok(seq));
                }
            }
            Err(e) => {
                let message = e.to_string();
                for p in group.drain(..) {
                    let _ = p.done.send(Err(StoreError::Journal(message.clone())));
                }
            }
        }
    }
}

async fn write_group(pool: &SqlitePool, group: &[Pending]) -> Result<Vec<i64>> {
    let mut tx = pool.begin_with(IMMEDIATE).await?;
    let mut seqs = Vec::with_capacity(group.len());
    for Pending { entry, .. } in group {
        let seq: i64 = sqlx::query_scalar(
            "INSERT INTO studio_journal (project_id, session_id, change, summary, created_at)
             VALUES (?,?,?,?,?) RETURNING seq",
        )
        .bind(&entry.project_id)
        .bind(&entry.session_id)
        .bind(&entry.change)
        .bind(&entry.summary)
        .bind(&entry.created_at)
        .fetch_one(&mut *tx)
        .await?;
        seqs.push(seq);
    }
    tx.commit().await?;
    Ok(seqs)
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct SessionRow {
    pub session_id: String,
    pub pid: i64,
    pub process_start: String,
    pub host: String,
    pub started_at: String,
    pub heartbeat_at: String,
    pub closed_at: Option<String>,
    /// `cli`, `serve`, `desktop`, or empty (tools, and sessions of older versions).
    pub program: String,
    /// When the session started running tasks, if it does.
    pub runs_tasks_since: Option<String>,
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

impl Local {
    pub(crate) async fn open_session(&self, session: &SessionRow) -> Result<()> {
        sqlx::query(
            "INSERT INTO studio_sessions (session_id, pid, process_start, host, started_at, heartbeat_at, program,
               runs_tasks_since) VALUES (?,?,?,?,?,?,?,?)",
        )
        .bind(&session.session_id)
        .bind(session.pid)
        .bind(&session.process_start)
        .bind(&session.host)
        .bind(&session.started_at)
        .bind(&session.heartbeat_at)
        .bind(&session.program)
        .bind(&session.runs_tasks_since)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Answers once the store answers a query: the health check's probe.
    pub(crate) async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(self.pool()).await?;
        Ok(())
    }

    pub(crate) async fn heartbeat(&self, session_id: &str, at: &str) -> Result<()> {
        sqlx::query("UPDATE studio_sessions SET heartbeat_at = ? WHERE session_id = ?")
            .bind(at)
            .bind(session_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub(crate) async fn close_session(&self, session_id: &str, at: &str) -> Result<()> {
        sqlx::query("UPDATE studio_sessions SET closed_at = ?, heartbeat_at = ? WHERE session_id = ?")
            .bind(at)
            .bind(at)
            .bind(session_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub(crate) async fn session(&self, session_id: &str) -> Result<Option<SessionRow>> {
        Ok(sqlx::query_as::<_, SessionRow>(AssertSqlSafe(format!(
            "SELECT {SESSION_COLUMNS} FROM studio_sessions WHERE session_id = ?"
        )))
        .bind(session_id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Sessions that were never closed (running, or ended by a crash), other than `except`.
    pub(crate) async fn unclosed_sessions(&self, except: &str) -> Result<Vec<SessionRow>> {
        Ok(sqlx::query_as::<_, SessionRow>(AssertSqlSafe(format!(
            "SELECT {SESSION_COLUMNS} FROM studio_sessions WHERE closed_at IS NULL AND session_id <> ?"
        )))
        .bind(except)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Records that the session runs tasks from now on.
    pub(crate) async fn mark_runs_tasks(&self, session_id: &str, at: &str) -> Result<()> {
        sqlx::query("UPDATE studio_sessions SET runs_tasks_since = ? WHERE session_id = ?")
            .bind(at)
            .bind(session_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Sessions not closed that run tasks, other than `except`: whether they still run is
    /// for the caller to judge (their process may have died).
    pub(crate) async fn task_running_sessions(&self, except: &str) -> Result<Vec<SessionRow>> {
        Ok(sqlx::query_as::<_, SessionRow>(AssertSqlSafe(format!(
            "SELECT {SESSION_COLUMNS} FROM studio_sessions
             WHERE closed_at IS NULL AND runs_tasks_since IS NOT NULL AND session_id <> ? ORDER BY started_at DESC"
        )))
        .bind(except)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Sessions other than `except` that left entries in the journal.
    pub(crate) async fn sessions_with_journal(&self, except: &str) -> Result<Vec<SessionRow>> {
        Ok(sqlx::query_as::<_, SessionRow>(AssertSqlSafe(format!(
            "SELECT {SESSION_COLUMNS} FROM studio_sessions s
             WHERE s.session_id <> ? AND EXISTS (SELECT 1 FROM studio_journal j WHERE j.session_id = s.session_id)
             ORDER BY s.started_at"
        )))
        .bind(except)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Journal entries of one session, oldest first.
    pub(crate) async fn session_journal(&self, session_id: &str) -> Result<Vec<JournalEntry>> {
        Ok(sqlx::query_as::<_, JournalEntry>(
            "SELECT seq, project_id, session_id, change, summary, created_at FROM studio_journal
             WHERE session_id = ? ORDER BY seq",
        )
        .bind(session_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Appends one change durably (with whatever other appends are waiting); returns its
    /// sequence number once it is committed. The change is acknowledged only then.
    pub(crate) async fn append_journal(&self, entry: &JournalEntry) -> Result<i64> {
        let (done, answer) = oneshot::channel();
        let stopped = || StoreError::Journal("the library is closing".into());
        self.journal.queue.send(Pending { entry: entry.clone(), done }).map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }

    /// Every journal entry of a project, oldest first.
    pub(crate) async fn journal(&self, project_id: &str) -> Result<Vec<JournalEntry>> {
        Ok(sqlx::query_as::<_, JournalEntry>(
            "SELECT seq, project_id, session_id, change, summary, created_at FROM studio_journal
             WHERE project_id = ? ORDER BY seq",
        )
        .bind(project_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Removes the given entries (recovered elsewhere, or discarded by the user).
    pub(crate) async fn remove_journal(&self, seqs: &[i64]) -> Result<()> {
        let mut tx = self.pool.begin_with(IMMEDIATE).await?;
        for seq in seqs {
            sqlx::query("DELETE FROM studio_journal WHERE seq = ?").bind(seq).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Drops journal entries written before `before` (recovery is offered for 24 hours) and
    /// closed sessions with no entries left. Returns how many entries went.
    pub(crate) async fn purge_journal(&self, before: &str) -> Result<u64> {
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
