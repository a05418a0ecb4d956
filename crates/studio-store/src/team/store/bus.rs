//! The event bus's log and webhooks on PostgreSQL. Appends take a transaction-scoped advisory
//! lock, so sequence numbers commit in order across instances: a subscriber reading "after N"
//! never misses one that committed late.

use super::{TeamStore, key};
use crate::Result;
use crate::local::{BusEventRow, NewBusEvent, WebhookRow};

/// The advisory lock appends hold (any constant of ours).
const BUS_LOCK: i64 = 0x5354_5544_494f_4255;

const WEBHOOK_SELECT: &str = "SELECT webhook_id::text AS webhook_id, url, topics::text AS topics, project_id, secret, \
     created_by, studio_iso(created_at) AS created_at, delivered_seq, failures::bigint AS failures, last_error, \
     studio_iso(last_attempt_at) AS last_attempt_at FROM studio_webhooks";

impl TeamStore {
    pub(crate) async fn append_bus_events(&self, events: &[NewBusEvent]) -> Result<Vec<i64>> {
        let mut tx = self.pool().begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(BUS_LOCK).execute(&mut *tx).await?;
        let mut seqs = Vec::with_capacity(events.len());
        for e in events {
            let seq: i64 = sqlx::query_scalar(
                "INSERT INTO studio_bus_events (topic, project_id, payload, published_at)
                 VALUES ($1, $2, $3::jsonb, studio_ts($4)) RETURNING seq",
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

    pub(crate) async fn bus_events(&self, after: i64, limit: i64) -> Result<Vec<BusEventRow>> {
        Ok(sqlx::query_as(
            "SELECT seq, topic, project_id, payload::text AS payload, studio_iso(published_at) AS published_at
             FROM studio_bus_events WHERE seq > $1 ORDER BY seq LIMIT $2",
        )
        .bind(after)
        .bind(limit)
        .fetch_all(self.pool())
        .await?)
    }

    pub(crate) async fn bus_head(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0)::bigint FROM studio_bus_events")
            .fetch_one(self.pool())
            .await?)
    }

    pub(crate) async fn add_webhook(&self, w: &WebhookRow) -> Result<()> {
        sqlx::query(
            "INSERT INTO studio_webhooks (webhook_id, url, topics, project_id, secret, created_by, created_at,
               delivered_seq, failures, last_error, last_attempt_at)
             VALUES ($1, $2, $3::jsonb, $4, $5, $6, studio_ts($7), $8, $9, $10, studio_ts($11))",
        )
        .bind(key("webhook", &w.webhook_id)?)
        .bind(&w.url)
        .bind(&w.topics)
        .bind(&w.project_id)
        .bind(&w.secret)
        .bind(&w.created_by)
        .bind(&w.created_at)
        .bind(w.delivered_seq)
        .bind(w.failures as i32)
        .bind(&w.last_error)
        .bind(&w.last_attempt_at)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    pub(crate) async fn webhooks(&self) -> Result<Vec<WebhookRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!("{WEBHOOK_SELECT} ORDER BY created_at, webhook_id")))
            .fetch_all(self.pool())
            .await?)
    }

    pub(crate) async fn remove_webhook(&self, webhook_id: &str) -> Result<bool> {
        let Ok(id) = key("webhook", webhook_id) else { return Ok(false) };
        let done =
            sqlx::query("DELETE FROM studio_webhooks WHERE webhook_id = $1").bind(id).execute(self.pool()).await?;
        Ok(done.rows_affected() == 1)
    }

    pub(crate) async fn lease_webhook(&self, webhook_id: &str, holder: &str, until: &str, now: &str) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE studio_webhooks SET lease_holder = $1, lease_until = studio_ts($2)
             WHERE webhook_id = $3 AND (lease_holder IS NULL OR lease_holder = $1 OR lease_until < studio_ts($4))",
        )
        .bind(holder)
        .bind(until)
        .bind(key("webhook", webhook_id)?)
        .bind(now)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub(crate) async fn record_webhook(
        &self,
        webhook_id: &str,
        delivered_seq: i64,
        failures: i64,
        last_error: Option<&str>,
        at: &str,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE studio_webhooks SET delivered_seq = $1, failures = $2, last_error = $3,
               last_attempt_at = studio_ts($4) WHERE webhook_id = $5",
        )
        .bind(delivered_seq)
        .bind(failures as i32)
        .bind(last_error)
        .bind(at)
        .bind(key("webhook", webhook_id)?)
        .execute(self.pool())
        .await?;
        Ok(())
    }
}
