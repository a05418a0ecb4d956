//! Where projects live: the library file on the analyst's machine (SQLite, `local`) or the
//! team server's PostgreSQL database (`team`), behind one `Store`. Knows rows and bytes, not
//! Automerge or workbench rules; `studio-core` gives the rows their meaning.
#![cfg_attr(not(test), warn(clippy::unwrap_used, clippy::expect_used))]

mod error;
mod local;
pub mod team;

use std::path::Path;

use sqlx::sqlite::SqlitePool;

pub use error::StoreError;
use local::Local;
pub use local::{
    AgentMessageRow, AgentRow, ArtifactRow, AuditQuery, AuditRow, BusEventRow, EntanglementRow, ExportOptions,
    FileCheck, InviteRow, JournalEntry, NewAgentMessage, NewBusEvent, NewVersion, ProjectRow, ReportRow, ScenarioRow,
    ScheduleRow, SessionRow, SettingRow, ShareRow, SpawnRoom, TaskBoardRow, TaskRow, TeamLinkRow, TemplateRow,
    TriggerRow, VersionInfo, VersionRow, WebhookRow, WorkflowRunRow, WorkflowStepRow, WorkingCopy,
};
use team::TeamStore;

/// The migrations every library and `.studio` file carries.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations");

/// The `format` written in `studio_library` of a main library.
pub const LIBRARY_FORMAT: &str = "futureos-studio-library";
/// The `format` written in `studio_library` of an exported `.studio` file.
pub const PROJECT_FILE_FORMAT: &str = "futureos-studio-project";

pub type Result<T> = std::result::Result<T, StoreError>;

/// A handle on where the projects live: a library file or a team database. Every operation
/// means the same on both; the library file's own are documented in `local`, the team
/// database's in `team`.
#[derive(Clone, Debug)]
pub struct Store {
    backend: Backend,
}

#[derive(Clone, Debug)]
enum Backend {
    Local(Local),
    Team(TeamStore),
}

impl Store {
    /// Opens (creating if needed) the library file at `path` and brings its schema up to date.
    /// A library written by a newer Studio is refused rather than guessed at.
    pub async fn open(path: &Path) -> Result<Store> {
        Ok(Store { backend: Backend::Local(Local::open(path).await?) })
    }

    /// The team database as the core's store.
    pub fn team(db: team::TeamDb) -> Store {
        Store { backend: Backend::Team(TeamStore::new(db)) }
    }

    /// The library file's path; `None` on a team database.
    pub fn path(&self) -> Option<&Path> {
        match &self.backend {
            Backend::Local(s) => Some(s.path()),
            Backend::Team(_) => None,
        }
    }

    /// The library file's pool, for tools and tests; `None` on a team database.
    pub fn pool(&self) -> Option<&SqlitePool> {
        match &self.backend {
            Backend::Local(s) => Some(s.pool()),
            Backend::Team(_) => None,
        }
    }

    /// The team database, when this is one.
    pub fn team_db(&self) -> Option<&team::TeamDb> {
        match &self.backend {
            Backend::Local(_) => None,
            Backend::Team(s) => Some(s.db()),
        }
    }

    /// `ok`, or the problems the database found.
    pub async fn integrity_check(&self) -> Result<String> {
        match &self.backend {
            Backend::Local(s) => s.integrity_check().await,
            Backend::Team(s) => s.integrity_check().await,
        }
    }

    /// Folds the library file's write-ahead log into the file (called when idle, so saves do
    /// not pay for it); nothing on a team database.
    pub async fn checkpoint(&self) -> Result<()> {
        match &self.backend {
            Backend::Local(s) => s.checkpoint().await,
            Backend::Team(_) => Ok(()),
        }
    }

    /// Waits for pending writes and closes every connection.
    pub async fn close(&self) {
        match &self.backend {
            Backend::Local(s) => s.close().await,
            Backend::Team(s) => s.db().close().await,
        }
    }

    /// Checks that `path` is an intact `.studio` file this version can read.
    pub async fn check_file(path: &Path) -> Result<FileCheck> {
        Local::check_file(path).await
    }
}

/// Each operation, passed to the backend that holds the projects.
macro_rules! dispatch {
    ($(pub async fn $name:ident(&self $(, $arg:ident: $ty:ty)*) -> $ret:ty;)*) => {
        impl Store {
            $(
                pub async fn $name(&self $(, $arg: $ty)*) -> $ret {
                    match &self.backend {
                        Backend::Local(s) => s.$name($($arg),*).await,
                        Backend::Team(s) => s.$name($($arg),*).await,
                    }
                }
            )*
        }
    };
}

dispatch! {
    pub async fn create_project(&self, row: &ProjectRow, first: &NewVersion) -> Result<()>;
    pub async fn project(&self, project_id: &str) -> Result<ProjectRow>;
    pub async fn is_deleted(&self, project_id: &str) -> Result<bool>;
    pub async fn project_stamp(&self, project_id: &str) -> Result<(String, i64)>;
    pub async fn list_projects(&self, user_id: Option<&str>, team_id: Option<&str>) -> Result<Vec<ProjectRow>>;
    pub async fn write_working(&self, copy: &WorkingCopy) -> Result<()>;
    pub async fn scenarios(&self, project_id: &str) -> Result<Vec<ScenarioRow>>;
    pub async fn set_project_user(&self, project_id: &str, user_id: &str) -> Result<()>;
    pub async fn soft_delete(&self, project_id: &str, at: &str) -> Result<()>;
    pub async fn undelete(&self, project_id: &str) -> Result<()>;

    pub async fn save_version(&self, copy: &WorkingCopy, version: &NewVersion, keep_live: usize) -> Result<()>;
    pub async fn add_version(&self, version: &NewVersion, keep_live: usize) -> Result<()>;
    pub async fn versions(&self, project_id: &str) -> Result<Vec<VersionInfo>>;
    pub async fn version(&self, project_id: &str, number: i64) -> Result<VersionRow>;
    pub async fn pack_archived(&self, limit: usize) -> Result<usize>;

    pub async fn put_report(&self, r: &ReportRow) -> Result<()>;
    pub async fn report(&self, project_id: &str, report_id: &str) -> Result<ReportRow>;
    pub async fn reports(&self, project_id: &str) -> Result<Vec<ReportRow>>;
    pub async fn set_export_url(&self, report_id: &str, format: &str, url: &str) -> Result<()>;

    pub async fn put_artifact(&self, project_id: &str, kind: &str, content: &[u8]) -> Result<String>;
    pub async fn artifact(&self, hash: &str) -> Result<ArtifactRow>;
    pub async fn project_artifacts(&self, project_id: &str) -> Result<Vec<String>>;
    pub async fn artifact_kind(&self, hash: &str) -> Result<Option<String>>;
    pub async fn link_artifact(&self, project_id: &str, hash: &str) -> Result<()>;
    pub async fn project_has_artifact(&self, project_id: &str, hash: &str) -> Result<bool>;
    pub async fn prune_exports(&self, before: &str) -> Result<(u64, u64)>;

    pub async fn set_report_schedule(&self, project_id: &str, schedule: Option<&str>, now: &str) -> Result<()>;
    pub async fn report_schedules(&self) -> Result<Vec<ScheduleRow>>;
    pub async fn report_schedule(&self, project_id: &str) -> Result<Option<ScheduleRow>>;
    pub async fn claim_schedule_run(&self, project_id: &str, seen: Option<&str>, at: &str) -> Result<bool>;
    pub async fn record_schedule_outcome(&self, project_id: &str, outcome: &str) -> Result<()>;

    pub async fn put_task_board(&self, row: &TaskBoardRow) -> Result<()>;
    pub async fn open_task_boards(&self, except_session: &str) -> Result<Vec<TaskBoardRow>>;
    pub async fn adopt_task_board(&self, board_id: &str, from_session: &str, to_session: &str) -> Result<bool>;
    pub async fn prune_task_boards(&self, before: &str) -> Result<u64>;
    pub async fn task_counts(&self) -> Result<(i64, i64)>;
    pub async fn put_tasks(&self, rows: &[TaskRow]) -> Result<()>;
    pub async fn board_tasks(&self, board_id: &str) -> Result<Vec<TaskRow>>;
    pub async fn project_tasks(&self, project_id: &str, limit: i64) -> Result<Vec<TaskRow>>;
    pub async fn task(&self, task_id: &str) -> Result<Option<TaskRow>>;
    pub async fn request_task_cancel(&self, task_id: &str, at: &str) -> Result<bool>;
    pub async fn cancel_requests(&self, session_id: &str) -> Result<Vec<String>>;

    pub async fn set_share(&self, share: &ShareRow) -> Result<()>;
    pub async fn share(&self, project_id: &str) -> Result<Option<ShareRow>>;
    pub async fn shares(&self) -> Result<Vec<ShareRow>>;
    pub async fn add_invite(&self, invite: &InviteRow) -> Result<()>;
    pub async fn invite(&self, invite_id: &str) -> Result<Option<InviteRow>>;
    pub async fn invites(&self, project_id: &str) -> Result<Vec<InviteRow>>;
    pub async fn revoke_invite(&self, invite_id: &str, at: &str) -> Result<bool>;
    pub async fn set_hub_url(&self, url: &str, at: &str) -> Result<()>;
    pub async fn hub_url(&self) -> Result<Option<String>>;

    pub async fn set_team_link(&self, link: &TeamLinkRow) -> Result<()>;
    pub async fn team_link(&self, project_id: &str) -> Result<Option<TeamLinkRow>>;
    pub async fn team_links(&self) -> Result<Vec<TeamLinkRow>>;
    pub async fn record_team_sync(&self, project_id: &str, synced_heads: Option<&str>, at: &str, error: Option<&str>) -> Result<()>;

    pub async fn save_template(&self, t: &TemplateRow) -> Result<()>;
    pub async fn templates(&self) -> Result<Vec<TemplateRow>>;
    pub async fn template(&self, template_id: &str) -> Result<TemplateRow>;

    pub async fn open_session(&self, session: &SessionRow) -> Result<()>;
    pub async fn append_bus_events(&self, events: &[NewBusEvent]) -> Result<Vec<i64>>;
    pub async fn bus_events(&self, after: i64, limit: i64) -> Result<Vec<BusEventRow>>;
    pub async fn bus_head(&self) -> Result<i64>;
    pub async fn add_webhook(&self, webhook: &WebhookRow) -> Result<()>;
    pub async fn webhooks(&self) -> Result<Vec<WebhookRow>>;
    pub async fn remove_webhook(&self, webhook_id: &str) -> Result<bool>;
    pub async fn lease_webhook(&self, webhook_id: &str, holder: &str, until: &str, now: &str) -> Result<bool>;
    pub async fn record_webhook(&self, webhook_id: &str, delivered_seq: i64, failures: i64, last_error: Option<&str>, at: &str) -> Result<()>;

    pub async fn put_workflow_run(&self, run: &WorkflowRunRow) -> Result<()>;
    pub async fn workflow_run(&self, run_id: &str) -> Result<Option<WorkflowRunRow>>;
    pub async fn workflow_runs(&self, project_id: &str, workflow_id: Option<&str>, limit: i64) -> Result<Vec<WorkflowRunRow>>;
    pub async fn unfinished_workflow_runs(&self) -> Result<Vec<WorkflowRunRow>>;
    pub async fn claim_workflow_run(&self, run_id: &str, session: &str, expected: Option<&str>) -> Result<bool>;
    pub async fn put_workflow_step(&self, step: &WorkflowStepRow) -> Result<()>;
    pub async fn workflow_steps(&self, run_id: &str) -> Result<Vec<WorkflowStepRow>>;
    pub async fn set_workflow_triggers(&self, project_id: &str, workflow_id: &str, rows: &[TriggerRow]) -> Result<()>;
    pub async fn workflow_triggers(&self) -> Result<Vec<TriggerRow>>;
    pub async fn claim_trigger_beat(&self, row: &TriggerRow, seen: Option<&str>, beat: &str) -> Result<bool>;
    pub async fn claim_trigger_events(&self, row: &TriggerRow, seen: i64, to: i64) -> Result<bool>;

    pub async fn add_agent(&self, row: &AgentRow, per_type: i64, total: i64) -> Result<SpawnRoom>;
    pub async fn agent_rows(&self, ended: bool) -> Result<Vec<AgentRow>>;
    pub async fn agent_row(&self, agent_id: &str) -> Result<Option<AgentRow>>;
    pub async fn move_agent(&self, agent_id: &str, expected: Option<&str>, status: &str, session: Option<&str>, at: &str) -> Result<bool>;
    pub async fn add_entanglement(&self, row: &EntanglementRow) -> Result<()>;
    pub async fn entanglements(&self, only: Option<&str>) -> Result<Vec<EntanglementRow>>;
    pub async fn remove_entanglement(&self, entanglement_id: &str) -> Result<bool>;
    pub async fn set_entanglement_member(&self, entanglement_id: &str, agent_id: &str, add: bool, at: &str) -> Result<bool>;
    pub async fn add_agent_messages(&self, messages: &[NewAgentMessage]) -> Result<Vec<i64>>;
    pub async fn lease_agent_messages(&self, receiver: &str, until: &str, now: &str, limit: i64) -> Result<Vec<AgentMessageRow>>;
    pub async fn mark_messages_delivered(&self, seqs: &[i64], at: &str) -> Result<()>;
    pub async fn agent_messages(&self, entanglement_id: Option<&str>, agent_id: Option<&str>, after: i64, limit: i64) -> Result<Vec<AgentMessageRow>>;
    pub async fn latest_agent_messages(&self, agent_id: &str, limit: i64) -> Result<Vec<AgentMessageRow>>;

    pub async fn append_audit(&self, rows: &[AuditRow]) -> Result<()>;
    pub async fn audit(&self, q: &AuditQuery, limit: i64) -> Result<Vec<AuditRow>>;

    pub async fn settings(&self) -> Result<Vec<SettingRow>>;
    pub async fn put_setting(&self, row: &SettingRow) -> Result<()>;
    pub async fn remove_setting(&self, key: &str) -> Result<bool>;

    pub async fn ping(&self) -> Result<()>;
    pub async fn heartbeat(&self, session_id: &str, at: &str) -> Result<()>;
    pub async fn close_session(&self, session_id: &str, at: &str) -> Result<()>;
    pub async fn session(&self, session_id: &str) -> Result<Option<SessionRow>>;
    pub async fn unclosed_sessions(&self, except: &str) -> Result<Vec<SessionRow>>;
    pub async fn mark_runs_tasks(&self, session_id: &str, at: &str) -> Result<()>;
    pub async fn task_running_sessions(&self, except: &str) -> Result<Vec<SessionRow>>;
    pub async fn sessions_with_journal(&self, except: &str) -> Result<Vec<SessionRow>>;
    pub async fn session_journal(&self, session_id: &str) -> Result<Vec<JournalEntry>>;
    pub async fn append_journal(&self, entry: &JournalEntry) -> Result<i64>;
    pub async fn journal(&self, project_id: &str) -> Result<Vec<JournalEntry>>;
    pub async fn remove_journal(&self, seqs: &[i64]) -> Result<()>;
    pub async fn purge_journal(&self, before: &str) -> Result<u64>;

    pub async fn export_project(&self, project_id: &str, path: &Path, options: ExportOptions) -> Result<()>;
    pub async fn import_project(&self, path: &Path, new_id: &str) -> Result<String>;
}

/// The highest migration this build knows.
pub fn schema_version() -> i64 {
    MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
}

/// Current time as ISO 8601 UTC with milliseconds: the one format every table uses.
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
