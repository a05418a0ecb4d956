//! The server's side of the core's `HubHost` port: "Share on this network" starts the hub's
//! listener here and stops it, for the app and for `studio serve`.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Weak};

use studio_core::{CoreError, HubHost, Studio};

use crate::hub::{RunningHub, start_hub};

pub struct ServerHub {
    studio: Weak<Studio>,
    running: tokio::sync::Mutex<Option<RunningHub>>,
}

/// The hub host for `studio`: what `studio.sharing.set_hub_host` is given.
pub fn hub_host(studio: &Arc<Studio>) -> Arc<dyn HubHost> {
    Arc::new(ServerHub { studio: Arc::downgrade(studio), running: Default::default() })
}

impl HubHost for ServerHub {
    fn start(&self, listen: SocketAddr) -> Pin<Box<dyn Future<Output = studio_core::Result<String>> + Send + '_>> {
        Box::pin(async move {
            let studio = self.studio.upgrade().ok_or_else(|| CoreError::new("not_ready", "Studio is closing"))?;
            let mut running = self.running.lock().await;
            if let Some(hub) = running.take() {
                hub.stop().await;
            }
            let hub = start_hub(studio, listen).await?;
            let url = hub.url.clone();
            *running = Some(hub);
            Ok(url)
        })
    }

    fn stop(&self) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        Box::pin(async move {
            if let Some(hub) = self.running.lock().await.take() {
                hub.stop().await;
            }
        })
    }
}
