//! The event bus's operations: publish an event, read the log from a sequence number, follow
//! it (the WebSocket subscription), and webhooks — each delivers, in order and at least once,
//! the events after the last one its receiver took, signed with its secret, retried with
//! backoff; one program delivers a webhook at a time (a lease), so a team's instances do not
//! send it twice.

use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use studio_store::WebhookRow;

use crate::bus::{BusEvent, EventFilter, MAX_EVENT_BYTES, Subscription, check_topic};
use crate::edge::webhook;
use crate::error::{CoreError, Result};
use crate::studio::Studio;

/// Events one read answers at most.
pub const MAX_EVENTS_READ: usize = 10_000;
/// How long a program keeps the right to deliver a webhook without renewing it.
const LEASE: Duration = Duration::from_secs(30);
/// Deliveries to one webhook in one round, at most.
const ROUND: usize = 100;
/// The longest wait between two attempts at a failing receiver.
const MAX_BACKOFF: Duration = Duration::from_secs(300);

/// Events read from the bus, and its last sequence number (resume after the last event's).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EventPage {
    pub events: Vec<BusEvent>,
    pub head: i64,
}

/// A webhook as listed: never its secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct WebhookInfo {
    pub webhook_id: String,
    /// Its address, any password in it masked.
    pub url: String,
    pub topics: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
    pub created_by: String,
    pub created_at: String,
    /// The last event its receiver took.
    pub delivered_seq: i64,
    /// Failed attempts since then.
    pub failures: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_attempt_at: Option<String>,
}

/// A webhook just made, with its signing secret — shown this once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct WebhookCreated {
    #[serde(flatten)]
    pub webhook: WebhookInfo,
    /// Verifies `X-Studio-Signature`: HMAC-SHA256 of `t.BODY`.
    pub secret: String,
}

impl WebhookInfo {
    fn of(row: &WebhookRow) -> WebhookInfo {
        WebhookInfo {
            webhook_id: row.webhook_id.clone(),
            url: studio_store::team::redact(&row.url),
            topics: serde_json::from_str(&row.topics).unwrap_or_default(),
            project_id: row.project_id.clone(),
            created_by: row.created_by.clone(),
            created_at: row.created_at.clone(),
            delivered_seq: row.delivered_seq,
            failures: row.failures,
            last_error: row.last_error.clone(),
            last_attempt_at: row.last_attempt_at.clone(),
        }
    }
}

/// An `http` or `https` address with a host.
fn check_url(url: &str) -> Result<()> {
    let uri = url.parse::<ureq::http::Uri>().ok();
    let scheme = uri.as_ref().and_then(|u| u.scheme_str());
    if !matches!(scheme, Some("http" | "https")) || uri.as_ref().and_then(|u| u.host()).is_none() || url.len() > 2048 {
        return Err(CoreError::invalid(format!(
            "'{}' is not a webhook address: http:// or https:// with a host",
            studio_store::team::redact(url)
        )));
    }
    Ok(())
}

impl Studio {
    /// Publishes an event of the caller's own topic (not under `studio.`, the product's).
    pub async fn publish_event(
        &self,
        topic: &str,
        project_id: Option<&str>,
        data: &Value,
        user_id: &str,
    ) -> Result<BusEvent> {
        check_topic(topic)?;
        if topic.starts_with("studio.") {
            return Err(CoreError::invalid(format!(
                "'{topic}': topics under studio. are the product's own; publish under another name (custom.…)"
            )));
        }
        let mut fields = match data {
            Value::Object(fields) => fields.clone(),
            Value::Null => Map::new(),
            _ => return Err(CoreError::invalid("an event's data is a JSON object")),
        };
        if data.to_string().len() > MAX_EVENT_BYTES {
            return Err(CoreError::new(
                "payload_too_large",
                format!("an event's data is {} KB at most", MAX_EVENT_BYTES / 1024),
            ));
        }
        if let Some(project_id) = project_id {
            self.store.project(project_id).await?;
        }
        fields.insert("user_id".into(), user_id.into());
        self.bus.publish_written(topic, project_id, fields).await
    }

    /// The events after `after` (0: from the first) that pass the filter, `limit` at most.
    pub async fn list_events(&self, after: i64, filter: &EventFilter, limit: Option<usize>) -> Result<EventPage> {
        filter.check()?;
        let limit = limit.unwrap_or(100).clamp(1, MAX_EVENTS_READ);
        let (events, head) = self.bus.read(after.max(0), filter, limit).await?;
        Ok(EventPage { events, head })
    }

    /// Follows the bus: the events after `after` the store holds, then each as it comes; with
    /// no `after`, from now.
    pub async fn subscribe_events(&self, after: Option<i64>, filter: EventFilter) -> Result<Subscription> {
        filter.check()?;
        let after = match after {
            Some(after) => after.max(0),
            None => self.store.bus_head().await?,
        };
        Ok(self.bus.subscribe(after, filter))
    }

    /// A webhook for the events from now on that pass the filter.
    pub async fn create_webhook(
        &self,
        url: &str,
        filter: &EventFilter,
        secret: Option<&str>,
        user_id: &str,
    ) -> Result<WebhookCreated> {
        check_url(url)?;
        filter.check()?;
        if let Some(project_id) = &filter.project_id {
            self.store.project(project_id).await?;
        }
        let secret = match secret.map(str::trim) {
            Some(s) if s.len() < 16 => return Err(CoreError::invalid("a webhook's secret is 16 characters at least")),
            Some(s) => s.to_string(),
            None => format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple()),
        };
        crate::secrets::remember(&secret);
        let row = WebhookRow {
            webhook_id: uuid::Uuid::new_v4().to_string(),
            url: url.to_string(),
            topics: serde_json::to_string(&filter.topics).map_err(CoreError::internal)?,
            project_id: filter.project_id.clone(),
            secret: secret.clone(),
            created_by: user_id.to_string(),
            created_at: studio_store::now(),
            delivered_seq: self.store.bus_head().await?,
            failures: 0,
            last_error: None,
            last_attempt_at: None,
        };
        self.store.add_webhook(&row).await?;
        Ok(WebhookCreated { webhook: WebhookInfo::of(&row), secret })
    }

    pub async fn webhooks(&self) -> Result<Vec<WebhookInfo>> {
        Ok(self.store.webhooks().await?.iter().map(WebhookInfo::of).collect())
    }

    pub async fn delete_webhook(&self, webhook_id: &str) -> Result<()> {
        if !self.store.remove_webhook(webhook_id).await? {
            return Err(CoreError::new("not_found", format!("there is no webhook '{webhook_id}'")));
        }
        Ok(())
    }

    /// Delivers webhooks until the Studio is dropped: at once when an event is published, and
    /// every second for retries and other programs' events.
    pub fn spawn_webhooks(self: &Arc<Self>) -> tokio::task::JoinHandle<()> {
        let weak = Arc::downgrade(self);
        let mut heard = self.bus.announced();
        tokio::spawn(async move {
            loop {
                let _ = tokio::time::timeout(Duration::from_secs(1), heard.recv()).await;
                let Some(studio) = weak.upgrade() else { break };
                if let Err(e) = studio.deliver_webhooks().await {
                    tracing::warn!("webhooks could not be delivered: {}", e.message);
                }
            }
        })
    }

    /// One round: each webhook this program may deliver, whose backoff has passed, is sent
    /// the events after its last, in order, until one fails.
    pub async fn deliver_webhooks(&self) -> Result<()> {
        let now = chrono::Utc::now();
        for hook in self.store.webhooks().await? {
            if !due(&hook, now) {
                continue;
            }
            let until = (now + chrono::Duration::from_std(LEASE).unwrap_or_default())
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
            if !self.store.lease_webhook(&hook.webhook_id, &self.session_id, &until, &studio_store::now()).await? {
                continue;
            }
            self.deliver(hook).await?;
        }
        Ok(())
    }

    async fn deliver(&self, hook: WebhookRow) -> Result<()> {
        let filter = EventFilter {
            topics: serde_json::from_str(&hook.topics).unwrap_or_default(),
            project_id: hook.project_id.clone(),
        };
        let (events, head) = self.bus.read(hook.delivered_seq, &filter, ROUND).await?;
        let whole = events.len() < ROUND;
        let mut delivered = hook.delivered_seq;
        for event in events {
            let body = serde_json::to_string(&event).map_err(CoreError::internal)?;
            let (url, id, secret, topic) =
                (hook.url.clone(), hook.webhook_id.clone(), hook.secret.clone(), event.topic.clone());
            let posted = tokio::task::spawn_blocking(move || {
                webhook::post(&webhook::Delivery {
                    url: &url,
                    webhook_id: &id,
                    secret: &secret,
                    topic: &topic,
                    seq: event.seq,
                    body: &body,
                })
            })
            .await
            .map_err(CoreError::internal)?;
            if let Err(why) = posted {
                let why = studio_store::team::redact(&why);
                self.store
                    .record_webhook(&hook.webhook_id, delivered, hook.failures + 1, Some(&why), &studio_store::now())
                    .await?;
                return Ok(());
            }
            delivered = event.seq;
            self.store.record_webhook(&hook.webhook_id, delivered, 0, None, &studio_store::now()).await?;
        }
        // Every event up to the head was read: those it does not want are passed too.
        if whole && head > delivered {
            self.store.record_webhook(&hook.webhook_id, head, 0, None, &studio_store::now()).await?;
        }
        Ok(())
    }
}

/// A webhook with no failures is always due; after `n` failures it waits 2^(n-1) seconds from
/// its last attempt (five minutes at most).
fn due(hook: &WebhookRow, now: chrono::DateTime<chrono::Utc>) -> bool {
    if hook.failures == 0 {
        return true;
    }
    let Some(last) = hook.last_attempt_at.as_deref().and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok()) else {
        return true;
    };
    let wait = Duration::from_secs(1u64 << (hook.failures - 1).clamp(0, 20)).min(MAX_BACKOFF);
    now.signed_duration_since(last).to_std().is_ok_and(|since| since >= wait)
}
