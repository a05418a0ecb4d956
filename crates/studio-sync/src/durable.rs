//! samod's storage over a key/value store that can fail for a while: the team server's
//! PostgreSQL, shared by its instances (the core gives this crate the store as a [`KeyValue`];
//! this crate knows no database). samod's storage cannot answer an error, and giving up on a
//! write would lose a change, so each operation is retried — backing off from 50 ms to 5 s —
//! until the store answers. An outage is logged when it begins and when it ends, not at every
//! retry.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use samod::storage::{Storage, StorageKey};

/// What a [`KeyValue`] operation answers: its value, or why the store could not give it.
pub type KvFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, String>> + Send + 'a>>;

/// A key/value store whose keys are storage keys' parts joined by '/'.
pub trait KeyValue: Send + Sync + 'static {
    fn load<'a>(&'a self, key: &'a str) -> KvFuture<'a, Option<Vec<u8>>>;
    /// Every key that is `prefix` or lies under it (`prefix/…`); every key when it is empty.
    fn load_range<'a>(&'a self, prefix: &'a str) -> KvFuture<'a, Vec<(String, Vec<u8>)>>;
    fn put<'a>(&'a self, key: &'a str, data: &'a [u8]) -> KvFuture<'a, ()>;
    fn delete<'a>(&'a self, key: &'a str) -> KvFuture<'a, ()>;
}

/// The longest wait between two tries.
const MOST_BACKOFF: Duration = Duration::from_secs(5);

#[derive(Clone)]
pub struct DurableStorage {
    kv: Arc<dyn KeyValue>,
}

impl DurableStorage {
    pub fn new(kv: Arc<dyn KeyValue>) -> DurableStorage {
        DurableStorage { kv }
    }

    /// `op` until it succeeds.
    async fn retry<'s, T>(&'s self, what: &str, op: impl Fn(&'s dyn KeyValue) -> KvFuture<'s, T>) -> T {
        let mut wait = Duration::from_millis(50);
        let mut failing = false;
        loop {
            match op(self.kv.as_ref()).await {
                Ok(value) => {
                    if failing {
                        tracing::info!("sync storage: {what} succeeded, the store answers again");
                    }
                    return value;
                }
                Err(e) => {
                    if !failing {
                        tracing::warn!("sync storage: {what} failed ({e}); trying again until the store answers");
                        failing = true;
                    }
                    tokio::time::sleep(wait).await;
                    wait = (wait * 2).min(MOST_BACKOFF);
                }
            }
        }
    }
}

/// A storage key as the store keeps it.
pub fn joined(key: &StorageKey) -> String {
    key.into_iter().map(String::as_str).collect::<Vec<_>>().join("/")
}

/// A key the store gave back, as a storage key (None if it is not one).
fn split(key: &str) -> Option<StorageKey> {
    match key {
        "" => StorageKey::from_parts(Vec::<&str>::new()).ok(),
        _ => StorageKey::from_parts(key.split('/')).ok(),
    }
}

impl Storage for DurableStorage {
    async fn load(&self, key: StorageKey) -> Option<Vec<u8>> {
        let key = joined(&key);
        self.retry(&format!("loading {key}"), |kv| kv.load(&key)).await
    }

    async fn load_range(&self, prefix: StorageKey) -> HashMap<StorageKey, Vec<u8>> {
        let prefix = joined(&prefix);
        let found = self.retry(&format!("loading under {prefix}"), |kv| kv.load_range(&prefix)).await;
        found.into_iter().filter_map(|(key, data)| Some((split(&key)?, data))).collect()
    }

    async fn put(&self, key: StorageKey, data: Vec<u8>) {
        let key = joined(&key);
        self.retry(&format!("writing {key}"), |kv| kv.put(&key, &data)).await
    }

    async fn delete(&self, key: StorageKey) {
        let key = joined(&key);
        self.retry(&format!("deleting {key}"), |kv| kv.delete(&key)).await
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    /// A store in memory that is down for its first `down` calls.
    #[derive(Default)]
    struct Flaky {
        down: AtomicUsize,
        calls: AtomicUsize,
        data: Mutex<BTreeMap<String, Vec<u8>>>,
    }

    impl Flaky {
        fn up(&self) -> Result<std::sync::MutexGuard<'_, BTreeMap<String, Vec<u8>>>, String> {
            let call = self.calls.fetch_add(1, Ordering::SeqCst);
            match call < self.down.load(Ordering::SeqCst) {
                true => Err(format!("connection refused (call {call})")),
                false => Ok(self.data.lock().unwrap()),
            }
        }
    }

    impl KeyValue for Flaky {
        fn load<'a>(&'a self, key: &'a str) -> KvFuture<'a, Option<Vec<u8>>> {
            Box::pin(async move { Ok(self.up()?.get(key).cloned()) })
        }
        fn load_range<'a>(&'a self, prefix: &'a str) -> KvFuture<'a, Vec<(String, Vec<u8>)>> {
            Box::pin(async move {
                let under = format!("{prefix}/");
                Ok(self
                    .up()?
                    .iter()
                    .filter(|(k, _)| prefix.is_empty() || *k == prefix || k.starts_with(&under))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect())
            })
        }
        fn put<'a>(&'a self, key: &'a str, data: &'a [u8]) -> KvFuture<'a, ()> {
            Box::pin(async move {
                self.up()?.insert(key.to_string(), data.to_vec());
                Ok(())
            })
        }
        fn delete<'a>(&'a self, key: &'a str) -> KvFuture<'a, ()> {
            Box::pin(async move {
                self.up()?.remove(key);
                Ok(())
            })
        }
    }

    fn key(parts: &[&str]) -> StorageKey {
        StorageKey::from_parts(parts).unwrap()
    }

    #[tokio::test(start_paused = true)]
    async fn a_store_that_is_down_for_a_while_loses_nothing() {
        let flaky = Arc::new(Flaky { down: AtomicUsize::new(6), ..Flaky::default() });
        let storage = DurableStorage::new(flaky.clone());
        // The write waits out the outage (six refusals) and lands.
        storage.put(key(&["doc", "snapshot", "a"]), vec![1, 2, 3]).await;
        assert_eq!(flaky.calls.load(Ordering::SeqCst), 7);
        storage.put(key(&["doc", "incremental", "b"]), vec![4]).await;
        storage.put(key(&["doc2", "snapshot", "c"]), vec![5]).await;
        assert_eq!(storage.load(key(&["doc", "snapshot", "a"])).await, Some(vec![1, 2, 3]));
        let range = storage.load_range(key(&["doc"])).await;
        assert_eq!(range.len(), 2, "{range:?}");
        assert_eq!(range[&key(&["doc", "incremental", "b"])], vec![4]);
        flaky.down.store(flaky.calls.load(Ordering::SeqCst) + 3, Ordering::SeqCst);
        storage.delete(key(&["doc", "snapshot", "a"])).await;
        assert_eq!(storage.load(key(&["doc", "snapshot", "a"])).await, None);
        assert_eq!(storage.load_range(StorageKey::from_parts(Vec::<&str>::new()).unwrap()).await.len(), 2);
    }

    #[test]
    fn keys_are_their_parts_joined() {
        let k = key(&["3f2a", "snapshot", "c0ffee"]);
        assert_eq!(joined(&k), "3f2a/snapshot/c0ffee");
        assert_eq!(split(&joined(&k)), Some(k));
        assert_eq!(split("a//b"), None, "an empty part is not a storage key's");
    }
}
