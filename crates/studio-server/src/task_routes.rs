//! Routes of long work: a project's tasks, pipeline runs, exports, one task, cancelling it. Long actions answer 202 with the task(s) at once; progress follows on the
//! project's WebSocket as `task_changed` events.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::Serialize;

use studio_core::Request;

use crate::bodies::{CancelBody, ProjectExportBody};
use crate::handlers::{Answer, Params, answer, body, run, user};
use crate::{ApiError, AppState};

fn accepted<T: Serialize>(value: T) -> Answer {
    Ok((StatusCode::ACCEPTED, Json(value)).into_response())
}

pub async fn list_tasks(State(s): State<AppState>, Path(id): Path<String>) -> Answer {
    answer(&s, Request::ListTasks { project_id: id }).await
}

pub async fn run_pipeline(State(s): State<AppState>, Path(id): Path<String>, Query(q): Params) -> Answer {
    accepted(run(&s, Request::RunPipeline { project_id: id, user_id: user(&q, &s) }).await?)
}

pub async fn export_project(
    State(s): State<AppState>,
    Path(id): Path<String>,
    raw: Result<Bytes, BytesRejection>,
) -> Answer {
    let req: ProjectExportBody = body(raw, &s)?;
    if !req.path.is_absolute() {
        return Err(ApiError::new(
            "invalid_request",
            "path must be absolute: where on this machine to write the .studio file",
        ));
    }
    let request = Request::ExportProject { project_id: id, path: req.path, with_artifacts: req.with_artifacts };
    accepted(run(&s, request).await?)
}

pub async fn get_task(State(s): State<AppState>, Path(tid): Path<String>) -> Answer {
    answer(&s, Request::GetTask { task_id: tid }).await
}

pub async fn cancel_task(
    State(s): State<AppState>,
    Path(tid): Path<String>,
    raw: Result<Bytes, BytesRejection>,
) -> Answer {
    let req: CancelBody = body(raw, &s)?;
    answer(&s, Request::CancelTask { task_id: tid, reason: req.reason }).await
}
