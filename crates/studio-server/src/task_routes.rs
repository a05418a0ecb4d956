//! Routes of long work: a project's tasks, pipeline runs, exports, one task, cancelling it,
//! and the agents. Long actions answer 202 with the task(s) at once; progress follows on the
//! project's WebSocket as `task_changed` events.

use std::path::PathBuf;

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::{Deserialize, Serialize};

use crate::handlers::{Answer, Params, body, ok, user};
use crate::{ApiError, AppState};

fn accepted<T: Serialize>(value: T) -> Answer {
    Ok((StatusCode::ACCEPTED, Json(value)).into_response())
}

pub async fn list_tasks(State(s): State<AppState>, Path(id): Path<String>) -> Answer {
    ok(s.studio.list_tasks(&id).await?)
}

pub async fn run_pipeline(State(s): State<AppState>, Path(id): Path<String>, Query(q): Params) -> Answer {
    accepted(s.studio.run_pipeline(&id, &user(&q, &s)).await?)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExportBody {
    path: PathBuf,
    #[serde(default)]
    with_artifacts: bool,
    #[serde(default, rename = "user_id")]
    _user_id: Option<String>,
}

pub async fn export_project(
    State(s): State<AppState>,
    Path(id): Path<String>,
    raw: Result<Bytes, BytesRejection>,
) -> Answer {
    let req: ExportBody = body(raw, &s)?;
    if !req.path.is_absolute() {
        return Err(ApiError::new(
            "invalid_request",
            "path must be absolute: where on this machine to write the .studio file",
        ));
    }
    accepted(s.studio.start_export(&id, req.path, req.with_artifacts).await?)
}

pub async fn get_task(State(s): State<AppState>, Path(tid): Path<String>) -> Answer {
    ok(s.studio.get_task(&tid).await?)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CancelBody {
    #[serde(default)]
    reason: Option<String>,
    #[serde(default, rename = "user_id")]
    _user_id: Option<String>,
}

pub async fn cancel_task(
    State(s): State<AppState>,
    Path(tid): Path<String>,
    raw: Result<Bytes, BytesRejection>,
) -> Answer {
    let req: CancelBody = body(raw, &s)?;
    ok(s.studio.cancel_task(&tid, req.reason.as_deref()).await?)
}

pub async fn agents(State(s): State<AppState>) -> Answer {
    ok(s.studio.agents()?)
}
