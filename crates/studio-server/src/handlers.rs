//! One handler per route: read the path, query and body into one `Request`, run it through
//! the core's dispatch, answer with its result as JSON. Requests that name no `user_id` act as the local user.

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
use studio_core::model::{ProjectLoad, Workbench, WorkbenchAction};
use studio_core::{CoreError, MetadataUpdate, Request};

use crate::bodies::{ActionBody, DuplicateBody, TemplateBody};
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
    let bytes = body_bytes(body)?;
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

/// The body's bytes, or the error a body over the limit or unreadable is.
pub(crate) fn body_bytes(body: Result<Bytes, BytesRejection>) -> Result<Bytes, ApiError> {
    body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new("payload_too_large", "the request body is over the 16 MB limit")
        } else {
            ApiError::new("invalid_request", e.body_text())
        }
    })
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

/// Runs one request through the core's one dispatch: each route below only reads its path,
/// query and body into a `Request`.
pub(crate) async fn run(s: &AppState, request: Request) -> Result<studio_core::Answer, ApiError> {
    Ok(match crate::guard::caller() {
        Some(caller) => s.studio.dispatch_signed(&caller.user_id, Some(&caller.sign_in), request).await?,
        None => s.studio.dispatch(request).await?,
    })
}

pub(crate) async fn answer(s: &AppState, request: Request) -> Answer {
    ok(run(s, request).await?)
}

/// The generic route: any request in the core's envelope (`{"api_version": 1, "request":
/// "get_project", "project_id": …}`), the same the desktop shell's `dispatch` command takes.
pub async fn request(State(s): State<AppState>, raw: Result<Bytes, BytesRejection>) -> Answer {
    let value = body_value(raw, &s)?;
    ok(match crate::guard::caller() {
        Some(caller) => s.studio.dispatch_json_signed(&caller.user_id, Some(&caller.sign_in), &value).await?,
        None => s.studio.dispatch_json(&value).await?,
    })
}

pub async fn create_project(State(s): State<AppState>, raw: Result<Bytes, BytesRejection>) -> Answer {
    created(run(&s, Request::CreateProject(body(raw, &s)?)).await?)
}

pub async fn list_projects(State(s): State<AppState>, Query(q): Params) -> Answer {
    let user_id = if q.get("all").is_some_and(|v| v == "true") { None } else { Some(user(&q, &s)) };
    answer(&s, Request::ListProjects { user_id, team_id: q.get("team_id").cloned() }).await
}

pub async fn get_project(State(s): State<AppState>, Path(id): Path<String>, Query(q): Params) -> Answer {
    let version = match q.get("version") {
        Some(v) => Some(
            v.parse::<u32>().map_err(|_| ApiError::new("invalid_request", format!("version '{v}' is not a number")))?,
        ),
        None => None,
    };
    answer(&s, Request::GetProject(ProjectLoad { project_id: id, user_id: user(&q, &s), version })).await
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
    let user_id = user.unwrap_or_else(|| s.local_user.clone());
    answer(&s, Request::UpdateProject { project_id: id, user_id, update }).await
}

pub async fn delete_project(State(s): State<AppState>, Path(id): Path<String>, Query(q): Params) -> Answer {
    answer(&s, Request::DeleteProject { project_id: id, user_id: user(&q, &s) }).await
}

pub async fn undelete_project(State(s): State<AppState>, Path(id): Path<String>, Query(q): Params) -> Answer {
    answer(&s, Request::UndeleteProject { project_id: id, user_id: user(&q, &s) }).await
}

pub async fn list_versions(State(s): State<AppState>, Path(id): Path<String>) -> Answer {
    answer(&s, Request::ListVersions { project_id: id }).await
}

/// Saves a version; with `?background=true`, as a task (202 with the task).
pub async fn save_project(State(s): State<AppState>, Path(id): Path<String>, Query(q): Params) -> Answer {
    let background = q.get("background").is_some_and(|b| b == "true");
    let saved = run(&s, Request::SaveProject { project_id: id, user_id: user(&q, &s), background }).await?;
    if background {
        return Ok((StatusCode::ACCEPTED, Json(saved)).into_response());
    }
    created(saved)
}

pub async fn restore_version(
    State(s): State<AppState>,
    Path((id, version)): Path<(String, u32)>,
    Query(q): Params,
) -> Answer {
    created(run(&s, Request::RestoreVersion { project_id: id, user_id: user(&q, &s), version }).await?)
}

pub async fn duplicate_project(
    State(s): State<AppState>,
    Path(id): Path<String>,
    raw: Result<Bytes, BytesRejection>,
) -> Answer {
    let req: DuplicateBody = body(raw, &s)?;
    let user_id = req.user_id.unwrap_or_else(|| s.local_user.clone());
    created(run(&s, Request::DuplicateProject { project_id: id, user_id, project_name: req.project_name }).await?)
}

pub async fn workbench_action(
    State(s): State<AppState>,
    Path((id, name)): Path<(String, String)>,
    raw: Result<Bytes, BytesRejection>,
) -> Answer {
    let workbench = workbench(&name)?;
    let req: ActionBody = body(raw, &s)?;
    let payload = if req.payload.is_null() { json!({}) } else { req.payload };
    let user_id = req.user_id.unwrap_or_else(|| s.local_user.clone());
    let action = WorkbenchAction { project_id: id, user_id, workbench, action: req.action, payload };
    answer(&s, Request::WorkbenchAction(action)).await
}

pub async fn workbench_state(
    State(s): State<AppState>,
    Path((id, name)): Path<(String, String)>,
    Query(q): Params,
) -> Answer {
    let workbench = workbench(&name)?;
    answer(&s, Request::WorkbenchState { project_id: id, user_id: user(&q, &s), workbench }).await
}

pub async fn undo(State(s): State<AppState>, Path(id): Path<String>, Query(q): Params) -> Answer {
    answer(&s, Request::Undo { project_id: id, user_id: user(&q, &s) }).await
}

pub async fn redo(State(s): State<AppState>, Path(id): Path<String>, Query(q): Params) -> Answer {
    answer(&s, Request::Redo { project_id: id, user_id: user(&q, &s) }).await
}

pub async fn log(State(s): State<AppState>, Path(id): Path<String>) -> Answer {
    answer(&s, Request::Log { project_id: id }).await
}

pub async fn library_info(State(s): State<AppState>) -> Answer {
    answer(&s, Request::LibraryInfo).await
}

pub async fn limits(State(s): State<AppState>) -> Answer {
    answer(&s, Request::Limits).await
}

pub async fn recovery_offer(State(s): State<AppState>, Path(id): Path<String>) -> Answer {
    answer(&s, Request::RecoveryOffer { project_id: id }).await
}

pub async fn recover(State(s): State<AppState>, Path(id): Path<String>, Query(q): Params) -> Answer {
    answer(&s, Request::Recover { project_id: id, user_id: user(&q, &s) }).await
}

pub async fn discard_recovery(State(s): State<AppState>, Path(id): Path<String>) -> Answer {
    answer(&s, Request::DiscardRecovery { project_id: id }).await
}

pub async fn list_templates(State(s): State<AppState>) -> Answer {
    answer(&s, Request::ListTemplates).await
}

pub async fn save_template(State(s): State<AppState>, raw: Result<Bytes, BytesRejection>) -> Answer {
    let req: TemplateBody = body(raw, &s)?;
    let user_id = req.user_id.unwrap_or_else(|| s.local_user.clone());
    let request =
        Request::SaveTemplate { project_id: req.project_id, user_id, name: req.name, description: req.description };
    created(run(&s, request).await?)
}

/// Routes of the seed whose capability lands with a later issue.
pub async fn openapi() -> Response {
    ([(axum::http::header::CONTENT_TYPE, "application/json")], crate::OPENAPI_JSON).into_response()
}

pub async fn no_route() -> ApiError {
    ApiError::new("not_found", "no such route; the API is described at /api/v1/openapi.json")
}

/// A whole number from the query, if given: `name` named when it is not one.
pub(crate) fn number<T: std::str::FromStr>(
    q: &std::collections::HashMap<String, String>,
    name: &str,
) -> Result<Option<T>, ApiError> {
    q.get(name)
        .map(|v| {
            v.parse::<T>()
                .map_err(|_| ApiError::new("invalid_request", format!("`{name}` must be a whole number, not '{v}'")))
        })
        .transpose()
}
