//! Where the library lives and who the local user is.
//!
//! The library file: `--db PATH`, else `STUDIO_DB`, else `STUDIO_HOME/library.db`, else the
//! platform data directory. The local user: a UUID, a display name, a colour and a key, made on
//! first run and kept in `config.json` and `identity.key` beside the platform's other settings
//! (or in `STUDIO_HOME`); the profile module reads them. The rest — mail, retention, workflow
//! and agent limits, a team server's services — are the layered settings of `settings.rs`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::CoreError;
use crate::settings::{AgentSettings, Configuration, Layered, WorkflowSettings, kept_for};

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
    /// The settings below the runtime's and where each came from (`studio config show`).
    pub layers: std::sync::Arc<Layered>,
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
            layers: Default::default(),
        }
    }

    /// The configuration from the command line's `--db`, the settings' file and the environment.
    pub fn resolve(db: Option<PathBuf>) -> Result<Self, CoreError> {
        Self::resolve_with(db, None, &[])
    }

    /// The configuration from `--db`, the layered settings (`file`, else `STUDIO_CONFIG`, else
    /// the settings directory's `studio.*`; the environment; the command line's `flags`: key,
    /// flag, value).
    pub fn resolve_with(
        db: Option<PathBuf>,
        file: Option<&Path>,
        flags: &[(&str, &str, String)],
    ) -> Result<Self, CoreError> {
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
        let layered = crate::settings::load(file, Some(&config.settings_dir), &|n| std::env::var(n).ok(), flags)?;
        config.apply(&layered.settings);
        config.layers = std::sync::Arc::new(layered);
        Ok(config)
    }

    /// The settings as this configuration holds them (a tool's, set in code, too), with where
    /// each came from.
    pub fn layered(&self) -> Layered {
        let mut settings = self.layers.settings.clone();
        let kept = |keep: Option<Duration>| keep.map_or(0, |d| d.as_secs() / 86_400);
        settings.library.autosave_secs = self.autosave_interval.as_secs();
        settings.library.schedule_check_secs = self.schedule_check.as_secs().max(1);
        settings.library.task_retention_days = kept(self.task_retention);
        settings.library.export_retention_days = kept(self.export_retention);
        settings.workflow = self.workflow;
        settings.agents = self.agents;
        Layered { settings, sources: self.layers.sources.clone() }
    }

    /// Takes up the settings' values.
    pub(crate) fn apply(&mut self, s: &Configuration) {
        self.autosave_interval = Duration::from_secs(s.library.autosave_secs);
        self.schedule_check = Duration::from_secs(s.library.schedule_check_secs.max(1));
        self.smtp = s.smtp.url.clone().map(|url| SmtpSettings { url, from: s.smtp.from.clone() });
        self.opener = s.library.opener.clone().filter(|o| !o.trim().is_empty());
        self.task_retention = kept_for(s.library.task_retention_days);
        self.export_retention = kept_for(s.library.export_retention_days);
        self.workflow = s.workflow;
        self.agents = s.agents;
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
        let settings = SmtpSettings {
            url: "smtps://ana:s3cret@mail.example.org".into(),
            from: crate::settings::DEFAULT_FROM.into(),
        };
        assert!(!format!("{settings:?}").contains("s3cret"));
    }
}
