//! The team server's database: PostgreSQL, for the deployment a team runs when one analyst's
//! machine is no longer where the project lives (`studio serve --team`). The seed's tables
//! with its names (`migrations-postgres/`, run at connect by sqlx), the team's accounts
//! (`accounts`), the sync layer's key/value storage (`sync_storage`) and the task queue every
//! instance claims from (`task_queue`). Several server instances share one database; nothing here keeps state of its
//! own beyond the pool.

mod access;
mod accounts;
mod bus;
mod roles;
mod store;
mod sync_storage;
mod task_queue;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

pub use access::ProjectAccess;
pub use accounts::{Member, NewTeam, Role, TeamRow, TokenGrant, UserRow};
pub use bus::{BusEvent, TeamBus};
pub use roles::{GrantRow, RoleRow};
pub(crate) use store::TeamStore;
pub use task_queue::{QueueCounts, QueuedTask};

use crate::{Result, StoreError};

/// The team database's migrations.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations-postgres");

/// Users by their token's hash, with when the token last signed in.
type SignedIn = std::collections::HashMap<String, (accounts::UserRow, std::time::Instant)>;

/// A handle on the team server's database.
#[derive(Clone, Debug)]
pub struct TeamDb {
    pool: PgPool,
    /// Who each token belonged to when it last signed in (by its hash), for while the
    /// database is away (`authenticate`).
    signed_in: std::sync::Arc<std::sync::Mutex<SignedIn>>,
    /// A directory the instances share, where artifacts' bytes are kept (else in the rows).
    blob_dir: Option<std::path::PathBuf>,
}

impl TeamDb {
    /// Connects to `url` (`postgres://user@host:port/database`) and brings its schema up to
    /// date. An unreachable server or a refused login is named, not retried forever.
    pub async fn connect(url: &str) -> Result<TeamDb> {
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(StoreError::Invalid(format!(
                "'{}' is not a PostgreSQL URL: it starts postgres:// or postgresql://",
                redact(url)
            )));
        }
        let options: PgConnectOptions =
            url.parse().map_err(|e| StoreError::Invalid(format!("'{}' is not a PostgreSQL URL: {e}", redact(url))))?;
        let pool = PgPoolOptions::new()
            .max_connections(32)
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options)
            .await
            .map_err(|e| StoreError::Unavailable(format!("PostgreSQL at {} is not available: {e}", redact(url))))?;
        MIGRATOR.run(&pool).await?;
        Ok(TeamDb { pool, signed_in: Default::default(), blob_dir: None })
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Keeps artifacts' bytes in `dir`, a directory every instance reaches (a network share),
    /// named by their SHA-256; made if missing. Artifacts kept in rows before stay readable.
    pub fn with_blob_dir(mut self, dir: &std::path::Path) -> Result<TeamDb> {
        std::fs::create_dir_all(dir).map_err(|e| StoreError::io(dir, e))?;
        self.blob_dir = Some(dir.to_path_buf());
        Ok(self)
    }

    pub fn blob_dir(&self) -> Option<&std::path::Path> {
        self.blob_dir.as_deref()
    }

    /// Closes the pool: waits for connections in use to be returned.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// `url` without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// A UUID from text, or an error naming what it was meant to be.
pub(crate) fn uuid(what: &str, id: &str) -> Result<uuid::Uuid> {
    uuid::Uuid::parse_str(id).map_err(|_| StoreError::Invalid(format!("{what} '{id}' is not a UUID")))
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_are_not_repeated() {
        assert_eq!(redact("postgres://ana:secret@db:5432/studio"), "postgres://ana:***@db:5432/studio");
        assert_eq!(redact("postgres://ana@db/studio"), "postgres://ana@db/studio");
        assert_eq!(redact("not a url"), "not a url");
    }
}
