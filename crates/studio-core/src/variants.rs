//! A scenario run as one variant among many — a point of a sensitivity design, a combination of
//! a goal seek — on a population prepared once: the model and the scenario's variables as the
//! variant sets them, the settings' seed (so variants differ by what they set, not by their
//! luck), played to the end; in a calibrated project a forecast from the history's end.

use std::collections::BTreeMap;

use studio_engine::simulation::{Conditioning, Ensemble, Model, Playback, Posterior, Variables};
use studio_model::SimulationSettings;

use crate::conditioning::from_history_end;
use crate::error::{CoreError, Result};
use crate::scenario_runs::Prepared;

/// What a variant sets: the model, the scenario's variables (as from tick 0: moved to the
/// history's end here when the project is calibrated) and, in a calibrated project, the
/// posterior its coefficients are drawn from (none: the fit's own).
pub(crate) struct Variant {
    pub model: Model,
    pub variables: Variables,
    pub posterior: Option<Posterior>,
}

/// Plays `variant` on `prepared` with `replicates` replicates to the settings' last tick.
pub(crate) fn run_variant(
    prepared: &Prepared,
    settings: &SimulationSettings,
    baseline: &BTreeMap<String, f64>,
    variant: Variant,
    replicates: u32,
    name: &str,
) -> Result<Ensemble> {
    variant.model.check().map_err(|e| CoreError::invalid(format!("scenario '{name}': {e}")))?;
    let ticks = settings.ticks as u32;
    let mut variables = variant.variables;
    if let Some(c) = &prepared.conditions {
        variables = from_history_end(baseline, variables, c.end(ticks), ticks);
    }
    let sim = prepared.agents.simulation(variant.model, variables, ticks, settings.initial_share);
    let play = match &prepared.conditions {
        Some(c) => {
            let posterior = variant.posterior.as_ref().unwrap_or(&c.posterior);
            let on = Conditioning { observed: &c.observed, posterior, discrepancy: c.discrepancy };
            Playback::conditioned(sim, settings.seed, replicates, u32::MAX, &on)
        }
        None => Playback::new(sim, settings.seed, replicates, u32::MAX),
    };
    let mut play = play.map_err(|e| CoreError::invalid(format!("scenario '{name}': {e}")))?;
    while !play.finished() {
        play.step_forward().map_err(|e| CoreError::invalid(e.to_string()))?;
    }
    Ok(play.ensemble())
}
