//! Agents and their teams over HTTP — the seed's `/api/chainbot/agents…` and
//! `/entanglements…` under `/api/v1/studio/`: list, spawn (201), get and terminate an agent;
//! list, make, get and dissolve a team, add and remove its agents, send a message (to one or to
//! all, 202: delivered once its receivers' program takes it) and read the team's messages.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::Deserialize;
use serde_json::Value;
use studio_core::Request;

use crate::AppState;
use crate::handlers::{Answer, Params, answer, body, number, run, user};

fn with_status(status: StatusCode, answer: studio_core::Answer) -> Answer {
    Ok((status, axum::Json(answer.value())).into_response())
}

pub async fn list(State(s): State<AppState>, Query(q): Params) -> Answer {
    answer(&s, Request::ListAgents { ended: q.get("ended").is_some_and(|v| v == "true") }).await
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct SpawnBody {
    /// assistant, data_processor, api, workflow, simulation or report.
    pub agent_type: String,
    #[serde(default)]
    pub name: Option<String>,
    /// Its configuration, a JSON object (16 KB at most).
    #[serde(default)]
    pub config: Value,
    pub user_id: String,
}

pub async fn spawn(State(s): State<AppState>, raw: Result<Bytes, BytesRejection>) -> Answer {
    let b: SpawnBody = body(raw, &s)?;
    let request = Request::SpawnAgent { agent_type: b.agent_type, name: b.name, config: b.config, user_id: b.user_id };
    with_status(StatusCode::CREATED, run(&s, request).await?)
}

pub async fn get(State(s): State<AppState>, Path(aid): Path<String>) -> Answer {
    answer(&s, Request::GetAgent { agent_id: aid }).await
}

pub async fn terminate(State(s): State<AppState>, Path(aid): Path<String>, Query(q): Params) -> Answer {
    answer(&s, Request::TerminateAgent { agent_id: aid, user_id: user(&q, &s) }).await
}

pub async fn entanglements(State(s): State<AppState>) -> Answer {
    answer(&s, Request::ListEntanglements).await
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct EntanglementBody {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Spawned agents to start with.
    #[serde(default)]
    pub agent_ids: Vec<String>,
    pub user_id: String,
}

pub async fn create_entanglement(State(s): State<AppState>, raw: Result<Bytes, BytesRejection>) -> Answer {
    let b: EntanglementBody = body(raw, &s)?;
    let request = Request::CreateEntanglement {
        name: b.name,
        description: b.description,
        agent_ids: b.agent_ids,
        user_id: b.user_id,
    };
    with_status(StatusCode::CREATED, run(&s, request).await?)
}

pub async fn entanglement(State(s): State<AppState>, Path(eid): Path<String>) -> Answer {
    answer(&s, Request::GetEntanglement { entanglement_id: eid }).await
}

pub async fn delete_entanglement(State(s): State<AppState>, Path(eid): Path<String>, Query(q): Params) -> Answer {
    answer(&s, Request::DeleteEntanglement { entanglement_id: eid, user_id: user(&q, &s) }).await
}

pub async fn add_agent(
    State(s): State<AppState>,
    Path((eid, aid)): Path<(String, String)>,
    Query(q): Params,
) -> Answer {
    answer(&s, Request::AddEntanglementAgent { entanglement_id: eid, agent_id: aid, user_id: user(&q, &s) }).await
}

pub async fn remove_agent(
    State(s): State<AppState>,
    Path((eid, aid)): Path<(String, String)>,
    Query(q): Params,
) -> Answer {
    answer(&s, Request::RemoveEntanglementAgent { entanglement_id: eid, agent_id: aid, user_id: user(&q, &s) }).await
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct MessageBody {
    /// A member agent; the caller when absent.
    #[serde(default)]
    pub sender_id: Option<String>,
    /// One member; every other member (a broadcast) when absent.
    #[serde(default)]
    pub receiver_id: Option<String>,
    pub content: String,
    #[serde(default)]
    pub message_type: Option<String>,
    pub user_id: String,
}

pub async fn send(State(s): State<AppState>, Path(eid): Path<String>, raw: Result<Bytes, BytesRejection>) -> Answer {
    let b: MessageBody = body(raw, &s)?;
    let request = Request::SendAgentMessage {
        entanglement_id: eid,
        sender_id: b.sender_id,
        receiver_id: b.receiver_id,
        content: b.content,
        message_type: b.message_type,
        user_id: b.user_id,
    };
    with_status(StatusCode::ACCEPTED, run(&s, request).await?)
}

pub async fn messages(State(s): State<AppState>, Path(eid): Path<String>, Query(q): Params) -> Answer {
    let after = number::<i64>(&q, "after")?.unwrap_or(0);
    let limit = number::<usize>(&q, "limit")?;
    answer(&s, Request::ListAgentMessages { entanglement_id: eid, after, limit }).await
}
