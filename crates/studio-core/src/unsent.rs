//! Nothing a team member does is lost to an outage. A workbench action the team server could
//! not save (its database away) is kept for the member, for 24 hours, and offered back when
//! they reconnect — through any instance — to apply or discard; the `unsent_available` event
//! says so on the project's socket. A client's session state (where it was, what it had open)
//! is kept the same way, for it to pick up after a reconnect or a reload.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use studio_model::{ProjectLoad, ProjectState, WorkbenchAction};

use crate::error::{CoreError, Result};
use crate::parking::KEEP_FOR;
use crate::studio::Studio;

/// At most this many edits are kept per member and project.
const MAX_UNSENT: usize = 500;
/// A session state is at most this large.
pub const MAX_SESSION_STATE_BYTES: usize = 64 * 1024;

/// An edit the server could not save, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UnsentEdit {
    pub at: String,
    pub why: String,
    pub edit: WorkbenchAction,
}

/// A member's kept edits on a project, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UnsentEdits {
    pub project_id: String,
    pub edits: Vec<UnsentEdit>,
    /// Seconds until they are dropped, when there are any.
    pub expires_in_secs: Option<i64>,
}

/// What applying kept edits did: how many went in, those the database refused again (still
/// kept), those no longer valid (dropped, with why), and the project as it now stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AppliedUnsent {
    pub applied: usize,
    pub still_kept: Vec<UnsentEdit>,
    pub refused: Vec<UnsentEdit>,
    pub state: ProjectState,
}

/// A client's session state as it last kept it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SessionState {
    pub client_id: String,
    /// What the client kept (null when nothing is kept).
    pub state: Value,
    pub expires_in_secs: Option<i64>,
}

fn unsent_key(user_id: &str, project_id: &str) -> String {
    format!("studio:unsent:{user_id}:{project_id}")
}

fn session_key(user_id: &str, client_id: &str) -> Result<String> {
    let fine = !client_id.is_empty()
        && client_id.len() <= 64
        && client_id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !fine {
        return Err(CoreError::invalid("client_id is 1 to 64 letters, digits, '-' or '_'"));
    }
    Ok(format!("studio:session:{user_id}:{client_id}"))
}

impl Studio {
    /// Keeps an edit refused for `error` (the database away) for its author; answers the error
    /// to give them, which says it is kept. Without a place to keep it, the error as it was.
    pub(crate) async fn park_unsent(&self, edit: WorkbenchAction, error: CoreError) -> CoreError {
        let key = unsent_key(&edit.user_id, &edit.project_id);
        let full = self.parking.kept(&key).await.map(|(items, _)| items.len() >= MAX_UNSENT).unwrap_or(true);
        if full {
            return error;
        }
        let unsent = UnsentEdit { at: studio_store::now(), why: error.message.clone(), edit };
        let Ok(bytes) = serde_json::to_vec(&unsent) else { return error };
        match self.parking.keep(&key, &bytes).await {
            Ok(()) => CoreError::new(
                &error.code,
                format!(
                    "{} The edit is kept for {} hours: reconnecting offers it back to apply or discard.",
                    error.message,
                    KEEP_FOR.as_secs() / 3600
                ),
            ),
            Err(_) => error,
        }
    }

    /// The edits kept for `user_id` on a project.
    pub async fn unsent_edits(&self, project_id: &str, user_id: &str) -> Result<UnsentEdits> {
        let (items, expires_in_secs) = self.parking.kept(&unsent_key(user_id, project_id)).await?;
        let edits = items.iter().filter_map(|b| serde_json::from_slice(b).ok()).collect();
        Ok(UnsentEdits { project_id: project_id.into(), edits, expires_in_secs })
    }

    /// Applies the kept edits in order, as their author; those refused again stay kept.
    pub async fn apply_unsent(&self, project_id: &str, user_id: &str) -> Result<AppliedUnsent> {
        let key = unsent_key(user_id, project_id);
        let kept = self.unsent_edits(project_id, user_id).await?;
        self.parking.forget(&key).await?;
        let (mut applied, mut still_kept, mut refused) = (0, Vec::new(), Vec::new());
        for unsent in kept.edits {
            let mut edit = unsent.edit.clone();
            (edit.project_id, edit.user_id) = (project_id.to_string(), user_id.to_string());
            match self.workbench_action(&edit).await {
                Ok(_) => applied += 1,
                Err(e) if e.code == "unavailable" => {
                    let again = UnsentEdit { why: e.message, ..unsent };
                    self.parking.keep(&key, &serde_json::to_vec(&again).map_err(CoreError::internal)?).await?;
                    still_kept.push(again);
                }
                Err(e) => refused.push(UnsentEdit { why: e.message, ..unsent }),
            }
        }
        let load = ProjectLoad { project_id: project_id.into(), user_id: user_id.into(), version: None };
        Ok(AppliedUnsent { applied, still_kept, refused, state: self.get_project(&load).await? })
    }

    /// Drops the kept edits; answers how many there were.
    pub async fn discard_unsent(&self, project_id: &str, user_id: &str) -> Result<usize> {
        let kept = self.unsent_edits(project_id, user_id).await?;
        self.parking.forget(&unsent_key(user_id, project_id)).await?;
        Ok(kept.edits.len())
    }

    /// Keeps a client's session state for 24 hours (replacing what it kept before).
    pub async fn keep_session(&self, user_id: &str, client_id: &str, state: &Value) -> Result<SessionState> {
        let key = session_key(user_id, client_id)?;
        let bytes = serde_json::to_vec(state).map_err(CoreError::internal)?;
        if bytes.len() > MAX_SESSION_STATE_BYTES {
            return Err(CoreError::new(
                "payload_too_large",
                format!(
                    "a session state is at most {} KB; this one is {} KB",
                    MAX_SESSION_STATE_BYTES / 1024,
                    bytes.len() / 1024
                ),
            ));
        }
        self.parking.replace(&key, &bytes).await?;
        self.session_state(user_id, client_id).await
    }

    /// What a client last kept, from whichever instance it kept it through.
    pub async fn session_state(&self, user_id: &str, client_id: &str) -> Result<SessionState> {
        let (items, expires_in_secs) = self.parking.kept(&session_key(user_id, client_id)?).await?;
        let state = items.last().and_then(|b| serde_json::from_slice(b).ok()).unwrap_or(Value::Null);
        Ok(SessionState { client_id: client_id.into(), state, expires_in_secs })
    }
}
