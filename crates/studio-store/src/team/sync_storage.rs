//! The sync layer's key/value storage in the team database: what a samod repo keeps of each
//! document (snapshots, incremental changes), shared by every instance. Keys are the parts of
//! samod's storage key joined by '/', which no part holds; a range is every key under a prefix.

use sqlx::Row;

use super::TeamDb;
use crate::{Result, StoreError};

impl TeamDb {
    pub async fn sync_load(&self, key: &str) -> Result<Option<Vec<u8>>> {
        let row = sqlx::query("SELECT data FROM studio_sync_storage WHERE key = $1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get("data")).transpose()?)
    }

    /// Every key that is `prefix` or lies under it (`prefix/…`), with its data. An empty
    /// prefix is every key.
    pub async fn sync_load_range(&self, prefix: &str) -> Result<Vec<(String, Vec<u8>)>> {
        // Keys sort bytewise ("C"): those under `prefix/` lie between `prefix/` and `prefix0`
        // ('0' follows '/').
        let rows = if prefix.is_empty() {
            sqlx::query("SELECT key, data FROM studio_sync_storage ORDER BY key").fetch_all(&self.pool).await?
        } else {
            sqlx::query(
                "SELECT key, data FROM studio_sync_storage \
                 WHERE key = $1 OR (key >= $1 || '/' AND key < $1 || '0') ORDER BY key",
            )
            .bind(prefix)
            .fetch_all(&self.pool)
            .await?
        };
        rows.iter().map(|r| Ok((r.try_get("key")?, r.try_get("data")?))).collect()
    }

    pub async fn sync_put(&self, key: &str, data: &[u8]) -> Result<()> {
        if key.is_empty() {
            return Err(StoreError::Invalid("a sync storage key has at least one part".into()));
        }
        sqlx::query(
            "INSERT INTO studio_sync_storage (key, data) VALUES ($1, $2) ON CONFLICT (key) \
             DO UPDATE SET data = EXCLUDED.data, updated_at = (NOW() AT TIME ZONE 'UTC')",
        )
        .bind(key)
        .bind(data)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn sync_delete(&self, key: &str) -> Result<()> {
        sqlx::query("DELETE FROM studio_sync_storage WHERE key = $1").bind(key).execute(&self.pool).await?;
        Ok(())
    }
}
