//! The HTTP and WebSocket API of FutureOS Studio: the seed's REST routes and project event
//! stream, mapped onto `studio-core` with no domain logic here. Listens on loopback with a
//! per-launch token and refuses foreign Host/Origin headers; serves the built UI.
#![cfg_attr(not(test), warn(clippy::unwrap_used, clippy::expect_used))]

mod admin_routes;
mod agent_routes;
mod analysis_routes;
mod api_doc;
mod bodies;
mod error;
mod event_routes;
mod guard;
mod handlers;
mod hub;
mod hub_blobs;
mod hub_host;
mod ops_routes;
mod people_routes;
mod question_routes;
mod report_routes;
mod routes;
mod socket;
mod task_routes;
mod team_routes;
mod unsent_routes;
mod workflow_routes;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

use std::time::Duration;
use studio_core::Studio;
use tokio::net::TcpListener;

use tokio::sync::{oneshot, watch};

pub use api_doc::document as openapi_document;
pub use error::ApiError;
pub use hub::{RunningHub, start_hub};
pub use hub_host::hub_host;
pub use routes::{OPENAPI_JSON, router};

/// How to serve.
#[derive(Debug, Clone, Default)]
pub struct ServeOptions {
    /// 0 picks a free port.
    pub port: u16,
    /// Listen on every interface instead of loopback only (for peers on the network).
    pub open_to_network: bool,
    /// The built UI (`ui/dist`); without it only the API is served.
    pub ui_dir: Option<PathBuf>,
    /// The token clients must present; a random one per launch when `None`.
    pub token: Option<String>,
    /// A team server: each caller presents their own token (issued by an invitation), any Host
    /// is answered, and requests run as their caller.
    pub team: bool,
    /// Where to listen, overriding `port` and `open_to_network`.
    pub listen: Option<SocketAddr>,
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub studio: Arc<Studio>,
    /// The user requests act as when they name none.
    pub local_user: String,
    pub token: Arc<str>,
    /// The `host:port` values this server answers to.
    pub hosts: Arc<[String]>,
    /// A team server (see [`ServeOptions::team`]).
    pub team: bool,
    /// Becomes true when the server stops: long-lived connections (the project WebSockets)
    /// close, so a graceful stop does not wait on them forever.
    pub stopping: watch::Receiver<bool>,
}

/// A server that is listening.
pub struct RunningServer {
    pub addr: SocketAddr,
    pub token: String,
    shutdown: Option<oneshot::Sender<()>>,
    stopping: watch::Sender<bool>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

/// How long a stop waits for requests in flight before it closes their connections.
const STOP_GRACE: Duration = Duration::from_secs(5);

impl RunningServer {
    /// The address to open in a browser, token included.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/?token={}", self.addr.port(), self.token)
    }

    /// The API's base address, without the token.
    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.addr.port())
    }

    /// Stops accepting, closes the WebSockets, lets running requests finish (for a few
    /// seconds at most), and returns.
    pub async fn stop(mut self) -> std::io::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = self.stopping.send(true);
        match tokio::time::timeout(STOP_GRACE, &mut self.task).await {
            Ok(joined) => joined.map_err(std::io::Error::other)?,
            Err(_) => {
                // A request still running after the grace (a client that stopped reading):
                // its connection is dropped rather than holding the program open.
                self.task.abort();
                Ok(())
            }
        }
    }

    /// Runs until the server ends on its own (an error) or `signal` completes.
    pub async fn run_until(mut self, signal: impl std::future::Future<Output = ()>) -> std::io::Result<()> {
        tokio::select! {
            result = &mut self.task => result.map_err(std::io::Error::other)?,
            () = signal => self.stop().await,
        }
    }
}

/// A fresh random token: 32 bytes, hex.
pub fn new_token() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

/// Binds and starts serving in the background.
pub async fn start(studio: Arc<Studio>, local_user: String, options: ServeOptions) -> std::io::Result<RunningServer> {
    let ip = if options.open_to_network { IpAddr::V4(Ipv4Addr::UNSPECIFIED) } else { IpAddr::V4(Ipv4Addr::LOCALHOST) };
    let listener = TcpListener::bind(options.listen.unwrap_or(SocketAddr::new(ip, options.port))).await?;
    let addr = listener.local_addr()?;
    let token = options.token.clone().unwrap_or_else(new_token);
    // The server runs the long actions it accepts.
    studio.start_tasks().await.map_err(std::io::Error::other)?;
    let port = addr.port();
    let hosts: Vec<String> = vec![format!("127.0.0.1:{port}"), format!("localhost:{port}"), format!("[::1]:{port}")];
    let (stopping, stopping_rx) = watch::channel(false);
    let state = AppState {
        studio,
        local_user,
        token: token.clone().into(),
        hosts: hosts.into(),
        team: options.team,
        stopping: stopping_rx,
    };
    let (app, _) = router(state, options.ui_dir.as_deref());
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await
    });
    Ok(RunningServer { addr, token, shutdown: Some(tx), stopping, task })
}
