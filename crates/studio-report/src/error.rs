use thiserror::Error;

#[derive(Debug, Error, PartialEq)]
pub enum ReportError {
    /// The request names something that does not exist or cannot be used.
    #[error("{0}")]
    Invalid(String),
    /// The project has no results to report on yet.
    #[error("{0}")]
    NotReady(String),
    /// A renderer failed: a bug, not the analyst's input.
    #[error("rendering the {format} failed: {message}")]
    Render { format: &'static str, message: String },
}

impl ReportError {
    pub(crate) fn render(format: &'static str, message: impl ToString) -> ReportError {
        ReportError::Render { format, message: message.to_string() }
    }
}
