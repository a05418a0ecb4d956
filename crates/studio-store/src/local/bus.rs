//! The event bus's log and its webhook subscriptions. Events are appended in batches, one
//! transaction each, and read back by sequence number; a webhook keeps how far it has
//! delivered, and a lease says which program delivers it.

use super::{IMMEDIATE, Local};
use crate::Result;

/// An event as it is kept: its topic, its project (if any) and its fields as a JSON object.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct BusEventRow {
    pub seq: i64,
    pub topic: String,
    pub project_id: Option<String>,
    pub payload: String,
    pub published_at: String,
}

/// An event to append; its sequence number comes from the store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewBusEvent {
    pub topic: String,
    pub project_id: Option<String>,
    pub payload: String,
    pub published_at: String,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct WebhookRow {
    pub webhook_id: String,
    pub url: String,
    /// Topic patterns, a JSON array.
    pub topics: String,
    pub project_id: Option<String>,
    pub secret: String,
    pub created_by: String,
    pub created_at: String,
    /// The last event delivered (0: none yet).
    pub delivered_seq: i64,
    /// Failed attempts since the last delivery.
    pub failures: i64,
    pub last_error: Option<String>,
    pub last_attempt_at: Option<String>,
}

pub(crate) const WEBHOOK_COLUMNS: &str = "webhook_id, url, topics, project_id, secret, created_by, created_at, \
     delivered_seq, failures, last_error, last_attempt_at";

impl Local {
    /// Appends the events in one transaction; their sequence numbers, in order.
    pub(crate) async fn append_bus_events(&self, events: &[NewBusEvent]) -> Result<Vec<i64>> {
        let mut tx = self.pool.begin_with(IMMEDIATE).await?;
        let mut seqs = Vec::with_capacity(events.len());
        for e in events {
            let seq: i64 = sqlx::query_scalar(
                "INSERT INTO studio_bus_events (topic, project_id, payload, published_at) VALUES (?, ?, ?, ?)
                 RETURNING seq",
            )
            .bind(&e.topic)
            .bind(&e.project_id)
            .bind(&e.payload)
            .bind(&e.published_at)
            .fetch_one(&mut *tx)
            .await?;
            seqs.push(seq);
        }
        tx.commit().await?;
        Ok(seqs)
    }

    /// Up to `limit` events after `after`, in order.
    pub(crate) async fn bus_events(&self, after: i64, limit: i64) -> Result<Vec<BusEventRow>> {
        Ok(sqlx::query_as(
            "SELECT seq, topic, project_id, payload, published_at FROM studio_bus_events WHERE seq > ?
             ORDER BY seq LIMIT ?",
        )
        .bind(after)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The last sequence number appended (0: none).
    pub(crate) async fn bus_head(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM studio_bus_events").fetch_one(&self.pool).await?)
    }

    pub(crate) async fn add_webhook(&self, w: &WebhookRow) -> Result<()> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO studio_webhooks ({WEBHOOK_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        )))
        .bind(&w.webhook_id)
        .bind(&w.url)
        .bind(&w.topics)
        .bind(&w.project_id)
        .bind(&w.secret)
        .bind(&w.created_by)
        .bind(&w.created_at)
        .bind(w.delivered_seq)
        .bind(w.failures)
        .bind(&w.last_error)
        .bind(&w.last_attempt_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub(crate) async fn webhooks(&self) -> Result<Vec<WebhookRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {WEBHOOK_COLUMNS} FROM studio_webhooks ORDER BY created_at, webhook_id"
        )))
        .fetch_all(&self.pool)
        .await?)
    }

    pub(crate) async fn remove_webhook(&self, webhook_id: &str) -> Result<bool> {
        let done = sqlx::query("DELETE FROM studio_webhooks WHERE webhook_id = ?")
            .bind(webhook_id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Takes (or keeps) the right to deliver the webhook until `until`, unless another holder's
    /// lease runs past `now`.
    pub(crate) async fn lease_webhook(&self, webhook_id: &str, holder: &str, until: &str, now: &str) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE studio_webhooks SET lease_holder = ?, lease_until = ?
             WHERE webhook_id = ? AND (lease_holder IS NULL OR lease_holder = ? OR lease_until < ?)",
        )
        .bind(holder)
        .bind(until)
        .bind(webhook_id)
        .bind(holder)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// An attempt's outcome: how far it has delivered, failures since, and the last error.
    pub(crate) async fn record_webhook(
        &self,
        webhook_id: &str,
        delivered_seq: i64,
        failures: i64,
        last_error: Option<&str>,
        at: &str,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE studio_webhooks SET delivered_seq = ?, failures = ?, last_error = ?, last_attempt_at = ?
             WHERE webhook_id = ?",
        )
        .bind(delivered_seq)
        .bind(failures)
        .bind(last_error)
        .bind(at)
        .bind(webhook_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
