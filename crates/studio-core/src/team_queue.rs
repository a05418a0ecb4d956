//! The team server's shared task queue, as the programs above the core use it (the bench
//! today; remote workers next): tasks queued in PostgreSQL and claimed once across every
//! instance and worker with `FOR UPDATE SKIP LOCKED` (the store's `task_queue`).

use studio_store::team::TeamDb;
pub use studio_store::team::{QueueCounts, QueuedTask};

use crate::error::Result;

/// A connection to a team database's task queue.
#[derive(Clone)]
pub struct TaskQueue {
    db: TeamDb,
}

impl TaskQueue {
    pub async fn connect(database_url: &str) -> Result<TaskQueue> {
        Ok(TaskQueue { db: TeamDb::connect(database_url).await? })
    }

    /// Queues a task of `kind`; answers its id.
    pub async fn enqueue(&self, kind: &str, project_id: Option<&str>, payload: &serde_json::Value) -> Result<String> {
        Ok(self.db.enqueue(kind, project_id, payload).await?)
    }

    /// The oldest queued task of `kinds`, now claimed by `worker`; None when there is none.
    pub async fn claim(&self, worker: &str, kinds: &[&str]) -> Result<Option<QueuedTask>> {
        Ok(self.db.claim(worker, kinds).await?)
    }

    pub async fn heartbeat(&self, task_id: &str, worker: &str) -> Result<()> {
        Ok(self.db.heartbeat(task_id, worker).await?)
    }

    /// Finishes a claimed task with its result or the error it failed with.
    pub async fn finish(
        &self,
        task_id: &str,
        worker: &str,
        outcome: std::result::Result<&serde_json::Value, &str>,
    ) -> Result<()> {
        Ok(self.db.finish(task_id, worker, outcome).await?)
    }

    pub async fn counts(&self) -> Result<QueueCounts> {
        Ok(self.db.queue_counts().await?)
    }
}
