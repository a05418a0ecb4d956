//! What the Simulation console is, apart from how it plays: where a run stands (`ConsoleView`,
//! `ConsoleStatus`), the commands its thread takes, and an open console's record.

use std::sync::mpsc;

use serde::{Deserialize, Serialize};
use studio_model::{ScenarioRun, ShockEvent};
use tokio::sync::oneshot;

/// Where the console's run is: playing, paused, at its last tick, or stopped by hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConsoleStatus {
    Running,
    Paused,
    Complete,
    Stopped,
}

/// Where the console's run stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ConsoleView {
    /// This console run; `seq` orders its views (events and answers can cross on the way).
    pub run_id: String,
    pub seq: u64,
    pub scenario_id: String,
    pub status: ConsoleStatus,
    pub current_tick: u32,
    pub total_ticks: u32,
    /// The earliest tick the run can go back to: the history's end in a calibrated project (its
    /// runs are forecasts from there), else 0.
    #[serde(default)]
    pub start_tick: u32,
    /// p5, p25, p50, p75, p95 of the adoption share at ticks 0..=current.
    pub bands: Vec<[f64; 5]>,
    pub injected_shocks: Vec<ShockEvent>,
    pub checkpoints: Vec<u32>,
    /// The ensemble's digest, at the last tick.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) enum Command {
    Pause,
    Resume,
    Stop,
    Step,
    Back,
    Replay(u32),
    Inject(String, f64),
}

pub(crate) type Reply = oneshot::Sender<std::result::Result<ConsoleView, String>>;

/// Tells a console's thread to stop; nobody waits for its answer.
pub(crate) fn send_stop(commands: &mpsc::Sender<(Command, Reply)>) {
    let (reply, _) = oneshot::channel();
    let _ = commands.send((Command::Stop, reply));
}

/// Sends the console's thread a stop when dropped while still holding its way there.
pub(crate) struct StopOnDrop(pub(crate) Option<mpsc::Sender<(Command, Reply)>>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        if let Some(commands) = self.0.take() {
            send_stop(&commands);
        }
    }
}

/// An open console: the scenario it plays and the way to its thread.
pub(crate) struct Console {
    pub(crate) commands: mpsc::Sender<(Command, Reply)>,
    pub view: ConsoleView,
    /// The scenario's record before this run: what a stop before the end goes back to.
    pub(crate) previous: Option<ScenarioRun>,
    /// The last tick streamed, and when: ticks are streamed at most once a frame, each event
    /// carrying the bands since the one before.
    pub(crate) emitted: Option<(u32, std::time::Instant)>,
}
