//! The team server's settings, in layers, each over the one before: a TOML file (`--config
//! FILE`, else `STUDIO_CONFIG`), then `STUDIO_*` environment variables, then the command line.
//!
//! ```toml
//! [team]
//! database = "postgres://studio@db.example.org:5432/studio"   # STUDIO_DATABASE_URL
//! redis = "redis://cache.example.org:6379"                    # STUDIO_REDIS_URL
//! listen = "0.0.0.0:8080"                                     # STUDIO_LISTEN
//! export_retention_days = 90                                  # STUDIO_EXPORT_RETENTION_DAYS
//! blob_dir = "/srv/studio-blobs"                              # STUDIO_BLOB_DIR
//! ```
//!
//! `blob_dir`: a directory every instance reaches (a network share) where artifacts' bytes are
//! kept by their SHA-256; without it they are kept in PostgreSQL.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use studio_core::CoreError;

/// Where a team server listens unless told otherwise.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:7880";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    team: TeamSettings,
}

/// One layer's settings; `None` leaves the layer below.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamSettings {
    pub database: Option<String>,
    pub redis: Option<String>,
    pub listen: Option<SocketAddr>,
    pub export_retention_days: Option<u64>,
    pub blob_dir: Option<PathBuf>,
}

impl TeamSettings {
    fn over(self, below: TeamSettings) -> TeamSettings {
        TeamSettings {
            database: self.database.or(below.database),
            redis: self.redis.or(below.redis),
            listen: self.listen.or(below.listen),
            export_retention_days: self.export_retention_days.or(below.export_retention_days),
            blob_dir: self.blob_dir.or(below.blob_dir),
        }
    }
}

/// The settings as they stand, every layer applied.
#[derive(Debug, Clone, PartialEq)]
pub struct Team {
    pub database: String,
    /// The team's Redis: without it, one instance serves alone.
    pub redis: Option<String>,
    pub listen: SocketAddr,
    /// Days exports are kept (0: for good); `None`: the product's default.
    pub export_retention_days: Option<u64>,
    /// The instances' shared directory for artifacts; `None`: in PostgreSQL.
    pub blob_dir: Option<PathBuf>,
}

/// Resolves the layers: `file` (its path, else `STUDIO_CONFIG`), the environment as `env`
/// reads it, and the command line's `flags`.
pub fn resolve(
    file: Option<&Path>,
    env: &dyn Fn(&str) -> Option<String>,
    flags: TeamSettings,
) -> Result<Team, CoreError> {
    let path = file.map(Path::to_path_buf).or_else(|| env("STUDIO_CONFIG").map(Into::into));
    let from_file = match &path {
        Some(path) => read_file(path)?,
        None => TeamSettings::default(),
    };
    let from_env = TeamSettings {
        database: env("STUDIO_DATABASE_URL").filter(|v| !v.trim().is_empty()),
        redis: env("STUDIO_REDIS_URL").filter(|v| !v.trim().is_empty()),
        listen: env("STUDIO_LISTEN").map(|v| parse_listen("STUDIO_LISTEN", &v)).transpose()?,
        export_retention_days: env("STUDIO_EXPORT_RETENTION_DAYS")
            .map(|v| {
                v.trim().parse().map_err(|_| {
                    CoreError::invalid(format!(
                        "STUDIO_EXPORT_RETENTION_DAYS must be a whole number of days, not '{v}'"
                    ))
                })
            })
            .transpose()?,
        blob_dir: env("STUDIO_BLOB_DIR").filter(|v| !v.trim().is_empty()).map(PathBuf::from),
    };
    let settings = flags.over(from_env.over(from_file));
    let database = settings.database.ok_or_else(|| {
        CoreError::invalid(
            "a team server needs its PostgreSQL database: --database postgres://…, STUDIO_DATABASE_URL, \
             or `database` under [team] in the configuration file",
        )
    })?;
    let listen = match settings.listen {
        Some(listen) => listen,
        None => parse_listen("the default address", DEFAULT_LISTEN)?,
    };
    Ok(Team {
        database,
        redis: settings.redis,
        listen,
        export_retention_days: settings.export_retention_days,
        blob_dir: settings.blob_dir,
    })
}

fn read_file(path: &Path) -> Result<TeamSettings, CoreError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CoreError::new("io_error", format!("the configuration file {}: {e}", path.display())))?;
    let file: File = toml::from_str(&text)
        .map_err(|e| CoreError::invalid(format!("the configuration file {} is not valid: {e}", path.display())))?;
    Ok(file.team)
}

fn parse_listen(what: &str, text: &str) -> Result<SocketAddr, CoreError> {
    text.trim().parse().map_err(|_| {
        CoreError::invalid(format!("{what} '{text}' is not an address to listen on (such as 0.0.0.0:8080)"))
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |name| vars.get(name).cloned()
    }

    #[test]
    fn each_layer_overrides_the_one_below() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("team.toml");
        std::fs::write(
            &file,
            "[team]\ndatabase = \"postgres://file/db\"\nredis = \"redis://file:6379\"\nlisten = \"0.0.0.0:9000\"\nexport_retention_days = 30\n",
        )
        .unwrap();
        let from_file = resolve(Some(&file), &env(&[]), TeamSettings::default()).unwrap();
        assert_eq!(from_file.database, "postgres://file/db");
        assert_eq!(from_file.listen.to_string(), "0.0.0.0:9000");
        assert_eq!(from_file.export_retention_days, Some(30));
        assert_eq!(from_file.redis.as_deref(), Some("redis://file:6379"));

        let vars = [("STUDIO_DATABASE_URL", "postgres://env/db"), ("STUDIO_CONFIG", file.to_str().unwrap())];
        let over_file = resolve(None, &env(&vars), TeamSettings::default()).unwrap();
        assert_eq!(over_file.database, "postgres://env/db", "the environment over the file");
        assert_eq!(over_file.listen.to_string(), "0.0.0.0:9000", "the file where the environment is silent");

        let flags = TeamSettings { database: Some("postgres://flag/db".into()), ..TeamSettings::default() };
        assert_eq!(resolve(None, &env(&vars), flags).unwrap().database, "postgres://flag/db");
    }

    #[test]
    fn what_is_missing_or_wrong_is_named() {
        let none = resolve(None, &env(&[]), TeamSettings::default()).unwrap_err();
        assert!(none.message.contains("needs its PostgreSQL database"), "{}", none.message);
        let listen = resolve(
            None,
            &env(&[("STUDIO_DATABASE_URL", "postgres://x/y"), ("STUDIO_LISTEN", "port 80")]),
            TeamSettings::default(),
        );
        assert!(listen.unwrap_err().message.contains("'port 80' is not an address"));
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("bad.toml");
        std::fs::write(&file, "[team]\ndatabse = \"typo\"\n").unwrap();
        let typo = resolve(Some(&file), &env(&[]), TeamSettings::default()).unwrap_err();
        assert!(typo.message.contains("is not valid") && typo.message.contains("databse"), "{}", typo.message);
        let gone = resolve(Some(&dir.path().join("missing.toml")), &env(&[]), TeamSettings::default()).unwrap_err();
        assert!(gone.message.contains("missing.toml"), "{}", gone.message);
        let defaulted =
            resolve(None, &env(&[("STUDIO_DATABASE_URL", "postgres://x/y")]), TeamSettings::default()).unwrap();
        assert_eq!(defaulted.listen.to_string(), DEFAULT_LISTEN);
    }
}
