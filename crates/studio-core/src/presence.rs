//! Who is in a shared project now, where: each program tells its peers (ephemeral messages on
//! the project's document, CBOR as automerge-repo expects) which workbench and which item its
//! users are on, again every few seconds. A user who leaves says so and is gone at once; one
//! whose connection drops is let go by the hub; one not heard from in 30 s is gone too.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use studio_model::{Presence, PresenceItem, Workbench};

use crate::error::Result;
use crate::events::StudioEvent;
use crate::sharing::{Seen, Sharing, lock};

/// How often a program says again where its users are.
pub const HEARTBEAT: Duration = Duration::from_secs(10);
/// How long a user not heard from stays present.
pub const EXPIRY: Duration = Duration::from_secs(30);

/// The ephemeral message's body.
#[derive(Serialize, Deserialize)]
struct Wire {
    #[serde(rename = "type")]
    kind: String,
    presence: Presence,
}

const WIRE_TYPE: &str = "studio-presence";

impl Sharing {
    /// Says where the local users are every few seconds and lets go of peers' users not heard
    /// from, while the program runs.
    pub fn spawn_presence(self: &std::sync::Arc<Self>) -> tokio::task::JoinHandle<()> {
        let me = std::sync::Arc::downgrade(self);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(HEARTBEAT);
            loop {
                tick.tick().await;
                let Some(sharing) = me.upgrade() else { break };
                sharing.presence_tick();
            }
        })
    }

    /// Who is in `project_id` now (the users whose programs said so in the last 30 s).
    pub fn present(&self, project_id: &str) -> Vec<Presence> {
        let rooms = lock(&self.presence);
        let mut list: Vec<Presence> = rooms
            .get(project_id)
            .map(|room| {
                room.values()
                    .filter(|s| s.presence.workbench.is_some() && (s.local || s.at.elapsed() < EXPIRY))
                    .map(|s| s.presence.clone())
                    .collect()
            })
            .unwrap_or_default();
        list.sort_by(|a, b| a.user_id.cmp(&b.user_id));
        list
    }

    /// Sets where a local user is in a project (none: they left it) and tells the peers.
    pub async fn set_presence(
        &self,
        project_id: &str,
        user_id: &str,
        workbench: Option<Workbench>,
        item: Option<PresenceItem>,
    ) -> Result<Vec<Presence>> {
        let profile = self.profile()?;
        let members = self.collaborators_of(project_id).await?;
        let member = members.get(user_id);
        let is_me = user_id == profile.user_id;
        let presence = Presence {
            user_id: user_id.to_string(),
            display_name: member
                .and_then(|c| c.display_name.clone())
                .or_else(|| is_me.then(|| profile.display_name.clone()))
                .unwrap_or_else(|| user_id.to_string()),
            color: member
                .and_then(|c| c.color.clone())
                .or_else(|| is_me.then(|| profile.color.clone()))
                .unwrap_or_else(|| "#64748b".into()),
            workbench,
            item,
            peer: self.started_peer().map(|p| p.peer_id().to_string()).unwrap_or_default(),
        };
        self.broadcast(project_id, &presence);
        lock(&self.presence)
            .entry(project_id.to_string())
            .or_default()
            .insert(user_id.to_string(), Seen { presence, at: Instant::now(), local: true });
        self.announce_presence(project_id);
        Ok(self.present(project_id))
    }

    fn broadcast(&self, project_id: &str, presence: &Presence) {
        let wire = Wire { kind: WIRE_TYPE.into(), presence: presence.clone() };
        let mut bytes = Vec::new();
        if ciborium::into_writer(&wire, &mut bytes).is_err() {
            return;
        }
        // A team server's other instances hear it through Redis.
        self.library.cross_out_presence(project_id, &bytes);
        let Some(link) = lock(&self.links).get(project_id).map(|l| l.handle.clone()) else { return };
        {
            link.broadcast(bytes);
        }
    }

    /// Takes in a peer's presence message (anything else is ignored).
    pub(crate) fn heard(&self, project_id: &str, bytes: &[u8]) {
        let Ok(wire) = ciborium::from_reader::<Wire, _>(bytes) else { return };
        if wire.kind != WIRE_TYPE {
            return;
        }
        let presence = wire.presence;
        let newcomer = {
            let mut rooms = lock(&self.presence);
            let room = rooms.entry(project_id.to_string()).or_default();
            if room.get(&presence.user_id).is_some_and(|s| s.local) {
                return;
            }
            if presence.workbench.is_none() {
                room.remove(&presence.user_id);
                false
            } else {
                let user = presence.user_id.clone();
                room.insert(user, Seen { presence, at: Instant::now(), local: false }).is_none()
            }
        };
        // Someone new: they learn at once where the users here are, not at the next beat.
        if newcomer {
            self.rebroadcast(project_id);
        }
        self.announce_presence(project_id);
    }

    /// Says again where this program's users are in `project_id` (a peer just connected).
    pub(crate) fn rebroadcast(&self, project_id: &str) {
        let mine: Vec<Presence> = lock(&self.presence)
            .get(project_id)
            .map(|room| room.values().filter(|s| s.local).map(|s| s.presence.clone()).collect())
            .unwrap_or_default();
        for presence in mine {
            self.broadcast(project_id, &presence);
        }
    }

    /// A peer left (its connection ended): the users it spoke for are gone, here and, through
    /// this hub, at every other peer.
    pub(crate) fn peer_left(&self, peer_id: &str) {
        let mut gone: Vec<(String, Presence)> = Vec::new();
        {
            let mut rooms = lock(&self.presence);
            for (project, room) in rooms.iter_mut() {
                room.retain(|_, s| {
                    let leaving = !s.local && s.presence.peer == peer_id;
                    if leaving {
                        gone.push((project.clone(), Presence { workbench: None, item: None, ..s.presence.clone() }));
                    }
                    !leaving
                });
            }
        }
        for (project, presence) in gone {
            self.broadcast(&project, &presence);
            self.announce_presence(&project);
        }
    }

    /// Says again where the local users are, and lets go of those not heard from.
    pub(crate) fn presence_tick(&self) {
        let mut expired = Vec::new();
        let mine: Vec<(String, Presence)> = {
            let mut rooms = lock(&self.presence);
            let mut mine = Vec::new();
            for (project, room) in rooms.iter_mut() {
                let before = room.len();
                room.retain(|_, s| s.local || s.at.elapsed() < EXPIRY);
                if room.len() != before {
                    expired.push(project.clone());
                }
                mine.extend(room.values().filter(|s| s.local).map(|s| (project.clone(), s.presence.clone())));
            }
            mine
        };
        for (project, presence) in mine {
            self.broadcast(&project, &presence);
        }
        for project in expired {
            self.announce_presence(&project);
        }
    }

    fn announce_presence(&self, project_id: &str) {
        self.emit(StudioEvent::Presence { project_id: project_id.to_string(), users: self.present(project_id) });
    }
}
