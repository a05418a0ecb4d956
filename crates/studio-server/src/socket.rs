//! `WebSocket /ws/v1/studio/projects/{id}`: the project's state on connect, then every core
//! event about that project, as JSON text.

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::json;
use studio_core::StudioEvent;
use studio_core::model::ProjectLoad;
use tokio::sync::broadcast::error::RecvError;

use crate::{ApiError, AppState};

pub async fn project_events(
    State(s): State<AppState>,
    Path(id): Path<String>,
    upgrade: WebSocketUpgrade,
) -> Result<Response, ApiError> {
    // Unknown projects (and, on a team server, callers outside its team) are refused before
    // upgrading, with the usual 404 or 403.
    let load = ProjectLoad { project_id: id.clone(), user_id: s.local_user.clone(), version: None };
    let state = crate::handlers::run(&s, studio_core::Request::GetProject(load)).await?;
    let events = s.studio.subscribe();
    let mut first = vec![json!({"type": "snapshot", "state": state})];
    // Edits a crashed session left: offered as soon as the project is shown.
    if let Some(offer) = s.studio.recovery_offer(&id).await? {
        first.push(json!(StudioEvent::RecoveryAvailable { project_id: id.clone(), edits: offer.edits.len() }));
    }
    // And the caller's edits a team server kept when it could not save them.
    let unsent = studio_core::Request::UnsentEdits { project_id: id.clone(), user_id: s.local_user.clone() };
    let unsent: studio_core::UnsentEdits = serde_json::from_str(crate::handlers::run(&s, unsent).await?.json())
        .map_err(|e| ApiError::new("internal", e.to_string()))?;
    if !unsent.edits.is_empty() {
        first.push(json!(StudioEvent::UnsentAvailable { project_id: id.clone(), edits: unsent.edits.len() }));
    }
    let stopping = s.stopping.clone();
    Ok(upgrade.on_upgrade(move |socket| stream(socket, id, first, events, stopping)))
}

async fn stream(
    mut socket: WebSocket,
    project_id: String,
    first: Vec<serde_json::Value>,
    mut events: tokio::sync::broadcast::Receiver<StudioEvent>,
    stopping: tokio::sync::watch::Receiver<bool>,
) {
    for message in first {
        if socket.send(Message::Text(message.to_string().into())).await.is_err() {
            return;
        }
    }
    let stopped = until_stopped(stopping);
    tokio::pin!(stopped);
    loop {
        tokio::select! {
            () = &mut stopped => {
                let _ = socket.send(Message::Close(None)).await;
                return;
            }
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

/// Resolves when the server stops (never if it is dropped without stopping): a WebSocket then
/// closes, so a graceful stop does not wait on it.
pub(crate) async fn until_stopped(mut stopping: tokio::sync::watch::Receiver<bool>) {
    if stopping.wait_for(|stop| *stop).await.is_err() {
        std::future::pending::<()>().await;
    }
}
