//! A team server's instances kept in step through the team's Redis. Each change committed
//! through one instance is published on its project's channel (after it is journaled in
//! PostgreSQL, so Redis is never its only copy), and so is where each user is (presence); the
//! other instances take the changes into the projects they hold in memory and tell their
//! clients, so a client of instance A sees an edit made through instance B at once.
//!
//! Redis going away delays notices and loses nothing: when the subscription is back, each
//! project held here is read again from PostgreSQL (its row and every instance's journal),
//! which holds every acknowledged edit.

use std::sync::{Arc, Weak};

use studio_store::team::{BusEvent, TeamBus};
use tokio::sync::mpsc;

use crate::error::Result;
use crate::events::StudioEvent;
use crate::library::Library;
use crate::live_outbox::{Outbox, PRESENCE, PROJECT, TASK};
use crate::studio::Studio;

/// Every channel this instance listens on.
const PATTERN: &str = "studio:*";

impl Studio {
    /// Joins the other instances of this team server through its Redis at `url`: what is
    /// committed here is published, what they publish is taken in. Answers once subscribed.
    pub async fn join_team_bus(self: &Arc<Self>, url: &str) -> Result<()> {
        let bus = TeamBus::connect(url).await?;
        let (outbox, queue) = mpsc::unbounded_channel();
        let instance = uuid::Uuid::new_v4().to_string();
        if self.library.live.set(Outbox::new(instance.clone(), outbox)).is_err() {
            return Ok(());
        }
        self.library.parking.join(bus.clone());
        self.vitals.set_bus(crate::vitals::BusLink::Up);
        tokio::spawn(publish_in_order(bus.clone(), queue));
        let events = bus.subscribe(PATTERN);
        tokio::spawn(take_in_all(Arc::downgrade(self), instance, events));
        Ok(())
    }

    /// A change another instance made: into the project if it is held here, and its clients told.
    async fn take_in(&self, project_id: &str, change: &[u8]) -> Result<()> {
        let Some(mut slot) = self.open.lock_existing(project_id).await else { return Ok(()) };
        let Some(open) = slot.get_mut() else { return Ok(()) };
        let before = open.doc.head_hashes();
        open.doc.apply_changes(change)?;
        if open.doc.head_hashes() == before {
            return Ok(());
        }
        let said = open.doc.messages_since(&before);
        let last = said.last().map(|m| m.entry.clone());
        let author = last.as_ref().map(|e| e.user_id.clone()).unwrap_or_default();
        if let Some(entry) = &last {
            open.header.updated_at = entry.timestamp.clone();
        }
        let state = Library::state_of(open, &author);
        drop(slot);
        self.emit_heard(StudioEvent::StateChanged {
            project_id: project_id.into(),
            status: state.status,
            summary: last.map(|e| e.summary).unwrap_or_else(|| "A change made on another instance".into()),
            user_id: author,
        });
        Ok(())
    }

    /// A task another instance runs moved: its clients here are told as if it ran here.
    fn task_heard(&self, project_id: &str, bytes: &[u8]) {
        match serde_json::from_slice::<studio_tasks::Task>(bytes) {
            Ok(task) => {
                self.emit_heard(StudioEvent::TaskChanged { project_id: project_id.into(), task: Box::new(task) })
            }
            Err(e) => tracing::warn!(project_id, "a task notice from another instance is unreadable: {e}"),
        }
    }

    /// After Redis was away: each project held here is read again from the team database,
    /// which holds every acknowledged edit, and its clients are told when it moved.
    async fn catch_up(&self) {
        for project_id in self.open.ids() {
            let Some(mut slot) = self.open.lock_existing(&project_id).await else { continue };
            let Some(open) = slot.get_mut() else { continue };
            let before = open.doc.head_hashes();
            let caught = async {
                let row = self.store.project(&project_id).await?;
                open.doc.merge(&row.document)?;
                for entry in self.store.journal(&project_id).await? {
                    open.doc.apply_changes(&entry.change)?;
                }
                Ok::<_, crate::error::CoreError>(())
            }
            .await;
            if let Err(e) = caught {
                tracing::warn!(project_id, "could not catch up after Redis was away: {}", e.message);
                continue;
            }
            if open.doc.head_hashes() == before {
                continue;
            }
            let state = Library::state_of(open, "");
            drop(slot);
            self.emit_heard(StudioEvent::StateChanged {
                project_id: project_id.clone(),
                status: state.status,
                summary: "Changes made on other instances while Redis was away".into(),
                user_id: String::new(),
            });
        }
    }
}

/// Publishes in the order committed; a message Redis refused is retried for a few seconds,
/// then left to the others' catch-up (they lost their subscription too).
async fn publish_in_order(bus: TeamBus, mut queue: mpsc::UnboundedReceiver<(String, Vec<u8>)>) {
    while let Some((channel, payload)) = queue.recv().await {
        let mut wait = std::time::Duration::from_millis(50);
        while let Err(e) = bus.publish(&channel, &payload).await {
            if wait > std::time::Duration::from_secs(2) {
                tracing::warn!(channel, "a notice to the other instances was dropped: {e}");
                break;
            }
            tokio::time::sleep(wait).await;
            wait *= 2;
        }
    }
}

async fn take_in_all(studio: Weak<Studio>, instance: String, mut events: mpsc::UnboundedReceiver<BusEvent>) {
    while let Some(event) = events.recv().await {
        let Some(studio) = studio.upgrade() else { return };
        match event {
            BusEvent::Message { channel, payload } => {
                // The sending instance's id (a UUID's 36 characters), then what it sent; what
                // this instance sent itself is already here.
                let (Some(sender), Some(bytes)) = (payload.get(..36), payload.get(36..)) else { continue };
                if sender == instance.as_bytes() {
                    continue;
                }
                if let Some(project_id) = channel.strip_prefix(PROJECT) {
                    if let Err(e) = studio.take_in(project_id, bytes).await {
                        tracing::warn!(
                            project_id,
                            "a change from another instance could not be taken in: {}",
                            e.message
                        );
                    }
                } else if let Some(project_id) = channel.strip_prefix(PRESENCE) {
                    studio.sharing.heard(project_id, bytes);
                } else if let Some(project_id) = channel.strip_prefix(TASK) {
                    studio.task_heard(project_id, bytes);
                }
            }
            BusEvent::Lost(why) => {
                studio.vitals.set_bus(crate::vitals::BusLink::Lost);
                tracing::warn!("the other instances' notices are delayed: {why}");
            }
            BusEvent::Resumed => {
                studio.vitals.set_bus(crate::vitals::BusLink::Up);
                studio.catch_up().await
            }
        }
    }
}
