//! `WebSocket /ws/v1/studio/projects/{id}`: the project's state on connect, then every core
//! event about that project, as JSON text.

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::json;
use studio_core::model::ProjectLoad;
use tokio::sync::broadcast::error::RecvError;

use crate::{ApiError, AppState};

pub async fn project_events(
    State(s): State<AppState>,
    Path(id): Path<String>,
    upgrade: WebSocketUpgrade,
) -> Result<Response, ApiError> {
    // Unknown projects are refused before upgrading, with the usual 404.
    let load = ProjectLoad { project_id: id.clone(), user_id: s.local_user.clone(), version: None };
    let state = s.studio.get_project(&load).await?;
    let events = s.studio.subscribe();
    Ok(upgrade.on_upgrade(move |socket| stream(socket, id, json!({"type": "snapshot", "state": state}), events)))
}

async fn stream(
    mut socket: WebSocket,
    project_id: String,
    first: serde_json::Value,
    mut events: tokio::sync::broadcast::Receiver<studio_core::StudioEvent>,
) {
    if socket.send(Message::Text(first.to_string().into())).await.is_err() {
        return;
    }
    loop {
        tokio::select! {
            event = events.recv() => match event {
                Ok(event) => {
                    let value = serde_json::to_value(&event).unwrap_or_default();
                    if value.get("project_id").and_then(|p| p.as_str()) != Some(project_id.as_str()) {
                        continue;
                    }
                    if socket.send(Message::Text(value.to_string().into())).await.is_err() {
                        return;
                    }
                }
                Err(RecvError::Lagged(missed)) => {
                    let note = json!({"type": "lagged", "missed": missed});
                    if socket.send(Message::Text(note.to_string().into())).await.is_err() {
                        return;
                    }
                }
                Err(RecvError::Closed) => return,
            },
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(_)) => {}
            },
        }
    }
}
