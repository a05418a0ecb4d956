//! A joined project's side: dialing its hub (with the invite the first time, with the user's
//! key after), keeping the link while this program runs, and saying how it is connected.

use std::sync::Arc;

use futures::StreamExt;
use studio_store::ShareRow;
use studio_sync::{Access, DialerEvent, DocHandle, Hello, HubDialer, Invite, hub_peer_id};

use crate::error::{CoreError, Result};
use crate::invites::SyncStatus;
use crate::sharing::{Sharing, lock, sync_error};

/// How long joining waits for the hub.
const JOIN_WAIT: std::time::Duration = std::time::Duration::from_secs(20);

impl Sharing {
    /// Dials the hub of `share` and answers the project's document once the hub has sent it.
    /// `joining`: this is the first connection, with the invite.
    pub(crate) async fn connect(&self, share: &ShareRow, user_id: &str, joining: bool) -> Result<DocHandle> {
        let hub = share.hub_url.clone().ok_or_else(|| CoreError::internal("a joined project without its hub"))?;
        let hub_key =
            share.hub_key.clone().ok_or_else(|| CoreError::internal("a joined project without its hub's key"))?;
        let peer = self.peer().await?;
        let invite = if joining { share.invite.clone() } else { None };
        let credentials = self.credentials(share, user_id, invite).await?;
        let dialer =
            HubDialer::new(&hub, share.fingerprint.clone(), hub_peer_id(&hub_key), credentials).map_err(sync_error)?;
        let last_error = dialer.last_error();
        let doc = Sharing::document_id(&share.project_id);
        peer.gate().admit(&hub_peer_id(&hub_key), &doc, Access::Write);
        let dialing = peer.dial(dialer).map_err(sync_error)?;
        if joining {
            match tokio::time::timeout(JOIN_WAIT, dialing.established()).await {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => {
                    dialing.close();
                    return Err(CoreError::new("forbidden", format!("the hub refused: {e}")));
                }
                Err(_) => {
                    dialing.close();
                    let why = lock(&last_error).clone().unwrap_or_else(|| "no answer".into());
                    return Err(CoreError::new("not_ready", format!("the hub at {hub} was not reached: {why}")));
                }
            }
        }
        let handle = match peer.handle(&doc) {
            Some(h) => h,
            None if joining => peer
                .fetch(&doc)
                .await
                .map_err(sync_error)?
                .ok_or_else(|| CoreError::new("not_found", "the hub does not have this project's document"))?,
            None => {
                // Back from a restart: the library's copy is held and merges with the hub's.
                let saved = self.project(&share.project_id).await?.doc.save();
                peer.hold(&doc, saved).await.map_err(sync_error)?
            }
        };
        lock(&self.dialing).insert(share.project_id.clone(), (dialing, last_error));
        Ok(handle)
    }

    /// What proves a connection to the hub of `share` is `user_id`'s, made afresh at every
    /// attempt: their signed hello, with the invite when `invite` is given (joining).
    async fn credentials(
        &self,
        share: &ShareRow,
        user_id: &str,
        invite: Option<String>,
    ) -> Result<studio_sync::Credentials> {
        let hub_key =
            share.hub_key.clone().ok_or_else(|| CoreError::internal("a joined project without its hub's key"))?;
        let peer_id = self.peer().await?.peer_id().to_string();
        let (profile, keypair) = (self.profile()?, self.keypair()?);
        let project_id = share.project_id.clone();
        let invite_id = match &invite {
            Some(text) => Some(Invite::parse(text).map_err(sync_error)?.invite_id),
            None => None,
        };
        let user = user_id.to_string();
        Ok(Arc::new(move || {
            let now = chrono::Utc::now().timestamp_millis();
            let pair = invite.as_deref().zip(invite_id.as_deref());
            let mut hello = Hello::signed(&peer_id, &user, &keypair, &hub_key, now, pair);
            hello.project = Some(project_id.clone());
            hello.name = Some(profile.display_name.clone());
            hello.color = Some(profile.color.clone());
            hello.to_query()
        }))
    }

    /// A client for the blobs of a joined project, at its hub.
    pub(crate) async fn blob_client(&self, share: &ShareRow) -> Result<studio_sync::BlobClient> {
        let hub = share.hub_url.clone().ok_or_else(|| CoreError::internal("a joined project without its hub"))?;
        let user = self.profile()?.user_id;
        let credentials = self.credentials(share, &user, None).await?;
        studio_sync::BlobClient::new(&hub, share.fingerprint.clone(), credentials).map_err(sync_error)
    }

    /// Links a joined project's document, with the dialer `connect` left for it.
    pub(crate) fn attach_joined(&self, project_id: &str, handle: DocHandle) {
        let (dialer, last_error) = match lock(&self.dialing).remove(project_id) {
            Some((d, e)) => (Some(d), Some(e)),
            None => (None, None),
        };
        self.attach(project_id, handle, dialer, last_error);
        self.watch_dialer(project_id);
    }

    /// Reconnects every joined project to its hub (the app or `studio serve` starting).
    pub async fn resume_joined(&self, user_id: &str) -> Result<()> {
        for share in self.store.shares().await?.into_iter().filter(|s| s.side == "peer") {
            match self.connect(&share, user_id, false).await {
                Ok(handle) => self.attach_joined(&share.project_id, handle),
                Err(e) => tracing::warn!(project_id = share.project_id, "not reconnected: {}", e.message),
            }
        }
        Ok(())
    }

    /// Of the joined projects this program keeps in step with their hubs: how many are
    /// connected now, and how many there are.
    pub(crate) fn joined_links(&self) -> (usize, usize) {
        let links = lock(&self.links);
        let dialers: Vec<_> = links.values().filter_map(|l| l.dialer.as_ref()).collect();
        (dialers.iter().filter(|d| d.is_connected()).count(), dialers.len())
    }

    /// How a shared project is connected (none when it is not shared).
    pub async fn sync_status(&self, project_id: &str) -> Result<Option<SyncStatus>> {
        let Some(share) = self.store.share(project_id).await? else { return Ok(None) };
        let heads = self.project(project_id).await?.doc.heads();
        let links = lock(&self.links);
        let link = links.get(project_id);
        let (state, error) = if share.side == "hub" {
            let running = lock(&self.hub_url).is_some();
            (if running { "connected" } else { "offline" }, None)
        } else {
            match link.and_then(|l| l.dialer.as_ref()) {
                Some(d) if d.is_connected() => ("connected", None),
                Some(_) => ("reconnecting", link.and_then(|l| l.last_error.as_ref()).and_then(|e| lock(e).clone())),
                None => {
                    ("offline", Some("no Studio program syncs it from here: `studio serve` or the app does".into()))
                }
            }
        };
        let peers = lock(&self.guests).values().filter(|g| g.project_id == project_id).count();
        let unsent = link
            .and_then(|l| {
                let heads = lock(l.hub_has.as_ref()?).clone()?;
                Some(studio_sync::docs::changes_beyond(&l.handle, &heads))
            })
            .unwrap_or(0);
        let hub = if share.side == "hub" { lock(&self.hub_url).clone() } else { share.hub_url.clone() };
        Ok(Some(SyncStatus {
            project_id: project_id.into(),
            side: share.side,
            state: state.into(),
            hub,
            error,
            peers,
            unsent,
            heads,
            blobs: self.blob_exchange(project_id),
        }))
    }

    /// Follows a joined project's dialer, telling the listeners when it connects or drops.
    pub(crate) fn watch_dialer(&self, project_id: &str) {
        let dialer = lock(&self.links).get(project_id).and_then(|l| l.dialer.clone());
        let Some(dialer) = dialer else { return };
        let (me, pid) = (self.me.clone(), project_id.to_string());
        tokio::spawn(async move {
            let mut events = dialer.events();
            while let Some(event) = events.next().await {
                let Some(sharing) = me.upgrade() else { break };
                let state = match event {
                    DialerEvent::Connected { .. } => {
                        sharing.rebroadcast(&pid);
                        sharing.exchange_blobs_soon(&pid);
                        // The hub may not hear ephemeral messages on the document until it has
                        // synced it: said again shortly, not only at the next heartbeat.
                        let (again, again_pid) = (me.clone(), pid.clone());
                        tokio::spawn(async move {
                            for wait in [500, 1_500] {
                                tokio::time::sleep(std::time::Duration::from_millis(wait)).await;
                                let Some(sharing) = again.upgrade() else { break };
                                sharing.rebroadcast(&again_pid);
                            }
                        });
                        "connected"
                    }
                    DialerEvent::Disconnected { .. } | DialerEvent::Reconnecting { .. } => "reconnecting",
                    _ => "offline",
                };
                sharing.emit(crate::events::StudioEvent::SyncChanged { project_id: pid.clone(), state: state.into() });
            }
        });
    }
}
