//! The Simulation console: `simulation/run` plays a scenario's ensemble tick by tick on a
//! thread of its own, which the console's controls steer between ticks — `pause`, `resume`,
//! `stop`, `step_forward`, `step_backward`, `replay {tick}` and `inject_shock {variable,
//! magnitude}`. Every tick is streamed as an event (the fan chart fills in as it runs); when
//! the run reaches its last tick the ensemble is stored and recorded, and it stays open for
//! stepping back, replaying and shocking, so a changed run is recorded again when it reaches
//! the end. Where the console stands is session state: it is shown in the project's
//! `workbench_states.simulation` (`status`, `current_tick`, `total_ticks`) while it is open.

use std::sync::mpsc;

use serde_json::{Value, json};
use studio_model::{Action, CalibrationFit, Ensemble, ScenarioRun, SimulationAction, StageStatus, Ticks};
use tokio::sync::{mpsc as channel, oneshot};

use crate::actor::Actor;
use crate::console_state::{Command, Console, ConsoleStatus, ConsoleView, Reply, StopOnDrop, send_stop};
use crate::error::{CoreError, Result};
use crate::events::StudioEvent;
use crate::library::Progress;
use crate::scenario_runs::{ScenarioInputs, ensemble_report, prepare, shock_event};
use crate::scenarios::Scenarios;

/// Ticks are streamed at most this often (a frame); each event carries the bands since the last.
const STREAM_EVERY: std::time::Duration = std::time::Duration::from_millis(16);

/// What the playing thread tells the core.
enum Heard {
    /// A tick played while running: the view without its bands, and the tick's band.
    Tick(ConsoleView, [f64; 5]),
    /// A control moved the run or changed its mode.
    Moved(ConsoleView),
    /// The run reached its last tick: the ensemble's stored form.
    Finished(Box<Ensemble>, ConsoleView),
    Stopped(ConsoleView),
    /// The run could not start: its id, its scenario and why.
    Failed(String, String, String),
}

impl Scenarios {
    /// Plays scenario `scenario_id` in the console until it first reaches its last tick (the
    /// answer is the ensemble's summary) or is stopped.
    pub async fn play_scenario(
        self: &std::sync::Arc<Self>,
        actor: &Actor,
        scenario_id: &str,
        progress: Progress<'_>,
        cancelled: impl std::future::Future<Output = ()>,
    ) -> Result<Value> {
        let project_id = actor.project_id.as_str();
        let ScenarioInputs { scenario, settings, inputs, population, baseline, content, calibration } =
            self.scenario_inputs(actor, scenario_id, progress).await?;
        // One console per project: a new run replaces the one before.
        let replaced = self.close_console(project_id);
        // What a stop before the end goes back to: the scenario's record, or — when that is a
        // run still in progress, replaced here — what that run would have gone back to.
        let previous = match content.runs.get(scenario_id) {
            Some(run) if run.status == studio_model::ScenarioStatus::Running => {
                replaced.filter(|c| c.view.scenario_id == scenario_id).and_then(|c| c.previous)
            }
            other => other.cloned(),
        };
        let total = settings.ticks as u32;
        let (commands, inbox) = mpsc::channel::<(Command, Reply)>();
        let (tell, mut heard) = channel::unbounded_channel::<Heard>();
        let run_id = uuid::Uuid::new_v4().to_string();
        let view = ConsoleView {
            run_id: run_id.clone(),
            seq: 0,
            scenario_id: scenario_id.to_string(),
            status: ConsoleStatus::Running,
            current_tick: 0,
            total_ticks: total,
            start_tick: 0,
            bands: Vec::new(),
            injected_shocks: Vec::new(),
            checkpoints: vec![0],
            digest: None,
        };
        let console = Console { commands: commands.clone(), view, previous: previous.clone(), emitted: None };
        self.consoles_lock().insert(project_id.to_string(), console);
        let ticks = Ticks { current: 0, total: u64::from(total) };
        let name = scenario.name.clone();
        self.record_run(actor, scenario_id, ScenarioRun::running(&inputs), ticks, format!("Playing '{name}'")).await?;
        std::thread::Builder::new()
            .name(format!("console {}", &project_id[..8.min(project_id.len())]))
            .spawn(move || {
                let source =
                    Source { population: &population, settings: &settings, baseline: &baseline, scenario: &scenario };
                play(source, calibration, &run_id, &inbox, &tell)
            })
            .map_err(CoreError::internal)?;
        // What the thread says is heard by a task of its own, which outlives this one: the
        // console lives on after the run's end, and a cancelled task may be dropped mid-run.
        let (first_tx, first_rx) = oneshot::channel::<Result<Value>>();
        let (progress_tx, mut progress_rx) = channel::unbounded_channel::<(f64, String)>();
        let studio = std::sync::Arc::downgrade(self);
        let actor = actor.clone();
        tokio::spawn(async move {
            let (mut first_tx, mut reached_end) = (Some(first_tx), false);
            let tell_progress = |f: f64, what: &str| {
                let _ = progress_tx.send((f, what.to_string()));
            };
            while let Some(event) = heard.recv().await {
                let Some(studio) = studio.upgrade() else { break };
                let outcome = studio.hear(&actor, &inputs, &previous, &mut reached_end, event, &tell_progress).await;
                if let Some(outcome) = outcome
                    && let Some(tx) = first_tx.take()
                {
                    let _ = tx.send(outcome);
                }
            }
        });
        // Dropped before an outcome (a cancelled task), the run is stopped.
        let mut guard = StopOnDrop(Some(commands.clone()));
        tokio::pin!(cancelled);
        tokio::pin!(first_rx);
        loop {
            tokio::select! {
                Some((f, what)) = progress_rx.recv() => progress(f, &what),
                outcome = &mut first_rx => {
                    guard.0 = None;
                    return outcome.unwrap_or_else(|_| Err(CoreError::internal("the console ended without an outcome")));
                }
                () = &mut cancelled, if guard.0.is_some() => {
                    if let Some(commands) = guard.0.take() {
                        send_stop(&commands);
                    }
                }
            }
        }
    }

    /// Acts on what the playing thread said; `Some` once the run has an outcome.
    async fn hear(
        &self,
        actor: &Actor,
        inputs: &str,
        previous: &Option<ScenarioRun>,
        reached_end: &mut bool,
        event: Heard,
        progress: Progress<'_>,
    ) -> Option<Result<Value>> {
        match event {
            Heard::Tick(mut view, band) => {
                if let Some(console) =
                    self.consoles_lock().get(&actor.project_id).filter(|c| c.view.run_id == view.run_id)
                {
                    view.bands = console.view.bands.iter().take(view.current_tick as usize).copied().collect();
                }
                view.bands.push(band);
                self.hear_moved(&actor.project_id, view, progress).await;
                None
            }
            Heard::Moved(view) => {
                self.hear_moved(&actor.project_id, view, progress).await;
                None
            }
            Heard::Finished(report, view) => {
                *reached_end = true;
                let scenario_id = view.scenario_id.clone();
                self.show_console(&actor.project_id, view).await;
                // A run shocked by hand is not the scenario as defined: its inputs say so.
                let inputs = match &report.injected_shocks {
                    none if none.is_empty() => inputs.to_string(),
                    shocks => {
                        use sha2::Digest;
                        let mut h = sha2::Sha256::new();
                        h.update(inputs.as_bytes());
                        h.update(serde_json::to_vec(shocks).unwrap_or_default());
                        hex::encode(h.finalize())
                    }
                };
                let stored = self.store_ensemble(actor, &scenario_id, &inputs, &report).await;
                Some(stored.and_then(|summary| serde_json::to_value(summary).map_err(CoreError::internal)))
            }
            Heard::Stopped(view) => {
                let (scenario_id, tick, run_id) = (view.scenario_id.clone(), view.current_tick, view.run_id.clone());
                // Replaced by a newer run of the same scenario: the record is that run's now.
                let replaced = self
                    .consoles_lock()
                    .get(&actor.project_id)
                    .is_some_and(|c| c.view.run_id != run_id && c.view.scenario_id == scenario_id);
                self.show_console(&actor.project_id, view).await;
                if replaced {
                    // A newer run took the console: the scenario's record is its now.
                    return Some(Ok(json!({"stopped": true, "tick": tick})));
                }
                if *reached_end {
                    // Its results are recorded; closing the console changes none of them.
                    self.forget_console(&actor.project_id, &run_id);
                    return Some(Ok(json!({"stopped": true, "tick": tick})));
                }
                // A run stopped before its end leaves the scenario's results as they were.
                let before = previous.clone().unwrap_or(ScenarioRun {
                    status: studio_model::ScenarioStatus::Defined,
                    ..ScenarioRun::running(inputs)
                });
                let ticks = Ticks { current: u64::from(tick), total: u64::from(tick) };
                let summary = format!("Stopped the simulation at tick {tick}");
                let recorded = self.record_run(actor, &scenario_id, before, ticks, summary).await;
                self.forget_console(&actor.project_id, &run_id);
                Some(recorded.map(|()| json!({"stopped": true, "tick": tick})))
            }
            Heard::Failed(run_id, scenario_id, message) => {
                let failed = ScenarioRun {
                    status: studio_model::ScenarioStatus::Failed,
                    error: Some(message.clone()),
                    ..ScenarioRun::running(inputs)
                };
                let ticks = Ticks { current: 0, total: 0 };
                let summary = format!("The simulation could not start: {message}");
                let _ = self.record_run(actor, &scenario_id, failed, ticks, summary).await;
                self.forget_console(&actor.project_id, &run_id);
                Some(Err(CoreError::invalid(message)))
            }
        }
    }

    async fn hear_moved(&self, project_id: &str, view: ConsoleView, progress: Progress<'_>) {
        let t = view.current_tick;
        let what = match view.status {
            ConsoleStatus::Paused => format!("paused at tick {t} of {}", view.total_ticks),
            _ => format!("tick {t} of {}", view.total_ticks),
        };
        progress(0.2 + 0.8 * f64::from(t) / f64::from(view.total_ticks.max(1)), &what);
        self.show_console(project_id, view).await;
    }

    /// Keeps the console's latest view (of this run: a replaced run's last words change
    /// nothing) and streams it.
    async fn show_console(&self, project_id: &str, view: ConsoleView) {
        let tick = view.current_tick;
        let (from, due) = match self.consoles_lock().get_mut(project_id).filter(|c| c.view.run_id == view.run_id) {
            Some(console) => {
                console.view = view.clone();
                let due = view.status != ConsoleStatus::Running
                    || tick == view.total_ticks
                    || console.emitted.is_none_or(|(_, at)| at.elapsed() >= STREAM_EVERY);
                let from = console.emitted.map_or(0, |(t, _)| t + 1).min(tick);
                if due {
                    console.emitted = Some((tick, std::time::Instant::now()));
                }
                (from, due)
            }
            None => (tick, true),
        };
        if !due {
            return;
        }
        self.emit(StudioEvent::SimulationTick {
            project_id: project_id.to_string(),
            run_id: view.run_id.clone(),
            seq: view.seq,
            scenario_id: view.scenario_id.clone(),
            status: view.status,
            tick,
            total_ticks: view.total_ticks,
            from_tick: from,
            bands: view.bands.get(from as usize..).unwrap_or_default().to_vec(),
        });
    }

    /// `pause`, `resume`, `stop`, `step_forward`, `step_backward`, `replay`, `inject_shock`:
    /// sent to the project's console; the answer is where the run stands after it.
    pub(crate) async fn console_control(&self, actor: &Actor, action: &Action) -> Result<Value> {
        let Action::Simulation(control) = action else {
            return Err(CoreError::internal(format!(
                "{}/{} is not a console control",
                action.workbench(),
                action.name()
            )));
        };
        let command = match control {
            SimulationAction::Pause => Command::Pause,
            SimulationAction::Resume => Command::Resume,
            SimulationAction::Stop => Command::Stop,
            SimulationAction::StepForward => Command::Step,
            SimulationAction::StepBackward => Command::Back,
            SimulationAction::Replay { tick } => Command::Replay(u32::try_from(*tick).unwrap_or(u32::MAX)),
            SimulationAction::InjectShock(shock) => Command::Inject(shock.variable.clone(), shock.magnitude),
            SimulationAction::Run { .. } | SimulationAction::ExportData(_) => {
                return Err(CoreError::internal(format!("simulation/{} is not a console control", control.name())));
            }
        };
        let sender = self.consoles_lock().get(&actor.project_id).map(|c| c.commands.clone()).ok_or_else(|| {
            CoreError::new("not_ready", "no simulation is open in the console: run one first (Simulation → Run)")
        })?;
        let (reply, answer) = oneshot::channel();
        sender.send((command, reply)).map_err(|_| CoreError::new("not_ready", "the console's run has ended"))?;
        let view = answer
            .await
            .map_err(|_| CoreError::new("not_ready", "the console's run has ended"))?
            .map_err(CoreError::invalid)?;
        Ok(serde_json::to_value(&view).unwrap_or(Value::Null))
    }

    /// The console's view of a project, if one is open.
    pub fn console_view(&self, project_id: &str) -> Option<ConsoleView> {
        self.consoles_lock().get(project_id).map(|c| c.view.clone())
    }

    /// Where the open console stands, over the recorded state.
    pub(crate) fn overlay_console(&self, state: &mut studio_model::ProjectState) {
        if let Some(view) = self.console_view(&state.project_id) {
            let simulation = &mut state.workbench_states.simulation;
            simulation.current_tick = Some(u64::from(view.current_tick));
            simulation.total_ticks = Some(u64::from(view.total_ticks));
            simulation.status = match view.status {
                ConsoleStatus::Running => StageStatus::Running,
                ConsoleStatus::Paused => StageStatus::Paused,
                ConsoleStatus::Complete | ConsoleStatus::Stopped => simulation.status,
            };
        }
    }

    /// Drops the project's console if it is still run `run_id`.
    fn forget_console(&self, project_id: &str, run_id: &str) {
        let mut consoles = self.consoles_lock();
        if consoles.get(project_id).is_some_and(|c| c.view.run_id == run_id) {
            consoles.remove(project_id);
        }
    }

    /// Ends the project's console, if one is open, and hands it back.
    pub(crate) fn close_console(&self, project_id: &str) -> Option<Console> {
        let console = self.consoles_lock().remove(project_id)?;
        send_stop(&console.commands);
        Some(console)
    }

    fn consoles_lock(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, Console>> {
        self.consoles.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// What the playing thread computes from.
struct Source<'a> {
    population: &'a [u8],
    settings: &'a studio_model::SimulationSettings,
    baseline: &'a std::collections::BTreeMap<String, f64>,
    scenario: &'a studio_model::ScenarioRecord,
}

/// The playing thread: owns the agents and the playback; plays while running, waits for a
/// command otherwise, and ends when stopped or when the core lets go of it.
fn play(
    source: Source<'_>,
    calibration: Option<CalibrationFit>,
    run_id: &str,
    inbox: &mpsc::Receiver<(Command, Reply)>,
    tell: &channel::UnboundedSender<Heard>,
) {
    let Source { population, settings, baseline, scenario } = source;
    let prepared = match prepare(population, settings, baseline, scenario, calibration) {
        Ok(p) => p,
        Err(e) => {
            let _ = tell.send(Heard::Failed(run_id.to_string(), scenario.scenario_id.clone(), e.message));
            return;
        }
    };
    let mut play = match prepared.playback(settings, scenario, settings.checkpoint_every) {
        Ok(p) => p,
        Err(e) => {
            let _ = tell.send(Heard::Failed(run_id.to_string(), scenario.scenario_id.clone(), e.message));
            return;
        }
    };
    let seq = std::cell::Cell::new(0u64);
    let brief = |play: &studio_engine::simulation::Playback<'_>, status: ConsoleStatus| ConsoleView {
        run_id: run_id.to_string(),
        seq: {
            seq.set(seq.get() + 1);
            seq.get()
        },
        scenario_id: scenario.scenario_id.clone(),
        status,
        current_tick: play.tick(),
        total_ticks: play.total_ticks(),
        start_tick: play.start(),
        bands: Vec::new(),
        injected_shocks: play.injected().iter().map(shock_event).collect(),
        checkpoints: play.checkpoints(),
        digest: play.finished().then(|| play.ensemble().digest),
    };
    let view = |play: &studio_engine::simulation::Playback<'_>, status: ConsoleStatus| ConsoleView {
        bands: play.bands(),
        ..brief(play, status)
    };
    let mut running = true;
    // The digest last recorded, so a run reaching its end unchanged is not recorded twice.
    let mut recorded: Option<String> = None;
    loop {
        let next = if running && !play.finished() {
            match inbox.try_recv() {
                Ok(c) => Some(c),
                Err(mpsc::TryRecvError::Empty) => None,
                Err(mpsc::TryRecvError::Disconnected) => return,
            }
        } else {
            match inbox.recv() {
                Ok(c) => Some(c),
                Err(_) => return,
            }
        };
        if let Some((command, reply)) = next {
            if matches!(command, Command::Stop) {
                let stopped = view(&play, ConsoleStatus::Stopped);
                let _ = reply.send(Ok(stopped.clone()));
                let _ = tell.send(Heard::Stopped(stopped));
                return;
            }
            let moved: std::result::Result<(), String> = match command {
                Command::Pause => {
                    running = false;
                    Ok(())
                }
                Command::Resume if play.finished() => Err("the run is at its last tick: nothing to resume".to_string()),
                Command::Resume => {
                    running = true;
                    Ok(())
                }
                // Moving by hand pauses the run where it lands.
                Command::Step | Command::Back | Command::Replay(_) => {
                    running = false;
                    let moved = match command {
                        Command::Step => play.step_forward(),
                        Command::Back => play.step_backward(),
                        Command::Replay(t) => play.replay(t),
                        _ => Ok(play.tick()),
                    };
                    moved.map(|_| ()).map_err(|e| e.to_string())
                }
                Command::Inject(v, m) => play.inject_shock(&v, m).map(|_| ()).map_err(|e| e.to_string()),
                Command::Stop => Ok(()),
            };
            let status = match (play.finished(), running) {
                (true, _) => ConsoleStatus::Complete,
                (false, true) => ConsoleStatus::Running,
                (false, false) => ConsoleStatus::Paused,
            };
            let now = view(&play, status);
            let _ = reply.send(moved.map(|()| now.clone()));
            let _ = tell.send(Heard::Moved(now));
        } else {
            if play.step_forward().is_err() {
                continue;
            }
            let status = if play.finished() { ConsoleStatus::Complete } else { ConsoleStatus::Running };
            let _ = tell.send(Heard::Tick(brief(&play, status), play.band(play.tick())));
        }
        if play.finished() {
            let digest = play.ensemble().digest;
            if recorded.as_deref() != Some(digest.as_str()) {
                recorded = Some(digest);
                let report = ensemble_report(&play, &prepared, settings, scenario);
                let _ = tell.send(Heard::Finished(Box::new(report), view(&play, ConsoleStatus::Complete)));
            }
        }
    }
}
