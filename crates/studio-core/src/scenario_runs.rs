//! `run_scenario`: a scenario's ensemble over the project's population, as a task. The data
//! and population are brought up to date first; the scenario's variables are the simulation
//! settings' baseline with its overrides, and its shocks are planned. The ensemble is stored
//! by hash and the scenario's run recorded (not undone: a result, not an edit).

use std::collections::BTreeMap;

use studio_engine::ENGINE_VERSION;
use studio_engine::population;
use studio_engine::simulation::{Agents, Conditioning, Model, Playback, Shock, Variables};
use studio_model::{
    CalibrationFit, ENSEMBLE_FORMAT, Ensemble, EnsembleSummary, EnsembleVariables, FinalShares, ProjectContent,
    ScenarioRecord, ScenarioRun, ShockEvent, SimulationSettings, ThresholdOdds, Ticks, Workbench, record_scenario_run,
};

use crate::actor::Actor;
use crate::conditioning::{Conditions, from_history_end};
use crate::data_package::DataPackage;
use crate::document::{ChangeKind, ChangeMessage};
use crate::error::{CoreError, Result};
pub use crate::input_hash::run_input_hash;
use crate::library::Library;
use crate::library::Progress;
use crate::scenarios::Scenarios;

/// The variables' baseline: the settings' values, replaced by the data package's latest value
/// of each variable series it has.
pub fn baseline_variables(settings: &SimulationSettings, package: Option<&DataPackage>) -> BTreeMap<String, f64> {
    let mut values = settings.variables.clone();
    for series in package.map(|p| p.variables.as_slice()).unwrap_or_default() {
        if let Some((_, last)) = series.points.last().filter(|(_, v)| v.is_finite()) {
            values.insert(series.name.clone(), *last);
        }
    }
    values
}

/// The variables a scenario runs with: the baseline, its overrides and its shocks.
pub fn scenario_variables(baseline: &BTreeMap<String, f64>, scenario: &ScenarioRecord) -> Result<Variables> {
    let mut initial = baseline.clone();
    let known = || initial_names(baseline);
    for (i, o) in scenario.config.variable_overrides.iter().enumerate() {
        if !initial.contains_key(&o.variable) {
            return Err(CoreError::invalid(format!(
                "scenario '{}': variable_overrides[{i}] names variable '{}', which the simulation does not have; variables: {}",
                scenario.name,
                o.variable,
                known()
            )));
        }
        let value = o.value.as_f64().filter(|v| v.is_finite()).ok_or_else(|| {
            CoreError::invalid(format!(
                "scenario '{}': variable_overrides[{i}].value for '{}' must be a number, got {}",
                scenario.name, o.variable, o.value
            ))
        })?;
        initial.insert(o.variable.clone(), value);
    }
    let shocks = scenario.config.shock_events.iter().flatten().map(engine_shock).collect();
    Ok(Variables { initial, shocks })
}

fn initial_names(values: &BTreeMap<String, f64>) -> String {
    if values.is_empty() { "none".into() } else { values.keys().cloned().collect::<Vec<_>>().join(", ") }
}

/// The model the settings describe, or an error naming what is wrong with it.
pub fn model_of(settings: &SimulationSettings) -> Result<Model> {
    let model: Model = serde_json::from_value(settings.model.clone())
        .map_err(|e| CoreError::invalid(format!("simulation_config.model is not a model the engine knows: {e}")))?;
    model.check().map_err(|e| CoreError::invalid(format!("simulation_config.model: {e}")))?;
    Ok(model)
}

/// Everything a scenario's run is computed from.
pub(crate) struct ScenarioInputs {
    pub content: ProjectContent,
    pub scenario: ScenarioRecord,
    pub settings: SimulationSettings,
    /// Their hash.
    pub inputs: String,
    pub population: Vec<u8>,
    pub baseline: BTreeMap<String, f64>,
    /// The fit the settings' model came from, when they asked for one.
    pub calibration: Option<CalibrationFit>,
}

/// A scenario made ready to simulate: the agents, the model and the scenario's variables
/// (with a posterior to draw from, as a forecast from the history's end sees them).
pub struct Prepared {
    pub agents: Agents,
    pub model: Model,
    pub variables: Variables,
    pub population_digest: String,
    pub calibration: Option<CalibrationFit>,
    pub conditions: Option<Conditions>,
}

/// Decodes the population and rebuilds its network; checks the model and the variables.
pub fn prepare(
    population_bytes: &[u8],
    settings: &SimulationSettings,
    baseline: &BTreeMap<String, f64>,
    scenario: &ScenarioRecord,
    calibration: Option<CalibrationFit>,
) -> Result<Prepared> {
    let model = model_of(settings)?;
    let mut variables = scenario_variables(baseline, scenario)?;
    let conditions = calibration.as_ref().and_then(Conditions::of);
    if let Some(c) = &conditions {
        let ticks = settings.ticks as u32;
        variables = from_history_end(baseline, variables, c.end(ticks), ticks);
    }
    let (header, pop) = population::decode(population_bytes).map_err(|e| CoreError::internal(e.to_string()))?;
    let agents = Agents::from_population(pop, &header.digest).map_err(|e| CoreError::internal(e.to_string()))?;
    Ok(Prepared { agents, model, variables, population_digest: header.digest, calibration, conditions })
}

impl Prepared {
    /// The playback of the scenario's ensemble at its start (tick 0, or the history's end when
    /// conditioned on it), with checkpoints every `every` ticks.
    pub fn playback(
        &self,
        settings: &SimulationSettings,
        scenario: &ScenarioRecord,
        every: u32,
    ) -> Result<Playback<'_>> {
        let sim = self.agents.simulation(
            self.model.clone(),
            self.variables.clone(),
            settings.ticks as u32,
            settings.initial_share,
        );
        let play = match &self.conditions {
            None => Playback::new(sim, settings.seed, settings.replicates, every),
            Some(c) => {
                let on = Conditioning { observed: &c.observed, posterior: &c.posterior, discrepancy: c.discrepancy };
                Playback::conditioned(sim, settings.seed, settings.replicates, every, &on)
            }
        };
        play.map_err(|e| CoreError::invalid(format!("scenario '{}': {e}", scenario.name)))
    }
}

/// Runs the ensemble on this thread, tick by tick; `progress` hears each tick.
pub fn simulate(
    population_bytes: &[u8],
    settings: &SimulationSettings,
    baseline: &BTreeMap<String, f64>,
    scenario: &ScenarioRecord,
    calibration: Option<CalibrationFit>,
    progress: &mut dyn FnMut(u32, u32),
) -> Result<Ensemble> {
    let prepared = prepare(population_bytes, settings, baseline, scenario, calibration)?;
    // Played straight through: no checkpoint but tick 0's.
    let mut play = prepared.playback(settings, scenario, u32::MAX)?;
    while !play.finished() {
        let tick = play.step_forward().map_err(|e| CoreError::invalid(e.to_string()))?;
        progress(tick, play.total_ticks());
    }
    Ok(ensemble_report(&play, &prepared, settings, scenario))
}

/// A finished ensemble as stored: settings, variables and shocks, digests, bands, means overall,
/// by archetype and by attribute, the threshold, every replicate's series.
pub fn ensemble_report(
    play: &Playback<'_>,
    prepared: &Prepared,
    settings: &SimulationSettings,
    scenario: &ScenarioRecord,
) -> Ensemble {
    let agents = &prepared.agents;
    let ensemble = play.ensemble();
    let by_archetype = agents
        .group_names
        .iter()
        .enumerate()
        .filter_map(|(g, name)| Some((name.clone(), ensemble.by_group_mean.get(g)?.clone())))
        .collect();
    let by_segment = agents
        .segments
        .iter()
        .zip(&ensemble.by_segment_mean)
        .map(|(segment, means)| (segment.name.clone(), segment.categories.iter().cloned().zip(means.clone()).collect()))
        .collect();
    let last = ensemble.bands.last().copied().unwrap_or_default();
    let threshold = settings.threshold;
    let variables = &play.simulation().variables;
    Ensemble {
        format: ENSEMBLE_FORMAT,
        engine_version: ENGINE_VERSION.to_string(),
        scenario_id: scenario.scenario_id.clone(),
        scenario_name: scenario.name.clone(),
        population_digest: prepared.population_digest.clone(),
        agents: agents.groups.len() as u64,
        settings: settings.clone(),
        variables: EnsembleVariables {
            initial: variables.initial.clone(),
            shocks: variables.shocks.iter().map(shock_event).collect(),
        },
        injected_shocks: play.injected().iter().map(shock_event).collect(),
        seed: settings.seed,
        replicates: settings.replicates,
        ticks: u64::from(play.total_ticks()),
        digest: ensemble.digest.clone(),
        run_digests: ensemble.run_digests.clone(),
        bands: ensemble.bands.clone(),
        mean: ensemble.mean.clone(),
        last: FinalShares::of(last, ensemble.mean.last().copied().unwrap_or(0.0)),
        threshold: ThresholdOdds {
            share: threshold.share,
            tick: threshold.tick,
            probability: ensemble.probability(threshold.share, threshold.tick as usize),
        },
        median_crossing: ensemble.median_crossing(threshold.share).map(|t| t as u64),
        by_archetype,
        by_segment,
        runs: ensemble.runs.clone(),
        calibration: prepared.calibration.clone(),
    }
}

/// An engine's shock as the model writes one.
pub fn shock_event(shock: &Shock) -> ShockEvent {
    ShockEvent { tick: u64::from(shock.tick), variable: shock.variable.clone(), magnitude: shock.magnitude }
}

/// A model's shock as the engine takes one.
pub fn engine_shock(shock: &ShockEvent) -> Shock {
    Shock {
        tick: shock.tick.min(u64::from(u32::MAX)) as u32,
        variable: shock.variable.clone(),
        magnitude: shock.magnitude,
    }
}

impl Scenarios {
    /// Brings the data and population up to date and gathers what scenario `scenario_id` runs
    /// from (progress to 20%).
    pub(crate) async fn scenario_inputs(
        &self,
        actor: &Actor,
        scenario_id: &str,
        progress: Progress<'_>,
    ) -> Result<ScenarioInputs> {
        let project_id = actor.project_id.as_str();
        self.population.regenerate_population(actor, &|f, what| progress(f * 0.2, what)).await?;
        let content = self.content_of(project_id).await?;
        let scenario = content
            .scenarios
            .get(scenario_id)
            .cloned()
            .ok_or_else(|| CoreError::new("not_found", format!("scenario not found: {scenario_id}")))?;
        let settings = SimulationSettings::of(&content)?;
        let population_id = content.stage(Workbench::Population).artifact_id.unwrap_or_default();
        let population = self.population.population_bytes(&content).await?;
        let baseline = baseline_variables(&settings, self.data.stored_package(&content).await.as_ref());
        let (settings, calibration) =
            self.calibrated(actor, &content, settings, &population, &baseline, progress).await?;
        let inputs = run_input_hash(&population_id, &settings, &scenario);
        let content = self.content_of(project_id).await?;
        let population = match scenario.config.population_adjustments.as_ref().filter(|a| !a.is_empty()) {
            None => population,
            Some(adjustments) => {
                progress(0.3, &format!("synthesising the population of '{}'", scenario.name));
                self.population.adjusted_population(&content, &scenario.name, adjustments).await?
            }
        };
        Ok(ScenarioInputs { content, scenario, settings, inputs, population, baseline, calibration })
    }

    /// Brings the population up to date, then runs scenario `scenario_id`'s ensemble and
    /// records it. Answers with the ensemble's summary.
    pub async fn run_scenario(
        &self,
        actor: &Actor,
        scenario_id: &str,
        progress: Progress<'_>,
    ) -> Result<EnsembleSummary> {
        let ScenarioInputs { content, scenario, settings, inputs, population, baseline, calibration } =
            self.scenario_inputs(actor, scenario_id, progress).await?;
        if let Some(done) = self.completed_run(&content, scenario_id, &inputs).await {
            progress(1.0, "the scenario's results are up to date");
            return Ok(done);
        }
        let bytes = population;
        let ticks = Ticks { current: 0, total: settings.ticks };
        let running = ScenarioRun::running(&inputs);
        let name = scenario.name.clone();
        self.record_run(actor, scenario_id, running.clone(), ticks, format!("Simulating '{name}'")).await?;
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(u32, u32)>();
        let job = tokio::task::spawn_blocking(move || {
            simulate(&bytes, &settings, &baseline, &scenario, calibration, &mut |t, total| {
                let _ = tx.send((t, total));
            })
        });
        while let Some((t, total)) = rx.recv().await {
            progress(0.2 + 0.8 * f64::from(t) / f64::from(total.max(1)), &format!("tick {t} of {total}"));
        }
        let outcome = job.await.map_err(CoreError::internal)?;
        let report = match outcome {
            Ok(report) => report,
            Err(e) => {
                let failed = ScenarioRun {
                    status: studio_model::ScenarioStatus::Failed,
                    error: Some(e.message.clone()),
                    ..running
                };
                let summary = format!("Simulating '{name}' failed: {}", e.message);
                self.record_run(actor, scenario_id, failed, ticks, summary).await?;
                return Err(e);
            }
        };
        self.store_ensemble(actor, scenario_id, &inputs, &report).await
    }

    /// Stores a finished ensemble by hash and records it as the scenario's completed run.
    pub(crate) async fn store_ensemble(
        &self,
        actor: &Actor,
        scenario_id: &str,
        inputs: &str,
        ensemble: &Ensemble,
    ) -> Result<EnsembleSummary> {
        let bytes = serde_json::to_vec(ensemble).map_err(CoreError::internal)?;
        let ensemble_id = self.store.put_artifact(&actor.project_id, "ensemble", &bytes).await?;
        let digest = ensemble.digest.clone();
        let done = ScenarioRun {
            status: studio_model::ScenarioStatus::Completed,
            simulation_id: Some(uuid::Uuid::new_v4().to_string()),
            ensemble_id: Some(ensemble_id.clone()),
            input_hash: Some(inputs.to_string()),
            digest: Some(digest.clone()),
            ..ScenarioRun::default()
        };
        let shocks = ensemble.injected_shocks.len();
        let injected = if shocks == 0 { String::new() } else { format!(", {shocks} shock(s) injected") };
        let summary = format!(
            "Simulated '{}': {} replicates{injected} (digest {})",
            ensemble.scenario_name,
            ensemble.replicates,
            &digest[..12.min(digest.len())]
        );
        let ticks = Ticks { current: ensemble.ticks, total: ensemble.ticks };
        self.record_run(actor, scenario_id, done, ticks, summary).await?;
        Ok(ensemble.summary(&ensemble_id))
    }

    /// The summary of a scenario's completed run from these very inputs, if there is one.
    async fn completed_run(
        &self,
        content: &ProjectContent,
        scenario_id: &str,
        inputs: &str,
    ) -> Option<EnsembleSummary> {
        let run = content.runs.get(scenario_id)?;
        if run.status != studio_model::ScenarioStatus::Completed || run.input_hash.as_deref() != Some(inputs) {
            return None;
        }
        let id = run.ensemble_id.as_deref()?;
        let ensemble: Ensemble = serde_json::from_slice(&self.store.artifact(id).await.ok()?.content).ok()?;
        Some(ensemble.summary(id))
    }

    /// A scenario's stored ensemble, whole.
    pub async fn ensemble_of(&self, content: &ProjectContent, scenario_id: &str) -> Result<Ensemble> {
        let Some(id) = content.runs.get(scenario_id).and_then(|r| r.ensemble_id.clone()) else {
            let name = content.scenarios.get(scenario_id).map_or(scenario_id, |s| s.name.as_str());
            return Err(CoreError::new(
                "not_ready",
                format!("scenario '{name}' has not been simulated yet: run it (Scenario workbench → Run)"),
            ));
        };
        let row = self.store.artifact(&id).await?;
        serde_json::from_slice(&row.content)
            .map_err(|e| CoreError::internal(format!("the stored ensemble of scenario {scenario_id}: {e}")))
    }

    pub(crate) async fn record_run(
        &self,
        actor: &Actor,
        scenario_id: &str,
        run: ScenarioRun,
        ticks: Ticks,
        summary: String,
    ) -> Result<()> {
        let (project_id, user_id) = (actor.project_id.as_str(), actor.user_id.as_str());
        let mut open = self.project(project_id).await?;
        let ctx = self.context(user_id);
        let outcome = record_scenario_run(open.doc.content(), scenario_id, run, ticks, summary, &ctx)?;
        let message = ChangeMessage::new(outcome.entry.clone(), ChangeKind::Computed, None, &outcome.edits);
        self.commit(project_id, &mut open, &outcome.content, &message).await?;
        let state = Library::state_of(&mut open, user_id);
        self.announce(project_id, &state, &outcome.entry, &outcome.state_changes);
        Ok(())
    }
}
