//! The core's ports to the world outside the process: how a letter is posted and how a
//! folder is shown. The domain asks through these — the schedules compose the letter and record
//! how it went, "show in folder" decides which file may be shown — and never touches SMTP or a
//! file manager itself. The implementations are in `edge/`, chosen when the Studio opens.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;

use serde::{Deserialize, Serialize};

use crate::error::Result;

/// How scheduled reports leave this machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryChannel {
    Smtp,
    Outbox,
}

/// One report to mail.
#[derive(Debug, Clone, PartialEq)]
pub struct Letter {
    pub to: Vec<String>,
    pub subject: String,
    pub body: String,
    pub attachment_name: String,
    pub attachment: Vec<u8>,
    pub content_type: String,
}

/// How a letter left: mailed (through the server named), or kept in the outbox (the `.eml`,
/// and why it is there).
#[derive(Debug, Clone, PartialEq)]
pub enum Posted {
    Sent { via: String },
    Outbox { eml: PathBuf, why: String },
}

/// A letter on its way: how it went, once it is posted.
pub type Posting<'a> = Pin<Box<dyn Future<Output = Result<Posted>> + Send + 'a>>;

/// Posts letters.
pub trait Postman: Send + Sync {
    fn channel(&self) -> DeliveryChannel;

    /// Posts `letter`; `name` names its `.eml` should it be kept in the outbox. An address that
    /// is not one is an error; a server that refuses leaves the letter in the outbox.
    fn post<'a>(&'a self, letter: &'a Letter, name: &'a str) -> Posting<'a>;
}

/// Starts and stops this program's hub: the listener is the shell's (HTTP, TLS), what it
/// admits and syncs is the core's.
pub trait HubHost: Send + Sync {
    /// Listens at `listen` (in place of a listener already running); answers the sync
    /// address peers dial.
    fn start(&self, listen: std::net::SocketAddr) -> Pin<Box<dyn Future<Output = Result<String>> + Send + '_>>;

    /// Stops listening (nothing when not listening).
    fn stop(&self) -> Pin<Box<dyn Future<Output = ()> + Send + '_>>;
}

/// Shows a folder in the platform's file manager, with `file` selected where it can.
pub trait FileManager: Send + Sync {
    fn show(&self, folder: &Path, file: Option<&Path>) -> Result<()>;
}
