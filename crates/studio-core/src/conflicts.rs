//! Settling a conflict: of the values peers set at the same time, the one someone picks is
//! written over all of them. Until then every value is kept and shown with its author.

use studio_model::{LogEntry, Permission, ProjectState, Section};

use crate::actor::Actor;
use crate::document::{ChangeKind, ChangeMessage};
use crate::error::{CoreError, Result};
use crate::library::Library;
use crate::studio::Studio;

impl Studio {
    /// Keeps value number `pick` of the conflicting record `section`/`key`.
    pub async fn resolve_conflict(
        &self,
        actor: &Actor,
        section: Section,
        key: &str,
        pick: usize,
    ) -> Result<ProjectState> {
        let (project_id, user_id) = (actor.project_id.as_str(), actor.user_id.as_str());
        let mut open = self.project(project_id).await?;
        Library::check_permission(&open, user_id, Permission::Edit)?;
        let conflict =
            open.doc.conflicts().iter().find(|c| c.section == section && c.key == key).cloned().ok_or_else(|| {
                CoreError::new("not_found", format!("{} '{key}' has no conflict (any more)", section.as_str()))
            })?;
        let chosen = conflict.values.get(pick).ok_or_else(|| {
            CoreError::invalid(format!("pick is one of 0..{} (the conflict's values)", conflict.values.len()))
        })?;
        let others: Vec<&str> =
            conflict.values.iter().enumerate().filter(|(i, _)| *i != pick).map(|(_, v)| v.user_id.as_str()).collect();
        let ctx = self.context(user_id);
        let entry = LogEntry {
            timestamp: ctx.now.clone(),
            user_id: user_id.into(),
            workbench: studio_model::PROJECT.into(),
            action: "resolve_conflict".into(),
            summary: format!(
                "Kept {}'s value of {} '{key}' (over {})",
                chosen.user_id,
                section.as_str(),
                others.join(", ")
            ),
            reversible: false,
        };
        let message = ChangeMessage::new(entry.clone(), ChangeKind::Action, None, &[]);
        let value = (!chosen.value.is_null()).then_some(&chosen.value);
        let change = open.doc.resolve(section, key, value, &message)?;
        self.journal(project_id, &mut open, change.clone(), &entry.summary, &entry.timestamp).await?;
        self.sync_out(project_id, &change);
        let state = Library::state_of(&mut open, user_id);
        self.announce(project_id, &state, &entry, &Default::default());
        Ok(state)
    }
}
