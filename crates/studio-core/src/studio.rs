//! The `Studio`: one open library (`Library`, shared by every part of the core), the tasks
//! that run in it, the consoles open in its projects, and the edge it reaches the world
//! through.

use std::ops::Deref;
use std::sync::Arc;

use crate::config::StudioConfig;
use crate::data_service::Data;
use crate::error::Result;
use crate::library::Library;
use crate::population::Population;
use crate::projects_service::Projects;
use crate::reports_service::Reports;
use crate::scenarios::Scenarios;
use crate::sharing::Sharing;
use crate::tasks::Tasks;

pub struct Studio {
    pub(crate) library: Arc<Library>,
    /// The Projects service: lifecycle, versions, recovery, retention.
    pub(crate) projects: Arc<Projects>,
    /// The Data service: sources, imports, the data package.
    pub(crate) data: Arc<Data>,
    /// The Population service: synthesis, archetypes, network.
    pub(crate) population: Arc<Population>,
    /// The Scenarios service: runs, the console, calibration, comparisons and exports.
    pub(crate) scenarios: Arc<Scenarios>,
    pub(crate) tasks: Arc<Tasks>,
    /// The Reports service: reports, their exports and schedules.
    pub(crate) reports: Arc<Reports>,
    /// Sharing with peers: the hub, invites, joined projects, the sync peer.
    pub sharing: Arc<Sharing>,
    /// Workflows and what their runs are told.
    pub(crate) automation: Arc<crate::automation::Automation>,
    /// This Studio, once it runs tasks (`start_tasks`): what a workflow run is driven by.
    pub(crate) me: std::sync::OnceLock<std::sync::Weak<Studio>>,
    /// Each user's roles as last read (a team server's; see `rbac.rs`).
    pub(crate) grants: std::sync::Mutex<GrantCache>,
}

/// Each user's roles (a team server's) and when they were read.
pub(crate) type GrantCache = std::collections::HashMap<String, (std::time::Instant, Vec<studio_store::team::GrantRow>)>;

/// The library's primitives (the store, projects in memory, commits, events) are the Studio's.
impl Deref for Studio {
    type Target = Library;

    fn deref(&self) -> &Library {
        &self.library
    }
}

impl Studio {
    /// Opens the library and starts a session in it.
    pub async fn open(config: StudioConfig) -> Result<Studio> {
        let (postman, files) = (crate::edge::postman(&config), crate::edge::file_manager(&config));
        let library = Arc::new(Library::open(config).await?);
        let tasks = Arc::new(Tasks::start(library.clone()));
        let data = Arc::new(Data::new(library.clone()));
        let population = Arc::new(Population::new(library.clone(), data.clone()));
        let reports = Arc::new(Reports {
            library: library.clone(),
            data: data.clone(),
            population: population.clone(),
            tasks: tasks.clone(),
            postman,
            files,
        });
        Ok(Studio {
            sharing: Sharing::new(library.clone()),
            automation: Arc::new(crate::automation::Automation::new(library.clone())),
            me: std::sync::OnceLock::new(),
            grants: Default::default(),
            projects: Arc::new(Projects::new(library.clone(), data.clone())),
            reports,
            scenarios: Arc::new(Scenarios::new(library.clone(), data.clone(), population.clone())),
            population,
            data,
            library,
            tasks,
        })
    }

    /// Folds every unsaved edit into the library and ends the session cleanly.
    pub async fn close(&self) -> Result<()> {
        self.stop_tasks(std::time::Duration::from_secs(2)).await;
        self.sharing.stop().await;
        self.autosave_all().await?;
        self.tidy().await?;
        // What was published is written before the library closes.
        self.bus.flush(std::time::Duration::from_secs(5)).await;
        self.audit.flush(std::time::Duration::from_secs(5)).await;
        self.store.close_session(&self.session_id, &studio_store::now()).await?;
        self.store.close().await;
        Ok(())
    }

    /// Autosaves on an interval and keeps this session's heartbeat fresh, until the Studio
    /// is dropped.
    pub fn spawn_autosave(self: &Arc<Self>) -> tokio::task::JoinHandle<()> {
        let weak = Arc::downgrade(self);
        let every = self.config.autosave_interval;
        crate::runtime_settings::spawn_refresh(&self.library);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.tick().await;
            loop {
                tick.tick().await;
                let Some(studio) = weak.upgrade() else { break };
                let _ = studio.autosave_all().await;
                // A team server's instance that died left edits only the others can fold.
                if studio.store.team_db().is_some() {
                    let _ = studio.fold_previous_sessions().await;
                }
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
        self.projects.prune_when_due().await?;
        self.store.checkpoint().await?;
        Ok(())
    }
}
