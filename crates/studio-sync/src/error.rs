//! What can go wrong in collaboration, each with a message that names the problem.

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// A file this crate keeps (a key) could not be read or written.
    #[error("{path}: {message}")]
    File { path: String, message: String },
    /// Something given to us (a key, an invite, a signature) is not what it must be.
    #[error("{0}")]
    Invalid(String),
    /// An invite or a token that was valid is not any more (expired, revoked).
    #[error("{0}")]
    Refused(String),
    /// The other side could not be reached, or the exchange broke off.
    #[error("{0}")]
    Network(String),
    /// The other side does not have what was asked for.
    #[error("{0}")]
    Missing(String),
}

impl SyncError {
    pub fn invalid(message: impl Into<String>) -> Self {
        SyncError::Invalid(message.into())
    }

    pub fn refused(message: impl Into<String>) -> Self {
        SyncError::Refused(message.into())
    }

    pub(crate) fn file(path: &std::path::Path, message: impl std::fmt::Display) -> Self {
        SyncError::File { path: path.display().to_string(), message: message.to_string() }
    }
}
