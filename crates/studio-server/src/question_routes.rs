//! The project's question: read into a prediction task (`POST …/question/parse`, nothing
//! stored) and the task confirmed as the analyst left it (`PUT …/prediction-task`).

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use serde::Deserialize;
use studio_core::Request;

use crate::AppState;
use crate::handlers::{Answer, answer, body};

/// `POST …/question/parse`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ParseBody {
    /// The question to read (default: the project's own).
    #[serde(default)]
    pub question: Option<String>,
    #[serde(default)]
    pub user_id: String,
}

/// `PUT …/prediction-task`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmBody {
    pub task: studio_core::model::PredictionTask,
    #[serde(default)]
    pub user_id: String,
}

pub async fn parse_question(
    State(s): State<AppState>,
    Path(id): Path<String>,
    raw: Result<Bytes, BytesRejection>,
) -> Answer {
    let b: ParseBody = body(raw, &s)?;
    answer(&s, Request::ParseQuestion { project_id: id, user_id: b.user_id, question: b.question }).await
}

pub async fn confirm_prediction_task(
    State(s): State<AppState>,
    Path(id): Path<String>,
    raw: Result<Bytes, BytesRejection>,
) -> Answer {
    let b: ConfirmBody = body(raw, &s)?;
    answer(&s, Request::ConfirmPredictionTask { project_id: id, user_id: b.user_id, task: b.task }).await
}
