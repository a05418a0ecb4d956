//! What the caller of the model supplies so that applying an action stays pure: who acts,
//! when, and a fresh id for anything the action creates.

/// What the caller supplies so that applying stays pure.
#[derive(Debug, Clone)]
pub struct ActionContext {
    pub user_id: String,
    /// ISO 8601 time of the action.
    pub now: String,
    /// A fresh UUID for anything the action creates.
    pub fresh_id: String,
}
