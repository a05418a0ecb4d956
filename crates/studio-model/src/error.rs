//! Errors of the model, each with a stable code the UI can classify without reading text.

use thiserror::Error;

#[derive(Debug, Error, Clone, PartialEq)]
pub enum ModelError {
    /// The request itself is wrong: a bad field, a missing field, a value out of range.
    #[error("{0}")]
    Invalid(String),
    /// The request names something that does not exist.
    #[error("{what} '{id}' does not exist")]
    NotFound { what: &'static str, id: String },
    /// A limit of the product is reached.
    #[error("{0}")]
    Limit(String),
    /// The serialized state is over the snapshot limit (`limit` bytes).
    #[error(
        "project state is {:.1} MB; a snapshot may hold at most {:.0} MB here",
        *bytes as f64 / (1024.0 * 1024.0),
        *limit as f64 / (1024.0 * 1024.0)
    )]
    SnapshotTooLarge { bytes: usize, limit: usize },
    /// Undo or redo cannot proceed; the text says why.
    #[error("{0}")]
    Undo(String),
    /// The request clashes with the project as it is (a collaborator already there, the last
    /// owner removed); the text says why.
    #[error("{0}")]
    Conflict(String),
}

impl ModelError {
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::Invalid(message.into())
    }

    /// The error for an action that is not an edit of the document: the core answers it (reads,
    /// tasks, the console), and only its settings, if it has any, are an edit.
    pub(crate) fn not_an_edit(workbench: crate::Workbench, action: &str) -> Self {
        Self::invalid(format!("{workbench}/{action} is not an edit of the document: the core answers it"))
    }

    /// Stable code for the UI and the HTTP layer.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Invalid(_) => "invalid_request",
            Self::NotFound { .. } => "not_found",
            Self::Limit(_) => "limit_reached",
            Self::SnapshotTooLarge { .. } => "snapshot_too_large",
            Self::Undo(_) => "undo_refused",
            Self::Conflict(_) => "conflict",
        }
    }
}

/// What kind of JSON value this is, as an error message says it: "a string", "an array"….
pub(crate) fn kind_of(value: &serde_json::Value) -> &'static str {
    use serde_json::Value;
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
