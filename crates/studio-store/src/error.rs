//! Store errors, with stable codes for the API.

use std::path::{Path, PathBuf};

use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("{what} '{id}' does not exist")]
    NotFound { what: &'static str, id: String },
    #[error("{0}")]
    Conflict(String),
    #[error("{} is not a FutureOS Studio file: {detail}", path.display())]
    NotALibrary { path: PathBuf, detail: String },
    #[error(
        "{} was written by a newer FutureOS Studio (schema {found}; this version reads up to {supported}); update Studio to open it",
        path.display()
    )]
    NewerSchema { path: PathBuf, found: i64, supported: i64 },
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("database error: {0}")]
    Sqlx(sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("stored data is malformed: {0}")]
    Corrupt(String),
    /// A request the store refuses as it stands (a bad role, a malformed id).
    #[error("{0}")]
    Invalid(String),
    /// A token that is unknown, revoked or past its expiry.
    #[error("{0}")]
    Unauthorized(String),
    /// The team server's database cannot be reached (or refused us).
    #[error("{0}")]
    Unavailable(String),
    /// The row was written by someone else since the caller read it (`WorkingCopy::
    /// expected_stamp`): read it again, merge, and write again.
    #[error("project '{0}' was written by another session since it was read")]
    Stale(String),
    /// The journal write of a group failed; every edit of the group gets this.
    #[error("the edit could not be written to the journal: {0}")]
    Journal(String),
}

impl StoreError {
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        StoreError::Io { path: path.to_path_buf(), source }
    }

    pub fn not_found(what: &'static str, id: impl Into<String>) -> Self {
        StoreError::NotFound { what, id: id.into() }
    }

    pub fn code(&self) -> &'static str {
        match self {
            StoreError::NotFound { .. } => "not_found",
            StoreError::Conflict(_) | StoreError::Stale(_) => "conflict",
            StoreError::NotALibrary { .. } => "invalid_file",
            StoreError::NewerSchema { .. } => "newer_schema",
            StoreError::Io { .. } => "io_error",
            StoreError::Invalid(_) => "invalid_request",
            StoreError::Unavailable(_) => "unavailable",
            StoreError::Unauthorized(_) => "unauthorized",
            StoreError::Sqlx(_) | StoreError::Migrate(_) | StoreError::Corrupt(_) | StoreError::Journal(_) => {
                "store_error"
            }
        }
    }
}

/// A database that went away (a server restarting, a network down, no free connection) is
/// `Unavailable`, said so plainly: nothing was written, and trying again once it is back works.
impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        let gone = match &e {
            sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::WorkerCrashed => {
                true
            }
            // Class 08 (connection exception) and 57P01..57P03 (the server shutting down or
            // starting): https://www.postgresql.org/docs/current/errcodes-appendix.html
            sqlx::Error::Database(db) => {
                db.code().is_some_and(|c| c.starts_with("08") || matches!(c.as_ref(), "57P01" | "57P02" | "57P03"))
            }
            _ => false,
        };
        if gone {
            StoreError::Unavailable(format!(
                "the database cannot be reached ({e}); nothing was changed: try again when it is back"
            ))
        } else {
            StoreError::Sqlx(e)
        }
    }
}

/// True when the error is a UNIQUE or PRIMARY KEY violation.
pub(crate) fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.is_unique_violation())
}
