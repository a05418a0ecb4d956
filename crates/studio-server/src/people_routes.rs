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

use crate::handlers::{Answer, Params, answer, user};
use crate::{ApiError, AppState};

/// `PUT …/collaborators/{uid}`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleBody {
    pub role: Role,
}

/// A body read as given, with no requester filled in.
fn plain<T: DeserializeOwned>(raw: Result<Bytes, BytesRejection>) -> Result<T, ApiError> {
    let bytes = raw.map_err(|e| ApiError::new("invalid_request", e.body_text()))?;
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

pub async fn update_profile(State(s): State<AppState>, raw: Result<Bytes, BytesRejection>) -> Answer {
    let update: ProfileUpdate = plain(raw)?;
    answer(&s, Request::UpdateProfile { update }).await
}
