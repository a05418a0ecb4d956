//! The team database as the sync layer's storage: what the team server's instances keep of each
//! project's document, shared through PostgreSQL so an edit made through one instance is read
//! by the others.

use std::sync::Arc;

use studio_store::team::TeamDb;
use studio_sync::{DurableStorage, KeyValue, KvFuture};

struct TeamKeyValue(TeamDb);

impl KeyValue for TeamKeyValue {
    fn load<'a>(&'a self, key: &'a str) -> KvFuture<'a, Option<Vec<u8>>> {
        Box::pin(async move { self.0.sync_load(key).await.map_err(|e| e.to_string()) })
    }

    fn load_range<'a>(&'a self, prefix: &'a str) -> KvFuture<'a, Vec<(String, Vec<u8>)>> {
        Box::pin(async move { self.0.sync_load_range(prefix).await.map_err(|e| e.to_string()) })
    }

    fn put<'a>(&'a self, key: &'a str, data: &'a [u8]) -> KvFuture<'a, ()> {
        Box::pin(async move { self.0.sync_put(key, data).await.map_err(|e| e.to_string()) })
    }

    fn delete<'a>(&'a self, key: &'a str) -> KvFuture<'a, ()> {
        Box::pin(async move { self.0.sync_delete(key).await.map_err(|e| e.to_string()) })
    }
}

/// The sync layer's storage in `db`, retried through outages.
pub fn team_sync_storage(db: TeamDb) -> DurableStorage {
    DurableStorage::new(Arc::new(TeamKeyValue(db)))
}
