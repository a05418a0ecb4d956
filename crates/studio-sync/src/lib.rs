//! Collaboration: who a user is (an ed25519 key), how a project is offered to others (signed
//! invites), and the project document kept in step with peers over the automerge-repo protocol.
//!
//! This crate knows no storage and no project rules: the core gives it bytes to keep and
//! decides what an edit may do.

pub mod error;
pub mod identity;

pub use error::SyncError;
pub use identity::{Keypair, verify};
