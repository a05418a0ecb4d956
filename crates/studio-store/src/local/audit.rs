//! The audit log: rows appended in batches, never changed (the table's triggers refuse it),
//! read newest first by who, what, about what, how it ended, when, and text.

use super::{IMMEDIATE, Local};
use crate::Result;

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct AuditRow {
    pub seq: i64,
    pub at: String,
    pub user_id: String,
    pub session_id: String,
    pub action: String,
    pub resource: String,
    pub outcome: String,
    pub code: Option<String>,
    pub message: Option<String>,
    pub ms: f64,
}

/// Which rows a search wants; every part that is set must hold.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuditQuery {
    pub user_id: Option<String>,
    /// The action's start (`workflow` finds every workflow request).
    pub action: Option<String>,
    /// The resource's start (`project:ID`).
    pub resource: Option<String>,
    pub outcome: Option<String>,
    pub since: Option<String>,
    pub until: Option<String>,
    /// Found in the action, resource, code or message.
    pub text: Option<String>,
    /// Rows before this sequence number (the next page, newest first).
    pub before: Option<i64>,
}

const COLUMNS: &str = "seq, at, user_id, session_id, action, resource, outcome, code, message, ms";

/// `text` for a LIKE: `%` and `_` taken as themselves.
pub(crate) fn like(text: &str) -> String {
    let escaped = text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

pub(crate) fn starts(text: &str) -> String {
    let escaped = text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("{escaped}%")
}

impl Local {
    /// Appends rows (their `seq` is given by the table), in order, in one transaction.
    pub(crate) async fn append_audit(&self, rows: &[AuditRow]) -> Result<()> {
        let mut tx = self.pool.begin_with(IMMEDIATE).await?;
        for r in rows {
            sqlx::query(
                "INSERT INTO studio_audit (at, user_id, session_id, action, resource, outcome, code, message, ms)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
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

    /// Rows matching `q`, newest first, `limit` at most.
    pub(crate) async fn audit(&self, q: &AuditQuery, limit: i64) -> Result<Vec<AuditRow>> {
        let text = q.text.as_deref().map(like);
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM studio_audit
             WHERE (?1 IS NULL OR user_id = ?1) AND (?2 IS NULL OR action LIKE ?2 ESCAPE '\\')
               AND (?3 IS NULL OR resource LIKE ?3 ESCAPE '\\') AND (?4 IS NULL OR outcome = ?4)
               AND (?5 IS NULL OR at >= ?5) AND (?6 IS NULL OR at <= ?6) AND (?7 IS NULL OR seq < ?7)
               AND (?8 IS NULL OR action LIKE ?8 ESCAPE '\\' OR resource LIKE ?8 ESCAPE '\\'
                    OR code LIKE ?8 ESCAPE '\\' OR message LIKE ?8 ESCAPE '\\')
             ORDER BY seq DESC LIMIT ?9"
        )))
        .bind(&q.user_id)
        .bind(q.action.as_deref().map(starts))
        .bind(q.resource.as_deref().map(starts))
        .bind(&q.outcome)
        .bind(&q.since)
        .bind(&q.until)
        .bind(q.before)
        .bind(text)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }
}
