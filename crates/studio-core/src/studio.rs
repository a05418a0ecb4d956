//! The `Studio`: one open library, the projects open in it and the event stream.

use std::collections::HashMap;
use std::sync::Arc;

use studio_model::{ActionContext, ProjectContent, ProjectHeader, ProjectState};
use studio_store::{JournalEntry, ProjectRow, SessionRow, Store};
use tokio::sync::broadcast;

use crate::document::{ChangeMessage, ProjectDocument};
use crate::open_projects::{OpenProject, OpenProjects, ProjectGuard};
use crate::ports::{FileManager, Postman};
use crate::tasks::TaskRuntime;
use crate::{CoreError, Result, StudioConfig, StudioEvent, liveness};

pub struct Studio {
    pub(crate) store: Store,
    pub(crate) config: StudioConfig,
    pub(crate) session_id: String,
    pub(crate) open: OpenProjects,
    events: broadcast::Sender<StudioEvent>,
    pub(crate) tasks: TaskRuntime,
    /// The Simulation console open in each project, if any.
    pub(crate) consoles: std::sync::Mutex<HashMap<String, crate::console::Console>>,
    /// When pruning last ran here.
    pub(crate) last_pruned: std::sync::Mutex<Option<std::time::Instant>>,
    /// How many recoverable edits were last announced for each project.
    pub(crate) recovery_announced: std::sync::Mutex<HashMap<String, usize>>,
    /// How letters leave (the edge: SMTP or the outbox).
    pub(crate) postman: Arc<dyn Postman>,
    /// How a folder is shown (the edge: the platform's file manager).
    pub(crate) files: Arc<dyn FileManager>,
}

impl Studio {
    /// Opens the library and starts a session in it. Journal entries past the recovery
    /// window are dropped.
    pub async fn open(config: StudioConfig) -> Result<Studio> {
        let store = Store::open(&config.db_path).await?;
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
        let tasks = TaskRuntime::start(store.clone(), events.clone());
        let (postman, files) = (crate::edge::postman(&config), crate::edge::file_manager(&config));
        Ok(Studio {
            postman,
            files,
            store,
            config,
            session_id: session.session_id,
            open: OpenProjects::default(),
            events,
            tasks,
            consoles: std::sync::Mutex::new(HashMap::new()),
            recovery_announced: std::sync::Mutex::new(HashMap::new()),
            last_pruned: std::sync::Mutex::new(None),
        })
    }

    /// Folds every unsaved edit into the library and ends the session cleanly.
    pub async fn close(&self) -> Result<()> {
        self.stop_tasks(std::time::Duration::from_secs(2)).await;
        self.autosave_all().await?;
        self.tidy().await?;
        self.store.close_session(&self.session_id, &studio_store::now()).await?;
        self.store.close().await;
        Ok(())
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

    pub(crate) fn emit(&self, event: StudioEvent) {
        // Nobody listening is fine.
        let _ = self.events.send(event);
    }

    /// Autosaves on an interval and keeps this session's heartbeat fresh, until the Studio
    /// is dropped.
    pub fn spawn_autosave(self: &Arc<Self>) -> tokio::task::JoinHandle<()> {
        let weak = Arc::downgrade(self);
        let every = self.config.autosave_interval;
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.tick().await;
            loop {
                tick.tick().await;
                let Some(studio) = weak.upgrade() else { break };
                let _ = studio.autosave_all().await;
                let _ = studio.announce_recoveries().await;
                let _ = studio.tidy().await;
                let _ = studio.store.heartbeat(&studio.session_id, &studio_store::now()).await;
            }
        })
    }

    /// Work kept off the interactive path: deflating archived versions, checkpointing the WAL,
    /// pruning what is past its retention (hourly).
    pub async fn tidy(&self) -> Result<()> {
        while self.store.pack_archived(16).await? > 0 {}
        self.prune_when_due().await?;
        self.store.checkpoint().await?;
        Ok(())
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

    /// The project as the library holds it, with this session's own unfolded edits.
    async fn read_project(&self, project_id: &str) -> Result<OpenProject> {
        let row = self.store.project(project_id).await?;
        let mut doc = ProjectDocument::load(&row.document)?;
        // Our own unfolded edits (if this session dropped the project from memory).
        for entry in self.store.journal(project_id).await? {
            if entry.session_id == self.session_id {
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
        let entry = JournalEntry {
            seq: 0,
            project_id: project_id.to_string(),
            session_id: self.session_id.clone(),
            change,
            summary: message.entry.summary.clone(),
            created_at: message.entry.timestamp.clone(),
        };
        match self.store.append_journal(&entry).await {
            Ok(seq) => {
                open.unsaved = Some(seq);
                open.header.updated_at = message.entry.timestamp.clone();
                // The edit is durable now: an index that could not follow is mended by the
                // next autosave (which indexes the document again), not reported as a lost edit.
                if message.touched.iter().any(|k| k.section == studio_model::Section::Schedules)
                    && let Err(e) = self.index_schedule(project_id, next).await
                {
                    tracing::warn!(project_id, "the schedule is indexed at the next save: {}", e.message);
                }
                Ok(())
            }
            Err(e) => {
                open.poisoned = true;
                Err(e.into())
            }
        }
    }

    pub(crate) fn state_of(open: &mut OpenProject, user_id: &str) -> ProjectState {
        let log = open.doc.log();
        ProjectState::assemble(&open.header, open.doc.content(), log, vec![user_id.to_string()])
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
