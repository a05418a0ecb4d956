//! One handler per route: read the path, query and body, call one `Studio` method, answer
//! with its result as JSON. Requests that name no `user_id` act as the local user.

use std::collections::HashMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use studio_core::model::{ProjectCreate, ProjectLoad, Workbench, WorkbenchAction};
use studio_core::{CoreError, MetadataUpdate};

use crate::{ApiError, AppState};

pub(crate) type Answer = Result<Response, ApiError>;
pub(crate) type Params = Query<HashMap<String, String>>;

pub(crate) fn ok<T: Serialize>(value: T) -> Answer {
    Ok(Json(value).into_response())
}

fn created<T: Serialize>(value: T) -> Answer {
    Ok((StatusCode::CREATED, Json(value)).into_response())
}

/// The body as JSON, with the local user filled in where no `user_id` is given.
fn body_value(body: Result<Bytes, BytesRejection>, state: &AppState) -> Result<Value, ApiError> {
    let bytes = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new("payload_too_large", "the request body is over the 16 MB limit")
        } else {
            ApiError::new("invalid_request", e.body_text())
        }
    })?;
    let mut value: Value = if bytes.is_empty() {
        json!({})
    } else {
        serde_json::from_slice(&bytes)
            .map_err(|e| ApiError::new("invalid_request", format!("the body is not valid JSON: {e}")))?
    };
    let Some(object) = value.as_object_mut() else {
        return Err(ApiError::new("invalid_request", "the body must be a JSON object"));
    };
    object.entry("user_id").or_insert_with(|| json!(state.local_user));
    Ok(value)
}

pub(crate) fn body<T: DeserializeOwned>(body: Result<Bytes, BytesRejection>, state: &AppState) -> Result<T, ApiError> {
    let value = body_value(body, state)?;
    serde_json::from_value(value).map_err(|e| ApiError::new("invalid_request", format!("invalid request body: {e}")))
}

pub(crate) fn user(params: &HashMap<String, String>, state: &AppState) -> String {
    params.get("user_id").cloned().unwrap_or_else(|| state.local_user.clone())
}

fn workbench(name: &str) -> Result<Workbench, ApiError> {
    name.parse::<Workbench>().map_err(|e| ApiError(CoreError::from(e)))
}

pub async fn create_project(State(s): State<AppState>, raw: Result<Bytes, BytesRejection>) -> Answer {
    let req: ProjectCreate = body(raw, &s)?;
    created(s.studio.create_project(&req).await?)
}

pub async fn list_projects(State(s): State<AppState>, Query(q): Params) -> Answer {
    let user = if q.get("all").is_some_and(|v| v == "true") { None } else { Some(user(&q, &s)) };
    ok(s.studio.list_projects(user.as_deref()).await?)
}

pub async fn get_project(State(s): State<AppState>, Path(id): Path<String>, Query(q): Params) -> Answer {
    let version = match q.get("version") {
        Some(v) => Some(
            v.parse::<u32>().map_err(|_| ApiError::new("invalid_request", format!("version '{v}' is not a number")))?,
        ),
        None => None,
    };
    ok(s.studio.get_project(&ProjectLoad { project_id: id, user_id: user(&q, &s), version }).await?)
}

pub async fn update_project(
    State(s): State<AppState>,
    Path(id): Path<String>,
    raw: Result<Bytes, BytesRejection>,
) -> Answer {
    let mut value = body_value(raw, &s)?;
    let user = value.as_object_mut().and_then(|o| o.remove("user_id")).and_then(|u| u.as_str().map(str::to_string));
    let update: MetadataUpdate = serde_json::from_value(value)
        .map_err(|e| ApiError::new("invalid_request", format!("invalid request body: {e}")))?;
    ok(s.studio.update_project(&id, &user.unwrap_or_else(|| s.local_user.clone()), &update).await?)
}

pub async fn delete_project(State(s): State<AppState>, Path(id): Path<String>, Query(q): Params) -> Answer {
    s.studio.delete_project(&id, &user(&q, &s)).await?;
    ok(json!({ "deleted": id }))
}

pub async fn undelete_project(State(s): State<AppState>, Path(id): Path<String>, Query(q): Params) -> Answer {
    ok(s.studio.undelete_project(&id, &user(&q, &s)).await?)
}

pub async fn list_versions(State(s): State<AppState>, Path(id): Path<String>) -> Answer {
    ok(s.studio.versions(&id).await?)
}

/// Saves a version; with `?background=true`, as a task (202 with the task).
pub async fn save_project(State(s): State<AppState>, Path(id): Path<String>, Query(q): Params) -> Answer {
    if q.get("background").is_some_and(|b| b == "true") {
        let task = s.studio.start_save(&id, &user(&q, &s)).await?;
        return Ok((StatusCode::ACCEPTED, Json(task)).into_response());
    }
    created(s.studio.save(&id, &user(&q, &s)).await?)
}

pub async fn restore_version(
    State(s): State<AppState>,
    Path((id, version)): Path<(String, u32)>,
    Query(q): Params,
) -> Answer {
    created(s.studio.restore_version(&id, &user(&q, &s), version).await?)
}

pub async fn duplicate_project(
    State(s): State<AppState>,
    Path(id): Path<String>,
    raw: Result<Bytes, BytesRejection>,
) -> Answer {
    let value = body_value(raw, &s)?;
    let user = value["user_id"].as_str().unwrap_or(&s.local_user).to_string();
    let name = value.get("project_name").and_then(Value::as_str);
    created(s.studio.duplicate_project(&id, &user, name).await?)
}

pub async fn workbench_action(
    State(s): State<AppState>,
    Path((id, name)): Path<(String, String)>,
    raw: Result<Bytes, BytesRejection>,
) -> Answer {
    let workbench = workbench(&name)?;
    let mut value = body_value(raw, &s)?;
    if let Some(object) = value.as_object_mut() {
        object.insert("project_id".into(), json!(id));
        object.insert("workbench".into(), json!(workbench));
        object.entry("payload").or_insert_with(|| json!({}));
    }
    let action: WorkbenchAction = serde_json::from_value(value)
        .map_err(|e| ApiError::new("invalid_request", format!("invalid request body: {e}")))?;
    ok(s.studio.workbench_action(&action).await?)
}

pub async fn workbench_state(
    State(s): State<AppState>,
    Path((id, name)): Path<(String, String)>,
    Query(q): Params,
) -> Answer {
    ok(s.studio.workbench_state(&id, &user(&q, &s), workbench(&name)?).await?)
}

pub async fn undo(State(s): State<AppState>, Path(id): Path<String>, Query(q): Params) -> Answer {
    ok(s.studio.undo(&id, &user(&q, &s)).await?)
}

pub async fn redo(State(s): State<AppState>, Path(id): Path<String>, Query(q): Params) -> Answer {
    ok(s.studio.redo(&id, &user(&q, &s)).await?)
}

pub async fn log(State(s): State<AppState>, Path(id): Path<String>) -> Answer {
    ok(s.studio.log(&id).await?)
}

pub async fn library_info(State(s): State<AppState>) -> Answer {
    ok(s.studio.library_info().await?)
}

pub async fn recovery_offer(State(s): State<AppState>, Path(id): Path<String>) -> Answer {
    ok(s.studio.recovery_offer(&id).await?)
}

pub async fn recover(State(s): State<AppState>, Path(id): Path<String>, Query(q): Params) -> Answer {
    ok(s.studio.recover(&id, &user(&q, &s)).await?)
}

pub async fn discard_recovery(State(s): State<AppState>, Path(id): Path<String>) -> Answer {
    ok(json!({ "discarded": s.studio.discard_recovery(&id).await? }))
}

pub async fn list_templates(State(s): State<AppState>) -> Answer {
    ok(s.studio.templates().await?)
}

pub async fn save_template(State(s): State<AppState>, raw: Result<Bytes, BytesRejection>) -> Answer {
    let value = body_value(raw, &s)?;
    let field = |k: &str| value.get(k).and_then(Value::as_str);
    let project = field("project_id").ok_or_else(|| ApiError::new("invalid_request", "the body needs project_id"))?;
    let name =
        field("name").ok_or_else(|| ApiError::new("invalid_request", "the body needs name (the template's name)"))?;
    let user = field("user_id").unwrap_or(&s.local_user);
    created(s.studio.save_template(project, user, name, field("description")).await?)
}

/// Routes of the seed whose capability lands with a later issue.
pub async fn not_available(Path(params): Path<HashMap<String, String>>) -> Answer {
    let _ = params;
    Err(ApiError::new(
        "not_available",
        "this capability is not available yet: it lands with the report and collaboration work",
    ))
}

pub async fn openapi() -> Response {
    ([(axum::http::header::CONTENT_TYPE, "application/json")], crate::OPENAPI_JSON).into_response()
}

pub async fn no_route() -> ApiError {
    ApiError::new("not_found", "no such route; the API is described at /api/v1/openapi.json")
}
