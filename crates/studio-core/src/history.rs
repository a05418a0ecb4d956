//! Workbench actions, the modification log, and per-user undo and redo.
//!
//! A user's undo stack is not stored: it is read from the document's history, where every
//! change says whether it was an action, an undo or a redo, and of which change.

use serde::{Deserialize, Serialize};
use studio_model::{
    Action, Availability, DataAction, LogEntry, Permission, PopulationAction, ProjectLoad, ProjectState, ReportAction,
    ScenarioAction, SimulationAction, StateChanges, Workbench, WorkbenchAction, WorkbenchResponse, apply_action,
    apply_edits,
};

use crate::actor::Actor;
use crate::document::{ChangeHeader, ChangeKind, ChangeMessage};
use crate::error::{CoreError, Result};
use crate::library::Library;
use crate::studio::Studio;

/// What an undo or redo did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct HistoryResponse {
    pub project_id: String,
    /// The entry that was undone or redone.
    pub entry: LogEntry,
    pub state_changes: StateChanges,
    pub updated_project_state: ProjectState,
}

/// The answer to an action.
pub(crate) fn answer(
    actor: &Actor,
    action: &Action,
    result: serde_json::Value,
    state_changes: StateChanges,
    state: ProjectState,
) -> WorkbenchResponse {
    WorkbenchResponse {
        project_id: actor.project_id.clone(),
        workbench: action.workbench(),
        action: action.name().to_string(),
        success: true,
        result,
        state_changes,
        updated_project_state: state,
    }
}

impl Studio {
    /// Applies one workbench action given in the seed's wire form: parsed here, once, then
    /// carried out by [`Studio::act`].
    pub async fn workbench_action(&self, req: &WorkbenchAction) -> Result<WorkbenchResponse> {
        let action = Action::of(req)?;
        self.act(&Actor::new(&req.project_id, &req.user_id), action).await
    }

    /// Carries out one action: an edit is journaled before this returns, a task is started,
    /// a read answered, the console steered.
    pub async fn act(&self, actor: &Actor, action: Action) -> Result<WorkbenchResponse> {
        // Edits and reads are checked under the project's lock they take anyway (a lock taken
        // once); a task or a console control is checked before it starts.
        if matches!(action.availability(), Availability::Task | Availability::Control) {
            self.check_allowed(actor, action.permission()).await?;
        }
        match action.availability() {
            Availability::Read => self.read_action(actor, &action).await,
            Availability::Task => self.start_stage_task(actor, action).await,
            Availability::Control => {
                let result = self.scenarios.console_control(actor, &action).await?;
                let state = self.get_project(&actor.load()).await?;
                Ok(answer(actor, &action, result, StateChanges::default(), state))
            }
            Availability::Document => self.apply_document_action(actor, action).await,
        }
    }

    /// Refuses a user whose role on the project does not grant `permission`.
    pub(crate) async fn check_allowed(&self, actor: &Actor, permission: Permission) -> Result<()> {
        let open = self.project(&actor.project_id).await?;
        Library::check_permission(&open, &actor.user_id, permission)
    }

    /// Answers an action that reads (explore, preview, view_*, compare, export_data); nothing
    /// changes and nothing is logged.
    async fn read_action(&self, actor: &Actor, action: &Action) -> Result<WorkbenchResponse> {
        let (content, state) = {
            let mut open = self.project(&actor.project_id).await?;
            Library::check_permission(&open, &actor.user_id, action.permission())?;
            (open.doc.content().clone(), Library::state_of(&mut open, &actor.user_id))
        };
        let result = match action {
            Action::Data(DataAction::ExploreSources { source_name }) => {
                self.data.explore_sources(&content, source_name.as_deref()).await?
            }
            Action::Data(DataAction::PreviewData { source_name }) => {
                self.data.preview_data(&content, source_name).await?
            }
            Action::Population(PopulationAction::ViewArchetypes) => self.population.view_archetypes(&content).await?,
            Action::Population(PopulationAction::ViewNetwork) => self.population.view_network(&content).await?,
            Action::Simulation(SimulationAction::ExportData(export)) => {
                self.scenarios.export_data(export, &content).await?
            }
            Action::Scenario(ScenarioAction::Compare { compare_ids }) => {
                self.scenarios.compare_with_results(&content, compare_ids).await?
            }
            other => {
                return Err(CoreError::internal(format!("{}/{} is not a read", other.workbench(), other.name())));
            }
        };
        let mut state = state;
        self.scenarios.overlay_console(&mut state);
        Ok(answer(actor, action, result, StateChanges::default(), state))
    }

    /// Applies a document action (or a task's settings): one change, journaled before this
    /// returns. A source's file is copied in, a distribution's original read from the data
    /// and a logo prepared first, once who may edit is settled.
    pub(crate) async fn apply_document_action(&self, actor: &Actor, mut action: Action) -> Result<WorkbenchResponse> {
        let prepared = matches!(
            action,
            Action::Report(ReportAction::Customize(_))
                | Action::Data(DataAction::ConfigureSource { .. })
                | Action::Population(PopulationAction::AdjustDistribution(_))
        );
        if prepared {
            // Who may edit is settled before any file is copied in or data read for it.
            self.check_allowed(actor, action.permission()).await?;
        }
        match &mut action {
            Action::Report(ReportAction::Customize(config)) => self.reports.prepare_logo(actor, config).await?,
            Action::Data(DataAction::ConfigureSource { configuration, .. }) => {
                crate::imports::check_source_path(configuration)?;
                self.data.import_source(&actor.project_id, configuration).await?;
            }
            Action::Population(PopulationAction::AdjustDistribution(adjustment)) => {
                let content = self.content_of(&actor.project_id).await?;
                self.population.with_original(adjustment, &content).await?;
            }
            // The model is read as the engine reads it when it is set, not first when it runs.
            Action::Simulation(SimulationAction::Run { settings: Some(settings) }) => {
                crate::scenario_runs::model_of(settings)?;
            }
            _ => {}
        }
        let mut open = self.project(&actor.project_id).await?;
        Library::check_permission(&open, &actor.user_id, action.permission())?;
        let ctx = self.context(&actor.user_id);
        let outcome = apply_action(open.doc.content(), &action, &ctx)?;
        let message = ChangeMessage::new(outcome.entry.clone(), ChangeKind::Action, None, &outcome.edits);
        self.commit(&actor.project_id, &mut open, &outcome.content, &message).await?;
        let state = Library::state_of(&mut open, &actor.user_id);
        self.announce(&actor.project_id, &state, &outcome.entry, &outcome.state_changes);
        Ok(answer(actor, &action, outcome.result, outcome.state_changes, state))
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
        self.step(&Actor::new(project_id, user_id), true).await
    }

    /// Redoes the user's most recently undone action.
    pub async fn redo(&self, project_id: &str, user_id: &str) -> Result<HistoryResponse> {
        self.step(&Actor::new(project_id, user_id), false).await
    }

    async fn step(&self, actor: &Actor, undo: bool) -> Result<HistoryResponse> {
        let (project_id, user_id) = (actor.project_id.as_str(), actor.user_id.as_str());
        let mut open = self.project(project_id).await?;
        Library::check_permission(&open, user_id, Permission::Edit)?;
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
        let state = Library::state_of(&mut open, user_id);
        self.announce(project_id, &state, &outcome.entry, &outcome.state_changes);
        Ok(HistoryResponse {
            project_id: project_id.into(),
            entry: original.entry,
            state_changes: outcome.state_changes,
            updated_project_state: state,
        })
    }
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
