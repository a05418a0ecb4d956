//! Where a team server keeps, for 24 hours, what a client could not get saved: edits refused
//! while the database was away and the client's session state. In the team's Redis once the
//! instance has joined it, so a client reconnecting through any instance is offered them back;
//! in this process's memory otherwise (one instance alone, the desktop).

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use studio_store::team::TeamBus;

use crate::error::Result;

/// How long kept items wait for their owner.
pub const KEEP_FOR: Duration = Duration::from_secs(24 * 3600);

/// Lists by key, each with the moment it expires.
type Kept = HashMap<String, (Vec<Vec<u8>>, Instant)>;

#[derive(Default)]
pub(crate) struct Parking {
    redis: OnceLock<TeamBus>,
    memory: Mutex<Kept>,
}

impl Parking {
    /// From now on items are kept in the team's Redis.
    pub(crate) fn join(&self, bus: TeamBus) {
        let _ = self.redis.set(bus);
    }

    fn memory(&self) -> std::sync::MutexGuard<'_, Kept> {
        let mut kept = self.memory.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        kept.retain(|_, (_, until)| *until > now);
        kept
    }

    /// Appends `item` to the list at `key`; the list lasts `KEEP_FOR` after its last append.
    pub(crate) async fn keep(&self, key: &str, item: &[u8]) -> Result<()> {
        if let Some(bus) = self.redis.get() {
            return Ok(bus.keep(key, item, KEEP_FOR).await?);
        }
        let mut kept = self.memory();
        let entry = kept.entry(key.to_string()).or_insert_with(|| (Vec::new(), Instant::now()));
        entry.0.push(item.to_vec());
        entry.1 = Instant::now() + KEEP_FOR;
        Ok(())
    }

    /// The list at `key`, oldest first, and the seconds it has left.
    pub(crate) async fn kept(&self, key: &str) -> Result<(Vec<Vec<u8>>, Option<i64>)> {
        if let Some(bus) = self.redis.get() {
            return Ok((bus.kept(key).await?, bus.expires_in(key).await?));
        }
        let kept = self.memory();
        Ok(match kept.get(key) {
            Some((items, until)) => {
                let left = until.saturating_duration_since(Instant::now()).as_secs();
                (items.clone(), Some(i64::try_from(left).unwrap_or(i64::MAX)))
            }
            None => (Vec::new(), None),
        })
    }

    pub(crate) async fn forget(&self, key: &str) -> Result<()> {
        if let Some(bus) = self.redis.get() {
            return Ok(bus.forget(key).await?);
        }
        self.memory().remove(key);
        Ok(())
    }

    /// Replaces the list at `key` with `item` alone.
    pub(crate) async fn replace(&self, key: &str, item: &[u8]) -> Result<()> {
        self.forget(key).await?;
        self.keep(key, item).await
    }
}
