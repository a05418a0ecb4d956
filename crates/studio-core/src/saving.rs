//! Saving: autosave folds the journal into the library; a save also writes a numbered
//! version. Loading and restoring versions.

use serde::{Deserialize, Serialize};
use studio_model::{MAX_LIVE_VERSIONS, ProjectState, restore_content, validate_snapshot_within};
use studio_store::{NewVersion, ScenarioRow, WorkingCopy};

use crate::actor::Actor;
use crate::document::{ChangeKind, ChangeMessage};
use crate::error::{CoreError, Result};
use crate::events::StudioEvent;
use crate::library::Library;
use crate::open_projects::OpenProject;
use crate::projects_service::Projects;

/// A version in a listing, without its snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct VersionInfo {
    pub version_id: String,
    pub version_number: i64,
    pub created_by: String,
    pub created_at: String,
    /// Past the 50 live versions: kept deflated, still loadable.
    pub archived: bool,
    /// The snapshot's size in bytes.
    pub size: i64,
}

impl From<studio_store::VersionInfo> for VersionInfo {
    fn from(v: studio_store::VersionInfo) -> Self {
        VersionInfo {
            version_id: v.version_id,
            version_number: v.version_number,
            created_by: v.created_by,
            created_at: v.created_at,
            archived: v.archived,
            size: v.size,
        }
    }
}

impl Projects {
    /// Folds this session's unsaved edits of every open project into the library.
    pub async fn autosave_all(&self) -> Result<()> {
        let mut failed = Vec::new();
        for id in self.open.ids() {
            let Some(mut slot) = self.open.lock_existing(&id).await else { continue };
            if let Some(open) = slot.get_mut().filter(|p| p.unsaved.is_some()) {
                // One project that cannot be written does not keep the others from being saved;
                // its edits stay in the journal, and whoever has it open is told.
                match self.fold(&id, open, None).await {
                    Ok(_) => self.emit(StudioEvent::Autosaved { project_id: id }),
                    // Deleted through another instance of a team server: its edits here stay
                    // in the team's journal (an undelete brings them back); it is let go.
                    Err(e) if e.code == "not_found" && self.store.team_db().is_some() => {
                        tracing::info!(project_id = id, "let go of a project deleted elsewhere");
                        slot.clear();
                    }
                    Err(e) => {
                        tracing::error!(project_id = id, code = e.code, "autosave failed: {}", e.message);
                        self.emit(StudioEvent::AutosaveFailed {
                            project_id: id.clone(),
                            code: e.code.clone(),
                            message: e.message.clone(),
                        });
                        failed.push(format!("{id}: {}", e.message));
                    }
                }
            }
        }
        if failed.is_empty() {
            return Ok(());
        }
        Err(CoreError::new(
            "autosave_failed",
            format!(
                "{} project(s) could not be saved (their edits are kept in the journal): {}",
                failed.len(),
                failed.join("; ")
            ),
        ))
    }

    /// Saves a new version: version + 1, with the full state as its snapshot.
    pub async fn save(&self, actor: &Actor) -> Result<ProjectState> {
        let (project_id, user_id) = (actor.project_id.as_str(), actor.user_id.as_str());
        let mut open = self.project(project_id).await?;
        self.mark_saved(project_id, &mut open, user_id).await?;
        let state = self.fold(project_id, &mut open, Some(user_id)).await?;
        self.emit(StudioEvent::Saved { project_id: project_id.into(), version: state.version });
        Ok(state)
    }

    /// A shared project's save is marked in its document (a change that edits nothing), so
    /// that every peer keeps the version too, with who saved it.
    async fn mark_saved(&self, project_id: &str, open: &mut OpenProject, user_id: &str) -> Result<()> {
        if self.store.share(project_id).await?.is_none() {
            return Ok(());
        }
        let number = self.store.project_stamp(project_id).await?.1 + 1;
        let entry = studio_model::LogEntry {
            timestamp: self.context(user_id).now,
            user_id: user_id.to_string(),
            workbench: studio_model::PROJECT.into(),
            action: "save_version".into(),
            summary: format!("Saved version {number}"),
            reversible: false,
        };
        let content = open.doc.content().clone();
        self.commit(project_id, open, &content, &ChangeMessage::saved(entry, number)).await
    }

    /// Writes the working copy (and, with `save_by`, a new version) to the library.
    pub(crate) async fn fold(
        &self,
        project_id: &str,
        open: &mut OpenProject,
        save_by: Option<&str>,
    ) -> Result<ProjectState> {
        // Written only over the row as read (another session or instance may write it between):
        // when it was written since, its document is merged and the write tried again.
        let mut attempt = 0;
        let (now, state) = loop {
            attempt += 1;
            match self.write_folded(project_id, open, save_by).await {
                Err(FoldError::Stale) if attempt < 8 => continue,
                Err(FoldError::Stale) => {
                    return Err(CoreError::new(
                        "conflict",
                        format!("project '{project_id}' kept being written by others; try again"),
                    ));
                }
                Err(FoldError::Failed(e)) => return Err(e),
                Ok(written) => break written,
            }
        };
        open.unsaved = None;
        open.stored_stamp = now;
        Ok(state)
    }

    /// One try at writing the project's working copy (and version, with `save_by`) over the
    /// row as it is read here.
    async fn write_folded(
        &self,
        project_id: &str,
        open: &mut OpenProject,
        save_by: Option<&str>,
    ) -> std::result::Result<(String, ProjectState), FoldError> {
        let (stamp, stored_version) = self.store.project_stamp(project_id).await.map_err(FoldError::from)?;
        if stamp != open.stored_stamp {
            // Another session wrote the project since we read it: keep both.
            let row = self.store.project(project_id).await.map_err(FoldError::from)?;
            open.doc.merge(&row.document).map_err(FoldError::Failed)?;
            open.stored_stamp = stamp.clone();
        }
        // The scheduler's index follows the document as written (after a merge, a recovery, or
        // an index write that failed at the edit).
        self.index_schedule(project_id, open.doc.content()).await.map_err(FoldError::Failed)?;
        let now = studio_store::now();
        let next_version = stored_version + 1;
        open.header.updated_at = now.clone();
        if save_by.is_some() {
            open.header.version = u32::try_from(next_version).unwrap_or(u32::MAX);
        }
        let state = Library::state_of(open, save_by.unwrap_or(""));
        let snapshot = serde_json::to_string(&state).map_err(|e| FoldError::Failed(CoreError::internal(e)))?;
        if let Err(e) = validate_snapshot_within(snapshot.len(), self.config.max_state_bytes) {
            open.header.version = u32::try_from(stored_version).unwrap_or(0);
            return Err(FoldError::Failed(e.into()));
        }
        let copy = WorkingCopy {
            project_id: project_id.to_string(),
            team_id: state.team_id.clone(),
            project_name: state.project_name.clone(),
            description: Some(state.description.clone()).filter(|d| !d.is_empty()),
            status: state.status.as_str().to_string(),
            workbench_states: workbench_summary(&state).map_err(FoldError::Failed)?,
            modification_log: serde_json::to_string(&state.modification_log)
                .map_err(|e| FoldError::Failed(CoreError::internal(e)))?,
            document: open.doc.save(),
            updated_at: now.clone(),
            scenarios: scenario_rows(&state),
            folds_journal: open.unsaved.map(|seq| (self.session_id.clone(), seq)),
            expected_stamp: None,
        };
        let copy = WorkingCopy { expected_stamp: Some(stamp), ..copy };
        let written = match save_by {
            Some(user) => {
                let version = NewVersion {
                    version_id: uuid::Uuid::new_v4().to_string(),
                    project_id: project_id.to_string(),
                    version_number: next_version,
                    state_snapshot: snapshot,
                    heads: serde_json::to_string(&open.doc.heads())
                        .map_err(|e| FoldError::Failed(CoreError::internal(e)))?,
                    created_by: user.to_string(),
                    created_at: now.clone(),
                };
                self.store.save_version(&copy, &version, MAX_LIVE_VERSIONS).await
            }
            None => self.store.write_working(&copy).await,
        };
        if let Err(e) = written {
            open.header.version = u32::try_from(stored_version).unwrap_or(0);
            return Err(match e {
                studio_store::StoreError::Stale(_) => FoldError::Stale,
                other => FoldError::Failed(other.into()),
            });
        }
        Ok((now, state))
    }

    /// Every version of a project, newest first, live and archived.
    pub async fn versions(&self, project_id: &str) -> Result<Vec<VersionInfo>> {
        Ok(self.store.versions(project_id).await?.into_iter().map(VersionInfo::from).collect())
    }

    /// The state saved as version `number` (archived versions too).
    pub async fn load_version(&self, project_id: &str, number: u32) -> Result<ProjectState> {
        let row = self.store.version(project_id, i64::from(number)).await?;
        let mut state: ProjectState = serde_json::from_str(&row.state_snapshot)
            .map_err(|e| CoreError::new("store_error", format!("version {number} has a malformed snapshot: {e}")))?;
        // A project imported under a new id keeps its snapshots as they were written.
        state.project_id = project_id.to_string();
        Ok(state)
    }

    /// Makes version `number` the newest: its content becomes current and is saved as a new
    /// version. History is kept; the restore is in the log.
    pub async fn restore_version(&self, actor: &Actor, number: u32) -> Result<ProjectState> {
        let (project_id, user_id) = (actor.project_id.as_str(), actor.user_id.as_str());
        let target = self.load_version(project_id, number).await?.content();
        let mut open = self.project(project_id).await?;
        Library::check_permission(&open, user_id, studio_model::Permission::Edit)?;
        let ctx = self.context(user_id);
        let outcome = restore_content(open.doc.content(), &target, number, &ctx);
        let message = ChangeMessage::new(outcome.entry.clone(), ChangeKind::Action, None, &outcome.edits);
        self.commit(project_id, &mut open, &outcome.content, &message).await?;
        self.mark_saved(project_id, &mut open, user_id).await?;
        let state = self.fold(project_id, &mut open, Some(user_id)).await?;
        self.emit(StudioEvent::StateChanged {
            project_id: project_id.into(),
            status: state.status,
            summary: outcome.entry.summary,
            user_id: user_id.into(),
        });
        self.emit(StudioEvent::Saved { project_id: project_id.into(), version: state.version });
        Ok(state)
    }

    /// Folds the project's unsaved edits into the library and drops it from memory (the
    /// window closed it); the next access reads it from the library again.
    pub async fn close_project(&self, project_id: &str) -> Result<()> {
        if let Some(mut slot) = self.open.lock_existing(project_id).await {
            if let Some(open) = slot.get_mut().filter(|p| p.unsaved.is_some()) {
                self.fold(project_id, open, None).await?;
            }
            slot.clear();
        }
        Ok(())
    }

    /// Re-reads a project from the library, dropping what is in memory (after an import).
    pub(crate) async fn forget(&self, project_id: &str) {
        if let Some(mut slot) = self.open.lock_existing(project_id).await {
            slot.clear();
        }
    }
}

/// The `workbench_states` column: each workbench's status, last access and counts. The full
/// states (with table contents) are in the document and in the versions' snapshots; copying
/// them here too would double what every save writes.
pub(crate) fn workbench_summary(state: &ProjectState) -> Result<String> {
    let w = &state.workbench_states;
    let summary = serde_json::json!({
        "data": {"status": w.data.status, "last_accessed": w.data.last_accessed,
                 "overrides": w.data.overrides.len(), "custom_sources": w.data.custom_sources.len(),
                 "sources": w.data.sources.len()},
        "population": {"status": w.population.status, "last_accessed": w.population.last_accessed,
                       "adjustments": w.population.adjustments.len()},
        "scenario": {"status": w.scenario.status, "last_accessed": w.scenario.last_accessed,
                     "scenario_count": w.scenario.scenario_count},
        "simulation": {"status": w.simulation.status, "last_accessed": w.simulation.last_accessed,
                       "current_tick": w.simulation.current_tick, "total_ticks": w.simulation.total_ticks},
        "report": {"status": w.report.status, "last_accessed": w.report.last_accessed, "report_id": w.report.report_id},
    });
    serde_json::to_string(&summary).map_err(CoreError::internal)
}

fn scenario_rows(state: &ProjectState) -> Vec<ScenarioRow> {
    state
        .scenarios
        .iter()
        .map(|s| ScenarioRow {
            scenario_id: s.scenario_id.clone(),
            name: s.name.clone(),
            description: Some(s.description.clone()),
            config: serde_json::to_string(&s.config).unwrap_or_default(),
            status: s.status.as_str().to_string(),
            simulation_id: s.simulation_id.clone(),
            ensemble_id: s.ensemble_id.clone(),
        })
        .collect()
}

/// Why one try at folding did not write.
enum FoldError {
    /// The row was written since it was read here: merge and try again.
    Stale,
    Failed(CoreError),
}

impl From<studio_store::StoreError> for FoldError {
    fn from(e: studio_store::StoreError) -> Self {
        FoldError::Failed(e.into())
    }
}
