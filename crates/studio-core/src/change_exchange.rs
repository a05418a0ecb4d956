//! A local copy of a project kept in step with the copy here (a team server's, for a
//! desktop): the other side sends the changes it made since they last agreed, with every head
//! it has; they are taken in here — tried on a copy first, journaled, published to a team
//! server's other instances, its clients told — and the answer is the changes the other side
//! lacks. Automerge merges both ways, so nothing either side did is overwritten.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::{Deserialize, Serialize};
use studio_model::Permission;

use crate::error::{CoreError, Result};
use crate::events::StudioEvent;
use crate::library::Library;
use crate::studio::Studio;

/// What the other side lacks, after its changes were taken in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ChangeExchange {
    /// Every head the project has here now (hex).
    pub heads: Vec<String>,
    /// The changes the other side does not have, base64 (empty when none).
    pub changes: String,
    /// How many of its changes were new here.
    pub taken: usize,
}

impl Studio {
    /// Takes in `changes` (base64) from a copy that has `have`, and answers what it lacks.
    pub async fn exchange_changes(
        &self,
        project_id: &str,
        user_id: &str,
        have: &[String],
        changes: &str,
    ) -> Result<ChangeExchange> {
        let bytes =
            BASE64.decode(changes.trim()).map_err(|e| CoreError::invalid(format!("changes is not base64: {e}")))?;
        let taken = self.take_changes(project_id, user_id, &bytes, "a local copy").await?;
        let mut open = self.project(project_id).await?;
        let theirs = open.doc.changes_since(have);
        Ok(ChangeExchange { heads: open.doc.heads(), changes: BASE64.encode(theirs), taken })
    }

    /// Takes changes made elsewhere (`from`: "a local copy", "the team server") into the
    /// project: tried on a copy first, journaled, handed on, its listeners told. Answers how
    /// many were new.
    pub(crate) async fn take_changes(
        &self,
        project_id: &str,
        user_id: &str,
        bytes: &[u8],
        from: &str,
    ) -> Result<usize> {
        if bytes.is_empty() {
            return Ok(0);
        }
        let mut open = self.project(project_id).await?;
        Library::check_permission(&open, user_id, Permission::Edit)?;
        let before = open.doc.head_hashes();
        open.doc.apply_untrusted(bytes)?;
        let said = open.doc.messages_since(&before);
        let Some(last) = said.last().map(|m| m.entry.clone()) else { return Ok(0) };
        let summary = match said.len() {
            1 => last.summary.clone(),
            n => format!("{} (and {} more from {from})", last.summary, n - 1),
        };
        self.journal(project_id, &mut open, bytes.to_vec(), &summary, &studio_store::now()).await?;
        self.sync_out(project_id, bytes);
        self.cross_out(project_id, bytes);
        let state = Library::state_of(&mut open, &last.user_id);
        drop(open);
        self.emit(StudioEvent::StateChanged {
            project_id: project_id.into(),
            status: state.status,
            summary,
            user_id: last.user_id,
        });
        Ok(said.len())
    }
}
