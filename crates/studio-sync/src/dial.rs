//! Dialing a hub: a WebSocket to the hub's sync address (over TLS pinned to the invite's
//! fingerprint when it is `wss://`), with Nagle off, and fresh credentials in the query string
//! at every (re)connection. A hub that refuses (a revoked invite, a removed collaborator) says
//! why in an HTTP answer; that ends the dialing for good, with the hub's words.

use std::sync::{Arc, Mutex};

use futures::future::BoxFuture;
use futures::{SinkExt, StreamExt, TryStreamExt};
use samod::{DialError, Dialer, PeerId, Transport, Url};
use tokio_tungstenite::tungstenite::{self, Message};

use crate::error::SyncError;
use crate::tls::pinned_client;

/// How much a sync WebSocket reads at a time (both ends). tungstenite zeroes this much before
/// each read, 128 KiB by default: at a hub with 50 peers, every edit brought 100 such reads.
/// A larger message is read in more pieces, not refused.
pub const READ_BUFFER: usize = 8 * 1024;

/// The largest sync message taken (both ends): a whole 10 MB project's first sync fits with room.
pub const MAX_MESSAGE: usize = 64 * 1024 * 1024;

/// Makes the query string that authenticates one connection attempt.
pub type Credentials = Arc<dyn Fn() -> String + Send + Sync>;

/// Why a hub would not let us in, in its words.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct Refused(pub String);

pub struct HubDialer {
    url: Url,
    fingerprint: Option<String>,
    hub_peer: String,
    credentials: Credentials,
    /// The last reason a connection attempt failed, for the analyst.
    last_error: Arc<Mutex<Option<String>>>,
}

impl HubDialer {
    /// A dialer to the hub at `url` (`ws://` on loopback, else `wss://` with `fingerprint`),
    /// expecting to meet the peer `hub_peer`.
    pub fn new(
        url: &str,
        fingerprint: Option<String>,
        hub_peer: String,
        credentials: Credentials,
    ) -> Result<HubDialer, SyncError> {
        let url = check_hub_url(url)?;
        if url.scheme() == "wss" && fingerprint.is_none() {
            return Err(SyncError::invalid("a wss:// hub needs the fingerprint of its certificate"));
        }
        Ok(HubDialer { url, fingerprint, hub_peer, credentials, last_error: Default::default() })
    }

    /// Where the last failed attempt's reason is kept.
    pub fn last_error(&self) -> Arc<Mutex<Option<String>>> {
        self.last_error.clone()
    }
}

/// A hub's sync address as it may be dialed or named in an invite: `ws://` on this machine,
/// else `wss://` only.
pub fn check_hub_url(text: &str) -> Result<Url, SyncError> {
    let bad = |why: String| SyncError::invalid(format!("hub '{text}' {why}"));
    let url = Url::parse(text.trim()).map_err(|e| bad(format!("is not a URL: {e}")))?;
    if url.host().is_none() {
        return Err(bad("names no host".into()));
    }
    match url.scheme() {
        "wss" => Ok(url),
        "ws" if is_loopback(&url) => Ok(url),
        "ws" => Err(bad("is not on this machine: beyond loopback a hub is reached over TLS (wss://) only".into())),
        other => Err(bad(format!("must be a ws:// or wss:// address, not {other}://"))),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d == "localhost",
        None => false,
    }
}

impl Dialer for HubDialer {
    type Error = Refused;

    fn url(&self) -> Url {
        self.url.clone()
    }

    fn connect(&self) -> BoxFuture<'static, Result<Transport, DialError<Refused>>> {
        let mut url = self.url.clone();
        url.set_query(Some(&(self.credentials)()));
        let fingerprint = self.fingerprint.clone();
        let hub_peer = self.hub_peer.clone();
        let last_error = self.last_error.clone();
        Box::pin(async move {
            let connector = match &fingerprint {
                Some(f) if url.scheme() == "wss" => {
                    let config = pinned_client(f).map_err(|e| DialError::PermanentFailure(Refused(e.to_string())))?;
                    Some(tokio_tungstenite::Connector::Rustls(config))
                }
                _ => None,
            };
            let config = tungstenite::protocol::WebSocketConfig::default()
                .read_buffer_size(READ_BUFFER)
                .max_message_size(Some(MAX_MESSAGE))
                .max_frame_size(Some(MAX_MESSAGE));
            let connected =
                tokio_tungstenite::connect_async_tls_with_config(url.as_str(), Some(config), true, connector).await;
            let (ws, _) = match connected {
                Ok(ok) => ok,
                Err(e) => {
                    let (message, permanent) = describe(e);
                    *last_error.lock().unwrap_or_else(|p| p.into_inner()) = Some(message.clone());
                    return Err(if permanent {
                        DialError::PermanentFailure(Refused(message))
                    } else {
                        DialError::TransientFailure(Box::new(Refused(message)))
                    });
                }
            };
            *last_error.lock().unwrap_or_else(|p| p.into_inner()) = None;
            let (sink, stream) = ws.split();
            let stream = stream
                .map_err(|e| Refused(format!("the hub connection failed: {e}")))
                .try_filter_map(|m| async move {
                    Ok(match m {
                        Message::Binary(b) => Some(b.to_vec()),
                        _ => None,
                    })
                })
                .boxed();
            let sink = sink
                .sink_map_err(|e| Refused(format!("the hub connection failed: {e}")))
                .with(|b: Vec<u8>| async move { Ok::<_, Refused>(Message::Binary(b.into())) });
            Ok(Transport::new(stream, Box::pin(sink)).with_expected_peer_id(PeerId::from(hub_peer)))
        })
    }
}

/// What a failed connection attempt means: the hub's own words when it answered, and whether
/// trying again could help (it cannot when the hub refused us).
fn describe(e: tungstenite::Error) -> (String, bool) {
    match e {
        tungstenite::Error::Http(response) => {
            let status = response.status();
            let body = response.body().as_deref().unwrap_or_default();
            let message = serde_json::from_slice::<serde_json::Value>(body)
                .ok()
                .and_then(|v| v["message"].as_str().map(str::to_string))
                .unwrap_or_else(|| format!("the hub answered {status}"));
            (message, matches!(status.as_u16(), 401 | 403 | 404 | 410))
        }
        tungstenite::Error::Io(e) => (format!("the hub cannot be reached: {e}"), false),
        tungstenite::Error::Tls(e) => (format!("the hub's TLS failed: {e}"), true),
        other => (format!("the hub connection failed: {other}"), false),
    }
}
