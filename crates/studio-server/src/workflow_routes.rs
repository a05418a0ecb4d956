//! Workflows over HTTP — the seed's `/api/chainbot/workflows…` and `/executions/{id}` under
//! `/api/v1/studio/projects/{id}/…`: list, create, get, replace, delete, execute, and each run
//! with its steps; a run paused, resumed or cancelled.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::Deserialize;
use serde_json::Value;
use studio_core::Request;
use studio_core::model::Workflow;

use crate::handlers::{Answer, Params, answer, body, run, user};
use crate::{ApiError, AppState};

pub async fn list(State(s): State<AppState>, Path(id): Path<String>) -> Answer {
    answer(&s, Request::ListWorkflows { project_id: id }).await
}

pub async fn get(State(s): State<AppState>, Path((id, wfid)): Path<(String, String)>) -> Answer {
    answer(&s, Request::GetWorkflow { project_id: id, workflow_id: wfid }).await
}

/// A workflow as a body: its id is made when it is absent (a new workflow).
#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct WorkflowBody {
    #[serde(flatten)]
    pub workflow: Value,
    #[serde(default)]
    pub user_id: Option<String>,
}

fn workflow_of(mut value: Value, id: Option<String>) -> Result<Workflow, ApiError> {
    if let Some(object) = value.as_object_mut() {
        object.remove("user_id");
        match id {
            Some(id) => {
                object.insert("workflow_id".into(), id.into());
            }
            None => {
                let fresh = format!("wf-{}", &uuid_hex()[..12]);
                object.entry("workflow_id").or_insert(fresh.into());
            }
        }
    }
    serde_json::from_value(value).map_err(|e| ApiError::new("invalid_request", format!("invalid workflow: {e}")))
}

fn uuid_hex() -> String {
    hex::encode(rand::random::<[u8; 16]>())
}

pub async fn create(State(s): State<AppState>, Path(id): Path<String>, raw: Result<Bytes, BytesRejection>) -> Answer {
    let b: WorkflowBody = body(raw, &s)?;
    let user_id = b.user_id.clone().unwrap_or_else(|| s.local_user.clone());
    let workflow = workflow_of(b.workflow, None)?;
    let saved = run(&s, Request::SaveWorkflow { project_id: id, user_id, workflow }).await?;
    Ok((StatusCode::CREATED, axum::Json(saved.value())).into_response())
}

pub async fn replace(
    State(s): State<AppState>,
    Path((id, wfid)): Path<(String, String)>,
    raw: Result<Bytes, BytesRejection>,
) -> Answer {
    let b: WorkflowBody = body(raw, &s)?;
    let user_id = b.user_id.clone().unwrap_or_else(|| s.local_user.clone());
    let workflow = workflow_of(b.workflow, Some(wfid))?;
    answer(&s, Request::SaveWorkflow { project_id: id, user_id, workflow }).await
}

pub async fn delete(State(s): State<AppState>, Path((id, wfid)): Path<(String, String)>, Query(q): Params) -> Answer {
    answer(&s, Request::DeleteWorkflow { project_id: id, user_id: user(&q, &s), workflow_id: wfid }).await
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct ExecuteBody {
    /// What the run's expressions read as `input`.
    #[serde(default)]
    pub input: Value,
    #[serde(default)]
    pub user_id: Option<String>,
}

pub async fn execute(
    State(s): State<AppState>,
    Path((id, wfid)): Path<(String, String)>,
    raw: Result<Bytes, BytesRejection>,
) -> Answer {
    let b: ExecuteBody = body(raw, &s)?;
    let user_id = b.user_id.unwrap_or_else(|| s.local_user.clone());
    let request = Request::ExecuteWorkflow { project_id: id, user_id, workflow_id: wfid, input: b.input };
    let started = run(&s, request).await?;
    Ok((StatusCode::ACCEPTED, axum::Json(started.value())).into_response())
}

pub async fn executions(State(s): State<AppState>, Path((id, wfid)): Path<(String, String)>) -> Answer {
    answer(&s, Request::ListWorkflowRuns { project_id: id, workflow_id: Some(wfid) }).await
}

pub async fn project_executions(State(s): State<AppState>, Path(id): Path<String>) -> Answer {
    answer(&s, Request::ListWorkflowRuns { project_id: id, workflow_id: None }).await
}

pub async fn execution(State(s): State<AppState>, Path(eid): Path<String>) -> Answer {
    answer(&s, Request::GetWorkflowRun { execution_id: eid }).await
}

pub async fn control(
    State(s): State<AppState>,
    Path((eid, control)): Path<(String, String)>,
    Query(q): Params,
) -> Answer {
    answer(&s, Request::ControlWorkflowRun { execution_id: eid, user_id: user(&q, &s), control }).await
}
