//! Sharing a project out (this library's hub, its invites) and joining one shared elsewhere.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use studio_model::{ProjectState, Role};
use studio_store::{InviteRow, ShareRow};
use studio_sync::{HubCertificate, INVITE_FORMAT, Invite};

use crate::document::ProjectDocument;
use crate::error::{CoreError, Result};
use crate::sharing::{Sharing, lock, sync_error};

/// An invite as its owner sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct InviteInfo {
    pub invite_id: String,
    pub project_id: String,
    pub role: String,
    /// The text to hand to the invitee (`studio join TOKEN`, or "Join project…" in the app).
    pub token: String,
    pub hub: String,
    pub expires_at: String,
    pub created_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<String>,
}

impl From<InviteRow> for InviteInfo {
    fn from(r: InviteRow) -> Self {
        let hub = Invite::parse(&r.token).map(|i| i.hub).unwrap_or_default();
        InviteInfo {
            invite_id: r.invite_id,
            project_id: r.project_id,
            role: r.role,
            token: r.token,
            hub,
            expires_at: r.expires_at,
            created_at: r.created_at,
            revoked_at: r.revoked_at,
        }
    }
}

/// How a shared project is connected, for the analyst.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SyncStatus {
    pub project_id: String,
    /// `hub` (this library shares it) or `peer` (joined at another's hub).
    pub side: String,
    /// `connected`, `reconnecting` or `offline`; a hub is `connected` while it runs.
    pub state: String,
    /// The hub's address.
    pub hub: Option<String>,
    /// Why the last attempt to reach the hub failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Peers connected to this hub for the project.
    pub peers: usize,
    /// For a joined project: edits made here the hub does not have yet.
    pub unsent: usize,
    /// The heads of the library's copy of the document: two peers in step have the same.
    pub heads: Vec<String>,
    /// For a joined project: the blobs fetched from and sent to its hub since this program
    /// started, and those still missing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blobs: Option<crate::blob_book::BlobExchange>,
}

/// `7d`, `12h`, `30m`, `45s`: how long an invite holds.
pub fn parse_expiry(text: &str) -> Result<Duration> {
    let t = text.trim();
    let (number, unit) = t.split_at(t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len()));
    let n: u64 =
        number.parse().map_err(|_| CoreError::invalid(format!("expires must be like 7d, 12h or 30m, not '{text}'")))?;
    let secs = match unit {
        "d" => n * 86_400,
        "h" => n * 3_600,
        "m" => n * 60,
        "s" => n,
        _ => return Err(CoreError::invalid(format!("expires must be like 7d, 12h or 30m, not '{text}'"))),
    };
    if n == 0 || secs > 366 * 86_400 {
        return Err(CoreError::invalid("an invite holds between a second and a year"));
    }
    Ok(Duration::from_secs(secs))
}

impl Sharing {
    /// Makes this program the hub at `url` (its sync address): the projects shared here are
    /// held for peers, and invites name this address from now on.
    pub async fn open_hub(&self, url: &str) -> Result<()> {
        self.store.set_hub_url(url, &studio_store::now()).await?;
        *lock(&self.hub_url) = Some(url.to_string());
        for share in self.store.shares().await?.into_iter().filter(|s| s.side == "hub") {
            if let Err(e) = self.link(&share.project_id).await {
                tracing::warn!(project_id = share.project_id, "a shared project could not be offered: {}", e.message);
            }
        }
        Ok(())
    }

    /// The hub's certificate (made on first use): its fingerprint goes into `wss://` invites.
    pub fn hub_certificate(&self) -> Result<HubCertificate> {
        HubCertificate::load_or_create(&self.config.settings_dir).map_err(sync_error)
    }

    /// Invites someone to `project_id` in `role`: the project becomes shared by this library's
    /// hub (at `hub`, else where it last listened).
    pub async fn create_invite(
        &self,
        project_id: &str,
        user_id: &str,
        role: Role,
        expires: Duration,
        hub: Option<&str>,
    ) -> Result<InviteInfo> {
        let profile = self.profile()?;
        let content = self.content_of(project_id).await?;
        if content.collaborators.get(user_id).map(|c| c.role) != Some(Role::Owner) {
            return Err(CoreError::new(
                "forbidden",
                format!("only an owner can invite to this project, not '{user_id}'"),
            ));
        }
        if user_id != profile.user_id {
            return Err(CoreError::new(
                "forbidden",
                "invites are signed with this machine's user key: run this as the local user",
            ));
        }
        if role == Role::Owner {
            return Err(CoreError::invalid("an invite is for an editor or a viewer"));
        }
        if let Some(share) = self.store.share(project_id).await?
            && share.side == "peer"
        {
            return Err(CoreError::new("forbidden", "this project is shared from another hub: its owner invites"));
        }
        let hub = match hub {
            Some(h) => studio_sync::check_hub_url(h).map_err(sync_error)?.to_string(),
            None => self.store.hub_url().await?.ok_or_else(|| {
                CoreError::new("not_ready", "no hub yet: start one with `studio serve --share` (or give --hub)")
            })?,
        };
        let fingerprint = if hub.starts_with("wss://") { Some(self.hub_certificate()?.fingerprint()) } else { None };
        let now = chrono::Utc::now();
        let expires_at = (now + chrono::Duration::from_std(expires).map_err(CoreError::internal)?)
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let invite = Invite {
            v: INVITE_FORMAT,
            invite_id: uuid::Uuid::new_v4().to_string(),
            hub: hub.clone(),
            project_id: project_id.to_string(),
            project_name: content.meta("project_name").unwrap_or_default().to_string(),
            doc_id: Sharing::document_id(project_id).to_string(),
            role: studio_model::role_name(role).to_string(),
            expires_at: expires_at.clone(),
            fingerprint,
            issuer_key: profile.public_key.clone(),
        };
        let token = invite.sign(&self.keypair()?).map_err(sync_error)?;
        let created_at = studio_store::now();
        if !self.is_hub_of(project_id).await? {
            self.store
                .set_share(&ShareRow {
                    project_id: project_id.into(),
                    side: "hub".into(),
                    hub_url: None,
                    hub_key: None,
                    fingerprint: None,
                    invite: None,
                    created_at: created_at.clone(),
                })
                .await?;
        }
        let row = InviteRow {
            invite_id: invite.invite_id,
            project_id: project_id.into(),
            role: invite.role,
            token,
            expires_at,
            created_by: user_id.into(),
            created_at,
            revoked_at: None,
        };
        self.store.add_invite(&row).await?;
        if lock(&self.hub_url).is_some() {
            self.link(project_id).await?;
        }
        Ok(row.into())
    }

    pub async fn invites(&self, project_id: &str) -> Result<Vec<InviteInfo>> {
        Ok(self.store.invites(project_id).await?.into_iter().map(InviteInfo::from).collect())
    }

    /// Revokes an invite: it admits no one from now on, and its guests are let go.
    pub async fn revoke_invite(&self, project_id: &str, user_id: &str, invite_id: &str) -> Result<InviteInfo> {
        if self.collaborators_of(project_id).await?.get(user_id).map(|c| c.role) != Some(Role::Owner) {
            return Err(CoreError::new("forbidden", "only an owner can revoke an invite"));
        }
        let row = self.store.invite(invite_id).await?.filter(|r| r.project_id == project_id).ok_or_else(|| {
            CoreError::new("not_found", format!("invite '{invite_id}' does not exist in this project"))
        })?;
        self.store.revoke_invite(invite_id, &studio_store::now()).await?;
        self.refresh_access(project_id).await;
        Ok(self.store.invite(invite_id).await?.map(InviteInfo::from).unwrap_or_else(|| row.into()))
    }

    /// Joins the project an invite is for: this library gets it from the hub, the local user
    /// becomes its collaborator there, and it stays in step while a Studio runs here.
    pub async fn join(&self, token: &str, user_id: &str) -> Result<ProjectState> {
        let invite = Invite::parse(token).map_err(sync_error)?;
        if invite.expired_at(chrono::Utc::now()) {
            return Err(CoreError::new("forbidden", format!("this invite expired at {}", invite.expires_at)));
        }
        if user_id != self.profile()?.user_id {
            return Err(CoreError::new("forbidden", "a project is joined by this machine's user (their key signs)"));
        }
        if self.store.project(&invite.project_id).await.is_ok() {
            return Err(CoreError::new(
                "conflict",
                format!("project '{}' is already in this library", invite.project_name),
            ));
        }
        if self.store.is_deleted(&invite.project_id).await? {
            return Err(CoreError::new(
                "conflict",
                format!(
                    "project '{}' is in this library's bin: restore it (`studio project undelete`, or \
                     Restore in the app) and it syncs again",
                    invite.project_name
                ),
            ));
        }
        let share = ShareRow {
            project_id: invite.project_id.clone(),
            side: "peer".into(),
            hub_url: Some(invite.hub.clone()),
            hub_key: Some(invite.issuer_key.clone()),
            fingerprint: invite.fingerprint.clone(),
            invite: Some(token.trim().to_string()),
            created_at: studio_store::now(),
        };
        let handle = self.connect(&share, user_id, true).await?;
        let saved = handle.with_document(|d| d.save());
        let doc = ProjectDocument::load(&saved)?;
        let summary = format!("Joined '{}' at {}", invite.project_name, invite.hub);
        self.insert_document(invite.project_id.clone(), doc, user_id, &studio_store::now(), summary).await?;
        self.store.set_share(&share).await?;
        // The versions saved before we joined are ours to load too.
        {
            let mut open = self.project(&invite.project_id).await?;
            let marks = open.doc.saved_since(&[]);
            self.keep_versions(&invite.project_id, &mut open, marks).await?;
        }
        self.attach_joined(&share.project_id, handle);
        self.get_state(&invite.project_id, user_id).await
    }

    async fn get_state(&self, project_id: &str, user_id: &str) -> Result<ProjectState> {
        let mut open = self.project(project_id).await?;
        Ok(crate::library::Library::state_of(&mut open, user_id))
    }
}
