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
