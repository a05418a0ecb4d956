//! The hub: where peers connect to sync shared projects (`studio serve --share`). The sync
//! route, `GET /sync/v1`, is a WebSocket speaking the automerge-repo protocol; who may come in
//! is decided before the upgrade, and a refusal is an HTTP answer whose JSON says why. The
//! projects' blobs are beside it (`hub_blobs`). On loopback the hub is plain `ws://`; on any
//! other address it is `wss://` only, with the certificate invites pin.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::serve::ListenerExt;
use futures::{SinkExt, StreamExt, TryStreamExt};
use studio_core::sync::{Hello, MAX_MESSAGE, READ_BUFFER};
use studio_core::{CoreError, Studio, TransportParts};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

use crate::ApiError;

pub struct RunningHub {
    /// The sync address peers dial: `ws://127.0.0.1:PORT/sync/v1` or `wss://HOST:PORT/sync/v1`.
    pub url: String,
    pub addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl RunningHub {
    /// Stops listening: connections are let finish for up to 5 s, then cut.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if tokio::time::timeout(Duration::from_secs(5), &mut self.task).await.is_err() {
            tracing::warn!("the hub's connections did not end within 5 s: cut");
            self.task.abort();
        }
    }
}

/// Listens at `listen` and makes this Studio the hub of its shared projects.
pub async fn start_hub(studio: Arc<Studio>, listen: SocketAddr) -> Result<RunningHub, CoreError> {
    let io = |e: std::io::Error| {
        let code = match e.kind() {
            // Another program (another Studio sharing?) has the port: say so, not "server error".
            std::io::ErrorKind::AddrInUse => "conflict",
            std::io::ErrorKind::AddrNotAvailable | std::io::ErrorKind::PermissionDenied => "invalid_request",
            _ => "io_error",
        };
        CoreError::new(code, format!("the hub cannot listen at {listen}: {e}"))
    };
    let listener = TcpListener::bind(listen).await.map_err(io)?;
    let addr = listener.local_addr().map_err(io)?;
    let app = Router::new()
        .route("/sync/v1", get(connect))
        .route("/sync/v1/blobs/{hash}", get(crate::hub_blobs::get_blob).put(crate::hub_blobs::put_blob))
        .with_state(studio.clone());
    let (tx, rx) = oneshot::channel::<()>();
    let stop = async {
        let _ = rx.await;
    };
    let url = if addr.ip().is_loopback() {
        let task = tokio::spawn(async move {
            let listener = listener.tap_io(|s| {
                let _ = s.set_nodelay(true);
            });
            axum::serve(listener, app).with_graceful_shutdown(stop).await
        });
        let url = format!("ws://{addr}/sync/v1");
        studio.sharing.open_hub(&url).await?;
        return Ok(RunningHub { url, addr, shutdown: Some(tx), task });
    } else {
        let host = match addr.ip() {
            ip if ip.is_unspecified() => this_machine().unwrap_or(ip),
            ip => ip,
        };
        format!("wss://{}/sync/v1", SocketAddr::new(host, addr.port()))
    };
    let config = studio.sharing.hub_certificate()?.server_config().map_err(|e| CoreError::invalid(e.to_string()))?;
    let tls = TlsListener::start(listener, TlsAcceptor::from(config), addr);
    let task = tokio::spawn(async move { axum::serve(tls, app).with_graceful_shutdown(stop).await });
    studio.sharing.open_hub(&url).await?;
    Ok(RunningHub { url, addr, shutdown: Some(tx), task })
}

/// This machine's address on its network: the one a packet to the outside would leave from
/// (nothing is sent).
fn this_machine() -> Option<IpAddr> {
    let socket = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    socket.connect("192.0.2.1:9").ok()?;
    socket.local_addr().ok().map(|a| a.ip()).filter(|ip| !ip.is_unspecified())
}

async fn connect(
    State(studio): State<Arc<Studio>>,
    Query(params): Query<HashMap<String, String>>,
    ws: WebSocketUpgrade,
) -> Response {
    let hello = match Hello::from_params(&params) {
        Ok(h) => h,
        Err(e) => return ApiError::new("invalid_request", e.to_string()).into_response(),
    };
    let admission = match studio.sharing.admit(&hello).await {
        Ok(a) => a,
        Err(e) => return ApiError(e).into_response(),
    };
    ws.max_message_size(MAX_MESSAGE).max_frame_size(MAX_MESSAGE).read_buffer_size(READ_BUFFER).on_upgrade(
        move |socket| async move {
            let project = admission.project_id.clone();
            if let Err(e) = studio.sharing.accept(parts(socket), admission).await {
                tracing::warn!(project_id = project, "a peer's connection was dropped: {}", e.message);
            }
        },
    )
}

/// The WebSocket as the bytes of binary messages, both ways.
fn parts(socket: WebSocket) -> TransportParts {
    let (sink, stream) = socket.split();
    let stream = stream
        .map_err(std::io::Error::other)
        .try_filter_map(|m| async move {
            Ok(match m {
                Message::Binary(b) => Some(b.to_vec()),
                _ => None,
            })
        })
        .boxed();
    let sink = sink
        .sink_map_err(std::io::Error::other)
        .with(|b: Vec<u8>| async move { Ok::<_, std::io::Error>(Message::Binary(b.into())) });
    TransportParts { stream, sink: Box::pin(sink) }
}

/// A TLS listener: handshakes run beside the accept loop (a slow client holds up no one) and
/// the finished ones are served.
struct TlsListener {
    ready: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
    addr: SocketAddr,
}

impl TlsListener {
    fn start(listener: TcpListener, acceptor: TlsAcceptor, addr: SocketAddr) -> TlsListener {
        let (tx, ready) = mpsc::channel(64);
        tokio::spawn(async move {
            loop {
                let Ok((tcp, peer)) = listener.accept().await else {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                };
                let _ = tcp.set_nodelay(true);
                let (acceptor, done) = (acceptor.clone(), tx.clone());
                tokio::spawn(async move {
                    match tokio::time::timeout(Duration::from_secs(10), acceptor.accept(tcp)).await {
                        Ok(Ok(tls)) => {
                            let _ = done.send((tls, peer)).await;
                        }
                        Ok(Err(e)) => tracing::debug!(%peer, "a TLS handshake failed: {e}"),
                        Err(_) => tracing::debug!(%peer, "a TLS handshake timed out"),
                    }
                });
                if tx.is_closed() {
                    break;
                }
            }
        });
        TlsListener { ready, addr }
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.ready.recv().await {
            Some(ready) => ready,
            // The accept loop ended: nothing more will come.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> std::io::Result<SocketAddr> {
        Ok(self.addr)
    }
}
