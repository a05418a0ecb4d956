//! Linked sources are watched while their project is open in a program that runs tasks: a
//! change on disk (debounced, so an editor's save is one change) is published on the bus
//! (`studio.data.source_changed`) and queues a data refresh, which
//! marks the population and everything after it stale; a deleted or moved file shows up as
//! that source's error at the refresh.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Weak;
use std::time::Duration;

use notify_debouncer_full::notify::RecursiveMode;
use notify_debouncer_full::{DebounceEventResult, new_debouncer};
use serde_json::json;
use studio_tasks::TaskSpec;

use crate::tasks::Tasks;

/// How long a file must be quiet before its change counts.
pub const DEBOUNCE: Duration = Duration::from_millis(400);
/// How often the set of watched files follows the open projects.
const FOLLOW_EVERY: Duration = Duration::from_secs(1);

/// Runs until the Studio is gone (its tasks with it).
pub(crate) async fn watch_sources(studio: Weak<Tasks>) {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Vec<PathBuf>>();
    let handler = move |result: DebounceEventResult| {
        if let Ok(events) = result {
            let paths = events.iter().filter(|e| !e.kind.is_access()).flat_map(|e| e.paths.clone()).collect();
            let _ = tx.send(paths);
        }
    };
    let Ok(mut debouncer) = new_debouncer(DEBOUNCE, None, handler) else { return };
    let mut dirs: HashSet<PathBuf> = HashSet::new();
    let mut files: HashMap<PathBuf, Vec<String>> = HashMap::new();
    let mut follow = tokio::time::interval(FOLLOW_EVERY);
    loop {
        tokio::select! {
            _ = follow.tick() => {
                let Some(studio) = studio.upgrade() else { return };
                files = studio.linked_files().await;
                let wanted: HashSet<PathBuf> = files.keys().filter_map(|f| f.parent().map(Path::to_path_buf)).collect();
                for dir in dirs.difference(&wanted) {
                    let _ = debouncer.unwatch(dir);
                }
                dirs.retain(|d| wanted.contains(d));
                for dir in wanted {
                    if !dirs.contains(&dir) && debouncer.watch(&dir, RecursiveMode::NonRecursive).is_ok() {
                        dirs.insert(dir);
                    }
                }
            }
            Some(paths) = rx.recv() => {
                let Some(studio) = studio.upgrade() else { return };
                let mut changed: BTreeSet<(String, String)> = BTreeSet::new();
                for path in &paths {
                    for project in files.get(path).into_iter().flatten() {
                        let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
                        changed.insert((project.clone(), name));
                    }
                }
                for (project, name) in changed {
                    let _ = studio.refresh_after_change(&project, &name).await;
                }
            }
        }
    }
}

impl Tasks {
    /// Linked source files of the projects open in memory, by absolute path.
    async fn linked_files(&self) -> HashMap<PathBuf, Vec<String>> {
        let mut files: HashMap<PathBuf, Vec<String>> = HashMap::new();
        for project_id in self.open.ids() {
            let Some(mut slot) = self.open.lock_existing(&project_id).await else { continue };
            let Some(open) = slot.get_mut() else { continue };
            for (_, config) in crate::source_config::sources(open.doc.content()) {
                let Ok(config) = config else { continue };
                if config.linked == Some(false) {
                    continue;
                }
                let Some(path) = config.path.as_deref() else { continue };
                if let Ok(path) = std::path::absolute(path) {
                    files.entry(path).or_default().push(project_id.clone());
                }
            }
        }
        files
    }

    /// Queues a data refresh for a project whose linked file changed, unless one is waiting.
    async fn refresh_after_change(&self, project_id: &str, file: &str) -> crate::error::Result<()> {
        // On the bus, where a workflow's `source_changed` trigger hears it.
        let mut data = serde_json::Map::new();
        data.insert("source".into(), json!(file));
        self.bus.publish(crate::bus::SOURCE_CHANGED, Some(project_id), data);
        let waiting = self
            .list_tasks(project_id)
            .await?
            .into_iter()
            .any(|t| t.kind == "refresh_data" && t.status == studio_tasks::TaskStatus::Pending);
        if waiting {
            return Ok(());
        }
        let owner = match self.open.lock_existing(project_id).await {
            Some(mut slot) => slot.get_mut().and_then(|o| o.doc.content().meta("owner").map(str::to_string)),
            None => None,
        }
        .unwrap_or_default();
        let spec = TaskSpec::new("refresh_data", &format!("Refresh data ({file} changed on disk)"))
            .needs("data")
            .input("user_id", json!(owner))
            .input("because", json!(format!("{file} changed on disk")));
        self.submit_tasks(project_id, vec![spec]).await?;
        Ok(())
    }
}
