//! The event bus: named topics (`studio.project.saved`, `studio.task.completed`,
//! `studio.workflow.failed`…) whose events are written to the store with sequence numbers
//! before anyone hears them, so a subscriber that was away replays from the last one it saw
//! and loses none — unlike the in-memory stream of `StudioEvent`s, which is for the screens.
//!
//! A writer appends what is published in batches (one transaction each); a tailer reads what
//! the store holds past the last event it announced — this program's, and every other
//! program's on the same library or team database — and announces it in order. A
//! [`Subscription`] listens first, then replays from the store, then follows what is
//! announced, skipping what it has seen: every event is in one or the other.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use studio_store::{BusEventRow, NewBusEvent, Store};
use tokio::sync::{broadcast, mpsc, oneshot};

use crate::error::{CoreError, Result};
use crate::events::StudioEvent;

/// The seed's `module_id` of every event.
pub const MODULE_ID: &str = "studio";
/// How often the tailer looks for events other programs wrote.
const POLL: Duration = Duration::from_millis(500);
/// Events read from the store at a time.
const PAGE: i64 = 1_000;
/// The topic a linked data source's change on disk is published under.
pub(crate) const SOURCE_CHANGED: &str = "studio.data.source_changed";
/// Largest event a caller may publish (its fields as JSON).
pub const MAX_EVENT_BYTES: usize = 64 * 1024;

/// An event as subscribers get it: the seed's format (`timestamp`, `module_id`, then the
/// event's own fields) with its topic and sequence number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BusEvent {
    /// Its place on the bus: a subscriber resumes after the last one it saw.
    pub seq: i64,
    pub topic: String,
    pub timestamp: String,
    pub module_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
    /// The event's own fields (`workflow_id`, `execution_id`, `status`, `duration`…).
    #[serde(flatten)]
    pub data: Map<String, Value>,
}

impl BusEvent {
    fn from_row(row: BusEventRow) -> BusEvent {
        let data = match serde_json::from_str(&row.payload) {
            Ok(Value::Object(map)) => map,
            _ => Map::new(),
        };
        BusEvent {
            seq: row.seq,
            topic: row.topic,
            timestamp: row.published_at,
            module_id: MODULE_ID.into(),
            project_id: row.project_id,
            data,
        }
    }
}

/// Which events a subscriber wants: topic patterns (`studio.task.completed`, `studio.task.*`,
/// `*`; none means all) and, optionally, one project's.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EventFilter {
    #[serde(default)]
    pub topics: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
}

impl EventFilter {
    pub fn matches(&self, event: &BusEvent) -> bool {
        let project = self.project_id.as_ref().is_none_or(|p| event.project_id.as_ref() == Some(p));
        project && (self.topics.is_empty() || self.topics.iter().any(|t| topic_matches(t, &event.topic)))
    }

    /// Every pattern well formed.
    pub fn check(&self) -> Result<()> {
        for pattern in &self.topics {
            let name = pattern.strip_suffix(".*").unwrap_or(pattern);
            if pattern != "*" && check_topic(name).is_err() {
                return Err(CoreError::invalid(format!(
                    "'{pattern}' is not a topic pattern: a topic (`studio.task.completed`), a prefix with `.*`, or `*`"
                )));
            }
        }
        Ok(())
    }
}

/// `*` matches every topic, `a.b.*` every topic under `a.b.`, anything else itself.
pub fn topic_matches(pattern: &str, topic: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some("") => true,
        Some(prefix) if prefix.ends_with('.') => topic.starts_with(prefix),
        _ => pattern == topic,
    }
}

/// A topic is dot-separated words of lower-case letters, digits and `_`, 128 characters at most.
pub fn check_topic(topic: &str) -> Result<()> {
    let word = |w: &str| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if topic.len() > 128 || !topic.split('.').all(word) {
        return Err(CoreError::invalid(format!(
            "'{topic}' is not a topic: dot-separated words of a-z, 0-9 and _, 128 characters at most"
        )));
    }
    Ok(())
}

/// The bus of one open library.
pub(crate) struct Bus {
    store: Store,
    queue: mpsc::UnboundedSender<Pending>,
    live: broadcast::Sender<Arc<BusEvent>>,
    /// Events published, and written, so far: a closing program waits for the two to meet.
    published: AtomicU64,
    written: Arc<AtomicU64>,
}

struct Pending {
    event: NewBusEvent,
    done: Option<oneshot::Sender<Result<i64>>>,
}

impl Bus {
    /// Starts the writer and the tailer; the tailer announces only what comes after `head`.
    pub(crate) async fn start(store: Store) -> Result<Bus> {
        let head = store.bus_head().await?;
        let (queue, pending) = mpsc::unbounded_channel();
        let (live, _) = broadcast::channel(4096);
        let (wake, woken) = mpsc::channel(1);
        let written = Arc::new(AtomicU64::new(0));
        tokio::spawn(write(store.clone(), pending, wake, written.clone()));
        tokio::spawn(tail(store.clone(), head, woken, live.clone()));
        Ok(Bus { store, queue, live, published: AtomicU64::new(0), written })
    }

    /// Events this program has written to the bus.
    pub(crate) fn written(&self) -> u64 {
        self.written.load(Ordering::SeqCst)
    }

    /// Waits (up to `limit`) until every event published so far is written.
    pub(crate) async fn flush(&self, limit: Duration) {
        let deadline = tokio::time::Instant::now() + limit;
        while self.written.load(Ordering::SeqCst) < self.published.load(Ordering::SeqCst)
            && tokio::time::Instant::now() < deadline
        {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }

    /// Publishes an event; it is written and announced in the background.
    pub(crate) fn publish(&self, topic: &str, project_id: Option<&str>, data: Map<String, Value>) {
        self.published.fetch_add(1, Ordering::SeqCst);
        let _ = self.queue.send(Pending { event: new_event(topic, project_id, &data), done: None });
    }

    /// Publishes an event and answers once it is written, with its sequence number.
    pub(crate) async fn publish_written(
        &self,
        topic: &str,
        project_id: Option<&str>,
        data: Map<String, Value>,
    ) -> Result<BusEvent> {
        let event = new_event(topic, project_id, &data);
        let data = match serde_json::from_str(&event.payload) {
            Ok(Value::Object(masked)) => masked,
            _ => data,
        };
        let (done, written) = oneshot::channel();
        let timestamp = event.published_at.clone();
        self.published.fetch_add(1, Ordering::SeqCst);
        self.queue
            .send(Pending { event, done: Some(done) })
            .map_err(|_| CoreError::new("unavailable", "the event bus has stopped"))?;
        let seq = written.await.map_err(|_| CoreError::new("unavailable", "the event bus has stopped"))??;
        Ok(BusEvent {
            seq,
            topic: topic.into(),
            timestamp,
            module_id: MODULE_ID.into(),
            project_id: project_id.map(str::to_string),
            data,
        })
    }

    /// The events after `after` that pass `filter`, at most `limit`, and the bus's last
    /// sequence number.
    pub(crate) async fn read(&self, after: i64, filter: &EventFilter, limit: usize) -> Result<(Vec<BusEvent>, i64)> {
        let head = self.store.bus_head().await?;
        let mut found = Vec::new();
        let mut at = after;
        while found.len() < limit && at < head {
            let rows = self.store.bus_events(at, PAGE).await?;
            let Some(last) = rows.last() else { break };
            at = last.seq;
            found.extend(rows.into_iter().map(BusEvent::from_row).filter(|e| filter.matches(e)));
        }
        found.truncate(limit);
        Ok((found, head))
    }

    /// Each event as it is announced (a wake-up for those who then read the store).
    pub(crate) fn announced(&self) -> broadcast::Receiver<Arc<BusEvent>> {
        self.live.subscribe()
    }

    /// Follows the bus from after `after`: the events the store holds, then each as it comes.
    pub(crate) fn subscribe(&self, after: i64, filter: EventFilter) -> Subscription {
        Subscription {
            store: self.store.clone(),
            live: self.live.subscribe(),
            filter,
            last: after,
            behind: true,
            backlog: VecDeque::new(),
        }
    }
}

/// An event as it is written, its secrets masked (`secrets.rs`): what no subscriber, webhook or
/// log should see never reaches the store.
fn new_event(topic: &str, project_id: Option<&str>, data: &Map<String, Value>) -> NewBusEvent {
    let mut payload = Value::Object(data.clone());
    crate::secrets::mask_json(&mut payload);
    NewBusEvent {
        topic: topic.into(),
        project_id: project_id.map(str::to_string),
        payload: payload.to_string(),
        published_at: studio_store::now(),
    }
}

/// Appends what is published, all that waits in one transaction, then wakes the tailer. A
/// store that refuses is tried again (the events wait in memory) until it takes them.
async fn write(
    store: Store,
    mut pending: mpsc::UnboundedReceiver<Pending>,
    wake: mpsc::Sender<()>,
    written: Arc<AtomicU64>,
) {
    while let Some(first) = pending.recv().await {
        let mut batch = vec![first];
        while let Ok(more) = pending.try_recv() {
            batch.push(more);
        }
        let events: Vec<NewBusEvent> = batch.iter().map(|p| p.event.clone()).collect();
        let mut wait = Duration::from_millis(50);
        let seqs = loop {
            match store.append_bus_events(&events).await {
                Ok(seqs) => break seqs,
                Err(e) => {
                    tracing::warn!("events could not be written yet ({} waiting): {e}", events.len());
                    tokio::time::sleep(wait).await;
                    wait = (wait * 2).min(Duration::from_secs(5));
                }
            }
        };
        written.fetch_add(batch.len() as u64, Ordering::SeqCst);
        let _ = wake.try_send(());
        for (p, seq) in batch.into_iter().zip(seqs) {
            if let Some(done) = p.done {
                let _ = done.send(Ok(seq));
            }
        }
    }
}

/// Announces, in order, every event the store holds past the last one announced: woken by this
/// program's writer, and looking every half second for other programs' events.
async fn tail(store: Store, mut last: i64, mut woken: mpsc::Receiver<()>, live: broadcast::Sender<Arc<BusEvent>>) {
    loop {
        // Woken, or half a second passed; the writer gone: the bus is closed.
        if let Ok(None) = tokio::time::timeout(POLL, woken.recv()).await {
            return;
        }
        loop {
            match store.bus_events(last, PAGE).await {
                Ok(rows) if rows.is_empty() => break,
                Ok(rows) => {
                    for row in rows {
                        last = row.seq;
                        let _ = live.send(Arc::new(BusEvent::from_row(row)));
                    }
                }
                Err(e) => {
                    tracing::warn!("the event bus could not be read: {e}");
                    break;
                }
            }
        }
    }
}

/// A subscriber's place on the bus.
pub struct Subscription {
    store: Store,
    live: broadcast::Receiver<Arc<BusEvent>>,
    filter: EventFilter,
    last: i64,
    /// Reading the store until it has nothing past `last`.
    behind: bool,
    backlog: VecDeque<BusEvent>,
}

impl Subscription {
    /// The next event that passes the filter, in sequence order; none is skipped.
    pub async fn next(&mut self) -> Result<BusEvent> {
        loop {
            if let Some(event) = self.backlog.pop_front() {
                self.last = event.seq;
                if self.filter.matches(&event) {
                    return Ok(event);
                }
                continue;
            }
            if self.behind {
                let rows = self.store.bus_events(self.last, PAGE).await?;
                if rows.is_empty() {
                    self.behind = false;
                } else {
                    self.backlog.extend(rows.into_iter().map(BusEvent::from_row));
                }
                continue;
            }
            match self.live.recv().await {
                Ok(event) if event.seq <= self.last => continue,
                Ok(event) => self.backlog.push_back((*event).clone()),
                // Fell behind the announcements: the store has them.
                Err(broadcast::error::RecvError::Lagged(_)) => self.behind = true,
                Err(broadcast::error::RecvError::Closed) => {
                    return Err(CoreError::new("unavailable", "the event bus has stopped"));
                }
            }
        }
    }

    /// The sequence number of the last event this subscription has passed.
    pub fn position(&self) -> i64 {
        self.last
    }
}

/// A screen's event as a bus event, when it is one: the project's changes, saves, deletions,
/// invalidations and recoveries (tasks are published where their status moves).
pub(crate) fn topic_of(event: &StudioEvent) -> Option<(&'static str, &str, Map<String, Value>)> {
    let mut data = Map::new();
    let (topic, project_id) = match event {
        StudioEvent::StateChanged { project_id, status, summary, user_id } => {
            data.insert("status".into(), serde_json::to_value(status).unwrap_or_default());
            data.insert("summary".into(), summary.clone().into());
            data.insert("user_id".into(), user_id.clone().into());
            ("studio.project.changed", project_id)
        }
        StudioEvent::Saved { project_id, version } => {
            data.insert("version".into(), (*version).into());
            ("studio.project.saved", project_id)
        }
        StudioEvent::Deleted { project_id } => ("studio.project.deleted", project_id),
        StudioEvent::Invalidated { project_id, stages, warnings } => {
            data.insert("stages".into(), serde_json::to_value(stages).unwrap_or_default());
            data.insert("warnings".into(), serde_json::to_value(warnings).unwrap_or_default());
            ("studio.project.invalidated", project_id)
        }
        StudioEvent::AutosaveFailed { project_id, code, message } => {
            data.insert("code".into(), code.clone().into());
            data.insert("message".into(), message.clone().into());
            ("studio.project.autosave_failed", project_id)
        }
        StudioEvent::RecoveryAvailable { project_id, edits } => {
            data.insert("edits".into(), (*edits).into());
            ("studio.project.recovery_available", project_id)
        }
        _ => return None,
    };
    Some((topic, project_id, data))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_topics() {
        assert!(topic_matches("*", "studio.task.completed"));
        assert!(topic_matches("studio.task.*", "studio.task.completed"));
        assert!(!topic_matches("studio.task.*", "studio.taskforce.completed"));
        assert!(topic_matches("studio.task.completed", "studio.task.completed"));
        assert!(!topic_matches("studio.task.completed", "studio.task.failed"));
        assert!(check_topic("custom.data_refreshed").is_ok());
        for bad in ["", "Studio.x", "a..b", "a.b.", "a b", &"x".repeat(129)] {
            assert!(check_topic(bad).is_err(), "{bad}");
        }
        let filter = EventFilter { topics: vec!["studio.*".into(), "nope!".into()], project_id: None };
        assert!(filter.check().unwrap_err().message.contains("nope!"));
    }
}
