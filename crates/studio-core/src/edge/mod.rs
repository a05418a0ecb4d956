//! The edge of the core: what leaves the process. Mail (`mail.rs`), the file manager
//! (`reveal.rs`), the watch on linked files (`watch.rs`) and a team server's client
//! (`team_client.rs`). The domain reaches mail and the file manager through the ports in
//! `ports.rs`; the watch calls into the domain; `team_link.rs` (a desktop's local copies of
//! team projects) uses the team client, which knows nothing of the domain. Which
//! implementation serves is chosen here, from the configuration.

pub mod mail;
pub mod reveal;
pub mod team_client;
pub mod watch;
pub mod webhook;

use std::sync::Arc;

use crate::config::StudioConfig;
use crate::ports::{FileManager, Postman};

/// Mail through `STUDIO_SMTP_URL` when it is set, else the outbox.
pub fn postman(config: &StudioConfig) -> Arc<dyn Postman> {
    let outbox = config.outbox_dir();
    match &config.smtp {
        Some(smtp) => Arc::new(mail::SmtpPostman { smtp: smtp.clone(), outbox }),
        None => Arc::new(mail::OutboxPostman { outbox }),
    }
}

/// The platform's file manager, or `STUDIO_OPENER`.
pub fn file_manager(config: &StudioConfig) -> Arc<dyn FileManager> {
    Arc::new(reveal::SystemFileManager { opener: config.opener.clone() })
}
