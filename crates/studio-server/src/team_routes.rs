//! A team server's teams: the caller's teams, a new team, its members, an invitation, a
//! member's role, a member removed; and projects moving whole between a desktop and a team
//! (`.studio` files published into a team, downloaded to open). Each route reads its path and
//! body into a core request or call; who may do what is the core's to say.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use studio_core::Request;

use crate::handlers::{Answer, Params, answer, body_bytes, run, user};
use crate::{ApiError, AppState};

/// `POST /api/v1/studio/teams`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamBody {
    pub name: String,
    /// What a member is unless made otherwise: viewer (the default), commenter, editor or admin.
    #[serde(default)]
    pub default_role: Option<String>,
}

/// `POST …/teams/{tid}/members`: the person invited.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberBody {
    pub display_name: String,
    /// Their ed25519 public key, 64 hex characters.
    #[serde(default)]
    pub public_key: Option<String>,
    /// The team's default role when absent.
    #[serde(default)]
    pub role: Option<String>,
}

/// `PUT …/teams/{tid}/members/{uid}`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamRoleBody {
    pub role: String,
}

fn parse<T: serde::de::DeserializeOwned>(raw: Result<Bytes, BytesRejection>) -> Result<T, crate::ApiError> {
    let bytes = body_bytes(raw)?;
    serde_json::from_slice(&bytes)
        .map_err(|e| crate::ApiError::new("invalid_request", format!("invalid request body: {e}")))
}

pub async fn teams(State(s): State<AppState>, q: Params) -> Answer {
    answer(&s, Request::ListTeams { user_id: user(&q, &s) }).await
}

pub async fn create_team(State(s): State<AppState>, q: Params, raw: Result<Bytes, BytesRejection>) -> Answer {
    let body: TeamBody = parse(raw)?;
    let request = Request::CreateTeam { user_id: user(&q, &s), name: body.name, default_role: body.default_role };
    Ok((StatusCode::CREATED, axum::Json(run(&s, request).await?)).into_response())
}

pub async fn members(State(s): State<AppState>, Path(team_id): Path<String>, q: Params) -> Answer {
    answer(&s, Request::TeamMembers { team_id, user_id: user(&q, &s) }).await
}

pub async fn invite(
    State(s): State<AppState>,
    Path(team_id): Path<String>,
    q: Params,
    raw: Result<Bytes, BytesRejection>,
) -> Answer {
    let body: MemberBody = parse(raw)?;
    let request = Request::InviteTeamMember {
        team_id,
        user_id: user(&q, &s),
        display_name: body.display_name,
        public_key: body.public_key,
        role: body.role,
    };
    Ok((StatusCode::CREATED, axum::Json(run(&s, request).await?)).into_response())
}

pub async fn set_role(
    State(s): State<AppState>,
    Path((team_id, member_id)): Path<(String, String)>,
    q: Params,
    raw: Result<Bytes, BytesRejection>,
) -> Answer {
    let body: TeamRoleBody = parse(raw)?;
    answer(&s, Request::SetTeamRole { team_id, user_id: user(&q, &s), member_id, role: body.role }).await
}

pub async fn remove(
    State(s): State<AppState>,
    Path((team_id, member_id)): Path<(String, String)>,
    q: Params,
) -> Answer {
    answer(&s, Request::RemoveTeamMember { team_id, user_id: user(&q, &s), member_id }).await
}

/// Who asks: a team server's caller, else the `user_id` given or the local user.
fn who(q: &Params, s: &AppState) -> String {
    crate::guard::caller().map(|c| c.user_id).unwrap_or_else(|| user(q, s))
}

fn io(e: std::io::Error) -> ApiError {
    ApiError::new("io_error", format!("the .studio file could not be kept for a moment: {e}"))
}

/// `POST /api/v1/studio/teams/{team}/projects`: the body is a `.studio` file (its bytes).
pub async fn publish(
    State(s): State<AppState>,
    Path(team_id): Path<String>,
    q: Params,
    raw: Result<Bytes, BytesRejection>,
) -> Answer {
    let bytes = body_bytes(raw)?;
    let dir = tempfile::tempdir().map_err(io)?;
    let file = dir.path().join("published.studio");
    tokio::fs::write(&file, &bytes).await.map_err(io)?;
    let state = s.studio.publish_project(&file, &team_id, &who(&q, &s)).await?;
    Ok((StatusCode::CREATED, axum::Json(state)).into_response())
}

/// `GET /api/v1/studio/projects/{id}/file`: the project as a `.studio` file, to open elsewhere.
pub async fn download(State(s): State<AppState>, Path(id): Path<String>, q: Params) -> Result<Response, ApiError> {
    let dir = tempfile::tempdir().map_err(io)?;
    let file = s.studio.project_file(&id, &who(&q, &s), dir.path()).await?;
    let bytes = tokio::fs::read(&file).await.map_err(io)?;
    let disposition = format!("attachment; filename=\"{id}.studio\"");
    Ok((
        [(header::CONTENT_TYPE, "application/octet-stream".to_string()), (header::CONTENT_DISPOSITION, disposition)],
        bytes,
    )
        .into_response())
}

/// `GET /api/v1/studio/projects/{id}/artifacts/{hash}`: one of the project's artifacts (a
/// report's export on a team server), for whoever may read the project.
pub async fn artifact(
    State(s): State<AppState>,
    Path((id, hash)): Path<(String, String)>,
    q: Params,
) -> Result<Response, ApiError> {
    let (kind, bytes) = s.studio.project_artifact(&id, &who(&q, &s), &hash).await?;
    let format = kind.strip_prefix("export_").unwrap_or("bin");
    let content_type = match format {
        "pdf" => "application/pdf",
        "html" => "text/html; charset=utf-8",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _ => "application/octet-stream",
    };
    let disposition = format!("attachment; filename=\"{}.{format}\"", hash.get(..12).unwrap_or(&hash));
    Ok(([(header::CONTENT_TYPE, content_type.to_string()), (header::CONTENT_DISPOSITION, disposition)], bytes)
        .into_response())
}
