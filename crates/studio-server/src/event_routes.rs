//! The event bus over HTTP: read the log from a sequence number, publish an event, manage
//! webhooks, and `WebSocket /ws/v1/studio/events` — the events after `after` (from now when it
//! is absent), then each as it is published, as JSON text, in sequence order. A subscriber that
//! reconnects with the last `seq` it saw misses none.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;
use serde_json::Value;
use studio_core::{EventFilter, Request, Subscription};

use crate::handlers::{Answer, Params, answer, body, number};
use crate::{ApiError, AppState};

/// `?after=SEQ&topics=a.b.*,c&project_id=P&limit=N`.
fn filter_of(q: &std::collections::HashMap<String, String>) -> EventFilter {
    let topics = q.get("topics").map(|t| t.split(',').map(str::trim).filter(|t| !t.is_empty()).map(String::from));
    EventFilter { topics: topics.map(Iterator::collect).unwrap_or_default(), project_id: q.get("project_id").cloned() }
}

pub async fn list(State(s): State<AppState>, Query(q): Params) -> Answer {
    let after = number::<i64>(&q, "after")?.unwrap_or(0);
    answer(&s, Request::ListEvents { after, filter: filter_of(&q), limit: number(&q, "limit")? }).await
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct PublishBody {
    /// Not under `studio.` (the product's own topics).
    pub topic: String,
    #[serde(default)]
    pub project_id: Option<String>,
    /// The event's fields, a JSON object.
    #[serde(default)]
    pub data: Value,
    #[serde(default)]
    pub user_id: Option<String>,
}

pub async fn publish(State(s): State<AppState>, raw: Result<Bytes, BytesRejection>) -> Answer {
    let b: PublishBody = body(raw, &s)?;
    let user_id = b.user_id.unwrap_or_else(|| s.local_user.clone());
    answer(&s, Request::PublishEvent { topic: b.topic, project_id: b.project_id, data: b.data, user_id }).await
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct WebhookBody {
    /// Where events are POSTed: http:// or https://.
    pub url: String,
    #[serde(flatten)]
    pub filter: EventFilter,
    #[serde(default)]
    pub secret: Option<String>,
    #[serde(default)]
    pub user_id: Option<String>,
}

pub async fn create_webhook(State(s): State<AppState>, raw: Result<Bytes, BytesRejection>) -> Answer {
    let b: WebhookBody = body(raw, &s)?;
    let user_id = b.user_id.unwrap_or_else(|| s.local_user.clone());
    answer(&s, Request::CreateWebhook { url: b.url, filter: b.filter, secret: b.secret, user_id }).await
}

pub async fn webhooks(State(s): State<AppState>) -> Answer {
    answer(&s, Request::ListWebhooks).await
}

pub async fn delete_webhook(State(s): State<AppState>, Path(wid): Path<String>) -> Answer {
    answer(&s, Request::DeleteWebhook { webhook_id: wid }).await
}

pub async fn follow(
    State(s): State<AppState>,
    Query(q): Params,
    upgrade: WebSocketUpgrade,
) -> Result<Response, ApiError> {
    let filter = filter_of(&q);
    let after = number::<i64>(&q, "after")?;
    // Admitted as a read of the same events would be (a team server's caller reads the project).
    crate::handlers::run(&s, Request::ListEvents { after: 0, filter: filter.clone(), limit: Some(1) }).await?;
    let subscription = s.studio.subscribe_events(after, filter).await?;
    let stopping = s.stopping.clone();
    Ok(upgrade.on_upgrade(move |socket| stream(socket, subscription, stopping)))
}

async fn stream(mut socket: WebSocket, mut events: Subscription, stopping: tokio::sync::watch::Receiver<bool>) {
    let stopped = crate::socket::until_stopped(stopping);
    tokio::pin!(stopped);
    loop {
        tokio::select! {
            () = &mut stopped => {
                let _ = socket.send(Message::Close(None)).await;
                return;
            }
            event = events.next() => match event {
                Ok(event) => {
                    let text = serde_json::to_string(&event).unwrap_or_default();
                    if socket.send(Message::Text(text.into())).await.is_err() {
                        return;
                    }
                }
                Err(e) => {
                    let note = serde_json::json!({"type": "error", "code": e.code, "message": e.message});
                    let _ = socket.send(Message::Text(note.to_string().into())).await;
                    return;
                }
            },
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(_)) => {}
            },
        }
    }
}
