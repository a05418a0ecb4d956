//! What this program remembers of its blob exchanges with hubs, while it runs.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

/// How a joined project's blobs went with its hub since this program started: what came,
/// what went (the latest hundred of each), what is still missing.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BlobExchange {
    /// Blobs fetched from the hub, by hash.
    pub fetched: Vec<String>,
    /// Blobs sent to the hub.
    pub sent: Vec<String>,
    /// Blobs the document names that neither this library nor the hub has (made again here
    /// when needed).
    pub missing: Vec<String>,
}

impl BlobExchange {
    /// Adds one more exchange.
    pub(crate) fn add(&mut self, next: BlobExchange) {
        const KEPT: usize = 100;
        for (all, new) in [(&mut self.fetched, next.fetched), (&mut self.sent, next.sent)] {
            all.extend(new);
            let over = all.len().saturating_sub(KEPT);
            all.drain(..over);
        }
        self.missing = next.missing;
    }
}

#[derive(Default)]
pub(crate) struct BlobBook {
    /// Exchanges running, by project: whether another is wanted after.
    pub runs: Mutex<HashMap<String, bool>>,
    /// How each joined project's last exchange went.
    pub last: Mutex<HashMap<String, BlobExchange>>,
    /// Blobs known to be on the hub, as `PROJECT/HASH`.
    pub on_hub: Mutex<HashSet<String>>,
}
