//! Events the core streams to every front end (WebSocket, the Tauri window, tests).

use serde::{Deserialize, Serialize};
use studio_model::{ProjectStatus, Workbench};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum StudioEvent {
    /// The project's state changed (an action, an undo, a restore, a rename).
    StateChanged {
        project_id: String,
        status: ProjectStatus,
        summary: String,
        user_id: String,
    },
    /// Who is in a shared project now, and where.
    Presence {
        project_id: String,
        users: Vec<studio_model::Presence>,
    },
    /// A shared project's link to its hub: `connected`, `reconnecting` or `offline`.
    SyncChanged {
        project_id: String,
        state: String,
    },
    /// Stages downstream of a change need re-running.
    Invalidated {
        project_id: String,
        stages: Vec<Workbench>,
        warnings: Vec<String>,
    },
    /// A version was saved.
    Saved {
        project_id: String,
        version: u32,
    },
    /// Edits were folded into the library without a new version.
    Autosaved {
        project_id: String,
    },
    /// An autosave of the project failed (a full disk, a library locked elsewhere…): its
    /// edits stay in the journal, and the next autosave tries again.
    AutosaveFailed {
        project_id: String,
        code: String,
        message: String,
    },
    Deleted {
        project_id: String,
    },
    /// A task of the project was added, moved, reported progress or finished.
    TaskChanged {
        project_id: String,
        task: Box<studio_tasks::Task>,
    },
    /// The console's run moved: ticks played, or a control paused, stepped or replayed it.
    /// `bands` are the p5..p95 of the outcome share at ticks `from_tick..=tick` (at most one
    /// event a frame while it plays).
    SimulationTick {
        project_id: String,
        /// The console run, and the order of its views.
        run_id: String,
        seq: u64,
        scenario_id: String,
        status: crate::console_state::ConsoleStatus,
        tick: u32,
        total_ticks: u32,
        from_tick: u32,
        bands: Vec<[f64; 5]>,
    },
    /// Unsaved edits of a session that ended unexpectedly can be recovered.
    RecoveryAvailable {
        project_id: String,
        edits: usize,
    },
    /// Edits of this client's user that a team server could not save (its database away) are
    /// kept for them: `GET …/unsent` lists them, to apply or discard. Sent on connecting.
    UnsentAvailable {
        project_id: String,
        edits: usize,
    },
}
