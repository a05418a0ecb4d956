//! The audit log on PostgreSQL, as in the library file (append-only by trigger).

use super::TeamStore;
use crate::Result;
use crate::local::{AuditQuery, AuditRow, like, starts};

impl TeamStore {
    pub(crate) async fn append_audit(&self, rows: &[AuditRow]) -> Result<()> {
        let mut tx = self.pool().begin().await?;
        for r in rows {
            sqlx::query(
                "INSERT INTO studio_audit (at, user_id, session_id, action, resource, outcome, code, message, ms)
                 VALUES (studio_ts($1), $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(&r.at)
            .bind(&r.user_id)
            .bind(&r.session_id)
            .bind(&r.action)
            .bind(&r.resource)
            .bind(&r.outcome)
            .bind(&r.code)
            .bind(&r.message)
            .bind(r.ms)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub(crate) async fn audit(&self, q: &AuditQuery, limit: i64) -> Result<Vec<AuditRow>> {
        Ok(sqlx::query_as(
            "SELECT seq, studio_iso(at) AS at, user_id, session_id, action, resource, outcome, code, message, ms
             FROM studio_audit
             WHERE ($1::text IS NULL OR user_id = $1) AND ($2::text IS NULL OR action LIKE $2)
               AND ($3::text IS NULL OR resource LIKE $3) AND ($4::text IS NULL OR outcome = $4)
               AND ($5::text IS NULL OR at >= studio_ts($5)) AND ($6::text IS NULL OR at <= studio_ts($6))
               AND ($7::bigint IS NULL OR seq < $7)
               AND ($8::text IS NULL OR action ILIKE $8 OR resource ILIKE $8 OR code ILIKE $8 OR message ILIKE $8)
             ORDER BY seq DESC LIMIT $9",
        )
        .bind(&q.user_id)
        .bind(q.action.as_deref().map(starts))
        .bind(q.resource.as_deref().map(starts))
        .bind(&q.outcome)
        .bind(&q.since)
        .bind(&q.until)
        .bind(q.before)
        .bind(q.text.as_deref().map(like))
        .bind(limit)
        .fetch_all(self.pool())
        .await?)
    }
}
