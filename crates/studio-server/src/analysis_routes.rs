//! A scenario's analyses, each started as a task (202 with it) and its latest read back: its
//! global sensitivity (`…/scenarios/{sid}/sensitivity`) and a goal seek (`…/goal-seek`); and the
//! project's model as a causal graph (`…/causal-graph`) with its edit (`…/causal-graph/edge`).

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::Deserialize;
use studio_core::Request;
use studio_core::model::{FactorRange, GoalSeekRequest, Lever, SensitivityMethod, SensitivityRequest, Threshold};

use crate::AppState;
use crate::handlers::{Answer, Params, answer, body, run, user};

/// `POST …/scenarios/{sid}/sensitivity`: the analysis asked for, and by whom.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SensitivityBody {
    #[serde(default)]
    pub method: SensitivityMethod,
    /// Default: the model's own (non-zero coefficients ±50%, fitted ones over their
    /// posterior's 5–95%, variables ±20%).
    #[serde(default)]
    pub factors: Option<Vec<FactorRange>>,
    #[serde(default)]
    pub samples: Option<u32>,
    /// Per evaluation (default: the settings', at most 8).
    #[serde(default)]
    pub replicates: Option<u32>,
    #[serde(default)]
    pub user_id: Option<String>,
}

pub async fn start_sensitivity(
    State(s): State<AppState>,
    Path((id, sid)): Path<(String, String)>,
    Query(q): Params,
    raw: Result<Bytes, BytesRejection>,
) -> Answer {
    let b: SensitivityBody = body(raw, &s)?;
    let user_id = b.user_id.unwrap_or_else(|| user(&q, &s));
    let analysis =
        SensitivityRequest { method: b.method, factors: b.factors, samples: b.samples, replicates: b.replicates };
    let request = Request::StartSensitivity { project_id: id, user_id, scenario_id: sid, analysis };
    Ok((StatusCode::ACCEPTED, Json(run(&s, request).await?)).into_response())
}

pub async fn sensitivity(State(s): State<AppState>, Path((id, sid)): Path<(String, String)>) -> Answer {
    answer(&s, Request::GetSensitivity { project_id: id, scenario_id: sid }).await
}

/// `POST …/scenarios/{sid}/goal-seek`: the levers allowed, the target, the budget, and by whom.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GoalSeekBody {
    pub levers: Vec<Lever>,
    /// Default: the simulation's threshold (the prediction task's target).
    #[serde(default)]
    pub target: Option<Threshold>,
    /// Distinct combinations to simulate at most (default 400).
    #[serde(default)]
    pub rollouts: Option<u32>,
    /// Per combination (default: the settings', at most 8).
    #[serde(default)]
    pub replicates: Option<u32>,
    /// The cost of changing every lever fully against a certain success (default 0.25).
    #[serde(default)]
    pub change_weight: Option<f64>,
    /// Combinations to answer with (default 10).
    #[serde(default)]
    pub keep: Option<u32>,
    #[serde(default)]
    pub user_id: Option<String>,
}

pub async fn start_goal_seek(
    State(s): State<AppState>,
    Path((id, sid)): Path<(String, String)>,
    Query(q): Params,
    raw: Result<Bytes, BytesRejection>,
) -> Answer {
    let b: GoalSeekBody = body(raw, &s)?;
    let user_id = b.user_id.unwrap_or_else(|| user(&q, &s));
    let search = GoalSeekRequest {
        levers: b.levers,
        target: b.target,
        rollouts: b.rollouts,
        replicates: b.replicates,
        change_weight: b.change_weight,
        keep: b.keep,
    };
    let request = Request::StartGoalSeek { project_id: id, user_id, scenario_id: sid, search };
    Ok((StatusCode::ACCEPTED, Json(run(&s, request).await?)).into_response())
}

pub async fn goal_seek(State(s): State<AppState>, Path((id, sid)): Path<(String, String)>) -> Answer {
    answer(&s, Request::GetGoalSeek { project_id: id, scenario_id: sid }).await
}

/// `PUT …/causal-graph/edge`: a coefficient set (or removed, `value` null), and by whom.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CausalEditBody {
    /// `TERM.variables.NAME`, `TERM.attributes.NAME`, `TERM.constant` or `potential`.
    pub path: String,
    #[serde(default)]
    pub value: Option<f64>,
    #[serde(default)]
    pub user_id: Option<String>,
}

pub async fn causal_graph(State(s): State<AppState>, Path(id): Path<String>) -> Answer {
    answer(&s, Request::CausalGraph { project_id: id }).await
}

pub async fn edit_causal_edge(
    State(s): State<AppState>,
    Path(id): Path<String>,
    Query(q): Params,
    raw: Result<Bytes, BytesRejection>,
) -> Answer {
    let b: CausalEditBody = body(raw, &s)?;
    let user_id = b.user_id.unwrap_or_else(|| user(&q, &s));
    let edit = studio_core::model::CausalEdit { path: b.path, value: b.value };
    answer(&s, Request::EditCausalEdge { project_id: id, user_id, edit }).await
}

pub async fn time_axis(State(s): State<AppState>, Path(id): Path<String>) -> Answer {
    answer(&s, Request::TimeAxis { project_id: id }).await
}
