//! Keeping the library from growing without bound: task boards whose tasks all finished are
//! pruned after `task_retention` (30 days), exports (reports, simulation data) after
//! `export_retention` (90 days, the seed's retention for report exports); both configurable,
//! and the library's size is shown to the analyst. Sessions that ended by a crash are marked
//! closed, so their boards can go too.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::liveness;
use crate::projects_service::Projects;

/// How often pruning runs in a long-running program (it also runs at every start).
const PRUNE_EVERY: Duration = Duration::from_secs(3600);

/// A session on another machine is taken as ended only after this long without a heartbeat.
const REMOTE_SESSION_TIMEOUT: Duration = Duration::from_secs(24 * 3600);

/// How big the library is, and what is kept how long.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LibraryInfo {
    pub path: PathBuf,
    /// The library file and its write-ahead log.
    pub library_bytes: u64,
    pub exports_dir: PathBuf,
    pub exports_bytes: u64,
    pub exports_files: u64,
    /// Copies of imported data files.
    pub imported_sources_bytes: u64,
    /// Scheduled reports waiting as `.eml` files.
    pub outbox_bytes: u64,
    pub total_bytes: u64,
    pub projects: usize,
    pub task_boards: i64,
    pub tasks: i64,
    /// `None`: kept until deleted by hand.
    pub export_retention_days: Option<u64>,
    pub task_retention_days: Option<u64>,
}

/// What one pruning removed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Pruned {
    pub task_boards: u64,
    pub exports: u64,
    pub export_bytes: u64,
    pub sessions_closed: u64,
}

impl Projects {
    /// The library's size on disk, by part.
    pub async fn library_info(&self) -> Result<LibraryInfo> {
        let db = self.config.db_path.clone();
        let mut library_bytes = 0;
        for suffix in ["", "-wal", "-shm"] {
            let mut name = db.as_os_str().to_owned();
            name.push(suffix);
            library_bytes += std::fs::metadata(PathBuf::from(name)).map(|m| m.len()).unwrap_or(0);
        }
        let exports_dir = self.config.exports_dir();
        let (exports_bytes, exports_files) = folder_size(&exports_dir);
        let (imported_sources_bytes, _) = folder_size(&self.data.imports_dir());
        let (outbox_bytes, _) = folder_size(&self.config.outbox_dir());
        let (task_boards, tasks) = self.store.task_counts().await?;
        let projects = self.store.list_projects(None, None).await?.len();
        let days = |d: Option<Duration>| d.map(|d| d.as_secs() / 86_400);
        let (task_retention, export_retention) = self.settings.retention();
        Ok(LibraryInfo {
            path: db,
            library_bytes,
            exports_dir,
            exports_bytes,
            exports_files,
            imported_sources_bytes,
            outbox_bytes,
            total_bytes: library_bytes + exports_bytes + imported_sources_bytes + outbox_bytes,
            projects,
            task_boards,
            tasks,
            export_retention_days: days(export_retention),
            task_retention_days: days(task_retention),
        })
    }

    /// Prunes what is past its retention at `now`: finished task boards of ended sessions,
    /// exports, and marks crashed sessions closed.
    pub async fn prune(&self, now: SystemTime) -> Result<Pruned> {
        let mut pruned = Pruned::default();
        for session in self.store.unclosed_sessions(&self.session_id).await? {
            if !liveness::session_alive(&session, REMOTE_SESSION_TIMEOUT) {
                self.store.close_session(&session.session_id, &session.heartbeat_at).await?;
                pruned.sessions_closed += 1;
            }
        }
        let (task_retention, export_retention) = self.settings.retention();
        if let Some(cutoff) = task_retention.and_then(|keep| now.checked_sub(keep)) {
            let cutoff = chrono::DateTime::<chrono::Utc>::from(cutoff);
            let cutoff = cutoff.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
            pruned.task_boards = self.store.prune_task_boards(&cutoff).await?;
        }
        if let Some(cutoff) = export_retention.and_then(|keep| now.checked_sub(keep)) {
            let (files, bytes) = prune_folder(&self.config.exports_dir(), cutoff);
            // On a team server the exports are also the team's artifacts.
            let stamp =
                chrono::DateTime::<chrono::Utc>::from(cutoff).to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
            let (kept, kept_bytes) = self.store.prune_exports(&stamp).await?;
            (pruned.exports, pruned.export_bytes) = (files + kept, bytes + kept_bytes);
        }
        if pruned.exports > 0 || pruned.task_boards > 0 {
            tracing::info!(
                exports = pruned.exports,
                bytes = pruned.export_bytes,
                task_boards = pruned.task_boards,
                "pruned what was past its retention"
            );
        }
        Ok(pruned)
    }

    /// Prunes at most once an hour (and at a program's first tidy).
    pub(crate) async fn prune_when_due(&self) -> Result<()> {
        {
            let mut last = self.last_pruned.lock().unwrap_or_else(|p| p.into_inner());
            if last.is_some_and(|at| at.elapsed() < PRUNE_EVERY) {
                return Ok(());
            }
            *last = Some(Instant::now());
        }
        self.prune(SystemTime::now()).await.map(|_| ())
    }
}

/// Bytes and files in a folder and its subfolders (links not followed).
fn folder_size(dir: &Path) -> (u64, u64) {
    let (mut bytes, mut files) = (0, 0);
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let Ok(meta) = entry.metadata() else { continue };
            if meta.is_dir() {
                stack.push(entry.path());
            } else if meta.is_file() {
                bytes += meta.len();
                files += 1;
            }
        }
    }
    (bytes, files)
}

/// Removes the files directly in `dir` last written before `before`; returns files and bytes.
fn prune_folder(dir: &Path, before: SystemTime) -> (u64, u64) {
    let (mut files, mut bytes) = (0, 0);
    let Ok(entries) = std::fs::read_dir(dir) else { return (0, 0) };
    for entry in entries.flatten() {
        let Ok(meta) = entry.metadata() else { continue };
        let old = meta.modified().is_ok_and(|at| at < before);
        if meta.is_file() && old && std::fs::remove_file(entry.path()).is_ok() {
            files += 1;
            bytes += meta.len();
        }
    }
    (files, bytes)
}
