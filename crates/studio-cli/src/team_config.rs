//! The team server's settings: the `[team]` section of the layered settings (`settings.rs` in
//! the core: defaults → configuration file → `STUDIO_*` → these flags → runtime).
//!
//! ```toml
//! [team]
//! database = "postgres://studio@db.example.org:5432/studio"   # STUDIO_DATABASE_URL
//! redis = "redis://cache.example.org:6379"                    # STUDIO_REDIS_URL
//! listen = "0.0.0.0:8080"                                     # STUDIO_LISTEN
//! blob_dir = "/srv/studio-blobs"                              # STUDIO_BLOB_DIR
//! ```
//!
//! `blob_dir`: a directory every instance reaches (a network share) where artifacts' bytes are
//! kept by their SHA-256; without it they are kept in PostgreSQL.

use std::net::SocketAddr;
use std::path::PathBuf;

use studio_core::{Configuration, CoreError};

/// Where a team server listens unless told otherwise.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:7880";

/// The command line's layer of the settings: (key, flag, value) of each flag given.
pub type Flags = Vec<(&'static str, &'static str, String)>;

/// The team server's flags as the command line's layer.
pub fn flags(
    database: Option<&str>,
    redis: Option<&str>,
    listen: Option<SocketAddr>,
    blob_dir: Option<&std::path::Path>,
) -> Flags {
    let mut flags = Vec::new();
    if let Some(v) = database {
        flags.push(("team.database", "--database", v.to_string()));
    }
    if let Some(v) = redis {
        flags.push(("team.redis", "--redis", v.to_string()));
    }
    if let Some(v) = listen {
        flags.push(("team.listen", "--listen", v.to_string()));
    }
    if let Some(v) = blob_dir {
        flags.push(("team.blob_dir", "--blob-dir", v.display().to_string()));
    }
    flags
}

/// The settings as they stand, every layer applied.
#[derive(Debug, Clone, PartialEq)]
pub struct Team {
    pub database: String,
    /// The team's Redis: without it, one instance serves alone.
    pub redis: Option<String>,
    pub listen: SocketAddr,
    /// The instances' shared directory for artifacts; `None`: in PostgreSQL.
    pub blob_dir: Option<PathBuf>,
}

/// The team server's settings out of the layered ones.
pub fn team(settings: &Configuration) -> Result<Team, CoreError> {
    let team = &settings.team;
    let database = team.database.clone().filter(|d| !d.trim().is_empty()).ok_or_else(|| {
        CoreError::invalid(
            "a team server needs its PostgreSQL database: --database postgres://…, STUDIO_DATABASE_URL, \
             or `database` under [team] in the configuration file",
        )
    })?;
    let listen = team.listen.as_deref().unwrap_or(DEFAULT_LISTEN);
    let listen = listen.trim().parse().map_err(|_| {
        CoreError::invalid(format!("team.listen '{listen}' is not an address to listen on (such as 0.0.0.0:8080)"))
    })?;
    Ok(Team {
        database,
        redis: team.redis.clone().filter(|r| !r.trim().is_empty()),
        listen,
        blob_dir: team.blob_dir.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(toml: &str, env: &[(&str, &str)], flags: &[(&str, &str, String)]) -> Result<Team, CoreError> {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("studio.toml");
        std::fs::write(&file, toml).unwrap();
        let env = |name: &str| env.iter().find(|(n, _)| *n == name).map(|(_, v)| v.to_string());
        let layered = studio_core::load_settings(Some(&file), None, &env, flags)?;
        team(&layered.settings)
    }

    #[test]
    fn each_layer_overrides_the_one_below() {
        let file =
            "[team]\ndatabase = \"postgres://file/db\"\nredis = \"redis://file:6379\"\nlisten = \"0.0.0.0:9000\"\n";
        let from_file = settings(file, &[], &[]).unwrap();
        assert_eq!(from_file.database, "postgres://file/db");
        assert_eq!(from_file.listen.to_string(), "0.0.0.0:9000");
        assert_eq!(from_file.redis.as_deref(), Some("redis://file:6379"));

        let vars = [("STUDIO_DATABASE_URL", "postgres://env/db")];
        let over_file = settings(file, &vars, &[]).unwrap();
        assert_eq!(over_file.database, "postgres://env/db", "the environment over the file");
        assert_eq!(over_file.listen.to_string(), "0.0.0.0:9000", "the file where the environment is silent");

        let flags = flags(Some("postgres://flag/db"), None, None, None);
        assert_eq!(settings(file, &vars, &flags).unwrap().database, "postgres://flag/db");
    }

    #[test]
    fn what_is_missing_or_wrong_is_named() {
        let none = settings("", &[], &[]).unwrap_err();
        assert!(none.message.contains("needs its PostgreSQL database"), "{}", none.message);
        let listen = settings("", &[("STUDIO_DATABASE_URL", "postgres://x/y"), ("STUDIO_LISTEN", "port 80")], &[]);
        assert!(listen.unwrap_err().message.contains("'port 80' is not an address"));
        let typo = settings("[team]\ndatabse = \"typo\"\n", &[], &[]).unwrap_err();
        assert!(typo.message.contains("databse"), "{}", typo.message);
        let defaulted = settings("", &[("STUDIO_DATABASE_URL", "postgres://x/y")], &[]).unwrap();
        assert_eq!(defaulted.listen.to_string(), DEFAULT_LISTEN);
    }
}
