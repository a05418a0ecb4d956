//! Where the library lives and who the local user is.
//!
//! The library file: `--db PATH`, else `STUDIO_DB`, else `STUDIO_HOME/library.db`, else the
//! platform data directory. The local user: a UUID made on first run and kept in
//! `config.json` beside the platform's other settings (or in `STUDIO_HOME`). Scheduled
//! reports are mailed through `STUDIO_SMTP_URL` from `STUDIO_SMTP_FROM` when set. Finished
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
}

impl StudioConfig {
    pub fn new(db_path: PathBuf) -> Self {
        StudioConfig {
            db_path,
            program: Program::Tool,
            autosave_interval: Duration::from_secs(30),
            recovery_window: Duration::from_secs(24 * 3600),
            schedule_check: Duration::from_secs(30),
            smtp: None,
            opener: None,
            task_retention: Some(Duration::from_secs(30 * 86_400)),
            export_retention: Some(Duration::from_secs(90 * 86_400)),
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
        if let Some(secs) = std::env::var("STUDIO_AUTOSAVE_SECS").ok().and_then(|s| s.parse().ok()) {
            config.autosave_interval = Duration::from_secs(secs);
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

#[derive(Debug, Serialize, Deserialize, schemars::JsonSchema)]
struct ConfigFile {
    user_id: String,
}

/// The local user's id: read from the config file, or made and kept there on first run.
pub fn local_user_id() -> Result<String, CoreError> {
    let path = home_dir(Kind::Config)?.join("config.json");
    local_user_id_at(&path)
}

pub fn local_user_id_at(path: &Path) -> Result<String, CoreError> {
    let io = |e: std::io::Error| CoreError::new("io_error", format!("{}: {e}", path.display()));
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let file: ConfigFile = serde_json::from_str(&text).map_err(|e| {
                CoreError::invalid(format!("{} is not a valid Studio config file: {e}", path.display()))
            })?;
            Ok(file.user_id)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let file = ConfigFile { user_id: uuid::Uuid::new_v4().to_string() };
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(io)?;
            }
            let text = serde_json::to_string_pretty(&file).map_err(CoreError::internal)?;
            std::fs::write(path, text).map_err(io)?;
            Ok(file.user_id)
        }
        Err(e) => Err(io(e)),
    }
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
