//! Workbench actions, the modification log, and per-user undo and redo.
//!
//! A user's undo stack is not stored: it is read from the document's history, where every
//! change says whether it was an action, an undo or a redo, and of which change.

use serde::{Deserialize, Serialize};
use studio_model::{
    Availability, LogEntry, ProjectLoad, ProjectState, StateChanges, Workbench, WorkbenchAction, WorkbenchResponse,
    apply_action, apply_edits, availability,
};

use crate::document::{ChangeHeader, ChangeKind, ChangeMessage};
use crate::{CoreError, Result, Studio, StudioEvent};

/// What an undo or redo did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryResponse {
    pub project_id: String,
    /// The entry that was undone or redone.
    pub entry: LogEntry,
    pub state_changes: StateChanges,
    pub updated_project_state: ProjectState,
}

/// The answer to an action that changed nothing in the document.
fn unchanged(req: &WorkbenchAction, result: serde_json::Value, state: ProjectState) -> WorkbenchResponse {
    WorkbenchResponse {
        project_id: req.project_id.clone(),
        workbench: req.workbench,
        action: req.action.clone(),
        success: true,
        result,
        state_changes: StateChanges::default(),
        updated_project_state: state,
    }
}

impl Studio {
    /// Applies one workbench action; the edit is journaled before this returns.
    pub async fn workbench_action(&self, req: &WorkbenchAction) -> Result<WorkbenchResponse> {
        req.workbench.check_action(&req.action)?;
        match availability(req.workbench, &req.action) {
            Availability::Read => self.read_action(req).await,
            Availability::Task => self.start_stage_task(req).await,
            Availability::Control => {
                let result = self.console_control(req).await?;
                let load =
                    ProjectLoad { project_id: req.project_id.clone(), user_id: req.user_id.clone(), version: None };
                Ok(unchanged(req, result, self.get_project(&load).await?))
            }
            _ => self.apply_document_action(req).await,
        }
    }

    /// Answers an action that reads (explore, preview, view_*, compare); nothing changes and
    /// nothing is logged.
    async fn read_action(&self, req: &WorkbenchAction) -> Result<WorkbenchResponse> {
        let (content, state) = {
            let mut open = self.project(&req.project_id).await?;
            (open.doc.content().clone(), Studio::state_of(&mut open, &req.user_id))
        };
        let result = match req.workbench {
            Workbench::Data => self.data_read(req, &content).await?,
            Workbench::Population => self.population_read(&content, &req.action).await?,
            Workbench::Simulation => self.export_data(req, &content).await?,
            _ => self.compare_with_results(&content, &req.payload).await?,
        };
        let mut state = state;
        self.overlay_console(&mut state);
        Ok(unchanged(req, result, state))
    }

    /// Applies a document action: one change, journaled before this returns.
    pub(crate) async fn apply_document_action(&self, req: &WorkbenchAction) -> Result<WorkbenchResponse> {
        let enriched;
        let req = match (req.workbench, req.action.as_str()) {
            (Workbench::Report, "customize") => {
                Studio::check_can_edit(&*self.project(&req.project_id).await?, &req.user_id)?;
                enriched = self.prepare_logo(req).await?;
                &enriched
            }
            (Workbench::Data, "configure_source") | (Workbench::Population, "adjust_distribution") => {
                // Who may edit is settled before any file is copied in or data read for it.
                let content = {
                    let open = self.project(&req.project_id).await?;
                    Studio::check_can_edit(&open, &req.user_id)?;
                    open.doc.content().clone()
                };
                enriched = if req.workbench == Workbench::Data {
                    check_source_path(&req.payload)?;
                    self.import_source(req).await?
                } else {
                    self.with_original(req, &content).await?
                };
                &enriched
            }
            _ => req,
        };
        let mut open = self.project(&req.project_id).await?;
        Studio::check_can_edit(&open, &req.user_id)?;
        let ctx = self.context(&req.user_id);
        let outcome = apply_action(open.doc.content(), req.workbench, &req.action, &req.payload, &ctx)?;
        let message = ChangeMessage::new(outcome.entry.clone(), ChangeKind::Action, None, &outcome.edits);
        self.commit(&req.project_id, &mut open, &outcome.content, &message).await?;
        let state = Studio::state_of(&mut open, &req.user_id);
        self.announce(&req.project_id, &state, &outcome.entry, &outcome.state_changes);
        Ok(WorkbenchResponse {
            project_id: req.project_id.clone(),
            workbench: req.workbench,
            action: req.action.clone(),
            success: true,
            result: outcome.result,
            state_changes: outcome.state_changes,
            updated_project_state: state,
        })
    }

    /// The state of one workbench, as in `ProjectState.workbench_states`.
    pub async fn workbench_state(
        &self,
        project_id: &str,
        user_id: &str,
        workbench: Workbench,
    ) -> Result<serde_json::Value> {
        let state = self
            .get_project(&ProjectLoad { project_id: project_id.into(), user_id: user_id.into(), version: None })
            .await?;
        let states = serde_json::to_value(&state.workbench_states).map_err(CoreError::internal)?;
        Ok(states.get(workbench.as_str()).cloned().unwrap_or_default())
    }

    /// The modification log, oldest first.
    pub async fn log(&self, project_id: &str) -> Result<Vec<LogEntry>> {
        let mut open = self.project(project_id).await?;
        Ok(open.doc.log())
    }

    /// Undoes the user's most recent action that is not undone yet.
    pub async fn undo(&self, project_id: &str, user_id: &str) -> Result<HistoryResponse> {
        self.step(project_id, user_id, true).await
    }

    /// Redoes the user's most recently undone action.
    pub async fn redo(&self, project_id: &str, user_id: &str) -> Result<HistoryResponse> {
        self.step(project_id, user_id, false).await
    }

    async fn step(&self, project_id: &str, user_id: &str, undo: bool) -> Result<HistoryResponse> {
        let mut open = self.project(project_id).await?;
        Studio::check_can_edit(&open, user_id)?;
        let (undo_stack, redo_stack) = stacks(open.doc.history(), user_id);
        let stack = if undo { &undo_stack } else { &redo_stack };
        let Some(target) = stack.last() else {
            let what = if undo { "undo" } else { "redo" };
            return Err(CoreError::new(
                "undo_refused",
                format!("nothing to {what} for user '{user_id}' in this project"),
            ));
        };
        let original = open.doc.message(target)?;
        if !original.entry.reversible {
            return Err(CoreError::new(
                "undo_refused",
                format!("'{}' cannot be undone: it is not reversible", original.entry.summary),
            ));
        }
        let ctx = self.context(user_id);
        let edits = open.doc.edits_of(target, &original.touched)?;
        let outcome = apply_edits(open.doc.content(), &edits, undo, &original.entry, &ctx)?;
        let kind = if undo { ChangeKind::Undo } else { ChangeKind::Redo };
        let message = ChangeMessage::new(outcome.entry.clone(), kind, Some(target.clone()), &outcome.edits);
        self.commit(project_id, &mut open, &outcome.content, &message).await?;
        let state = Studio::state_of(&mut open, user_id);
        self.announce(project_id, &state, &outcome.entry, &outcome.state_changes);
        Ok(HistoryResponse {
            project_id: project_id.into(),
            entry: original.entry,
            state_changes: outcome.state_changes,
            updated_project_state: state,
        })
    }

    pub(crate) fn announce(&self, project_id: &str, state: &ProjectState, entry: &LogEntry, changes: &StateChanges) {
        self.emit(StudioEvent::StateChanged {
            project_id: project_id.into(),
            status: state.status,
            summary: entry.summary.clone(),
            user_id: entry.user_id.clone(),
        });
        if !changes.downstream_invalidated.is_empty() {
            self.emit(StudioEvent::Invalidated {
                project_id: project_id.into(),
                stages: changes.downstream_invalidated.clone(),
                warnings: changes.warnings.clone(),
            });
        }
    }
}

/// A source's file is named by its full path: a relative one would mean another file to each
/// program that reads it (the app, a server, a command typed elsewhere).
fn check_source_path(payload: &serde_json::Value) -> Result<()> {
    let config = payload.get("configuration");
    let path = config.and_then(|c| c.get("path")).and_then(serde_json::Value::as_str).unwrap_or_default();
    let uploaded = config.is_some_and(|c| c.get("content_base64").is_some());
    if !path.is_empty() && !uploaded && std::path::Path::new(path).is_relative() {
        return Err(CoreError::invalid(format!(
            "configuration.path '{path}' must be absolute: the file's full path on this computer"
        )));
    }
    Ok(())
}

/// The user's undo and redo stacks (change hashes, top last), replayed from history.
fn stacks(history: &[ChangeHeader], user_id: &str) -> (Vec<String>, Vec<String>) {
    let (mut undo, mut redo) = (Vec::new(), Vec::new());
    for change in history.iter().filter(|c| c.entry.user_id == user_id) {
        match (change.kind, &change.target) {
            (ChangeKind::Action, _) => {
                undo.push(change.hash.clone());
                redo.clear();
            }
            (ChangeKind::Undo, Some(target)) => {
                undo.retain(|h| h != target);
                redo.push(target.clone());
            }
            (ChangeKind::Redo, Some(target)) => {
                redo.retain(|h| h != target);
                undo.push(target.clone());
            }
            _ => {}
        }
    }
    (undo, redo)
}
