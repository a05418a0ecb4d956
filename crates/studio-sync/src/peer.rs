//! One program's place in the sync network: a samod repo whose documents are kept in memory
//! (the library keeps them for good: a document is given to the repo when it is first shared
//! here, and the repo's copy is kept in step with the library's by the core), a gate that says
//! who may see what, an acceptor for a hub's incoming connections and dialers to hubs.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use samod::storage::{InMemoryStorage, Storage, StorageKey};

use crate::durable::DurableStorage;
use samod::{AcceptorHandle, BackoffConfig, DocHandle, DocumentId, PeerId, Repo, Transport};
use sha2::{Digest, Sha256};

use crate::error::SyncError;
use crate::gate::Gate;

/// The peer id of the hub run by the owner of `public_key`: what a peer expects to meet when
/// it dials the hub an invite names.
pub fn hub_peer_id(public_key: &str) -> String {
    format!("studio-hub:{public_key}")
}

/// The document id of a project: derived from its id, so every peer and every restart of the
/// hub names the same project's document alike.
pub fn document_id(project_id: &str) -> DocumentId {
    let digest = Sha256::digest(format!("studio-project:{project_id}").as_bytes());
    DocumentId::try_from(digest[..16].to_vec()).unwrap_or_else(|_| DocumentId::new(&mut rand::rng()))
}

/// Where a peer's repo keeps documents: in memory beside a library that keeps them for good, or
/// in the team server's database, shared by its instances.
#[derive(Clone)]
enum PeerStorage {
    Memory(InMemoryStorage),
    Durable(DurableStorage),
}

impl Storage for PeerStorage {
    async fn load(&self, key: StorageKey) -> Option<Vec<u8>> {
        match self {
            PeerStorage::Memory(s) => Storage::load(s, key).await,
            PeerStorage::Durable(s) => Storage::load(s, key).await,
        }
    }

    async fn load_range(&self, prefix: StorageKey) -> HashMap<StorageKey, Vec<u8>> {
        match self {
            PeerStorage::Memory(s) => Storage::load_range(s, prefix).await,
            PeerStorage::Durable(s) => Storage::load_range(s, prefix).await,
        }
    }

    async fn put(&self, key: StorageKey, data: Vec<u8>) {
        match self {
            PeerStorage::Memory(s) => Storage::put(s, key, data).await,
            PeerStorage::Durable(s) => Storage::put(s, key, data).await,
        }
    }

    async fn delete(&self, key: StorageKey) {
        match self {
            PeerStorage::Memory(s) => Storage::delete(s, key).await,
            PeerStorage::Durable(s) => Storage::delete(s, key).await,
        }
    }
}

#[derive(Clone)]
pub struct SyncPeer {
    repo: Repo,
    storage: PeerStorage,
    gate: Gate,
    peer_id: String,
    handles: Arc<Mutex<HashMap<DocumentId, DocHandle>>>,
    acceptor: Arc<Mutex<Option<AcceptorHandle>>>,
}

impl SyncPeer {
    /// Starts a peer named `peer_id`.
    pub async fn start(peer_id: &str) -> SyncPeer {
        // The repo's storage only hands each document its first content (`hold`); the library
        // keeps documents for good, so the repo writing them again after every change is waste.
        samod_core::persistence::set_document_writes(false);
        SyncPeer::start_on(peer_id, PeerStorage::Memory(InMemoryStorage::new())).await
    }

    /// Starts a peer of the team server whose documents live in `storage` (its database),
    /// written after every change so another instance reads them. Document writes are on for
    /// every repo of the process: a team server's process runs no library peer.
    pub async fn start_durable(peer_id: &str, storage: DurableStorage) -> SyncPeer {
        samod_core::persistence::set_document_writes(true);
        SyncPeer::start_on(peer_id, PeerStorage::Durable(storage)).await
    }

    async fn start_on(peer_id: &str, storage: PeerStorage) -> SyncPeer {
        let gate = Gate::default();
        let repo = Repo::build_tokio()
            .with_storage(storage.clone())
            .with_peer_id(PeerId::from(peer_id))
            .with_share_policy(gate.clone())
            .load()
            .await;
        SyncPeer {
            repo,
            storage,
            gate,
            peer_id: peer_id.to_string(),
            handles: Default::default(),
            acceptor: Default::default(),
        }
    }

    pub fn peer_id(&self) -> &str {
        &self.peer_id
    }

    pub fn gate(&self) -> &Gate {
        &self.gate
    }

    fn handles(&self) -> std::sync::MutexGuard<'_, HashMap<DocumentId, DocHandle>> {
        self.handles.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The document held here, if it is.
    pub fn handle(&self, doc: &DocumentId) -> Option<DocHandle> {
        self.handles().get(doc).cloned()
    }

    /// Holds `doc` with the content `saved` (a whole saved document): the first time, the
    /// repo reads it as stored; after, `saved` is merged into what the repo holds.
    pub async fn hold(&self, doc: &DocumentId, saved: Vec<u8>) -> Result<DocHandle, SyncError> {
        if let Some(handle) = self.handle(doc) {
            handle
                .with_document_async(move |d| d.load_incremental(&saved).map(|_| ()))
                .await
                .map_err(|_| SyncError::invalid("the sync peer has stopped"))?
                .map_err(|e| SyncError::invalid(format!("the document could not be merged: {e}")))?;
            return Ok(handle);
        }
        let key = StorageKey::from_parts(vec![doc.to_string(), "snapshot".into(), "library".into()])
            .map_err(|e| SyncError::invalid(format!("{e:?}")))?;
        Storage::put(&self.storage, key, saved).await;
        let handle = self
            .repo
            .find(doc.clone())
            .await
            .map_err(|_| SyncError::invalid("the sync peer has stopped"))?
            .ok_or_else(|| SyncError::invalid("the document given to the sync peer could not be read"))?;
        self.handles().insert(doc.clone(), handle.clone());
        Ok(handle)
    }

    /// Finds `doc` at the hubs this peer is connected to (a project joined, not yet here).
    pub async fn fetch(&self, doc: &DocumentId) -> Result<Option<DocHandle>, SyncError> {
        let found = self.repo.find(doc.clone()).await.map_err(|_| SyncError::invalid("the sync peer has stopped"))?;
        if let Some(handle) = &found {
            self.handles().insert(doc.clone(), handle.clone());
        }
        Ok(found)
    }

    /// Takes an incoming connection whose peer the hub has authenticated as `peer_id`.
    pub fn accept(&self, transport: Transport, peer_id: &str) -> Result<(), SyncError> {
        let acceptor = {
            let mut acceptor = self.acceptor.lock().unwrap_or_else(|p| p.into_inner());
            match &*acceptor {
                Some(a) => a.clone(),
                None => {
                    let url =
                        samod::Url::parse("studio-hub://incoming").map_err(|e| SyncError::invalid(e.to_string()))?;
                    let made =
                        self.repo.make_acceptor(url).map_err(|_| SyncError::invalid("the sync peer has stopped"))?;
                    *acceptor = Some(made.clone());
                    made
                }
            }
        };
        acceptor
            .accept(transport.with_expected_peer_id(PeerId::from(peer_id)))
            .map_err(|_| SyncError::invalid("the sync peer has stopped"))?;
        Ok(())
    }

    /// Dials a hub, reconnecting with backoff (100 ms doubling to 10 s) for as long as the
    /// handle lives.
    pub fn dial<D: samod::Dialer>(&self, dialer: D) -> Result<samod::DialerHandle<D::Error>, SyncError> {
        let backoff = BackoffConfig {
            initial_delay: std::time::Duration::from_millis(100),
            max_delay: std::time::Duration::from_secs(10),
            max_retries: None,
        };
        self.repo.dial(backoff, Arc::new(dialer)).map_err(|_| SyncError::invalid("the sync peer has stopped"))
    }

    pub async fn stop(&self) {
        self.repo.stop().await;
    }
}

#[cfg(test)]
mod tests {
    use samod::storage::LocalStorage;

    use super::*;
    use crate::probe::{has_change, write_probe};

    #[tokio::test]
    async fn the_repo_reads_its_first_content_and_writes_nothing_back() {
        let peer = SyncPeer::start("storage-test").await;
        let doc = document_id("storage-test-project");
        let mut first = automerge::AutoCommit::new();
        automerge::transaction::Transactable::put(&mut first, automerge::ROOT, "name", "P").unwrap();
        let handle = peer.hold(&doc, first.save()).await.unwrap();
        let mut last = None;
        for i in 0..25 {
            last = write_probe(&handle, "overrides", &format!("k{i}"), "{}");
        }
        assert!(has_change(&handle, &last.unwrap()));
        // A later call still finds the document held, with every change made.
        assert!(has_change(&peer.handle(&doc).unwrap(), &last.unwrap()));
        let prefix = StorageKey::from_parts(vec![doc.to_string()]).unwrap();
        let stored = LocalStorage::load_range(&peer.storage, prefix).await;
        let keys: Vec<String> = stored.keys().map(|k| k.to_string()).collect();
        assert_eq!(keys.len(), 1, "only the first content is stored: {keys:?}");
        assert!(keys[0].ends_with("library"), "{keys:?}");
    }
}
