//! Whether document actors write their documents' changes to the repo's storage.
//!
//! Patch (see `PATCHED.md`): a program that keeps its documents somewhere else, and gives the
//! repo's storage only what a document is first loaded from, turns the writes off; otherwise
//! every step of every document actor reads the changes since the last write and, every ten,
//! saves the whole document again, for a copy nobody reads.

use std::sync::atomic::{AtomicBool, Ordering};

static WRITES: AtomicBool = AtomicBool::new(true);

/// Turns writing documents to storage on (the default) or off, for every repo in this process.
pub fn set_document_writes(on: bool) {
    WRITES.store(on, Ordering::Relaxed);
}

/// Whether document actors write their documents to storage.
pub fn document_writes() -> bool {
    WRITES.load(Ordering::Relaxed)
}
