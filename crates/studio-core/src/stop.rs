//! Stopping blocking work nobody waits for any more. A read or a hash runs on a blocking
//! thread while an async caller waits for it; when that caller is dropped (its task cancelled,
//! its connection closed, the program shutting down), the work must stop too, not read on for
//! nobody: the caller holds a [`StopOnDrop`], the work polls the [`Stop`] it was given.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

#[derive(Clone, Debug, Default)]
pub(crate) struct Stop(Arc<AtomicBool>);

/// Raises its [`Stop`] when dropped.
pub(crate) struct StopOnDrop(Arc<AtomicBool>);

impl Stop {
    /// A stop, and the guard that raises it when the caller goes away.
    pub fn on_drop() -> (Stop, StopOnDrop) {
        let flag = Arc::new(AtomicBool::new(false));
        (Stop(flag.clone()), StopOnDrop(flag))
    }

    pub fn requested(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}
