//! The settings a running program takes up when they change: the layers it started with and,
//! over them, the changes made through the API (`runtime_settings.rs` reads and writes them).
//! Workflow slots grow or shrink with `workflow.max_concurrent_executions`.

use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use serde_json::Value;
use tokio::sync::Semaphore;

use crate::config::StudioConfig;
use crate::settings::{AgentSettings, Layered, SettingSource, WorkflowSettings, kept_for};

pub(crate) struct LiveSettings {
    /// What this program started with.
    base: Layered,
    current: RwLock<Layered>,
    /// The runtime rows last taken up (key, JSON text), to skip what did not change.
    taken: Mutex<Vec<(String, String)>>,
    /// `max_concurrent_executions` slots; a run waits `queued` for one.
    pub(crate) workflow_slots: Arc<Semaphore>,
    slots: Mutex<usize>,
}

impl LiveSettings {
    pub(crate) fn new(config: &StudioConfig) -> Self {
        let base = config.layered();
        let n = base.settings.workflow.max_concurrent_executions.max(1);
        LiveSettings {
            current: RwLock::new(base.clone()),
            base,
            taken: Mutex::default(),
            workflow_slots: Arc::new(Semaphore::new(n)),
            slots: Mutex::new(n),
        }
    }

    pub(crate) fn read<T>(&self, f: impl FnOnce(&Layered) -> T) -> T {
        f(&self.current.read().unwrap_or_else(|p| p.into_inner()))
    }

    pub(crate) fn workflow(&self) -> WorkflowSettings {
        self.read(|l| l.settings.workflow)
    }

    pub(crate) fn agents(&self) -> AgentSettings {
        self.read(|l| l.settings.agents)
    }

    /// How long finished task boards and exports are kept; `None`: for good.
    pub(crate) fn retention(&self) -> (Option<Duration>, Option<Duration>) {
        self.read(|l| {
            (kept_for(l.settings.library.task_retention_days), kept_for(l.settings.library.export_retention_days))
        })
    }

    pub(crate) fn entries(&self) -> Vec<SettingSource> {
        self.read(Layered::entries)
    }

    /// Takes up the runtime's rows (key, JSON text). Rows that no longer make sense (a key
    /// this version dropped, a value out of range) are left out, said in the log.
    pub(crate) fn take_up(&self, rows: Vec<(String, String)>) {
        let mut taken = self.taken.lock().unwrap_or_else(|p| p.into_inner());
        if *taken == rows {
            return;
        }
        let mut layered = self.base.clone();
        for (key, text) in &rows {
            let value: Value = serde_json::from_str(text).unwrap_or(Value::String(text.clone()));
            match layered.with_runtime(&[(key.clone(), value)]) {
                Ok(next) => layered = next,
                Err(e) => tracing::warn!("the runtime setting {key} is left out: {e}"),
            }
        }
        let slots = layered.settings.workflow.max_concurrent_executions.max(1);
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = layered;
        *taken = rows;
        drop(taken);
        self.resize_slots(slots);
    }

    /// Grows the workflow slots at once; shrinks them as running workflows give theirs back.
    fn resize_slots(&self, to: usize) {
        let mut now = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        if to > *now {
            self.workflow_slots.add_permits(to - *now);
        } else if to < *now {
            let fewer = u32::try_from(*now - to).unwrap_or(u32::MAX);
            let slots = self.workflow_slots.clone();
            tokio::spawn(async move {
                if let Ok(permits) = slots.acquire_many_owned(fewer).await {
                    permits.forget();
                }
            });
        }
        *now = to;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn available_becomes(live: &LiveSettings, n: usize) {
        for _ in 0..200 {
            if live.workflow_slots.available_permits() == n {
                return;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        panic!("{} slots free, not {n}", live.workflow_slots.available_permits());
    }

    #[tokio::test]
    async fn workflow_slots_grow_at_once_and_shrink_as_runs_give_theirs_back() {
        let mut config = StudioConfig::new("library.db".into());
        config.workflow.max_concurrent_executions = 2;
        let live = LiveSettings::new(&config);
        let running = live.workflow_slots.clone().acquire_owned().await.unwrap();
        let key = "workflow.max_concurrent_executions".to_string();
        live.take_up(vec![(key.clone(), "4".into())]);
        assert_eq!(live.workflow_slots.available_permits(), 3);
        live.take_up(vec![(key.clone(), "1".into())]);
        available_becomes(&live, 0).await;
        drop(running);
        available_becomes(&live, 1).await;
        assert_eq!(live.workflow().max_concurrent_executions, 1);
        // A row out of range is left out; the layers' value stands.
        live.take_up(vec![(key, "0".into())]);
        available_becomes(&live, 2).await;
        live.take_up(Vec::new());
        assert_eq!((live.workflow().max_concurrent_executions, live.workflow_slots.available_permits()), (2, 2));
    }
}
