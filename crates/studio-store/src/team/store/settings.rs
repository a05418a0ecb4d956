//! Settings changed at runtime, shared by every instance of a team server.

use super::TeamStore;
use crate::Result;
use crate::local::SettingRow;

impl TeamStore {
    pub(crate) async fn settings(&self) -> Result<Vec<SettingRow>> {
        Ok(sqlx::query_as(
            "SELECT key, value::text AS value, changed_by, studio_iso(changed_at) AS changed_at
             FROM studio_settings ORDER BY key",
        )
        .fetch_all(self.pool())
        .await?)
    }

    pub(crate) async fn put_setting(&self, row: &SettingRow) -> Result<()> {
        sqlx::query(
            "INSERT INTO studio_settings (key, value, changed_by, changed_at) VALUES ($1, $2::jsonb, $3, studio_ts($4))
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, changed_by = excluded.changed_by,
               changed_at = excluded.changed_at",
        )
        .bind(&row.key)
        .bind(&row.value)
        .bind(&row.changed_by)
        .bind(&row.changed_at)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    pub(crate) async fn remove_setting(&self, key: &str) -> Result<bool> {
        let done = sqlx::query("DELETE FROM studio_settings WHERE key = $1").bind(key).execute(self.pool()).await?;
        Ok(done.rows_affected() > 0)
    }
}
