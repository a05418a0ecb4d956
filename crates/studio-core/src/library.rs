//! The open library every part of the core shares: the store, the configuration, this
//! session, the projects held in memory and the event stream; and the primitives on them — a
//! project held for one caller, a change committed and journaled, the state assembled, a
//! permission checked, a computed result recorded, an event announced. It imports no module
//! above it: the services (projects, data, population, scenarios, reports, tasks) build on it.

use studio_model::{
    ActionContext, LogEntry, ProjectContent, ProjectHeader, ProjectState, StageResult, StateChanges, Workbench,
    record_stage_result,
};
use studio_store::{JournalEntry, ProjectRow, SessionRow, Store};
use tokio::sync::broadcast;

use crate::actor::Actor;
use crate::config::StudioConfig;
use crate::document::{ChangeKind, ChangeMessage, ProjectDocument};
use crate::error::{CoreError, Result};
use crate::events::StudioEvent;
use crate::liveness;
use crate::open_projects::{OpenProject, OpenProjects, ProjectGuard};

/// Progress as a fraction and a phrase.
pub type Progress<'a> = &'a (dyn Fn(f64, &str) + Send + Sync);

/// Makes a service stand on the library: its `library` field's primitives (hold a project,
/// commit, announce…) are the service's own.
macro_rules! on_library {
    ($service:ty) => {
        impl std::ops::Deref for $service {
            type Target = $crate::library::Library;

            fn deref(&self) -> &$crate::library::Library {
                &self.library
            }
        }
    };
}
pub(crate) use on_library;

pub struct Library {
    pub(crate) store: Store,
    pub(crate) config: StudioConfig,
    pub(crate) session_id: String,
    pub(crate) open: OpenProjects,
    events: broadcast::Sender<StudioEvent>,
    /// The sync peer's copies of the shared projects' documents, by project id: every change
    /// committed here is handed to them.
    pub(crate) linked: std::sync::Mutex<std::collections::HashMap<String, studio_sync::DocHandle>>,
    /// The local user's key, once read.
    pub(crate) keypair: std::sync::OnceLock<studio_sync::Keypair>,
    /// A team server's link to its other instances, once joined (`team_live`).
    pub(crate) live: std::sync::OnceLock<crate::live_outbox::Outbox>,
    /// What a team server keeps for clients it could not serve (`unsent`).
    pub(crate) parking: crate::parking::Parking,
    /// Request timings, loop beats and resources, for the health check and `/metrics`.
    pub(crate) vitals: crate::vitals::Vitals,
    /// The event bus: topics persisted with sequence numbers, for subscribers and webhooks.
    pub(crate) bus: crate::bus::Bus,
    /// The audit log's writer: every request the dispatch sees.
    pub(crate) audit: crate::audit_log::AuditLog,
    /// The settings as they stand, changes made at runtime taken up.
    pub(crate) settings: crate::live_settings::LiveSettings,
}

impl Library {
    /// Opens the library file and starts a session in it. Journal entries past the recovery
    /// window are dropped.
    pub(crate) async fn open(mut config: StudioConfig) -> Result<Library> {
        if config.team_database.is_some() {
            config.max_state_bytes = config.max_state_bytes.min(studio_model::TEAM_STATE_BYTES);
        }
        let store = match &config.team_database {
            Some(url) => {
                let db = studio_store::team::TeamDb::connect(url).await?;
                Store::team(match &config.team_blob_dir {
                    Some(dir) => db.with_blob_dir(dir)?,
                    None => db,
                })
            }
            None => Store::open(&config.db_path).await?,
        };
        let (pid, process_start, host) = liveness::this_process();
        let now = studio_store::now();
        let session = SessionRow {
            session_id: uuid::Uuid::new_v4().to_string(),
            pid,
            process_start,
            host,
            started_at: now.clone(),
            heartbeat_at: now,
            closed_at: None,
            program: config.program.as_str().to_string(),
            runs_tasks_since: None,
        };
        store.open_session(&session).await?;
        let window = chrono::Duration::from_std(config.recovery_window).unwrap_or(chrono::Duration::hours(24));
        let cutoff = (chrono::Utc::now() - window).to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        store.purge_journal(&cutoff).await?;
        let (events, _) = broadcast::channel(1024);
        let bus = crate::bus::Bus::start(store.clone()).await?;
        let audit = crate::audit_log::AuditLog::start(store.clone());
        // Secrets this program knows are masked wherever they would appear.
        crate::secrets::remember_environment();
        for url in [config.smtp.as_ref().map(|s| s.url.as_str()), config.team_database.as_deref()].into_iter().flatten()
        {
            crate::secrets::remember_url(url);
        }
        let library = Library {
            settings: crate::live_settings::LiveSettings::new(&config),
            store,
            config,
            session_id: session.session_id,
            open: OpenProjects::default(),
            events,
            linked: Default::default(),
            keypair: Default::default(),
            live: Default::default(),
            parking: Default::default(),
            vitals: Default::default(),
            bus,
            audit,
        };
        library.refresh_settings().await?;
        Ok(library)
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn config(&self) -> &StudioConfig {
        &self.config
    }

    pub fn subscribe(&self) -> broadcast::Receiver<StudioEvent> {
        self.events.subscribe()
    }

    /// Tells the screens, and publishes on the bus what is a bus event.
    pub(crate) fn emit(&self, event: StudioEvent) {
        if let Some((topic, project_id, data)) = crate::bus::topic_of(&event) {
            self.bus.publish(topic, Some(project_id), data);
        }
        self.emit_heard(event);
    }

    /// Tells the screens only: what another instance of a team server did, and published.
    pub(crate) fn emit_heard(&self, event: StudioEvent) {
        // Nobody listening is fine.
        let _ = self.events.send(event);
    }

    pub(crate) fn context(&self, user_id: &str) -> ActionContext {
        ActionContext {
            user_id: user_id.to_string(),
            now: studio_store::now(),
            fresh_id: uuid::Uuid::new_v4().to_string(),
        }
    }

    /// The project, loaded from the library if it is not in memory, held for this caller
    /// alone until the guard is dropped (other projects stay free).
    pub(crate) async fn project(&self, project_id: &str) -> Result<ProjectGuard> {
        let mut slot = self.open.lock(project_id).await;
        if slot.get_mut().is_some_and(|p| p.poisoned) {
            slot.clear();
        }
        let slot = match slot.loaded() {
            Ok(project) => return Ok(project),
            Err(empty) => empty,
        };
        match self.read_project(project_id).await {
            Ok(project) => Ok(slot.fill(project)),
            Err(e) => {
                drop(slot);
                self.open.release_empty(project_id);
                Err(e)
            }
        }
    }

    /// The project as the library holds it, with this session's own unfolded edits. On a
    /// team server, every instance's: they are all acknowledged edits of one team, live
    /// (another instance not folded yet) or left by an instance that died.
    async fn read_project(&self, project_id: &str) -> Result<OpenProject> {
        let row = self.store.project(project_id).await?;
        let mut doc = ProjectDocument::load(&row.document)?;
        let every_session = self.store.team_db().is_some();
        for entry in self.store.journal(project_id).await? {
            if every_session || entry.session_id == self.session_id {
                doc.apply_changes(&entry.change)?;
            }
        }
        Ok(OpenProject {
            header: header_of(&row),
            stored_stamp: row.updated_at.clone(),
            doc,
            unsaved: None,
            poisoned: false,
        })
    }

    /// Commits `next` as one change and journals it durably: when this returns Ok the edit
    /// is acknowledged and survives a crash.
    pub(crate) async fn commit(
        &self,
        project_id: &str,
        open: &mut OpenProject,
        next: &ProjectContent,
        message: &ChangeMessage,
    ) -> Result<()> {
        let change = open.doc.commit(next, message)?;
        self.journal(project_id, open, change.clone(), &message.entry.summary, &message.entry.timestamp).await?;
        // The edit is durable now: an index that could not follow is mended by the next
        // autosave (which indexes the document again), not reported as a lost edit.
        if message.touched.iter().any(|k| k.section == studio_model::Section::Schedules)
            && let Err(e) = self.index_schedule(project_id, next).await
        {
            tracing::warn!(project_id, "the schedule is indexed at the next save: {}", e.message);
        }
        self.sync_out(project_id, &change);
        self.cross_out(project_id, &change);
        Ok(())
    }

    /// Journals changes already in the document (`change`: their bytes) durably.
    pub(crate) async fn journal(
        &self,
        project_id: &str,
        open: &mut OpenProject,
        change: Vec<u8>,
        summary: &str,
        at: &str,
    ) -> Result<()> {
        let entry = JournalEntry {
            seq: 0,
            project_id: project_id.to_string(),
            session_id: self.session_id.clone(),
            change,
            summary: summary.to_string(),
            created_at: at.to_string(),
        };
        match self.store.append_journal(&entry).await {
            Ok(seq) => {
                open.unsaved = Some(seq);
                open.header.updated_at = at.to_string();
                Ok(())
            }
            Err(e) => {
                open.poisoned = true;
                Err(e.into())
            }
        }
    }

    /// Hands a change committed here to a team server's other instances (nothing without a
    /// team bus).
    pub(crate) fn cross_out(&self, project_id: &str, change: &[u8]) {
        if let Some(outbox) = self.live.get() {
            outbox.send(format!("{}{project_id}", crate::live_outbox::PROJECT), change);
        }
    }

    /// Tells a team server's other instances where a user is in a project (the presence wire).
    pub(crate) fn cross_out_presence(&self, project_id: &str, wire: &[u8]) {
        if let Some(outbox) = self.live.get() {
            outbox.send(format!("{}{project_id}", crate::live_outbox::PRESENCE), wire);
        }
    }

    /// Tells a team server's other instances that a task run here moved (their clients see it).
    pub(crate) fn cross_out_task(&self, project_id: &str, task: &studio_tasks::Task) {
        if let (Some(outbox), Ok(json)) = (self.live.get(), serde_json::to_vec(task)) {
            outbox.send(format!("{}{project_id}", crate::live_outbox::TASK), &json);
        }
    }

    /// Hands a change made here to the peers of a shared project: the sync peer's copy of the
    /// document takes it now, and sends it on to whoever is connected.
    pub(crate) fn sync_out(&self, project_id: &str, change: &[u8]) {
        let handle = self.linked.lock().unwrap_or_else(|p| p.into_inner()).get(project_id).cloned();
        if let Some(handle) = handle
            && let Err(e) = handle.with_document(|d| d.load_incremental(change))
        {
            tracing::warn!(project_id, "a change could not be handed to the sync peer: {e}");
        }
    }

    pub(crate) fn state_of(open: &mut OpenProject, user_id: &str) -> ProjectState {
        let log = open.doc.log();
        let mut state = ProjectState::assemble(&open.header, open.doc.content(), log, vec![user_id.to_string()]);
        state.conflicts = open.doc.conflicts().to_vec();
        state
    }

    /// Refuses a collaborator whose role does not grant `permission`.
    pub(crate) fn check_permission(
        open: &OpenProject,
        user_id: &str,
        permission: studio_model::Permission,
    ) -> Result<()> {
        let Some(c) = open.doc.content().collaborators.get(user_id) else { return Ok(()) };
        if c.role.allows(permission) {
            return Ok(());
        }
        let (role, cannot) = match (c.role, permission) {
            (studio_model::Role::Viewer, studio_model::Permission::Edit) => ("a viewer", "cannot change it"),
            (studio_model::Role::Viewer, _) => ("a viewer", "only its owner can do this"),
            _ => ("an editor", "only its owner can do this"),
        };
        Err(CoreError::new("forbidden", format!("user '{user_id}' is {role} of this project and {cannot}")))
    }
    /// A copy of the project's content as it stands.
    pub(crate) async fn content_of(&self, project_id: &str) -> Result<ProjectContent> {
        let open = self.project(project_id).await?;
        Ok(open.doc.content().clone())
    }

    /// Commits an edit's outcome made for `user_id` as one change and announces it; answers
    /// the project's state after.
    pub(crate) async fn commit_outcome(
        &self,
        project_id: &str,
        open: &mut OpenProject,
        user_id: &str,
        outcome: &studio_model::Outcome,
    ) -> Result<ProjectState> {
        let message = ChangeMessage::new(outcome.entry.clone(), ChangeKind::Action, None, &outcome.edits);
        self.commit(project_id, open, &outcome.content, &message).await?;
        let state = Library::state_of(open, user_id);
        self.announce(project_id, &state, &outcome.entry, &outcome.state_changes);
        Ok(state)
    }

    /// Tells the listeners a project changed, and what it made stale.
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

    /// Records a computed result in the document when it differs from the one there.
    pub(crate) async fn record(&self, actor: &Actor, computed: StageResult) -> Result<()> {
        let mut open = self.project(&actor.project_id).await?;
        let stage = open.doc.content().stage(computed.workbench);
        if stage.artifact_id.as_deref() == Some(computed.artifact_id.as_str())
            && stage.input_hash.as_deref() == Some(computed.input_hash.as_str())
            && stage.status == studio_model::StageStatus::Complete
        {
            return Ok(());
        }
        let ctx = self.context(&actor.user_id);
        let outcome = record_stage_result(open.doc.content(), computed, &ctx);
        let message = ChangeMessage::new(outcome.entry.clone(), ChangeKind::Computed, None, &outcome.edits);
        self.commit(&actor.project_id, &mut open, &outcome.content, &message).await?;
        let state = Library::state_of(&mut open, &actor.user_id);
        self.announce(&actor.project_id, &state, &outcome.entry, &outcome.state_changes);
        Ok(())
    }

    /// Keeps the scheduler's index in step with the document's schedule.
    pub(crate) async fn index_schedule(&self, project_id: &str, content: &ProjectContent) -> Result<()> {
        let json = match content.schedules.get("report") {
            Some(s) => Some(serde_json::to_string(s).map_err(CoreError::internal)?),
            None => None,
        };
        self.store.set_report_schedule(project_id, json.as_deref(), &studio_store::now()).await?;
        Ok(())
    }
}

pub(crate) fn header_of(row: &ProjectRow) -> ProjectHeader {
    ProjectHeader {
        project_id: row.project_id.clone(),
        version: u32::try_from(row.version).unwrap_or(0),
        created_at: row.created_at.clone(),
        updated_at: row.updated_at.clone(),
        prediction_task_id: row.prediction_task_id.clone(),
        data_package_id: row.data_package_id.clone(),
        population_id: row.population_id.clone(),
    }
}

/// A stage's result computed from `inputs` and stored as `artifact`.
pub(crate) fn computed(
    workbench: Workbench,
    action: &str,
    artifact: &str,
    inputs: &str,
    summary: String,
) -> StageResult {
    StageResult {
        workbench,
        action: action.into(),
        artifact_id: artifact.into(),
        input_hash: inputs.into(),
        summary,
        result: serde_json::json!({}),
    }
}
