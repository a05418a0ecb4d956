//! Saving: autosave folds the journal into the library; a save also writes a numbered
//! version. Loading and restoring versions. Crash recovery of another session's edits.

use serde::{Deserialize, Serialize};
use studio_model::{MAX_LIVE_VERSIONS, ProjectState, restore_content, validate_snapshot_size};
use studio_store::{NewVersion, ScenarioRow, VersionInfo, WorkingCopy};

use crate::document::{ChangeKind, ChangeMessage};
use crate::studio::OpenProject;
use crate::{CoreError, Result, Studio, StudioEvent, liveness};

/// Unsaved edits left by a session that ended without saving them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecoveryOffer {
    pub project_id: String,
    pub edits: Vec<UnsavedEdit>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnsavedEdit {
    pub summary: String,
    pub created_at: String,
}

impl Studio {
    /// Folds this session's unsaved edits of every open project into the library.
    pub async fn autosave_all(&self) -> Result<()> {
        let mut map = self.open.lock().await;
        let ids: Vec<String> = map.iter().filter(|(_, p)| p.unsaved.is_some()).map(|(id, _)| id.clone()).collect();
        for id in ids {
            if let Some(open) = map.get_mut(&id) {
                self.fold(&id, open, None).await?;
                self.emit(StudioEvent::Autosaved { project_id: id });
            }
        }
        Ok(())
    }

    /// Saves a new version: version + 1, with the full state as its snapshot.
    pub async fn save(&self, project_id: &str, user_id: &str) -> Result<ProjectState> {
        let mut map = self.open.lock().await;
        let open = self.load_into(&mut map, project_id).await?;
        let state = self.fold(project_id, open, Some(user_id)).await?;
        self.emit(StudioEvent::Saved { project_id: project_id.into(), version: state.version });
        Ok(state)
    }

    /// Writes the working copy (and, with `save_by`, a new version) to the library.
    pub(crate) async fn fold(
        &self,
        project_id: &str,
        open: &mut OpenProject,
        save_by: Option<&str>,
    ) -> Result<ProjectState> {
        let (stamp, stored_version) = self.store.project_stamp(project_id).await?;
        if stamp != open.stored_stamp {
            // Another session wrote the project since we read it: keep both.
            let row = self.store.project(project_id).await?;
            open.doc.merge(&row.document)?;
        }
        // The scheduler's index follows the document as written (after a merge, a recovery, or
        // an index write that failed at the edit).
        self.index_schedule(project_id, open.doc.content()).await?;
        let now = studio_store::now();
        let next_version = stored_version + 1;
        open.header.updated_at = now.clone();
        if save_by.is_some() {
            open.header.version = u32::try_from(next_version).unwrap_or(u32::MAX);
        }
        let state = Studio::state_of(open, save_by.unwrap_or(""));
        let snapshot = serde_json::to_string(&state).map_err(CoreError::internal)?;
        if let Err(e) = validate_snapshot_size(snapshot.len()) {
            open.header.version = u32::try_from(stored_version).unwrap_or(0);
            return Err(e.into());
        }
        let copy = WorkingCopy {
            project_id: project_id.to_string(),
            team_id: state.team_id.clone(),
            project_name: state.project_name.clone(),
            description: Some(state.description.clone()).filter(|d| !d.is_empty()),
            status: state.status.as_str().to_string(),
            workbench_states: workbench_summary(&state)?,
            modification_log: serde_json::to_string(&state.modification_log).map_err(CoreError::internal)?,
            document: open.doc.save(),
            updated_at: now.clone(),
            scenarios: scenario_rows(&state),
            folds_journal: open.unsaved.map(|seq| (self.session_id.clone(), seq)),
        };
        let written = match save_by {
            Some(user) => {
                let version = NewVersion {
                    version_id: uuid::Uuid::new_v4().to_string(),
                    project_id: project_id.to_string(),
                    version_number: next_version,
                    state_snapshot: snapshot,
                    heads: serde_json::to_string(&open.doc.heads()).map_err(CoreError::internal)?,
                    created_by: user.to_string(),
                    created_at: now.clone(),
                };
                self.store.save_version(&copy, &version, MAX_LIVE_VERSIONS).await
            }
            None => self.store.write_working(&copy).await,
        };
        if let Err(e) = written {
            open.header.version = u32::try_from(stored_version).unwrap_or(0);
            return Err(e.into());
        }
        open.unsaved = None;
        open.stored_stamp = now;
        Ok(state)
    }

    /// Every version of a project, newest first, live and archived.
    pub async fn versions(&self, project_id: &str) -> Result<Vec<VersionInfo>> {
        Ok(self.store.versions(project_id).await?)
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
    pub async fn restore_version(&self, project_id: &str, user_id: &str, number: u32) -> Result<ProjectState> {
        let target = self.load_version(project_id, number).await?.content();
        let mut map = self.open.lock().await;
        let open = self.load_into(&mut map, project_id).await?;
        Studio::check_can_edit(open, user_id)?;
        let ctx = self.context(user_id);
        let outcome = restore_content(open.doc.content(), &target, number, &ctx);
        let message = ChangeMessage::new(outcome.entry.clone(), ChangeKind::Action, None, &outcome.edits);
        self.commit(project_id, open, &outcome.content, &message).await?;
        let state = self.fold(project_id, open, Some(user_id)).await?;
        self.emit(StudioEvent::StateChanged {
            project_id: project_id.into(),
            status: state.status,
            summary: outcome.entry.summary,
            user_id: user_id.into(),
        });
        self.emit(StudioEvent::Saved { project_id: project_id.into(), version: state.version });
        Ok(state)
    }

    /// Edits journaled by sessions that ended without folding them, if any.
    pub async fn recovery_offer(&self, project_id: &str) -> Result<Option<RecoveryOffer>> {
        let entries = self.orphaned(project_id).await?;
        if entries.is_empty() {
            return Ok(None);
        }
        let edits = entries.into_iter().map(|e| UnsavedEdit { summary: e.summary, created_at: e.created_at }).collect();
        Ok(Some(RecoveryOffer { project_id: project_id.into(), edits }))
    }

    /// Brings back every orphaned edit into the project (Automerge merges them with anything
    /// done since) and folds them into the library.
    pub async fn recover(&self, project_id: &str, user_id: &str) -> Result<ProjectState> {
        let entries = self.orphaned(project_id).await?;
        let mut map = self.open.lock().await;
        let open = self.load_into(&mut map, project_id).await?;
        for entry in &entries {
            open.doc.apply_changes(&entry.change)?;
        }
        self.fold(project_id, open, None).await?;
        let seqs: Vec<i64> = entries.iter().map(|e| e.seq).collect();
        self.store.remove_journal(&seqs).await?;
        let state = Studio::state_of(open, user_id);
        self.emit(StudioEvent::StateChanged {
            project_id: project_id.into(),
            status: state.status,
            summary: format!("Recovered {} unsaved edit(s)", entries.len()),
            user_id: user_id.into(),
        });
        Ok(state)
    }

    /// Drops the orphaned edits. Returns how many there were.
    pub async fn discard_recovery(&self, project_id: &str) -> Result<usize> {
        let entries = self.orphaned(project_id).await?;
        let seqs: Vec<i64> = entries.iter().map(|e| e.seq).collect();
        self.store.remove_journal(&seqs).await?;
        // A schedule set by a discarded edit is not sent.
        let mut map = self.open.lock().await;
        let content = self.load_into(&mut map, project_id).await?.doc.content().clone();
        drop(map);
        self.index_schedule(project_id, &content).await?;
        Ok(seqs.len())
    }

    async fn orphaned(&self, project_id: &str) -> Result<Vec<studio_store::JournalEntry>> {
        self.store.project(project_id).await?;
        let timeout = self.config.autosave_interval * 3;
        let mut out = Vec::new();
        let mut alive: std::collections::HashMap<String, bool> = Default::default();
        for entry in self.store.journal(project_id).await? {
            if entry.session_id == self.session_id {
                continue;
            }
            let live = match alive.get(&entry.session_id) {
                Some(&live) => live,
                None => {
                    let session = self.store.session(&entry.session_id).await?;
                    let live = session.is_some_and(|s| liveness::session_alive(&s, timeout));
                    alive.insert(entry.session_id.clone(), live);
                    live
                }
            };
            if !live {
                out.push(entry);
            }
        }
        Ok(out)
    }

    /// Folds the project's unsaved edits into the library and drops it from memory (the
    /// window closed it); the next access reads it from the library again.
    pub async fn close_project(&self, project_id: &str) -> Result<()> {
        let mut map = self.open.lock().await;
        if let Some(open) = map.get_mut(project_id) {
            if open.unsaved.is_some() {
                self.fold(project_id, open, None).await?;
            }
            map.remove(project_id);
        }
        Ok(())
    }

    /// Re-reads a project from the library, dropping what is in memory (after an import).
    pub(crate) async fn forget(&self, project_id: &str) {
        self.open.lock().await.remove(project_id);
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
            status: s.status.clone(),
            simulation_id: s.simulation_id.clone(),
            ensemble_id: s.ensemble_id.clone(),
        })
        .collect()
}
