//! A desktop's local copies of team projects. "Publish to team…" sends a project of this
//! library to a team server whole (versions, history, results) and keeps it here as the
//! team's project's local copy; "Open from team…" brings one down. A local copy works
//! offline: its edits are journaled here as any others, and every sync (on demand, and every
//! `SYNC_EVERY` while the app runs) sends what was done here since the last one and takes
//! in what the team did — Automerge merges both, so nothing is overwritten. A sync that
//! cannot reach the server is recorded with why, and the next one catches up.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::{Deserialize, Serialize};
use serde_json::json;
use studio_model::{ProjectLoad, ProjectState};
use studio_store::TeamLinkRow;

use crate::edge::team_client::TeamClient;
use crate::error::{CoreError, Result};
use crate::projects::ProjectSummary;
use crate::studio::Studio;
use crate::team::TeamInfo;

/// How often linked projects sync while the app runs.
pub const SYNC_EVERY: Duration = Duration::from_secs(15);

/// A local copy's link, as the app shows it (never its token).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TeamLinkStatus {
    pub project_id: String,
    pub server: String,
    pub remote_project_id: String,
    pub last_sync_at: Option<String>,
    /// Why the last sync did not happen (the server unreachable, the token refused…).
    pub last_error: Option<String>,
    /// Changes made here since the last sync, waiting to be sent.
    pub unsent_changes: bool,
}

fn heads_json(heads: &[String]) -> String {
    serde_json::to_string(heads).unwrap_or_else(|_| "[]".into())
}

impl Studio {
    fn linked_here(&self) -> Result<()> {
        match self.store.team_db() {
            Some(_) => Err(CoreError::invalid("local copies of team projects are the desktop's, not a team server's")),
            None => Ok(()),
        }
    }

    /// The teams the token's member belongs to, on `server`.
    pub async fn team_server_teams(&self, server: &str, token: &str) -> Result<Vec<TeamInfo>> {
        self.linked_here()?;
        TeamClient::new(server, token)?.request(json!({"request": "list_teams"})).await
    }

    /// The projects on `server` the member may open (a team's, with `team_id`).
    pub async fn team_server_projects(
        &self,
        server: &str,
        token: &str,
        team_id: Option<&str>,
    ) -> Result<Vec<ProjectSummary>> {
        self.linked_here()?;
        TeamClient::new(server, token)?.request(json!({"request": "list_projects", "team_id": team_id})).await
    }

    /// Publishes a project of this library into a team on `server`; this project becomes the
    /// team project's local copy.
    pub async fn publish_to_team(
        &self,
        project_id: &str,
        server: &str,
        token: &str,
        team_id: &str,
    ) -> Result<TeamLinkStatus> {
        self.linked_here()?;
        if self.store.team_link(project_id).await?.is_some() {
            return Err(CoreError::new("conflict", "this project is already a team project's local copy"));
        }
        let client = TeamClient::new(server, token)?;
        let dir = tempfile::tempdir().map_err(|e| CoreError::new("io_error", format!("a temporary folder: {e}")))?;
        let path = dir.path().join(format!("{project_id}.studio"));
        self.export_project(project_id, &path, true).await?;
        let heads = self.project(project_id).await?.doc.heads();
        let file = std::fs::read(&path).map_err(|e| CoreError::new("io_error", format!("{}: {e}", path.display())))?;
        let published = client.publish(team_id, file).await?;
        let remote = published["project_id"]
            .as_str()
            .ok_or_else(|| CoreError::internal("the team server's answer names no project"))?;
        self.link(project_id, client.server(), remote, token, &heads).await?;
        // What the server did on taking it in (a schedule stopped, say) comes back at once.
        self.sync_with_team(project_id).await
    }

    /// Brings a team project down into this library as its local copy.
    pub async fn open_from_team(
        &self,
        server: &str,
        token: &str,
        remote_project_id: &str,
        user_id: &str,
    ) -> Result<ProjectState> {
        self.linked_here()?;
        let client = TeamClient::new(server, token)?;
        let file = client.download(remote_project_id).await?;
        let dir = tempfile::tempdir().map_err(|e| CoreError::new("io_error", format!("a temporary folder: {e}")))?;
        let path = dir.path().join(format!("{remote_project_id}.studio"));
        std::fs::write(&path, &file).map_err(|e| CoreError::new("io_error", format!("{}: {e}", path.display())))?;
        let id = self.projects.import_file(&path).await?;
        // The team server sends the team's scheduled reports; this copy does not send them too.
        self.store.set_report_schedule(&id, None, &studio_store::now()).await?;
        let heads = self.project(&id).await?.doc.heads();
        self.link(&id, client.server(), remote_project_id, token, &heads).await?;
        self.get_project(&ProjectLoad { project_id: id, user_id: user_id.into(), version: None }).await
    }

    async fn link(&self, project_id: &str, server: &str, remote: &str, token: &str, heads: &[String]) -> Result<()> {
        let now = studio_store::now();
        let row = TeamLinkRow {
            project_id: project_id.into(),
            server: server.into(),
            remote_project_id: remote.into(),
            token: token.into(),
            synced_heads: heads_json(heads),
            last_sync_at: Some(now.clone()),
            last_error: None,
            created_at: now,
        };
        Ok(self.store.set_team_link(&row).await?)
    }

    /// Sends what was done here since the last sync and takes in what the team did.
    pub async fn sync_with_team(&self, project_id: &str) -> Result<TeamLinkStatus> {
        let link = self.team_link_row(project_id).await?;
        let synced: Vec<String> = serde_json::from_str(&link.synced_heads).unwrap_or_default();
        let (have, ours) = {
            let mut open = self.project(project_id).await?;
            (open.doc.heads(), open.doc.changes_since(&synced))
        };
        let now = studio_store::now();
        let exchanged = match TeamClient::new(&link.server, &link.token) {
            Ok(client) => client.exchange(&link.remote_project_id, &have, &BASE64.encode(&ours)).await,
            Err(e) => Err(e),
        };
        let outcome = match exchanged {
            Ok(answer) => {
                let theirs = BASE64
                    .decode(answer.changes.as_bytes())
                    .map_err(|e| CoreError::internal(format!("the team server's changes: {e}")))?;
                let me = self.profile()?.user_id;
                self.take_changes(project_id, &me, &theirs, "the team server").await?;
                self.store.record_team_sync(project_id, Some(&heads_json(&answer.heads)), &now, None).await?;
                Ok(())
            }
            Err(e) => {
                self.store.record_team_sync(project_id, None, &now, Some(&e.message)).await?;
                Err(e)
            }
        };
        outcome?;
        self.team_link(project_id).await?.ok_or_else(|| CoreError::internal("the link just synced is gone"))
    }

    async fn team_link_row(&self, project_id: &str) -> Result<TeamLinkRow> {
        self.store.team_link(project_id).await?.ok_or_else(|| {
            CoreError::new("not_found", format!("project '{project_id}' is not a team project's local copy"))
        })
    }

    /// The project's link to its team server, if it is a local copy.
    pub async fn team_link(&self, project_id: &str) -> Result<Option<TeamLinkStatus>> {
        let Some(link) = self.store.team_link(project_id).await? else { return Ok(None) };
        let synced: Vec<String> = serde_json::from_str(&link.synced_heads).unwrap_or_default();
        let mut open = self.project(project_id).await?;
        let mut heads = open.doc.heads();
        let mut agreed = synced.clone();
        heads.sort();
        agreed.sort();
        Ok(Some(TeamLinkStatus {
            project_id: link.project_id,
            server: link.server,
            remote_project_id: link.remote_project_id,
            last_sync_at: link.last_sync_at,
            last_error: link.last_error,
            unsent_changes: heads != agreed && !open.doc.changes_since(&synced).is_empty(),
        }))
    }

    /// Syncs every local copy every `SYNC_EVERY` until the Studio is dropped; one that cannot
    /// reach its server records why and waits for the next round.
    pub fn spawn_team_sync(self: &Arc<Self>) -> tokio::task::JoinHandle<()> {
        let weak = Arc::downgrade(self);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(SYNC_EVERY);
            loop {
                tick.tick().await;
                let Some(studio) = weak.upgrade() else { break };
                let Ok(links) = studio.store.team_links().await else { continue };
                for link in links {
                    if let Err(e) = studio.sync_with_team(&link.project_id).await {
                        tracing::info!(project_id = link.project_id, "not synced with the team: {}", e.message);
                    }
                }
            }
        })
    }
}
