//! Probes for measuring sync: a small change written straight into a held document, and whether
//! a peer has a given change yet. Used by `studio bench sync`; not by the product.

use automerge::transaction::{CommitOptions, Transactable};
use automerge::{ChangeHash, ObjType, ROOT, ReadDoc};
use samod::DocHandle;

/// Writes `text` under `key` in the document's `section` map (made if missing) as one change;
/// answers the change's hash.
pub fn write_probe(handle: &DocHandle, section: &str, key: &str, text: &str) -> Option<ChangeHash> {
    handle.with_document(|d| {
        let mut tx = d.transaction();
        let obj = match tx.get(ROOT, section).ok().flatten() {
            Some((_, id)) => id,
            None => tx.put_object(ROOT, section, ObjType::Map).ok()?,
        };
        tx.put(&obj, key, text).ok()?;
        tx.commit_with(CommitOptions::default().with_message("sync probe")).0
    })
}

/// Whether the document held by `handle` has the change `hash`.
pub fn has_change(handle: &DocHandle, hash: &ChangeHash) -> bool {
    handle.with_document(|d| d.get_change_by_hash(hash).is_some())
}

/// Keeps, for as long as the document is held, the last heads a peer (the hub) said it shares
/// with us: what it has of ours even after the connection drops.
pub fn follow_shared_heads(handle: &DocHandle) -> std::sync::Arc<std::sync::Mutex<Option<Vec<ChangeHash>>>> {
    use futures::StreamExt;
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
