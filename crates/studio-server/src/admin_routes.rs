//! Roles and the audit log over HTTP: custom roles (`GET /api/v1/studio/roles`, `PUT` and
//! `DELETE …/roles/{name}`), who holds them (`…/role-grants`), what the caller may do
//! (`GET …/me/rights`), the audit log searched (`GET …/audit`) and exported as a file
//! (`GET …/audit/export?format=csv|jsonl`), and the settings in effect (`GET …/config`) with a
//! live one changed or reset (`PUT` and `DELETE …/config/{key}`).

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use serde::Deserialize;
use studio_core::{AuditFilter, Request};

use crate::handlers::{Answer, Params, answer, body, number, run, user};
use crate::{ApiError, AppState};

pub async fn roles(State(s): State<AppState>) -> Answer {
    answer(&s, Request::ListRoles).await
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct CustomRoleBody {
    #[serde(default)]
    pub description: Option<String>,
    /// The permissions it grants.
    pub permissions: Vec<String>,
    pub user_id: String,
}

pub async fn save_role(
    State(s): State<AppState>,
    Path(name): Path<String>,
    raw: Result<Bytes, BytesRejection>,
) -> Answer {
    let b: CustomRoleBody = body(raw, &s)?;
    let request =
        Request::SaveRole { name, description: b.description, permissions: b.permissions, user_id: b.user_id };
    answer(&s, request).await
}

pub async fn delete_role(State(s): State<AppState>, Path(name): Path<String>, Query(q): Params) -> Answer {
    answer(&s, Request::DeleteRole { name, user_id: user(&q, &s) }).await
}

pub async fn grants(State(s): State<AppState>, Query(q): Params) -> Answer {
    answer(&s, Request::ListRoleGrants { member_id: q.get("member_id").cloned() }).await
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct GrantBody {
    pub member_id: String,
    pub role: String,
    /// The team whose projects it covers; the whole server when absent.
    #[serde(default)]
    pub team_id: Option<String>,
    pub user_id: String,
}

pub async fn grant(State(s): State<AppState>, raw: Result<Bytes, BytesRejection>) -> Answer {
    let b: GrantBody = body(raw, &s)?;
    let request = Request::GrantRole { member_id: b.member_id, role: b.role, team_id: b.team_id, user_id: b.user_id };
    let answer = run(&s, request).await?;
    Ok((StatusCode::CREATED, axum::Json(answer.value())).into_response())
}

fn required(q: &HashMap<String, String>, name: &str) -> Result<String, ApiError> {
    q.get(name).cloned().ok_or_else(|| ApiError::new("invalid_request", format!("`{name}` is required")))
}

pub async fn revoke(State(s): State<AppState>, Query(q): Params) -> Answer {
    let request = Request::RevokeRole {
        member_id: required(&q, "member_id")?,
        role: required(&q, "role")?,
        team_id: q.get("team_id").cloned(),
        user_id: user(&q, &s),
    };
    answer(&s, request).await
}

pub async fn my_rights(State(s): State<AppState>, Query(q): Params) -> Answer {
    answer(&s, Request::MyRights { user_id: user(&q, &s), project_id: q.get("project_id").cloned() }).await
}

fn filter_of(q: &HashMap<String, String>) -> Result<AuditFilter, ApiError> {
    Ok(AuditFilter {
        user_id: q.get("user_id").cloned(),
        action: q.get("action").cloned(),
        resource: q.get("resource").cloned(),
        outcome: q.get("outcome").cloned(),
        since: q.get("since").cloned(),
        until: q.get("until").cloned(),
        text: q.get("text").cloned(),
        before: number(q, "before")?,
    })
}

pub async fn audit(State(s): State<AppState>, Query(q): Params) -> Answer {
    answer(&s, Request::SearchAudit { filter: filter_of(&q)?, limit: number(&q, "limit")? }).await
}

/// The export as a file: `audit.csv` (text/csv) or `audit.jsonl` (application/x-ndjson).
pub async fn export_audit(State(s): State<AppState>, Query(q): Params) -> Answer {
    let format = q.get("format").cloned().unwrap_or_else(|| "csv".into());
    let exported = run(&s, Request::ExportAudit { filter: filter_of(&q)?, format: format.clone() }).await?.value();
    let content = exported["content"].as_str().unwrap_or_default().to_string();
    let kind = if format == "csv" { "text/csv; charset=utf-8" } else { "application/x-ndjson" };
    let disposition = format!("attachment; filename=\"audit.{format}\"");
    Ok(([(header::CONTENT_TYPE, kind.to_string()), (header::CONTENT_DISPOSITION, disposition)], content)
        .into_response())
}

pub async fn config(State(s): State<AppState>) -> Answer {
    answer(&s, Request::ShowConfig).await
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct SettingBody {
    /// The new value, as its type is (a number, text, …).
    pub value: serde_json::Value,
    pub user_id: String,
}

pub async fn set_config(
    State(s): State<AppState>,
    Path(key): Path<String>,
    raw: Result<Bytes, BytesRejection>,
) -> Answer {
    let b: SettingBody = body(raw, &s)?;
    answer(&s, Request::SetConfig { key, value: b.value, user_id: b.user_id }).await
}

pub async fn reset_config(State(s): State<AppState>, Path(key): Path<String>, Query(q): Params) -> Answer {
    answer(&s, Request::ResetConfig { key, user_id: user(&q, &s) }).await
}
