//! Who may read or change which document: each connected peer is admitted for one document
//! with an access, which the hub can change at any time (a new role, a removal). samod asks
//! the gate before it sends a document to a peer or takes a change from one, so a viewer's
//! changes are dropped at the hub and never reach anyone, and a removed collaborator stops
//! receiving at once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use futures::{Stream, StreamExt, stream};
use samod::{DocumentId, PeerId, ShareConfig};
use tokio::sync::watch;

/// What a peer may do with the document it was admitted for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Read the document and change it.
    Write,
    /// Read the document; its changes are ignored.
    Read,
    /// Nothing: the peer is not (or no longer) let in.
    None,
}

impl Access {
    fn share(self) -> ShareConfig {
        match self {
            Access::Write => ShareConfig::read_write(),
            Access::Read => ShareConfig::read_only(),
            Access::None => ShareConfig::none(),
        }
    }
}

struct Admitted {
    doc: DocumentId,
    access: watch::Sender<Access>,
}

/// The peers let in, by peer id.
#[derive(Clone, Default)]
pub struct Gate {
    peers: Arc<Mutex<HashMap<String, Admitted>>>,
}

impl Gate {
    fn peers(&self) -> std::sync::MutexGuard<'_, HashMap<String, Admitted>> {
        self.peers.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Lets `peer` in for `doc` with `access` (replacing what it had).
    pub fn admit(&self, peer: &str, doc: &DocumentId, access: Access) {
        let mut peers = self.peers();
        match peers.get(peer) {
            Some(a) if &a.doc == doc => {
                a.access.send_replace(access);
            }
            _ => {
                // Another document, or none before: a peer is let in for one document only.
                if let Some(old) = peers.remove(peer) {
                    old.access.send_replace(Access::None);
                }
                let (tx, _) = watch::channel(access);
                peers.insert(peer.to_string(), Admitted { doc: doc.clone(), access: tx });
            }
        }
    }

    /// Changes what `peer` may do, now: the connection's sharing follows at once.
    pub fn set(&self, peer: &str, access: Access) {
        if let Some(a) = self.peers().get(peer) {
            a.access.send_replace(access);
        }
    }

    /// What `peer` may do with `doc` now.
    pub fn access(&self, peer: &str, doc: &DocumentId) -> Access {
        match self.peers().get(peer) {
            Some(a) if &a.doc == doc => *a.access.borrow(),
            _ => Access::None,
        }
    }

    /// Forgets `peer` (its connection ended).
    pub fn forget(&self, peer: &str) {
        if let Some(old) = self.peers().remove(peer) {
            old.access.send_replace(Access::None);
        }
    }

    /// The peers admitted for `doc`, with their access.
    pub fn admitted(&self, doc: &DocumentId) -> Vec<(String, Access)> {
        self.peers().iter().filter(|(_, a)| &a.doc == doc).map(|(p, a)| (p.clone(), *a.access.borrow())).collect()
    }
}

impl samod::SharePolicy for Gate {
    fn share(&self, doc_id: DocumentId, peer_id: PeerId) -> impl Stream<Item = ShareConfig> + Send + 'static {
        let receiver = match self.peers().get(&peer_id.to_string()) {
            Some(a) if a.doc == doc_id => Some(a.access.subscribe()),
            _ => None,
        };
        match receiver {
            // The access now, then each change of it.
            Some(rx) => stream::unfold((rx, true), |(mut rx, first)| async move {
                if !first && rx.changed().await.is_err() {
                    return None;
                }
                let access = *rx.borrow_and_update();
                Some((access.share(), (rx, false)))
            })
            .boxed(),
            None => stream::iter([ShareConfig::none()]).boxed(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use samod::SharePolicy;

    #[tokio::test]
    async fn access_follows_the_gate() {
        let gate = Gate::default();
        let doc = DocumentId::new(&mut rand::rng());
        let other = DocumentId::new(&mut rand::rng());
        gate.admit("bea", &doc, Access::Write);
        let mut shares = SharePolicy::share(&gate, doc.clone(), PeerId::from("bea"));
        assert_eq!(shares.next().await, Some(ShareConfig::read_write()));
        gate.set("bea", Access::Read);
        assert_eq!(shares.next().await, Some(ShareConfig::read_only()));
        gate.forget("bea");
        assert_eq!(shares.next().await, Some(ShareConfig::none()));
        // Not admitted for that document, or not at all: nothing.
        gate.admit("bea", &doc, Access::Write);
        let mut elsewhere = SharePolicy::share(&gate, other, PeerId::from("bea"));
        assert_eq!(elsewhere.next().await, Some(ShareConfig::none()));
        let mut stranger = SharePolicy::share(&gate, doc, PeerId::from("zed"));
        assert_eq!(stranger.next().await, Some(ShareConfig::none()));
    }
}
