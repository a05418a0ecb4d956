//! Settings changed at runtime: one row per key, its value JSON text.

use super::Local;
use crate::Result;

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct SettingRow {
    pub key: String,
    /// JSON.
    pub value: String,
    pub changed_by: String,
    pub changed_at: String,
}

impl Local {
    pub(crate) async fn settings(&self) -> Result<Vec<SettingRow>> {
        Ok(sqlx::query_as("SELECT key, value, changed_by, changed_at FROM studio_settings ORDER BY key")
            .fetch_all(&self.pool)
            .await?)
    }

    pub(crate) async fn put_setting(&self, row: &SettingRow) -> Result<()> {
        sqlx::query(
            "INSERT INTO studio_settings (key, value, changed_by, changed_at) VALUES (?, ?, ?, ?)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, changed_by = excluded.changed_by,
               changed_at = excluded.changed_at",
        )
        .bind(&row.key)
        .bind(&row.value)
        .bind(&row.changed_by)
        .bind(&row.changed_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Whether there was a row to remove.
    pub(crate) async fn remove_setting(&self, key: &str) -> Result<bool> {
        let done = sqlx::query("DELETE FROM studio_settings WHERE key = ?").bind(key).execute(&self.pool).await?;
        Ok(done.rows_affected() > 0)
    }
}
