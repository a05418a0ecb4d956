//! What a team server's instance tells the others through the team's Redis (`team_live`
//! listens): each change committed here, where each user is and how its tasks move, in the order they happened,
//! stamped with this instance's id so it does not take its own back.

use tokio::sync::mpsc;

/// The channel of a project's changes, before its id.
pub(crate) const PROJECT: &str = "studio:project:";
/// The channel of a project's presence, before its id.
pub(crate) const PRESENCE: &str = "studio:presence:";

/// The channel of a project's tasks (as JSON), before its id.
pub(crate) const TASK: &str = "studio:task:";

/// The sending side: this instance's id and the queue its publisher sends in order.
pub(crate) struct Outbox {
    pub(crate) instance: String,
    queue: mpsc::UnboundedSender<(String, Vec<u8>)>,
}

impl Outbox {
    pub(crate) fn new(instance: String, queue: mpsc::UnboundedSender<(String, Vec<u8>)>) -> Self {
        Outbox { instance, queue }
    }

    /// Queues `bytes` for `channel`, after this instance's id.
    pub(crate) fn send(&self, channel: String, bytes: &[u8]) {
        let mut payload = Vec::with_capacity(self.instance.len() + bytes.len());
        payload.extend_from_slice(self.instance.as_bytes());
        payload.extend_from_slice(bytes);
        let _ = self.queue.send((channel, payload));
    }
}
