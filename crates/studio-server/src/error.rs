//! Every error leaves as JSON `{code, message}` with the status that fits its code.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use studio_core::CoreError;

#[derive(Debug)]
pub struct ApiError(pub CoreError);

impl ApiError {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        ApiError(CoreError::new(code, message))
    }

    pub fn status(&self) -> StatusCode {
        match self.0.code.as_str() {
            "unauthorized" => StatusCode::UNAUTHORIZED,
            "payload_too_large" => StatusCode::PAYLOAD_TOO_LARGE,
            _ => StatusCode::from_u16(self.0.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        }
    }
}

impl From<CoreError> for ApiError {
    fn from(e: CoreError) -> Self {
        ApiError(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status(), Json(self.0)).into_response()
    }
}
