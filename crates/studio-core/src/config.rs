//! Where the library lives and who the local user is.
//!
//! The library file: `--db PATH`, else `STUDIO_DB`, else `STUDIO_HOME/library.db`, else the
//! platform data directory. The local user: a UUID, a display name, a colour and a key, made on
//! first run and kept in `config.json` and `identity.key` beside the platform's other settings
//! (or in `STUDIO_HOME`); the profile module reads them. Scheduled
//! reports are mailed through `STUDIO_SMTP_URL` from `STUDIO_SMTP_FROM` when set; the
//! scheduler looks every `STUDIO_SCHEDULE_CHECK_SECS` (30). Finished
//! task boards are kept `STUDIO_TASK_RETENTION_DAYS` (30), exports
//! `STUDIO_EXPORT_RETENTION_DAYS` (90); 0 keeps them for good.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::CoreError;

/// Which program opened the library. A server restarted after a crash folds back in what its
/// previous run acknowledged; a long action queued from the command line is left only to a
/// program that runs tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Program {
    /// Tests, benchmarks and other tools built on the core.
    #[default]
    Tool,
    Cli,
    Serve,
    Desktop,
}

impl Program {
    /// As recorded in the library's sessions.
    pub fn as_str(self) -> &'static str {
        match self {
            Program::Tool => "",
            Program::Cli => "cli",
            Program::Serve => "serve",
            Program::Desktop => "desktop",
        }
    }

    /// How the analyst knows the program recorded as `recorded`.
    pub fn describe(recorded: &str) -> &'static str {
        match recorded {
            "cli" => "a studio command",
            "serve" => "studio serve",
            "desktop" => "the Studio app",
            _ => "another Studio program",
        }
    }
}

#[derive(Debug, Clone)]
pub struct StudioConfig {
    pub db_path: PathBuf,
    /// The program this is.
    pub program: Program,
    /// How often edits are folded into the library while a project is open.
    pub autosave_interval: Duration,
    /// How long unsaved edits of a crashed session are offered back.
    pub recovery_window: Duration,
    /// How often scheduled reports are looked at while the app or `studio serve` runs.
    pub schedule_check: Duration,
    /// The mail server for scheduled reports; without one they go to the outbox folder.
    pub smtp: Option<SmtpSettings>,
    /// The program that shows a folder ("Show in folder"); `None`: the platform's.
    pub opener: Option<String>,
    /// How long finished task boards are kept; `None`: always.
    pub task_retention: Option<Duration>,
    /// How long exported files are kept in the export folder; `None`: always.
    pub export_retention: Option<Duration>,
    /// Where the local user's settings (`config.json`) and key (`identity.key`) live.
    pub settings_dir: PathBuf,
    /// The team server's PostgreSQL database (`postgres://…`): projects live there instead of
    /// in the library file, whose place then only anchors the exports and outbox folders.
    pub team_database: Option<String>,
    /// On a team server, the instances' shared directory for artifacts (else PostgreSQL).
    pub team_blob_dir: Option<PathBuf>,
    /// Largest project state a version may hold: 10 MiB in a library file, the seed's 5 MiB
    /// on a team server (`Studio::open` sets it with the team database).
    pub max_state_bytes: usize,
    /// The seed's `workflow` settings.
    pub workflow: WorkflowSettings,
    /// Most agents this program's task pool runs (at least two are kept running when it
    /// allows two).
    pub max_agents: usize,
    /// The seed's `agents` settings: how many agents may be spawned through the API.
    pub agents: AgentSettings,
}

/// The seed's `agents:` section: live spawned agents of one type, and of all types, at most.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AgentSettings {
    pub max_instances_per_type: usize,
    pub max_total_instances: usize,
}

impl Default for AgentSettings {
    fn default() -> Self {
        AgentSettings { max_instances_per_type: 10, max_total_instances: 50 }
    }
}

/// The seed's `workflow:` section: how many runs at once (the rest wait `queued`), how long a
/// run may take, and how often a failing step is tried when it says nothing itself.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct WorkflowSettings {
    pub max_concurrent_executions: usize,
    pub default_timeout_hours: f64,
    pub retry_attempts: u32,
}

impl Default for WorkflowSettings {
    fn default() -> Self {
        WorkflowSettings { max_concurrent_executions: 5, default_timeout_hours: 1.0, retry_attempts: 3 }
    }
}

impl StudioConfig {
    pub fn new(db_path: PathBuf) -> Self {
        // Beside the library unless resolved otherwise: a tool's library brings its own user.
        let settings_dir = db_path.parent().map(Path::to_path_buf).unwrap_or_default();
        StudioConfig {
            db_path,
            settings_dir,
            program: Program::Tool,
            autosave_interval: Duration::from_secs(30),
            recovery_window: Duration::from_secs(24 * 3600),
            schedule_check: Duration::from_secs(30),
            smtp: None,
            opener: None,
            task_retention: Some(Duration::from_secs(30 * 86_400)),
            export_retention: Some(Duration::from_secs(90 * 86_400)),
            team_database: None,
            team_blob_dir: None,
            max_state_bytes: studio_model::MAX_SNAPSHOT_BYTES,
            workflow: WorkflowSettings::default(),
            max_agents: 4,
            agents: AgentSettings::default(),
        }
    }

    /// The configuration from the command line's `--db` and the environment.
    pub fn resolve(db: Option<PathBuf>) -> Result<Self, CoreError> {
        let db_path = match db.or_else(|| std::env::var_os("STUDIO_DB").map(PathBuf::from)) {
            Some(path) => path,
            None => home_dir(Kind::Data)?.join("library.db"),
        };
        // Another program (the app, a server) may read what is recorded beside the library, so
        // its place is settled here, not relative to wherever a command was typed.
        let db_path = std::path::absolute(&db_path)
            .map_err(|e| CoreError::new("io_error", format!("{}: {e}", db_path.display())))?;
        let mut config = StudioConfig::new(db_path);
        config.settings_dir = settings_dir()?;
        if let Some(secs) = std::env::var("STUDIO_AUTOSAVE_SECS").ok().and_then(|s| s.parse().ok()) {
            config.autosave_interval = Duration::from_secs(secs);
        }
        if let Some(secs) = std::env::var("STUDIO_SCHEDULE_CHECK_SECS").ok().and_then(|s| s.parse().ok()) {
            config.schedule_check = Duration::from_secs(secs).max(Duration::from_secs(1));
        }
        if let Some(url) = std::env::var("STUDIO_SMTP_URL").ok().filter(|u| !u.trim().is_empty()) {
            let from = std::env::var("STUDIO_SMTP_FROM").unwrap_or_else(|_| DEFAULT_FROM.to_string());
            config.smtp = Some(SmtpSettings { url, from });
        }
        config.opener = std::env::var("STUDIO_OPENER").ok().filter(|o| !o.trim().is_empty());
        // Days; 0 keeps them for good.
        let days = |name: &str| -> Result<Option<Option<Duration>>, CoreError> {
            let Ok(text) = std::env::var(name) else { return Ok(None) };
            let n: u64 = text.trim().parse().map_err(|_| {
                CoreError::invalid(format!("{name} must be a whole number of days (0 keeps for good), not '{text}'"))
            })?;
            // A century at most: "keep" is meant, and dates stay in range.
            Ok(Some((n > 0).then(|| Duration::from_secs(n.min(36_500) * 86_400))))
        };
        if let Some(keep) = days("STUDIO_TASK_RETENTION_DAYS")? {
            config.task_retention = keep;
        }
        if let Some(keep) = days("STUDIO_EXPORT_RETENTION_DAYS")? {
            config.export_retention = keep;
        }
        let number = |name: &str, low: f64, high: f64| -> Result<Option<f64>, CoreError> {
            let Ok(text) = std::env::var(name) else { return Ok(None) };
            match text.trim().parse::<f64>() {
                Ok(n) if (low..=high).contains(&n) => Ok(Some(n)),
                _ => Err(CoreError::invalid(format!("{name} must be a number from {low} to {high}, not '{text}'"))),
            }
        };
        if let Some(n) = number("STUDIO_WORKFLOW_MAX_CONCURRENT_EXECUTIONS", 1.0, 1000.0)? {
            config.workflow.max_concurrent_executions = n as usize;
        }
        if let Some(n) = number("STUDIO_WORKFLOW_DEFAULT_TIMEOUT_HOURS", 0.001, 24.0 * 30.0)? {
            config.workflow.default_timeout_hours = n;
        }
        if let Some(n) = number("STUDIO_WORKFLOW_RETRY_ATTEMPTS", 1.0, f64::from(studio_model::MAX_ATTEMPTS))? {
            config.workflow.retry_attempts = n as u32;
        }
        if let Some(n) = number("STUDIO_AGENTS_MAX_INSTANCES_PER_TYPE", 0.0, 1000.0)? {
            config.agents.max_instances_per_type = n as usize;
        }
        if let Some(n) = number("STUDIO_AGENTS_MAX_TOTAL_INSTANCES", 0.0, 10_000.0)? {
            config.agents.max_total_instances = n as usize;
        }
        Ok(config)
    }

    /// Where finished exports are written: `exports/` beside the library file.
    pub fn exports_dir(&self) -> PathBuf {
        self.beside_library("exports")
    }

    /// Where scheduled reports wait as `.eml` files when no mail server is configured (or it
    /// refused them): `outbox/` beside the library file.
    pub fn outbox_dir(&self) -> PathBuf {
        self.beside_library("outbox")
    }

    fn beside_library(&self, name: &str) -> PathBuf {
        self.db_path.parent().map(|p| p.join(name)).unwrap_or_else(|| name.into())
    }
}

enum Kind {
    Data,
    Config,
}

fn home_dir(kind: Kind) -> Result<PathBuf, CoreError> {
    if let Some(home) = std::env::var_os("STUDIO_HOME") {
        return Ok(PathBuf::from(home));
    }
    let dirs = directories::ProjectDirs::from("org", "FutureOS", "FutureOS-Studio")
        .ok_or_else(|| CoreError::new("io_error", "no home directory: set STUDIO_HOME or pass --db"))?;
    Ok(match kind {
        Kind::Data => dirs.data_dir().to_path_buf(),
        Kind::Config => dirs.config_dir().to_path_buf(),
    })
}

/// The local user's id: read from the settings, or made and kept there on first run.
pub fn local_user_id() -> Result<String, CoreError> {
    local_user_id_at(&settings_dir()?.join(SETTINGS_FILE))
}

pub fn local_user_id_at(path: &Path) -> Result<String, CoreError> {
    Ok(Settings::load_or_create(path)?.user_id)
}

/// Where the local user's settings and key live: `STUDIO_HOME`, else the platform's
/// configuration directory.
pub fn settings_dir() -> Result<PathBuf, CoreError> {
    home_dir(Kind::Config)
}

pub const SETTINGS_FILE: &str = "config.json";
pub const KEY_FILE: &str = "identity.key";

/// `config.json`. Keys this version does not know are written back as they were.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Settings {
    pub user_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    /// Where the app shares projects on the network (its hub listens), when the analyst
    /// turned that on: it is on again at the next start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share_on_network: Option<String>,
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

impl Settings {
    pub fn load_or_create(path: &Path) -> Result<Settings, CoreError> {
        match std::fs::read_to_string(path) {
            Ok(text) => serde_json::from_str(&text)
                .map_err(|e| CoreError::invalid(format!("{} is not a valid Studio config file: {e}", path.display()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let settings = Settings {
                    user_id: uuid::Uuid::new_v4().to_string(),
                    display_name: None,
                    color: None,
                    share_on_network: None,
                    other: Default::default(),
                };
                settings.write(path)?;
                Ok(settings)
            }
            Err(e) => Err(io(path, e)),
        }
    }

    pub(crate) fn write(&self, path: &Path) -> Result<(), CoreError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
        }
        let text = serde_json::to_string_pretty(self).map_err(CoreError::internal)?;
        let partial = path.with_extension("json.partial");
        std::fs::write(&partial, text).map_err(|e| io(&partial, e))?;
        std::fs::rename(&partial, path).map_err(|e| io(path, e))
    }
}

fn io(path: &Path, e: impl std::fmt::Display) -> CoreError {
    CoreError::new("io_error", format!("{}: {e}", path.display()))
}

/// Where mail goes: `STUDIO_SMTP_URL` (`smtp://host:25`, `smtp://user:pass@host:587?tls=required`
/// for STARTTLS, `smtps://user:pass@host:465`) and the sender `STUDIO_SMTP_FROM`.
#[derive(Clone, PartialEq)]
pub struct SmtpSettings {
    pub url: String,
    pub from: String,
}

impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSettings").field("url", &redact(&self.url)).field("from", &self.from).finish()
    }
}

/// The sender when none is configured.
pub const DEFAULT_FROM: &str = "FutureOS Studio <studio@localhost>";

/// The URL without its password, for messages (the password may itself hold `@` or `:`).
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_string() };
    let (authority, tail) = rest.find(['/', '?']).map_or((rest, ""), |i| rest.split_at(i));
    match authority.rsplit_once('@') {
        Some((user, host)) => {
            let user = user.split_once(':').map_or(user, |(u, _)| u);
            format!("{scheme}://{user}:***@{host}{tail}")
        }
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_stay_out_of_messages() {
        assert_eq!(redact("smtps://ana:s3cret@mail.example.org:465"), "smtps://ana:***@mail.example.org:465");
        assert_eq!(redact("smtp://127.0.0.1:2525"), "smtp://127.0.0.1:2525");
        assert_eq!(
            redact("smtp://ana:p@ss:w@mail.example.org:587?tls=required"),
            "smtp://ana:***@mail.example.org:587?tls=required"
        );
        let settings = SmtpSettings { url: "smtps://ana:s3cret@mail.example.org".into(), from: DEFAULT_FROM.into() };
        assert!(!format!("{settings:?}").contains("s3cret"));
    }
}
