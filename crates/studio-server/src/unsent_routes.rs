//! What a team server kept for a member it could not serve: their edits refused while its
//! database was away (offered back, to apply or discard) and each client's session state, for
//! 24 hours, from whichever instance they reconnect through.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State};
use studio_core::Request;

use crate::handlers::{Answer, Params, answer, body_bytes, user};
use crate::{ApiError, AppState};

pub async fn unsent(State(s): State<AppState>, Path(id): Path<String>, Query(q): Params) -> Answer {
    answer(&s, Request::UnsentEdits { project_id: id, user_id: user(&q, &s) }).await
}

pub async fn apply(State(s): State<AppState>, Path(id): Path<String>, Query(q): Params) -> Answer {
    answer(&s, Request::ApplyUnsent { project_id: id, user_id: user(&q, &s) }).await
}

pub async fn discard(State(s): State<AppState>, Path(id): Path<String>, Query(q): Params) -> Answer {
    answer(&s, Request::DiscardUnsent { project_id: id, user_id: user(&q, &s) }).await
}

pub async fn session(State(s): State<AppState>, Path(client): Path<String>, Query(q): Params) -> Answer {
    answer(&s, Request::SessionState { user_id: user(&q, &s), client_id: client }).await
}

pub async fn keep_session(
    State(s): State<AppState>,
    Path(client): Path<String>,
    Query(q): Params,
    raw: Result<Bytes, BytesRejection>,
) -> Answer {
    // The state as the client sent it: any JSON, nothing added.
    let state: serde_json::Value = serde_json::from_slice(&body_bytes(raw)?)
        .map_err(|e| ApiError::new("invalid_request", format!("the session state is not valid JSON: {e}")))?;
    answer(&s, Request::KeepSession { user_id: user(&q, &s), client_id: client, state }).await
}
