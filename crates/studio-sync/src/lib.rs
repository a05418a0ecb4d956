//! Collaboration: who a user is (an ed25519 key), how a project is offered to others (signed
//! invites), and the project document kept in step with peers over the automerge-repo protocol.
//!
//! This crate knows no storage and no project rules: the core gives it bytes to keep and
//! decides what an edit may do.

pub mod auth;
pub mod blobs;
pub mod dial;
pub mod docs;
pub mod durable;
pub mod error;
pub mod gate;
pub mod identity;
pub mod invite;
pub mod peer;
pub mod probe;
pub mod tls;

pub use auth::Hello;
pub use automerge::ChangeHash;
pub use blobs::{BlobClient, Fetched, blob_hash, is_blob_hash};
pub use dial::{Credentials, HubDialer, MAX_MESSAGE, READ_BUFFER, Refused, check_hub_url};
pub use durable::{DurableStorage, KeyValue, KvFuture};
pub use error::SyncError;
pub use gate::{Access, Gate};
pub use identity::{Keypair, verify};
pub use invite::{INVITE_FORMAT, Invite};
pub use peer::{SyncPeer, document_id, hub_peer_id};
pub use samod::{DialerEvent, DialerHandle, DocHandle, DocumentId, Transport};
pub use tls::{HubCertificate, pinned_client};
