//! The hashes that say what a result was computed from: a scenario's run (its population,
//! settings and configuration) and an analysis of a scenario (the project's upstream settings
//! as they stand), so a result is reused, or said to be out of date, by comparing them.

use sha2::{Digest, Sha256};
use studio_engine::ENGINE_VERSION;
use studio_model::{ProjectContent, ScenarioRecord, SimulationSettings};

/// The hash of everything a scenario's run is computed from.
pub fn run_input_hash(population_id: &str, settings: &SimulationSettings, scenario: &ScenarioRecord) -> String {
    let mut h = Sha256::new();
    h.update(ENGINE_VERSION.as_bytes());
    h.update(population_id.as_bytes());
    h.update(serde_json::to_string(settings).unwrap_or_default().as_bytes());
    h.update(serde_json::to_string(&scenario.config).unwrap_or_default().as_bytes());
    hex::encode(h.finalize())
}

/// The hash of what a scenario's analysis depends on as the project holds it: the data's and
/// the population's settings and artifacts, the simulation settings (before calibration, which
/// they determine) and the scenario.
pub(crate) fn source_hash(content: &ProjectContent, scenario_id: &str) -> Option<String> {
    use studio_model::Workbench::{Data, Population};
    let scenario = content.scenarios.get(scenario_id)?;
    let settings = SimulationSettings::of(content).ok()?;
    let upstream = serde_json::to_string(&(
        &content.sources,
        &content.overrides,
        &content.custom_sources,
        &content.adjustments,
        &content.population,
        content.stage(Data).artifact_id,
        content.stage(Population).artifact_id,
    ))
    .ok()?;
    Some(run_input_hash(&upstream, &settings, scenario))
}
