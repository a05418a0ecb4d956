//! The product's settings, in layers, each over the one before: built-in defaults → a
//! configuration file (TOML, YAML or JSON: `--config FILE`, else `STUDIO_CONFIG`, else
//! `studio.toml|yaml|yml|json` in the settings directory) → `STUDIO_*` environment variables →
//! the command line → changes made at runtime through the API (kept in the library, live keys
//! only). `figment` merges the first four and remembers where each value came from.
//!
//! ```toml
//! [library]
//! autosave_secs = 30
//! task_retention_days = 30      # 0 keeps them for good
//! [workflow]
//! max_concurrent_executions = 5 # STUDIO_WORKFLOW_MAX_CONCURRENT_EXECUTIONS
//! [team]
//! database = "postgres://studio@db.example.org/studio"
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use figment::providers::{Format, Json, Serialized, Toml, Yaml};
use figment::value::{Dict, Map, Value};
use figment::{Figment, Metadata, Profile, Provider};
use serde::{Deserialize, Serialize};

use crate::error::CoreError;

/// Every setting, as one document: `section.key` names each.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Configuration {
    pub library: LibrarySettings,
    pub smtp: SmtpSection,
    pub workflow: WorkflowSettings,
    pub agents: AgentSettings,
    pub team: TeamSection,
}

/// How the library is kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LibrarySettings {
    /// How often edits are folded into the library while a project is open.
    pub autosave_secs: u64,
    /// How often scheduled reports are looked at.
    pub schedule_check_secs: u64,
    /// Days finished task boards are kept; 0 keeps them for good.
    pub task_retention_days: u64,
    /// Days exported files are kept; 0 keeps them for good.
    pub export_retention_days: u64,
    /// The program that shows a folder; none: the platform's.
    pub opener: Option<String>,
}

impl Default for LibrarySettings {
    fn default() -> Self {
        LibrarySettings {
            autosave_secs: 30,
            schedule_check_secs: 30,
            task_retention_days: 30,
            export_retention_days: 90,
            opener: None,
        }
    }
}

/// The mail server for scheduled reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SmtpSection {
    pub url: Option<String>,
    pub from: String,
}

impl Default for SmtpSection {
    fn default() -> Self {
        SmtpSection { url: None, from: DEFAULT_FROM.to_string() }
    }
}

/// A team server's PostgreSQL, Redis, address and shared artifact directory.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TeamSection {
    pub database: Option<String>,
    pub redis: Option<String>,
    pub listen: Option<String>,
    pub blob_dir: Option<PathBuf>,
}

/// The seed's `agents:` section: live spawned agents of one type, and of all types, at most.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
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
#[serde(default, deny_unknown_fields)]
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

/// The sender when none is configured.
pub const DEFAULT_FROM: &str = "FutureOS Studio <studio@localhost>";

/// How long a retention of `days` keeps things; 0 keeps them for good (a century at most:
/// "keep" is meant, and dates stay in range).
pub(crate) fn kept_for(days: u64) -> Option<std::time::Duration> {
    (days > 0).then(|| std::time::Duration::from_secs(days.min(36_500) * 86_400))
}

/// Each environment variable and the key it sets.
pub const ENVIRONMENT: &[(&str, &str)] = &[
    ("STUDIO_AUTOSAVE_SECS", "library.autosave_secs"),
    ("STUDIO_SCHEDULE_CHECK_SECS", "library.schedule_check_secs"),
    ("STUDIO_TASK_RETENTION_DAYS", "library.task_retention_days"),
    ("STUDIO_EXPORT_RETENTION_DAYS", "library.export_retention_days"),
    ("STUDIO_OPENER", "library.opener"),
    ("STUDIO_SMTP_URL", "smtp.url"),
    ("STUDIO_SMTP_FROM", "smtp.from"),
    ("STUDIO_WORKFLOW_MAX_CONCURRENT_EXECUTIONS", "workflow.max_concurrent_executions"),
    ("STUDIO_WORKFLOW_DEFAULT_TIMEOUT_HOURS", "workflow.default_timeout_hours"),
    ("STUDIO_WORKFLOW_RETRY_ATTEMPTS", "workflow.retry_attempts"),
    ("STUDIO_AGENTS_MAX_INSTANCES_PER_TYPE", "agents.max_instances_per_type"),
    ("STUDIO_AGENTS_MAX_TOTAL_INSTANCES", "agents.max_total_instances"),
    ("STUDIO_DATABASE_URL", "team.database"),
    ("STUDIO_REDIS_URL", "team.redis"),
    ("STUDIO_LISTEN", "team.listen"),
    ("STUDIO_BLOB_DIR", "team.blob_dir"),
];

/// The keys a running program takes up when they change (through the API); the rest are read
/// when it starts.
pub const LIVE: &[&str] = &[
    "library.task_retention_days",
    "library.export_retention_days",
    "workflow.max_concurrent_executions",
    "workflow.default_timeout_hours",
    "workflow.retry_attempts",
    "agents.max_instances_per_type",
    "agents.max_total_instances",
];

/// Keys whose values are text, kept as typed (`STUDIO_SMTP_FROM=2024` is not a number).
const TEXT: &[&str] =
    &["library.opener", "smtp.url", "smtp.from", "team.database", "team.redis", "team.listen", "team.blob_dir"];

/// The settings as they stand and where each key's value came from: `default`,
/// `file PATH`, `environment STUDIO_X`, `command line --flag` or `runtime`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Layered {
    pub settings: Configuration,
    pub sources: BTreeMap<String, String>,
}

/// One key as `studio config show` and `GET /api/v1/studio/config` show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SettingSource {
    pub key: String,
    /// Its value, secrets masked.
    pub value: serde_json::Value,
    pub source: String,
    /// The environment variable that sets it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env: Option<String>,
    /// Whether a change through the API reaches a running program.
    pub live: bool,
}

/// The layers below the runtime's: `file` (else `STUDIO_CONFIG`, else the settings directory's
/// `studio.*`), the environment as `env` reads it, and the command line's `flags` (key, flag,
/// value).
pub fn load(
    file: Option<&Path>,
    settings_dir: Option<&Path>,
    env: &dyn Fn(&str) -> Option<String>,
    flags: &[(&str, &str, String)],
) -> Result<Layered, CoreError> {
    let mut figment = Figment::from(Serialized::defaults(Configuration::default()));
    if let Some(path) = config_file(file, settings_dir, env)? {
        figment = match path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase().as_str() {
            "toml" => figment.merge(Toml::file_exact(&path)),
            "yaml" | "yml" => figment.merge(Yaml::file_exact(&path)),
            "json" => figment.merge(Json::file_exact(&path)),
            other => {
                return Err(CoreError::invalid(format!(
                    "the configuration file {} is not TOML, YAML or JSON (by its extension '.{other}')",
                    path.display()
                )));
            }
        };
    }
    for (name, key) in ENVIRONMENT {
        if let Some(value) = env(name).filter(|v| !v.trim().is_empty()) {
            figment = figment.merge(Layer::new(format!("environment {name}"), key, &value));
        }
    }
    for (key, flag, value) in flags {
        figment = figment.merge(Layer::new(format!("command line {flag}"), key, value));
    }
    let settings: Configuration = figment.extract().map_err(|e| CoreError::invalid(explain(e)))?;
    let mut sources = BTreeMap::new();
    for key in keys(&settings) {
        let source = match figment.find_metadata(&key) {
            Some(meta) if meta.name.starts_with("environment ") || meta.name.starts_with("command line ") => {
                meta.name.to_string()
            }
            Some(meta) => match &meta.source {
                Some(figment::Source::File(path)) => format!("file {}", path.display()),
                _ => "default".to_string(),
            },
            None => "default".to_string(),
        };
        sources.insert(key, source);
    }
    let layered = Layered { settings, sources };
    layered.check()?;
    Ok(layered)
}

/// The file named, else `STUDIO_CONFIG`, else the first of `studio.toml|yaml|yml|json` in the
/// settings directory; a file named that is missing is an error.
fn config_file(
    file: Option<&Path>,
    settings_dir: Option<&Path>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<PathBuf>, CoreError> {
    let named = file.map(Path::to_path_buf).or_else(|| env("STUDIO_CONFIG").filter(|v| !v.is_empty()).map(Into::into));
    if let Some(path) = named {
        if !path.is_file() {
            return Err(CoreError::new(
                "io_error",
                format!("the configuration file {} does not exist (or is not a file)", path.display()),
            ));
        }
        return Ok(Some(path));
    }
    let Some(dir) = settings_dir else { return Ok(None) };
    Ok(["studio.toml", "studio.yaml", "studio.yml", "studio.json"].iter().map(|n| dir.join(n)).find(|p| p.is_file()))
}

/// figment's error, said the product's way: the key, what was wrong, and where it came from.
fn explain(e: figment::Error) -> String {
    e.into_iter()
        .map(|e| {
            let key = if e.path.is_empty() { String::new() } else { format!("{}: ", e.path.join(".")) };
            let from = match e.metadata.as_ref() {
                Some(meta) => match &meta.source {
                    Some(figment::Source::File(path)) => format!(" (in the configuration file {})", path.display()),
                    _ => format!(" (from {})", meta.name),
                },
                None => String::new(),
            };
            format!("{key}{}{from}", e.kind)
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Every key of `settings`, dotted, in order.
pub fn keys(settings: &Configuration) -> Vec<String> {
    let value = serde_json::to_value(settings).unwrap_or_default();
    let mut keys = Vec::new();
    if let Some(sections) = value.as_object() {
        for (section, fields) in sections {
            for field in fields.as_object().into_iter().flat_map(|f| f.keys()) {
                keys.push(format!("{section}.{field}"));
            }
        }
    }
    keys
}

impl Layered {
    /// These settings with the runtime's changes over them: only live keys, each checked.
    pub fn with_runtime(&self, changes: &[(String, serde_json::Value)]) -> Result<Layered, CoreError> {
        let mut document = serde_json::to_value(&self.settings).map_err(CoreError::internal)?;
        let mut sources = self.sources.clone();
        for (key, value) in changes {
            if !LIVE.contains(&key.as_str()) {
                let known = keys(&self.settings).contains(key);
                return Err(CoreError::invalid(if known {
                    format!(
                        "{key} is read when Studio starts: set it in the configuration file or its environment variable; \
                         the keys changed at runtime are {}",
                        LIVE.join(", ")
                    )
                } else {
                    format!("'{key}' is not a setting; the keys changed at runtime are {}", LIVE.join(", "))
                }));
            }
            let (section, field) = key.split_once('.').unwrap_or_default();
            document[section][field] = value.clone();
            sources.insert(key.clone(), "runtime".to_string());
        }
        let settings: Configuration = serde_json::from_value(document).map_err(|e| {
            let keys: Vec<&str> = changes.iter().map(|(k, _)| k.as_str()).collect();
            CoreError::invalid(format!("{}: {e}", keys.join(", ")))
        })?;
        let layered = Layered { settings, sources };
        layered.check()?;
        Ok(layered)
    }

    /// Each key with its value (secrets masked), source and environment variable.
    pub fn entries(&self) -> Vec<SettingSource> {
        let document = serde_json::to_value(&self.settings).unwrap_or_default();
        keys(&self.settings)
            .into_iter()
            .map(|key| {
                let (section, field) = key.split_once('.').unwrap_or_default();
                let mut value = document[section][field].clone();
                crate::secrets::mask_json(&mut value);
                SettingSource {
                    env: ENVIRONMENT.iter().find(|(_, k)| *k == key).map(|(name, _)| name.to_string()),
                    live: LIVE.contains(&key.as_str()),
                    source: self.sources.get(&key).cloned().unwrap_or_else(|| "default".into()),
                    value,
                    key,
                }
            })
            .collect()
    }

    fn check(&self) -> Result<(), CoreError> {
        let s = &self.settings;
        let numbers = [
            ("library.autosave_secs", s.library.autosave_secs as f64, 1.0, 86_400.0),
            ("library.schedule_check_secs", s.library.schedule_check_secs as f64, 1.0, 86_400.0),
            ("library.task_retention_days", s.library.task_retention_days as f64, 0.0, 36_500.0),
            ("library.export_retention_days", s.library.export_retention_days as f64, 0.0, 36_500.0),
            ("workflow.max_concurrent_executions", s.workflow.max_concurrent_executions as f64, 1.0, 1000.0),
            ("workflow.default_timeout_hours", s.workflow.default_timeout_hours, 0.001, 720.0),
            (
                "workflow.retry_attempts",
                f64::from(s.workflow.retry_attempts),
                1.0,
                f64::from(studio_model::MAX_ATTEMPTS),
            ),
            ("agents.max_instances_per_type", s.agents.max_instances_per_type as f64, 0.0, 1000.0),
            ("agents.max_total_instances", s.agents.max_total_instances as f64, 0.0, 10_000.0),
        ];
        for (key, value, low, high) in numbers {
            if !(low..=high).contains(&value) {
                return Err(CoreError::invalid(format!(
                    "{key} must be from {low} to {high}, not {value} (from {})",
                    self.sources.get(key).map_or("default", String::as_str)
                )));
            }
        }
        Ok(())
    }
}

/// One value from the environment, the command line or the runtime, at its dotted key.
struct Layer {
    name: String,
    data: Dict,
}

impl Layer {
    fn new(name: String, key: &str, text: &str) -> Layer {
        let value = if TEXT.contains(&key) {
            Value::from(text.to_string())
        } else {
            text.parse().unwrap_or_else(|_| Value::from(text.to_string()))
        };
        let (section, field) = key.split_once('.').unwrap_or((key, ""));
        let mut inner = Dict::new();
        inner.insert(field.to_string(), value);
        let mut data = Dict::new();
        data.insert(section.to_string(), Value::from(inner));
        Layer { name, data }
    }
}

impl Provider for Layer {
    fn metadata(&self) -> Metadata {
        Metadata::named(self.name.clone())
    }

    fn data(&self) -> Result<Map<Profile, Dict>, figment::Error> {
        Ok(Map::from([(Profile::Default, self.data.clone())]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| pairs.iter().find(|(n, _)| *n == name).map(|(_, v)| v.to_string())
    }

    #[test]
    fn each_layer_is_over_the_one_before_and_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("studio.yaml");
        std::fs::write(
            &file,
            "workflow:\n  max_concurrent_executions: 7\n  retry_attempts: 2\nteam:\n  redis: redis://r:6379\n",
        )
        .unwrap();
        let env = env_of(&[("STUDIO_WORKFLOW_MAX_CONCURRENT_EXECUTIONS", "10"), ("STUDIO_SMTP_FROM", "2024")]);
        let flags = [("team.redis", "--redis", "redis://flag:6379".to_string())];
        let layered = load(None, Some(dir.path()), &env, &flags).unwrap();
        assert_eq!(layered.settings.workflow.max_concurrent_executions, 10);
        assert_eq!(layered.settings.workflow.retry_attempts, 2);
        assert_eq!(layered.settings.smtp.from, "2024");
        assert_eq!(layered.settings.team.redis.as_deref(), Some("redis://flag:6379"));
        let source = |key: &str| layered.sources[key].clone();
        assert_eq!(
            source("workflow.max_concurrent_executions"),
            "environment STUDIO_WORKFLOW_MAX_CONCURRENT_EXECUTIONS"
        );
        assert_eq!(source("workflow.retry_attempts"), format!("file {}", file.display()));
        assert_eq!(source("workflow.default_timeout_hours"), "default");
        assert_eq!(source("team.redis"), "command line --redis");

        let runtime = layered.with_runtime(&[("workflow.retry_attempts".into(), 5.into())]).unwrap();
        assert_eq!(runtime.settings.workflow.retry_attempts, 5);
        assert_eq!(runtime.sources["workflow.retry_attempts"], "runtime");
        let entry = runtime.entries().into_iter().find(|e| e.key == "workflow.retry_attempts").unwrap();
        assert_eq!(
            (entry.value, entry.live, entry.env.as_deref()),
            (5.into(), true, Some("STUDIO_WORKFLOW_RETRY_ATTEMPTS"))
        );
    }

    #[test]
    fn bad_values_are_named_with_where_they_came_from() {
        let dir = tempfile::tempdir().unwrap();
        let env = env_of(&[("STUDIO_WORKFLOW_MAX_CONCURRENT_EXECUTIONS", "lots")]);
        let e = load(None, None, &env, &[]).unwrap_err().to_string();
        assert!(
            e.contains("workflow.max_concurrent_executions") && e.contains("STUDIO_WORKFLOW_MAX_CONCURRENT_EXECUTIONS"),
            "{e}"
        );
        let env = env_of(&[("STUDIO_WORKFLOW_MAX_CONCURRENT_EXECUTIONS", "0")]);
        let e = load(None, None, &env, &[]).unwrap_err().to_string();
        assert!(e.contains("must be from 1 to 1000, not 0 (from environment"), "{e}");

        let file = dir.path().join("studio.toml");
        std::fs::write(&file, "[workflow]\nmax_concurent = 3\n").unwrap();
        let e = load(Some(&file), None, &env_of(&[]), &[]).unwrap_err().to_string();
        assert!(e.contains("max_concurent") && e.contains(&file.display().to_string()), "{e}");
        std::fs::write(&file, "[workflow\n").unwrap();
        assert!(load(Some(&file), None, &env_of(&[]), &[]).is_err());
        let e = load(Some(&dir.path().join("missing.toml")), None, &env_of(&[]), &[]).unwrap_err().to_string();
        assert!(e.contains("does not exist"), "{e}");

        let layered = load(None, None, &env_of(&[]), &[]).unwrap();
        let e = layered.with_runtime(&[("team.database".into(), "postgres://x".into())]).unwrap_err().to_string();
        assert!(e.contains("read when Studio starts"), "{e}");
        let e = layered.with_runtime(&[("workflow.retry_attempts".into(), "many".into())]).unwrap_err().to_string();
        assert!(e.contains("workflow.retry_attempts"), "{e}");
        let e = layered.with_runtime(&[("agents.max_total_instances".into(), (-1).into())]).unwrap_err().to_string();
        assert!(e.contains("agents.max_total_instances"), "{e}");
    }

    #[test]
    fn secrets_are_masked_in_what_is_shown() {
        let env = env_of(&[("STUDIO_SMTP_URL", "smtps://ana:s3cret-pw@mail.example.org:465")]);
        let layered = load(None, None, &env, &[]).unwrap();
        let shown = serde_json::to_string(&layered.entries()).unwrap();
        assert!(!shown.contains("s3cret-pw") && shown.contains("mail.example.org"), "{shown}");
    }
}
