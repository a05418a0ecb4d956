//! The audit log's writer: what the dispatch records is appended in the background, all that
//! waits in one transaction, so no request waits for it; a closing program writes what it
//! recorded first. A store that refuses is tried again while the rows wait in memory.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use studio_store::{AuditRow, Store};
use tokio::sync::mpsc;

pub(crate) struct AuditLog {
    queue: mpsc::UnboundedSender<AuditRow>,
    recorded: AtomicU64,
    written: Arc<AtomicU64>,
}

impl AuditLog {
    pub(crate) fn start(store: Store) -> AuditLog {
        let (queue, pending) = mpsc::unbounded_channel();
        let written = Arc::new(AtomicU64::new(0));
        tokio::spawn(write(store, pending, written.clone()));
        AuditLog { queue, recorded: AtomicU64::new(0), written }
    }

    /// Records a row (its message already masked); written in the background.
    pub(crate) fn record(&self, row: AuditRow) {
        self.recorded.fetch_add(1, Ordering::SeqCst);
        let _ = self.queue.send(row);
    }

    /// Waits (up to `limit`) until every row recorded so far is written.
    pub(crate) async fn flush(&self, limit: Duration) {
        let deadline = tokio::time::Instant::now() + limit;
        while self.written.load(Ordering::SeqCst) < self.recorded.load(Ordering::SeqCst)
            && tokio::time::Instant::now() < deadline
        {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }
}

async fn write(store: Store, mut pending: mpsc::UnboundedReceiver<AuditRow>, written: Arc<AtomicU64>) {
    while let Some(first) = pending.recv().await {
        let mut batch = vec![first];
        while batch.len() < 1000
            && let Ok(more) = pending.try_recv()
        {
            batch.push(more);
        }
        let mut wait = Duration::from_millis(50);
        while let Err(e) = store.append_audit(&batch).await {
            tracing::warn!("the audit log could not be written yet ({} rows waiting): {e}", batch.len());
            tokio::time::sleep(wait).await;
            wait = (wait * 2).min(Duration::from_secs(5));
        }
        written.fetch_add(batch.len() as u64, Ordering::SeqCst);
    }
}
