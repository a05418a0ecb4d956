//! The hub's door: who a connection is (an invite, a collaborator's key), what it may do with
//! which project's document, and keeping that true while it is connected — a role changed or a
//! collaborator removed takes effect on their open connection at once.

use futures::StreamExt;
use studio_model::{CollaboratorChange, NewCollaborator, Role};
use studio_sync::{Access, Hello, Invite, Transport};

use crate::error::{CoreError, Result};
use crate::sharing::{Guest, Sharing, lock, sync_error};

/// A connection let in: the project it is for and what it may do.
#[derive(Debug, Clone, PartialEq)]
pub struct Admission {
    pub peer: String,
    pub project_id: String,
    /// The collaborator, or a guest's name (`guest:INVITE`).
    pub user_id: String,
    pub access: Access,
    pub invite_id: Option<String>,
    /// Whether `user_id` is a collaborator (not an invite's guest).
    pub member: bool,
}

fn refused(message: impl Into<String>) -> CoreError {
    CoreError::new("unauthorized", message)
}

fn access_of(role: Role) -> Access {
    match role {
        Role::Owner | Role::Editor => Access::Write,
        Role::Viewer => Access::Read,
    }
}

fn role_named(name: &str) -> Result<Role> {
    match name {
        "editor" => Ok(Role::Editor),
        "viewer" => Ok(Role::Viewer),
        other => Err(CoreError::invalid(format!("an invite's role is editor or viewer, not '{other}'"))),
    }
}

impl Sharing {
    /// Decides whether a connection may come in, and as whom. A first connection comes with an
    /// invite (and, from a Studio, the user's signed hello: they become a collaborator in the
    /// invite's role); a later one with the collaborator's signature alone.
    pub async fn admit(&self, hello: &Hello) -> Result<Admission> {
        if lock(&self.hub_url).is_none() {
            return Err(CoreError::new("not_ready", "this Studio is not a hub: start it with `studio serve --share`"));
        }
        let hub_key = self.keypair()?.public_key();
        let now = chrono::Utc::now();
        if let Some(text) = &hello.invite {
            let invite = Invite::parse(text).map_err(|e| refused(e.to_string()))?;
            if invite.issuer_key != hub_key {
                return Err(refused("this invite was not issued by this hub"));
            }
            let row = self
                .store
                .invite(&invite.invite_id)
                .await?
                .ok_or_else(|| refused("this invite is not known to this hub"))?;
            if row.revoked_at.is_some() {
                return Err(refused("this invite was revoked by the project's owner"));
            }
            if invite.expired_at(now) {
                return Err(refused(format!("this invite expired at {}", invite.expires_at)));
            }
            if !self.is_hub_of(&invite.project_id).await? {
                return Err(refused("the project of this invite is no longer shared"));
            }
            let role = role_named(&row.role)?;
            if hello.user.is_none() {
                // A client without a key (the JavaScript automerge-repo): a guest, for as long
                // as the invite holds.
                return Ok(Admission {
                    peer: hello.peer.clone(),
                    project_id: invite.project_id,
                    user_id: format!("guest:{}", invite.invite_id),
                    access: access_of(role),
                    invite_id: Some(invite.invite_id),
                    member: false,
                });
            }
            let (user, key) = hello
                .check_signature(&hub_key, now.timestamp_millis(), Some(&invite.invite_id))
                .map_err(|e| refused(e.to_string()))?;
            let role = self.enrol(&invite.project_id, &user, &key, role, hello).await?;
            return Ok(Admission {
                peer: hello.peer.clone(),
                project_id: invite.project_id,
                user_id: user,
                access: access_of(role),
                invite_id: Some(invite.invite_id),
                member: true,
            });
        }
        let project_id = hello.project.clone().ok_or_else(|| refused("say which project: ?project=ID"))?;
        let (user, key) =
            hello.check_signature(&hub_key, now.timestamp_millis(), None).map_err(|e| refused(e.to_string()))?;
        if !self.is_hub_of(&project_id).await? {
            return Err(CoreError::new("forbidden", "this hub does not share that project"));
        }
        let members = self.collaborators_of(&project_id).await?;
        let member = members.get(&user).ok_or_else(|| {
            CoreError::new("forbidden", format!("{user} is not a collaborator of this project (any more)"))
        })?;
        if member.public_key.as_deref() != Some(key.as_str()) {
            return Err(CoreError::new(
                "forbidden",
                format!("this key is not the one {user} joined with: join again with an invite"),
            ));
        }
        Ok(Admission {
            peer: hello.peer.clone(),
            project_id,
            user_id: user,
            access: access_of(member.role),
            invite_id: None,
            member: true,
        })
    }

    /// Makes the user of a signed invite a collaborator (by the owner, as the invite said);
    /// one who already is keeps their role. Answers their role.
    async fn enrol(&self, project_id: &str, user: &str, key: &str, role: Role, hello: &Hello) -> Result<Role> {
        if let Some(member) = self.collaborators_of(project_id).await?.get(user) {
            if member.public_key.as_deref().is_some_and(|k| k != key) {
                return Err(CoreError::new("forbidden", format!("{user} joined this project with another key")));
            }
            return Ok(member.role);
        }
        let owner = self.profile()?.user_id;
        let new = NewCollaborator {
            user_id: user.to_string(),
            role,
            display_name: hello.name.as_deref().and_then(|n| crate::profile::check_display_name(n).ok()),
            color: hello.color.as_deref().and_then(|c| crate::profile::check_color(c).ok()),
            public_key: Some(key.to_string()),
        };
        let actor = crate::actor::Actor::new(project_id, &owner);
        crate::collaborators::change_members(&self.library, &actor, &CollaboratorChange::Add(new)).await?;
        Ok(role)
    }

    /// Takes a connection let in: the gate lets its peer in for the project's document, and
    /// the connection ends when its access does.
    pub async fn accept(&self, transport_parts: TransportParts, admission: Admission) -> Result<()> {
        self.link(&admission.project_id).await?;
        let doc = Sharing::document_id(&admission.project_id);
        let peer = self.peer().await?;
        let (close, mut closed) = tokio::sync::watch::channel(false);
        let TransportParts { stream, sink } = transport_parts;
        let gone = Forget { sharing: self.me.clone(), peer: admission.peer.clone() };
        let stream = stream
            .take_until(async move {
                let _ = closed.wait_for(|c| *c).await;
            })
            // However it ends (the peer left, its socket broke, the hub closed it), the hub
            // forgets the peer when samod lets go of the stream.
            .map(move |item| {
                let _ = &gone;
                item
            })
            .boxed();
        peer.gate().admit(&admission.peer, &doc, admission.access);
        lock(&self.guests).insert(
            admission.peer.clone(),
            Guest {
                project_id: admission.project_id.clone(),
                user_id: admission.member.then(|| admission.user_id.clone()),
                invite_id: admission.invite_id.clone(),
                close,
            },
        );
        peer.accept(Transport::new(stream, sink), &admission.peer).map_err(sync_error)
    }

    fn forget(&self, peer_id: &str) {
        lock(&self.guests).remove(peer_id);
        self.peer_left(peer_id);
        if let Some(peer) = self.started_peer() {
            peer.gate().forget(peer_id);
        }
    }

    /// Sets every connection of `project_id` to what its user may do now; ends those that may
    /// do nothing (removed collaborators, revoked invites).
    pub(crate) async fn refresh_access(&self, project_id: &str) {
        let Ok(members) = self.collaborators_of(project_id).await else { return };
        let connected: Vec<(String, Option<String>, Option<String>)> = lock(&self.guests)
            .iter()
            .filter(|(_, g)| g.project_id == project_id)
            .map(|(p, g)| (p.clone(), g.user_id.clone(), g.invite_id.clone()))
            .collect();
        let Some(peer) = self.started_peer() else { return };
        for (peer_id, user, invite) in connected {
            let access = match (user, invite) {
                (Some(user), _) => members.get(&user).map_or(Access::None, |c| access_of(c.role)),
                (None, Some(invite)) => match self.store.invite(&invite).await {
                    Ok(Some(row)) if row.revoked_at.is_none() => {
                        role_named(&row.role).map(access_of).unwrap_or(Access::None)
                    }
                    _ => Access::None,
                },
                (None, None) => Access::None,
            };
            peer.gate().set(&peer_id, access);
            if access == Access::None
                && let Some(guest) = lock(&self.guests).get(&peer_id)
            {
                guest.close.send_replace(true);
            }
        }
    }
}

/// Forgets a peer when dropped (with its connection's stream).
struct Forget {
    sharing: std::sync::Weak<Sharing>,
    peer: String,
}

impl Drop for Forget {
    fn drop(&mut self) {
        if let Some(sharing) = self.sharing.upgrade() {
            sharing.forget(&self.peer);
        }
    }
}

/// The two halves of an accepted WebSocket, as bytes.
pub struct TransportParts {
    pub stream: futures::stream::BoxStream<'static, std::result::Result<Vec<u8>, std::io::Error>>,
    pub sink: std::pin::Pin<Box<dyn futures::Sink<Vec<u8>, Error = std::io::Error> + Send>>,
}
