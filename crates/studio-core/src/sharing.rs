//! Sharing a project with peers: this program's sync peer, the shared projects' documents
//! linked to it, and the pull of peers' changes into the library.
//!
//! A shared project's document lives twice in memory: the library's (`ProjectDocument`, which
//! every request edits and the journal makes durable) and the sync peer's (which samod keeps in
//! step with the other peers). Every change committed here is handed to the peer's copy at once
//! (`Library::sync_out`); every change arriving from peers is pulled into the library's copy and
//! journaled, like an edit made here.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, Weak};

use futures::StreamExt;
use studio_model::{Collaborator, Role};
use studio_sync::{DocHandle, DocumentId, Refused, SyncPeer, document_id, hub_peer_id};

use crate::error::{CoreError, Result};
use crate::events::StudioEvent;
use crate::library::{Library, on_library};

/// A shared project linked to the sync peer.
pub(crate) struct Link {
    pub handle: DocHandle,
    pub bridge: tokio::task::JoinHandle<()>,
    /// For a joined project: the dialer to its hub and the last reason it failed.
    pub dialer: Option<studio_sync::DialerHandle<Refused>>,
    pub last_error: Option<Arc<Mutex<Option<String>>>>,
    /// For a joined project: the heads the hub last said it shares with us.
    pub hub_has: Option<Arc<Mutex<Option<Vec<studio_sync::ChangeHash>>>>>,
}

/// One user heard of in one project: what they said, when, and whether they are this program's
/// own user (set here) or a peer's.
pub(crate) struct Seen {
    pub presence: studio_model::Presence,
    pub at: std::time::Instant,
    pub local: bool,
}

/// Who is where in one project, by user id.
pub(crate) type Room = HashMap<String, Seen>;

/// A dialer to a hub and where it keeps the reason of its last failure.
pub(crate) type Dialing = (studio_sync::DialerHandle<Refused>, Arc<Mutex<Option<String>>>);

/// A connection a hub has let in.
pub(crate) struct Guest {
    pub project_id: String,
    /// The collaborator it is; `None` for a guest that came with an invite alone.
    pub user_id: Option<String>,
    /// For a guest: the invite it came with.
    pub invite_id: Option<String>,
    /// Ends the connection.
    pub close: tokio::sync::watch::Sender<bool>,
}

pub struct Sharing {
    pub(crate) library: Arc<Library>,
    peer: tokio::sync::OnceCell<SyncPeer>,
    /// Where this program's hub listens, when it is one.
    pub(crate) hub_url: Mutex<Option<String>>,
    pub(crate) links: Mutex<HashMap<String, Link>>,
    pub(crate) guests: Mutex<HashMap<String, Guest>>,
    /// Dialers made by `connect`, waiting for their project's link.
    pub(crate) dialing: Mutex<HashMap<String, Dialing>>,
    /// Who is where in each shared project.
    pub(crate) presence: Mutex<HashMap<String, Room>>,
    /// Starts and stops this program's hub listener (the shell's), when it can be a hub.
    pub(crate) hub_host: Mutex<Option<Arc<dyn crate::ports::HubHost>>>,
    /// The blob exchanges with hubs.
    pub(crate) blob_book: crate::blob_book::BlobBook,
    pub(crate) me: Weak<Sharing>,
}

on_library!(Sharing);

pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Sharing {
    pub(crate) fn new(library: Arc<Library>) -> Arc<Sharing> {
        Arc::new_cyclic(|me| Sharing {
            library,
            peer: Default::default(),
            hub_url: Default::default(),
            links: Default::default(),
            guests: Default::default(),
            dialing: Default::default(),
            presence: Default::default(),
            hub_host: Default::default(),
            blob_book: Default::default(),
            me: me.clone(),
        })
    }

    /// This program's sync peer, started on first use. Its id is the hub id of the local
    /// user's key: what peers dialing this program's hub expect to meet.
    pub(crate) async fn peer(&self) -> Result<&SyncPeer> {
        let key = self.keypair()?.public_key();
        Ok(self.peer.get_or_init(|| async move { SyncPeer::start(&hub_peer_id(&key)).await }).await)
    }

    /// Stops syncing: the links end and the peer stops.
    pub async fn stop(&self) {
        for (_, link) in lock(&self.links).drain() {
            link.bridge.abort();
            if let Some(d) = link.dialer {
                d.close();
            }
        }
        lock(&self.library.linked).clear();
        if let Some(peer) = self.peer.get() {
            peer.stop().await;
        }
    }

    /// The sync peer, if it was started.
    pub(crate) fn started_peer(&self) -> Option<&SyncPeer> {
        self.peer.get()
    }

    /// Links a project's document to the sync peer (once): the peer holds it as the library
    /// has it, changes made here go to it, changes from peers come back.
    pub(crate) async fn link(&self, project_id: &str) -> Result<DocHandle> {
        if let Some(link) = lock(&self.links).get(project_id) {
            return Ok(link.handle.clone());
        }
        let saved = {
            let mut open = self.project(project_id).await?;
            open.doc.save()
        };
        let doc = document_id(project_id);
        let handle = self.peer().await?.hold(&doc, saved).await.map_err(sync_error)?;
        self.attach(project_id, handle.clone(), None, None);
        Ok(handle)
    }

    /// Starts the bridge of a project whose document the peer holds.
    pub(crate) fn attach(
        &self,
        project_id: &str,
        handle: DocHandle,
        dialer: Option<studio_sync::DialerHandle<Refused>>,
        last_error: Option<Arc<Mutex<Option<String>>>>,
    ) {
        let mut links = lock(&self.links);
        if links.contains_key(project_id) {
            return;
        }
        lock(&self.library.linked).insert(project_id.to_string(), handle.clone());
        let (me, pid, h) = (self.me.clone(), project_id.to_string(), handle.clone());
        let (heard_by, heard_pid, ephemera) = (self.me.clone(), project_id.to_string(), handle.ephemera());
        let listening = tokio::spawn(async move {
            let mut ephemera = std::pin::pin!(ephemera);
            while let Some(bytes) = ephemera.next().await {
                let Some(sharing) = heard_by.upgrade() else { break };
                sharing.heard(&heard_pid, &bytes);
            }
        });
        // A peer that starts syncing the document hears where everyone here is at once, not
        // at the next heartbeat.
        let (greeter, greet_pid, mut newcomers) =
            (self.me.clone(), project_id.to_string(), studio_sync::docs::newcomers(&handle));
        let greeting = tokio::spawn(async move {
            while newcomers.next().await.is_some() {
                let Some(sharing) = greeter.upgrade() else { break };
                sharing.rebroadcast(&greet_pid);
            }
        });
        let bridge = tokio::spawn(async move {
            let _listening = AbortOnDrop(listening);
            let _greeting = AbortOnDrop(greeting);
            let mut changes = std::pin::pin!(h.changes());
            // What arrived while the bridge was starting is pulled first.
            loop {
                let Some(sharing) = me.upgrade() else { break };
                if let Err(e) = sharing.pull(&pid, &h).await {
                    // A joined project deleted here waits in the bin; its changes come in when
                    // it is restored.
                    if !sharing.store.is_deleted(&pid).await.unwrap_or(false) {
                        tracing::warn!(project_id = pid, "peers' changes could not be taken in: {}", e.message);
                    }
                }
                // A joined project's new or changed blobs go to and come from its hub.
                if lock(&sharing.links).get(&pid).is_some_and(|l| l.dialer.is_some()) {
                    sharing.exchange_blobs_soon(&pid);
                }
                drop(sharing);
                if changes.next().await.is_none() {
                    break;
                }
            }
        });
        let hub_has = dialer.is_some().then(|| studio_sync::docs::follow_shared_heads(&handle));
        links.insert(project_id.to_string(), Link { handle, bridge, dialer, last_error, hub_has });
    }

    /// Takes the changes the sync peer has and the library does not into the library's copy
    /// of the document, journals them and tells the listeners.
    pub(crate) async fn pull(&self, project_id: &str, handle: &DocHandle) -> Result<()> {
        let mut open = self.project(project_id).await?;
        let ours = open.doc.head_hashes();
        let theirs = handle.with_document(|d| d.get_heads());
        if theirs.iter().all(|h| open.doc.has_change(h)) {
            return Ok(());
        }
        // Every change made here was handed to the peer when it was made, so the peer has
        // everything the library has and can say what the library lacks.
        // The changes are read once: their bytes, and what each says (its log entry, a saved
        // version's mark).
        let (bytes, said) = handle.with_document(|d| {
            let changes = d.get_changes(&ours);
            let bytes: Vec<u8> = changes.iter().flat_map(|c| c.raw_bytes().to_vec()).collect();
            (bytes, crate::document::messages_of(&changes))
        });
        // Only who is in the project is compared after: the rest of the content is not copied.
        let before = open.doc.content().collaborators.clone();
        open.doc.apply_changes(&bytes)?;
        let saved = crate::document::saved_marks(&said);
        if !saved.is_empty() {
            self.keep_versions(project_id, &mut open, saved).await?;
        }
        let messages: Vec<crate::document::ChangeMessage> = said.into_iter().map(|(m, _)| m).collect();
        let last = messages.last().map(|m| m.entry.clone());
        let summary = match (&last, messages.len()) {
            (Some(entry), 1) => entry.summary.clone(),
            (Some(entry), n) => format!("{} (and {} more from peers)", entry.summary, n - 1),
            (None, _) => "Changes from a peer".to_string(),
        };
        let now = studio_store::now();
        self.journal(project_id, &mut open, bytes, &summary, &now).await?;
        let author = last.as_ref().map(|e| e.user_id.clone()).unwrap_or_default();
        let state = Library::state_of(&mut open, &author);
        let members_changed = members(&before) != members(&open.doc.content().collaborators);
        drop(open);
        self.emit(StudioEvent::StateChanged {
            project_id: project_id.into(),
            status: state.status,
            summary,
            user_id: author,
        });
        if members_changed {
            self.keep_members(project_id, &before).await?;
            self.refresh_access(project_id).await;
        }
        Ok(())
    }

    /// On a hub, the collaborators are the owner's to set, here: a peer's change to who is in
    /// the project, in which role or with which key, is put back as it was.
    async fn keep_members(&self, project_id: &str, before: &BTreeMap<String, Collaborator>) -> Result<()> {
        if !self.is_hub_of(project_id).await? {
            return Ok(());
        }
        let owner = self.profile()?.user_id;
        let mut open = self.project(project_id).await?;
        let mut next = open.doc.content().clone();
        next.collaborators = before.clone();
        for (id, c) in &mut next.collaborators {
            if let Some(now) = open.doc.content().collaborators.get(id) {
                c.last_active = now.last_active.clone();
            }
        }
        let ctx = self.context(&owner);
        let entry = studio_model::LogEntry {
            timestamp: ctx.now.clone(),
            user_id: owner.clone(),
            workbench: studio_model::PROJECT.into(),
            action: "keep_collaborators".into(),
            summary: "Collaborators kept as the owner set them (a peer's change to them was refused)".into(),
            reversible: false,
        };
        let message = crate::document::ChangeMessage::new(entry, crate::document::ChangeKind::Computed, None, &[]);
        self.commit(project_id, &mut open, &next, &message).await
    }

    /// Whether this library is the hub of `project_id`.
    pub(crate) async fn is_hub_of(&self, project_id: &str) -> Result<bool> {
        Ok(self.store.share(project_id).await?.is_some_and(|s| s.side == "hub"))
    }

    /// The document id of a project, as peers know it.
    pub fn document_id(project_id: &str) -> DocumentId {
        document_id(project_id)
    }
}

/// Ends a task when dropped (with the task that holds it).
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Who is in a project, in which role, with which key: what only the owner may change.
fn members(collaborators: &BTreeMap<String, Collaborator>) -> Vec<(String, Role, Option<String>)> {
    collaborators.values().map(|c| (c.user_id.clone(), c.role, c.public_key.clone())).collect()
}

pub(crate) fn sync_error(e: studio_sync::SyncError) -> CoreError {
    match e {
        studio_sync::SyncError::Invalid(m) => CoreError::invalid(m),
        studio_sync::SyncError::Refused(m) => CoreError::new("forbidden", m),
        studio_sync::SyncError::File { .. } => CoreError::new("io_error", e.to_string()),
        studio_sync::SyncError::Network(m) => CoreError::new("not_ready", m),
        studio_sync::SyncError::Missing(m) => CoreError::new("not_found", m),
    }
}
