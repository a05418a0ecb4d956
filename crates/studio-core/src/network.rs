//! "Share on this network": this program's hub turned on and off by the analyst (the app's
//! switch, `PUT /api/v1/studio/hub`, `studio serve --share`). The listener is the shell's,
//! reached through the `HubHost` port; turning it off ends every peer's connection. The app's
//! choice is remembered in `config.json`, so sharing is on again at the next start.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::config::Settings;
use crate::error::{CoreError, Result};
use crate::ports::HubHost;
use crate::sharing::{Sharing, lock};

/// Where the hub listens when nothing else is said: every interface, TLS.
pub const DEFAULT_LISTEN: &str = "0.0.0.0:7878";

/// This program's hub, as the Share dialog shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct HubInfo {
    /// Whether this program is a hub now.
    pub on: bool,
    /// The sync address peers dial, which invites name (the last one when off).
    pub url: Option<String>,
    /// Where the hub listens (or would): `ADDRESS:PORT`.
    pub listen: String,
    /// The SHA-256 of the hub's certificate, which `wss://` invites pin: peers can compare it.
    pub fingerprint: String,
    /// Whether this program can be a hub at all (the app and `studio serve` can).
    pub available: bool,
}

fn parse_listen(text: &str) -> Result<std::net::SocketAddr> {
    text.trim()
        .parse()
        .map_err(|_| CoreError::invalid(format!("listen '{text}' is not an ADDRESS:PORT such as {DEFAULT_LISTEN}")))
}

impl Sharing {
    /// Lets the shell that owns the listener start and stop this program's hub.
    pub fn set_hub_host(&self, host: Arc<dyn HubHost>) {
        *lock(&self.hub_host) = Some(host);
    }

    /// Turns this program's hub on (at `listen`, else where it was, else `0.0.0.0:7878`) or
    /// off. `remember`: the choice holds at the next start (the app's switch).
    pub async fn share_on_network(&self, on: bool, listen: Option<&str>, remember: bool) -> Result<HubInfo> {
        let host = lock(&self.hub_host).clone().ok_or_else(|| {
            CoreError::new("not_ready", "this program cannot be a hub: the app or `studio serve` can")
        })?;
        let path = self.settings_path();
        let mut settings = Settings::load_or_create(&path)?;
        if on {
            let listen = listen
                .map(str::to_string)
                .or_else(|| settings.share_on_network.clone())
                .unwrap_or_else(|| DEFAULT_LISTEN.to_string());
            let addr = parse_listen(&listen)?;
            // The hub's peers are let go; the host replaces a listener already running.
            self.close_hub();
            host.start(addr).await?;
            if remember {
                settings.share_on_network = Some(listen);
                settings.write(&path)?;
            }
        } else {
            self.close_hub();
            host.stop().await;
            if remember && settings.share_on_network.take().is_some() {
                settings.write(&path)?;
            }
        }
        self.hub_info().await
    }

    /// Turns the hub on again when the analyst left it on (the app starting).
    pub async fn resume_network_sharing(&self) -> Result<Option<HubInfo>> {
        let settings = Settings::load_or_create(&self.settings_path())?;
        match settings.share_on_network {
            Some(listen) => Ok(Some(self.share_on_network(true, Some(&listen), false).await?)),
            None => Ok(None),
        }
    }

    /// This program's hub: on or off, its address and its certificate's fingerprint.
    pub async fn hub_info(&self) -> Result<HubInfo> {
        let settings = Settings::load_or_create(&self.settings_path())?;
        let running = lock(&self.hub_url).clone();
        Ok(HubInfo {
            on: running.is_some(),
            url: match running {
                Some(url) => Some(url),
                None => self.store.hub_url().await?,
            },
            listen: settings.share_on_network.unwrap_or_else(|| DEFAULT_LISTEN.to_string()),
            fingerprint: self.hub_certificate()?.fingerprint(),
            available: lock(&self.hub_host).is_some(),
        })
    }

    /// This program is no hub any more: every peer's connection ends.
    pub(crate) fn close_hub(&self) {
        *lock(&self.hub_url) = None;
        for guest in lock(&self.guests).values() {
            guest.close.send_replace(true);
        }
    }
}
