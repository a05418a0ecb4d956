//! The API's error: a stable code for programs and a message for people.

use std::fmt;

use serde::{Deserialize, Serialize};
use studio_model::ModelError;
use studio_store::StoreError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CoreError {
    /// Stable, snake_case: `invalid_request`, `not_found`, `conflict`, `limit_reached`,
    /// `not_available`, `snapshot_too_large`, `undo_refused`, `invalid_file`, `newer_schema`,
    /// `io_error`, `store_error`, `document_error`, `internal`.
    pub code: String,
    pub message: String,
}

impl CoreError {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        CoreError { code: code.to_string(), message: message.into() }
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        CoreError::new("invalid_request", message)
    }

    pub fn internal(e: impl fmt::Display) -> Self {
        CoreError::new("internal", e.to_string())
    }

    pub fn document(e: impl fmt::Display) -> Self {
        CoreError::new("document_error", format!("project document: {e}"))
    }

    /// The HTTP status that fits the code.
    pub fn http_status(&self) -> u16 {
        match self.code.as_str() {
            "invalid_request" | "undo_refused" | "invalid_file" => 400,
            "forbidden" => 403,
            "not_found" => 404,
            "conflict" | "limit_reached" | "newer_schema" | "not_ready" => 409,
            "snapshot_too_large" => 413,
            "not_available" => 501,
            // The team server's PostgreSQL or Redis cannot be reached: try again later.
            "unavailable" => 503,
            _ => 500,
        }
    }
}

impl fmt::Display for CoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CoreError {}

pub type Result<T> = std::result::Result<T, CoreError>;

impl From<ModelError> for CoreError {
    fn from(e: ModelError) -> Self {
        CoreError::new(e.code(), e.to_string())
    }
}

impl From<StoreError> for CoreError {
    fn from(e: StoreError) -> Self {
        CoreError::new(e.code(), e.to_string())
    }
}

impl From<studio_report::ReportError> for CoreError {
    fn from(e: studio_report::ReportError) -> Self {
        use studio_report::ReportError;
        match e {
            ReportError::Invalid(m) => CoreError::invalid(m),
            ReportError::NotReady(m) => CoreError::new("not_ready", m),
            e @ ReportError::Render { .. } => CoreError::internal(e.to_string()),
        }
    }
}
