//! What a held document's peers say of it: the heads a peer (the hub) shares with us, how
//! many of our changes it lacks, and when a peer newly syncs it.

use automerge::{ChangeHash, ReadDoc};
use futures::StreamExt;
use futures::stream::BoxStream;
use samod::DocHandle;

/// Keeps, for as long as the document is held, the last heads a peer (the hub) said it shares
/// with us: what it has of ours even after the connection drops.
pub fn follow_shared_heads(handle: &DocHandle) -> std::sync::Arc<std::sync::Mutex<Option<Vec<ChangeHash>>>> {
    let shared = std::sync::Arc::new(std::sync::Mutex::new(None));
    let (now, mut updates) = handle.peers();
    let keep = |states: &std::collections::HashMap<samod::ConnectionId, samod::PeerDocState>,
                into: &std::sync::Mutex<Option<Vec<ChangeHash>>>| {
        if let Some(heads) = states.values().find_map(|s| s.shared_heads.clone()) {
            *into.lock().unwrap_or_else(|p| p.into_inner()) = Some(heads);
        }
    };
    keep(&now, &shared);
    let into = shared.clone();
    tokio::spawn(async move {
        while let Some(states) = updates.next().await {
            keep(&states, &into);
        }
    });
    shared
}

/// How many changes the document has beyond `heads` (what a peer has): edits not sent yet.
pub fn changes_beyond(handle: &DocHandle, heads: &[ChangeHash]) -> usize {
    handle.with_document(|d| {
        if heads.iter().all(|h| d.get_change_by_hash(h).is_some()) { d.get_changes(heads).len() } else { 0 }
    })
}

/// Yields each time a peer starts syncing the document (a new connection's first exchange
/// about it): the moment it can hear ephemeral messages, such as presence.
pub fn newcomers(handle: &DocHandle) -> BoxStream<'static, ()> {
    let (now, updates) = handle.peers();
    let mut known: std::collections::HashSet<samod::ConnectionId> = now.into_keys().collect();
    updates
        .filter_map(move |states| {
            let fresh = states.keys().any(|k| !known.contains(k));
            known = states.into_keys().collect();
            futures::future::ready(fresh.then_some(()))
        })
        .boxed()
}
