//! The team's Redis: what crosses between the instances of a team server as it happens (a
//! change made through one, who is where in a project), and what a client has not yet sent,
//! kept for 24 hours. Nothing here is the only copy of anything the team keeps — that is
//! PostgreSQL — so Redis going away delays notices and loses nothing: the subscription says it
//! was lost, retries with backoff, and says when it is back, so the caller can catch up.

use std::time::Duration;

use redis::AsyncCommands;
use redis::aio::ConnectionManager;
use tokio::sync::mpsc;

use super::redact;
use crate::{Result, StoreError};

/// What a subscription hears.
#[derive(Debug, Clone, PartialEq)]
pub enum BusEvent {
    Message {
        channel: String,
        payload: Vec<u8>,
    },
    /// The connection went; messages may be missed until `Resumed`.
    Lost(String),
    /// Subscribed again after a loss (not sent for the first subscription).
    Resumed,
}

/// A handle on the team's Redis.
#[derive(Clone)]
pub struct TeamBus {
    client: redis::Client,
    commands: ConnectionManager,
    url: String,
}

impl std::fmt::Debug for TeamBus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TeamBus").field("url", &redact(&self.url)).finish()
    }
}

impl TeamBus {
    /// Connects to `url` (`redis://host:port`). An unreachable server is named, not waited on.
    pub async fn connect(url: &str) -> Result<TeamBus> {
        if !(url.starts_with("redis://") || url.starts_with("rediss://")) {
            return Err(StoreError::Invalid(format!("'{}' is not a Redis URL: it starts redis://", redact(url))));
        }
        let client = redis::Client::open(url)
            .map_err(|e| StoreError::Invalid(format!("'{}' is not a Redis URL: {e}", redact(url))))?;
        let config = redis::aio::ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(5)))
            .set_response_timeout(Some(Duration::from_secs(5)));
        let commands =
            ConnectionManager::new_with_config(client.clone(), config).await.map_err(|e| unavailable(url, &e))?;
        Ok(TeamBus { client, commands, url: url.to_string() })
    }

    /// Publishes `payload` on `channel`; answers how many subscribers heard it.
    pub async fn publish(&self, channel: &str, payload: &[u8]) -> Result<usize> {
        let mut commands = self.commands.clone();
        commands.publish(channel, payload).await.map_err(|e| unavailable(&self.url, &e))
    }

    /// Every message on channels matching `pattern` (`studio:project:*`), for as long as the
    /// receiver is kept; a lost connection is retried with backoff (50 ms up to 5 s).
    pub fn subscribe(&self, pattern: &str) -> mpsc::UnboundedReceiver<BusEvent> {
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(listen(self.client.clone(), self.url.clone(), pattern.to_string(), tx));
        rx
    }

    /// Appends `item` to the list at `key`, which expires `keep` after its last append.
    pub async fn keep(&self, key: &str, item: &[u8], keep: Duration) -> Result<()> {
        let mut commands = self.commands.clone();
        let seconds = i64::try_from(keep.as_secs().max(1)).unwrap_or(i64::MAX);
        redis::pipe()
            .atomic()
            .rpush(key, item)
            .ignore()
            .expire(key, seconds)
            .ignore()
            .query_async::<()>(&mut commands)
            .await
            .map_err(|e| unavailable(&self.url, &e))
    }

    /// The list at `key`, oldest first (empty when it expired or never was).
    pub async fn kept(&self, key: &str) -> Result<Vec<Vec<u8>>> {
        let mut commands = self.commands.clone();
        commands.lrange(key, 0, -1).await.map_err(|e| unavailable(&self.url, &e))
    }

    /// Seconds until `key` expires; `None` when it does not exist.
    pub async fn expires_in(&self, key: &str) -> Result<Option<i64>> {
        let mut commands = self.commands.clone();
        let ttl: i64 = commands.ttl(key).await.map_err(|e| unavailable(&self.url, &e))?;
        Ok((ttl >= 0).then_some(ttl))
    }

    /// Drops the list at `key`.
    pub async fn forget(&self, key: &str) -> Result<()> {
        let mut commands = self.commands.clone();
        commands.del::<_, ()>(key).await.map_err(|e| unavailable(&self.url, &e))
    }
}

async fn listen(client: redis::Client, url: String, pattern: String, tx: mpsc::UnboundedSender<BusEvent>) {
    let mut backoff = Duration::from_millis(50);
    let mut lost = false;
    loop {
        let subscribed = async {
            let mut pubsub = client.get_async_pubsub().await?;
            pubsub.psubscribe(&pattern).await?;
            Ok::<_, redis::RedisError>(pubsub)
        }
        .await;
        match subscribed {
            Ok(mut pubsub) => {
                backoff = Duration::from_millis(50);
                if lost && tx.send(BusEvent::Resumed).is_err() {
                    return;
                }
                let mut messages = pubsub.on_message();
                while let Some(msg) = futures_lite_next(&mut messages).await {
                    let event = BusEvent::Message {
                        channel: msg.get_channel_name().to_string(),
                        payload: msg.get_payload_bytes().to_vec(),
                    };
                    if tx.send(event).is_err() {
                        return;
                    }
                }
                lost = true;
                if tx.send(BusEvent::Lost(format!("Redis at {} closed the subscription", redact(&url)))).is_err() {
                    return;
                }
            }
            Err(e) => {
                if !lost {
                    lost = true;
                    if tx.send(BusEvent::Lost(unavailable(&url, &e).to_string())).is_err() {
                        return;
                    }
                }
                if tx.is_closed() {
                    return;
                }
            }
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(5));
    }
}

/// The next item of a stream, without another dependency for `StreamExt`.
async fn futures_lite_next<S: futures_core::Stream + Unpin>(stream: &mut S) -> Option<S::Item> {
    std::future::poll_fn(|cx| std::pin::Pin::new(&mut *stream).poll_next(cx)).await
}

fn unavailable(url: &str, e: &redis::RedisError) -> StoreError {
    StoreError::Unavailable(format!("Redis at {} is not available: {e}", redact(url)))
}
