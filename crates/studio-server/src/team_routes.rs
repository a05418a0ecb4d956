//! A team server's teams: the caller's teams, a new team, its members, an invitation, a
//! member's role, a member removed. Each route reads its path and body into a core request;
//! who may do what is the core's to say.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::Deserialize;
use studio_core::Request;

use crate::AppState;
use crate::handlers::{Answer, Params, answer, body_bytes, run, user};

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
