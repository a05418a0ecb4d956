//! The team server's task queue: a task runs once across every instance. A worker claims the
//! oldest queued task of the kinds it runs with `FOR UPDATE SKIP LOCKED` (two workers never
//! wait on, nor take, the same row), keeps its claim with heartbeats, and finishes it; a claim
//! whose heartbeat lapsed is queued again for another worker.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use sqlx::Row;
use sqlx::postgres::PgRow;

use super::{TeamDb, uuid};
use crate::{Result, StoreError};

/// A task as a worker claimed it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueuedTask {
    pub task_id: String,
    pub project_id: Option<String>,
    pub kind: String,
    pub payload: serde_json::Value,
    /// How many times it has been claimed, this claim included.
    pub attempts: i32,
}

/// How many tasks are in each state.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct QueueCounts {
    pub queued: i64,
    pub running: i64,
    pub succeeded: i64,
    pub failed: i64,
}

/// Ok when an update of a claimed task touched it; a claim that went elsewhere is a conflict.
fn still_claimed(rows: u64, task_id: &str, worker: &str) -> Result<()> {
    match rows {
        0 => Err(StoreError::Conflict(format!("task {task_id} is no longer claimed by {worker}"))),
        _ => Ok(()),
    }
}

fn queued_task(row: &PgRow) -> Result<QueuedTask> {
    let payload: String = row.try_get("payload")?;
    Ok(QueuedTask {
        task_id: row.try_get("task_id")?,
        project_id: row.try_get("project_id")?,
        kind: row.try_get("kind")?,
        payload: serde_json::from_str(&payload).map_err(|e| StoreError::Corrupt(format!("a task's payload: {e}")))?,
        attempts: row.try_get("attempts")?,
    })
}

impl TeamDb {
    /// Queues a task; answers its id.
    pub async fn enqueue(&self, kind: &str, project_id: Option<&str>, payload: &serde_json::Value) -> Result<String> {
        if kind.is_empty() || kind.len() > 50 {
            return Err(StoreError::Invalid("a task's kind is 1 to 50 characters".into()));
        }
        let project = project_id.map(|p| uuid("project", p)).transpose()?;
        let id = uuid::Uuid::new_v4();
        sqlx::query(
            "INSERT INTO studio_task_queue (task_id, project_id, kind, payload) VALUES ($1, $2, $3, $4::jsonb)",
        )
        .bind(id)
        .bind(project)
        .bind(kind)
        .bind(payload.to_string())
        .execute(&self.pool)
        .await?;
        Ok(id.to_string())
    }

    /// The oldest queued task of `kinds` for `worker`, now running under its claim; None when
    /// there is none. Tasks other workers are claiming at this moment are skipped, not waited on.
    pub async fn claim(&self, worker: &str, kinds: &[&str]) -> Result<Option<QueuedTask>> {
        let kinds: Vec<String> = kinds.iter().map(|k| k.to_string()).collect();
        let row = sqlx::query(
            "UPDATE studio_task_queue SET status = 'running', claimed_by = $1, attempts = attempts + 1, \
               heartbeat_at = (NOW() AT TIME ZONE 'UTC') \
             WHERE task_id = (SELECT task_id FROM studio_task_queue WHERE status = 'queued' AND kind = ANY($2) \
               ORDER BY created_at, task_id LIMIT 1 FOR UPDATE SKIP LOCKED) \
             RETURNING task_id::text AS task_id, project_id::text AS project_id, kind, payload::text AS payload, attempts",
        )
        .bind(worker)
        .bind(&kinds)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(queued_task).transpose()
    }

    /// Keeps `worker`'s claim on a task fresh. A claim that lapsed (and went to another worker)
    /// is refused: the worker stops working on it.
    pub async fn heartbeat(&self, task_id: &str, worker: &str) -> Result<()> {
        let done = sqlx::query(
            "UPDATE studio_task_queue SET heartbeat_at = (NOW() AT TIME ZONE 'UTC') \
             WHERE task_id = $1 AND status = 'running' AND claimed_by = $2",
        )
        .bind(uuid("task", task_id)?)
        .bind(worker)
        .execute(&self.pool)
        .await?;
        still_claimed(done.rows_affected(), task_id, worker)
    }

    /// Finishes a task `worker` holds: its result, or the error it failed with.
    pub async fn finish(
        &self,
        task_id: &str,
        worker: &str,
        outcome: std::result::Result<&serde_json::Value, &str>,
    ) -> Result<()> {
        let (status, result, error) = match outcome {
            Ok(value) => ("succeeded", Some(value.to_string()), None),
            Err(e) => ("failed", None, Some(e)),
        };
        let done = sqlx::query(
            "UPDATE studio_task_queue SET status = $3, result = $4::jsonb, error = $5, \
               finished_at = (NOW() AT TIME ZONE 'UTC') \
             WHERE task_id = $1 AND status = 'running' AND claimed_by = $2",
        )
        .bind(uuid("task", task_id)?)
        .bind(worker)
        .bind(status)
        .bind(result)
        .bind(error)
        .execute(&self.pool)
        .await?;
        still_claimed(done.rows_affected(), task_id, worker)
    }

    /// Queues again every running task whose heartbeat is older than `lapse`; answers how many.
    pub async fn requeue_lapsed(&self, lapse: Duration) -> Result<u64> {
        let done = sqlx::query(
            "UPDATE studio_task_queue SET status = 'queued', claimed_by = NULL, heartbeat_at = NULL \
             WHERE status = 'running' AND heartbeat_at < (NOW() AT TIME ZONE 'UTC') - make_interval(secs => $1)",
        )
        .bind(lapse.as_secs_f64())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    pub async fn queue_counts(&self) -> Result<QueueCounts> {
        let rows = sqlx::query("SELECT status, COUNT(*) AS n FROM studio_task_queue GROUP BY status")
            .fetch_all(&self.pool)
            .await?;
        let mut counts = QueueCounts::default();
        for row in rows {
            let n: i64 = row.try_get("n")?;
            match row.try_get::<String, _>("status")?.as_str() {
                "queued" => counts.queued = n,
                "running" => counts.running = n,
                "succeeded" => counts.succeeded = n,
                _ => counts.failed = n,
            }
        }
        Ok(counts)
    }
}
