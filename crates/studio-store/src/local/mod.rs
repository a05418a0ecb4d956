//! The library file: one SQLite database (WAL, foreign keys) holding every project, its
//! versions, the crash journal, templates and artifacts.

mod agents;
mod artifacts;
mod audit;
pub(crate) mod bundle;
mod bus;
mod journal;
mod portable;
mod projects;
mod reports;
mod schedules;
mod settings;
mod shares;
mod tasks;
mod team_links;
mod templates;
mod versions;
mod workflow_runs;

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};

pub(crate) use agents::LIVE_AGENTS;
pub use agents::{AgentMessageRow, AgentRow, EntanglementRow, NewAgentMessage, SpawnRoom};
pub use artifacts::ArtifactRow;
pub use audit::{AuditQuery, AuditRow};
pub(crate) use audit::{like, starts};
pub use bus::{BusEventRow, NewBusEvent, WebhookRow};
pub use journal::{JournalEntry, SessionRow};
pub use portable::{ExportOptions, FileCheck};
pub use projects::{ProjectRow, ScenarioRow, WorkingCopy};
pub use reports::ReportRow;
pub use schedules::ScheduleRow;
pub use settings::SettingRow;
pub use shares::{InviteRow, ShareRow};
pub use tasks::{TaskBoardRow, TaskRow};
pub use team_links::TeamLinkRow;
pub use templates::TemplateRow;
pub use versions::{NewVersion, VersionInfo, VersionRow};
pub(crate) use versions::{deflate, inflate};
pub use workflow_runs::{TriggerRow, WorkflowRunRow, WorkflowStepRow};

use crate::{MIGRATOR, Result, StoreError, schema_version};

/// A handle on one library file.
#[derive(Clone, Debug)]
pub(crate) struct Local {
    pool: SqlitePool,
    /// Connections that commit without waiting for the disk (`synchronous=NORMAL`), for
    /// workflow step records: in WAL mode a commit survives a killed program; a power cut may
    /// lose the last ones, whose steps then run again (a step runs at least once anyway).
    relaxed: SqlitePool,
    path: PathBuf,
    journal: journal::JournalWriter,
}

impl Local {
    /// Opens (creating if needed) the library at `path` and brings its schema up to date.
    /// A library written by a newer Studio is refused rather than guessed at.
    pub(crate) async fn open(path: &Path) -> Result<Local> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::io(dir, e))?;
        }
        let pool = connect(path, true).await?;
        check_not_newer(&pool, path).await?;
        MIGRATOR.run(&pool).await?;
        let journal = journal::JournalWriter::start(pool.clone());
        let relaxed = connect_with(path, false, SqliteSynchronous::Normal, 2).await?;
        Ok(Local { pool, relaxed, path: path.to_path_buf(), journal })
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// `PRAGMA integrity_check`: `ok` or the problems SQLite found.
    pub(crate) async fn integrity_check(&self) -> Result<String> {
        let rows: Vec<(String,)> = sqlx::query_as("PRAGMA integrity_check").fetch_all(&self.pool).await?;
        Ok(rows.into_iter().map(|r| r.0).collect::<Vec<_>>().join("; "))
    }

    /// Copies the write-ahead log into the main file, without waiting on readers.
    pub(crate) async fn checkpoint(&self) -> Result<()> {
        sqlx::query("PRAGMA wal_checkpoint(PASSIVE)").execute(&self.pool).await?;
        Ok(())
    }

    pub(crate) async fn close(&self) {
        self.relaxed.close().await;
        self.pool.close().await;
    }
}

/// How write transactions begin: taking the write lock at once, waiting for it up to the busy
/// timeout. A deferred transaction that read first could not take it once another connection
/// had written (SQLITE_BUSY_SNAPSHOT, answered at once, without waiting) — and the event bus's
/// writer, the journal's and the requests' all write at the same time.
pub(crate) const IMMEDIATE: &str = "BEGIN IMMEDIATE";

async fn connect(path: &Path, create: bool) -> Result<SqlitePool> {
    // FULL: an acknowledged edit survives a power cut, not only a killed process.
    connect_with(path, create, SqliteSynchronous::Full, 4).await
}

async fn connect_with(
    path: &Path,
    create: bool,
    synchronous: SqliteSynchronous,
    connections: u32,
) -> Result<SqlitePool> {
    let options = SqliteConnectOptions::from_str("sqlite://")
        .map_err(StoreError::from)?
        .filename(path)
        .create_if_missing(create)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(synchronous)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10))
        // Large pages suit a file of megabyte-sized documents and snapshots (new files only).
        .page_size(16384)
        // Checkpoints run when the program is idle (`Store::checkpoint`); this is the backstop.
        .pragma("wal_autocheckpoint", "4096");
    let pool = SqlitePoolOptions::new()
        .max_connections(connections)
        .connect_with(options)
        .await
        .map_err(|e| classify_open(path, e))?;
    Ok(pool)
}

async fn check_not_newer(pool: &SqlitePool, path: &Path) -> Result<()> {
    let applied: Option<i64> =
        sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations").fetch_optional(pool).await.ok().flatten();
    match applied {
        Some(v) if v > schema_version() => {
            Err(StoreError::NewerSchema { path: path.to_path_buf(), found: v, supported: schema_version() })
        }
        _ => Ok(()),
    }
}

fn classify_open(path: &Path, e: sqlx::Error) -> StoreError {
    let text = e.to_string();
    if text.contains("file is not a database") || text.contains("malformed") {
        return StoreError::NotALibrary { path: path.to_path_buf(), detail: text };
    }
    StoreError::Sqlx(e)
}
