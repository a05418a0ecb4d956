//! Versions of a shared project, kept by every peer: a save there is a mark in the document
//! (`ChangeKind::Saved`, with the number and who saved it); a peer taking it in keeps the
//! document as it stood before the mark as that version, under the same number when it is
//! free here, else the next one.

use studio_model::{MAX_LIVE_VERSIONS, ProjectState};
use studio_store::NewVersion;
use studio_sync::ChangeHash;

use crate::document::ChangeMessage;
use crate::error::{CoreError, Result};
use crate::open_projects::OpenProject;
use crate::sharing::Sharing;

impl Sharing {
    /// Keeps the versions peers saved, from the marks among their changes just taken in.
    pub(crate) async fn keep_versions(
        &self,
        project_id: &str,
        open: &mut OpenProject,
        marks: Vec<(ChangeMessage, Vec<ChangeHash>)>,
    ) -> Result<()> {
        for (mark, heads) in marks {
            let Some(wanted) = mark.version else { continue };
            let known = self.store.versions(project_id).await?;
            let (by, at) = (&mark.entry.user_id, &mark.entry.timestamp);
            if known.iter().any(|v| &v.created_by == by && &v.created_at == at) {
                continue;
            }
            let number = if known.iter().any(|v| v.version_number == wanted) {
                known.iter().map(|v| v.version_number).max().unwrap_or(0) + 1
            } else {
                wanted
            };
            let mut then = open.doc.at(&heads)?;
            let mut header = open.header.clone();
            header.version = u32::try_from(number).unwrap_or(u32::MAX);
            let log = then.log();
            let state = ProjectState::assemble(&header, then.content(), log, vec![by.clone()]);
            let version = NewVersion {
                version_id: uuid::Uuid::new_v4().to_string(),
                project_id: project_id.to_string(),
                version_number: number,
                state_snapshot: serde_json::to_string(&state).map_err(CoreError::internal)?,
                heads: serde_json::to_string(&heads.iter().map(|h| h.to_string()).collect::<Vec<_>>())
                    .map_err(CoreError::internal)?,
                created_by: by.clone(),
                created_at: at.clone(),
            };
            self.store.add_version(&version, MAX_LIVE_VERSIONS).await?;
            open.header.version = open.header.version.max(header.version);
        }
        Ok(())
    }
}
