//! The people of a project and of this Studio: the project's collaborators (the seed's routes,
//! plus changing a role) and the local user's profile. The body of `POST …/collaborators`
//! describes the collaborator (its `user_id` is theirs); who asks is the query's `user_id`, as
//! for the other routes that take no body of the requester's, or the local user.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use studio_core::model::{CollaboratorChange, NewCollaborator, Role};
use studio_core::{ProfileUpdate, Request};

use axum::response::IntoResponse;

use crate::handlers::{Answer, Params, answer, body_bytes, run, user};
use crate::{ApiError, AppState};

/// `PUT …/collaborators/{uid}`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleBody {
    pub role: Role,
}

/// `POST …/invites`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InviteBody {
    pub role: Role,
    /// How long it holds: `7d`, `12h`, `30m` (default 7d).
    #[serde(default)]
    pub expires: Option<String>,
    /// The hub's sync address (default: where this library's hub last listened).
    #[serde(default)]
    pub hub: Option<String>,
}

/// `POST /api/v1/studio/join`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct JoinBody {
    /// The invite's text.
    pub token: String,
}

/// `PUT …/presence`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PresenceBody {
    /// The workbench the user is on; absent or null: they left the project.
    #[serde(default)]
    pub workbench: Option<studio_core::model::Workbench>,
    #[serde(default)]
    pub item: Option<studio_core::PresenceItem>,
}

/// `POST …/conflicts/resolve`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveBody {
    pub section: studio_core::model::Section,
    pub key: String,
    /// Which of the conflict's values to keep (its place in `values`).
    pub pick: usize,
}

/// A body read as given, with no requester filled in.
fn plain<T: DeserializeOwned>(raw: Result<Bytes, BytesRejection>) -> Result<T, ApiError> {
    let bytes = body_bytes(raw)?;
    serde_json::from_slice(&bytes).map_err(|e| ApiError::new("invalid_request", format!("invalid request body: {e}")))
}

async fn change(s: &AppState, id: String, q: &Params, change: CollaboratorChange) -> Answer {
    answer(s, Request::ChangeCollaborators { project_id: id, user_id: user(q, s), change }).await
}

pub async fn add_collaborator(
    State(s): State<AppState>,
    Path(id): Path<String>,
    q: Params,
    raw: Result<Bytes, BytesRejection>,
) -> Answer {
    let new: NewCollaborator = plain(raw)?;
    change(&s, id, &q, CollaboratorChange::Add(new)).await
}

pub async fn set_role(
    State(s): State<AppState>,
    Path((id, uid)): Path<(String, String)>,
    q: Params,
    raw: Result<Bytes, BytesRejection>,
) -> Answer {
    let body: RoleBody = plain(raw)?;
    change(&s, id, &q, CollaboratorChange::SetRole { user_id: uid, role: body.role }).await
}

pub async fn remove_collaborator(
    State(s): State<AppState>,
    Path((id, uid)): Path<(String, String)>,
    q: Params,
) -> Answer {
    change(&s, id, &q, CollaboratorChange::Remove { user_id: uid }).await
}

pub async fn profile(State(s): State<AppState>) -> Answer {
    answer(&s, Request::GetProfile).await
}

pub async fn hub_status(State(s): State<AppState>) -> Answer {
    answer(&s, Request::HubStatus).await
}

/// The body of `PUT /api/v1/studio/hub`.
#[derive(serde::Deserialize, schemars::JsonSchema)]
pub struct HubSwitch {
    pub on: bool,
    #[serde(default)]
    pub listen: Option<String>,
}

pub async fn share_on_network(State(s): State<AppState>, raw: Result<Bytes, BytesRejection>) -> Answer {
    let HubSwitch { on, listen } = plain(raw)?;
    answer(&s, Request::ShareOnNetwork { on, listen }).await
}

pub async fn update_profile(State(s): State<AppState>, raw: Result<Bytes, BytesRejection>) -> Answer {
    let update: ProfileUpdate = plain(raw)?;
    answer(&s, Request::UpdateProfile { update }).await
}

pub async fn create_invite(
    State(s): State<AppState>,
    Path(id): Path<String>,
    q: Params,
    raw: Result<Bytes, BytesRejection>,
) -> Answer {
    let body: InviteBody = plain(raw)?;
    let request = Request::CreateInvite {
        project_id: id,
        user_id: user(&q, &s),
        role: body.role,
        expires: body.expires,
        hub: body.hub,
    };
    Ok((axum::http::StatusCode::CREATED, axum::Json(run(&s, request).await?)).into_response())
}

pub async fn invites(State(s): State<AppState>, Path(id): Path<String>) -> Answer {
    answer(&s, Request::ListInvites { project_id: id }).await
}

pub async fn revoke_invite(State(s): State<AppState>, Path((id, iid)): Path<(String, String)>, q: Params) -> Answer {
    answer(&s, Request::RevokeInvite { project_id: id, user_id: user(&q, &s), invite_id: iid }).await
}

pub async fn join(State(s): State<AppState>, q: Params, raw: Result<Bytes, BytesRejection>) -> Answer {
    let body: JoinBody = plain(raw)?;
    answer(&s, Request::JoinProject { token: body.token, user_id: user(&q, &s) }).await
}

pub async fn sync_status(State(s): State<AppState>, Path(id): Path<String>) -> Answer {
    answer(&s, Request::SyncStatus { project_id: id }).await
}

pub async fn set_presence(
    State(s): State<AppState>,
    Path(id): Path<String>,
    q: Params,
    raw: Result<Bytes, BytesRejection>,
) -> Answer {
    let body: PresenceBody = plain(raw)?;
    let request =
        Request::SetPresence { project_id: id, user_id: user(&q, &s), workbench: body.workbench, item: body.item };
    answer(&s, request).await
}

pub async fn resolve_conflict(
    State(s): State<AppState>,
    Path(id): Path<String>,
    q: Params,
    raw: Result<Bytes, BytesRejection>,
) -> Answer {
    let body: ResolveBody = plain(raw)?;
    let request = Request::ResolveConflict {
        project_id: id,
        user_id: user(&q, &s),
        section: body.section,
        key: body.key,
        pick: body.pick,
    };
    answer(&s, request).await
}
