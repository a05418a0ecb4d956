//! Caveats, generated where they apply.

use crate::input::ReportInput;
use crate::narrative::{self, pct};

/// Below this many replicates the bands are rough.
pub const SMALL_ENSEMBLE: u32 = 30;

pub fn caveats(input: &ReportInput) -> Vec<String> {
    let mut out = Vec::new();
    for s in input.scenarios.iter().filter(|s| s.stale) {
        out.push(format!(
            "{}'s results are out of date: its inputs changed after the run. Re-run it before relying on them.",
            s.name
        ));
    }
    if !input.stale_stages.is_empty() {
        out.push(format!("Out-of-date stages: {}.", input.stale_stages.join(", ")));
    }
    for s in input.scenarios.iter().filter(|s| s.ensemble.replicates < SMALL_ENSEMBLE) {
        out.push(format!(
            "{} ran only {} replicates: its 90% interval is rough; run {} or more for firmer bands.",
            s.name, s.ensemble.replicates, SMALL_ENSEMBLE
        ));
    }
    match input.scenarios.iter().find_map(|s| s.ensemble.calibration.as_ref()) {
        None => out.push(
            "The model was not fitted to history: its coefficients are the analyst's settings, not estimates.".into(),
        ),
        Some(c) if !narrative::calibration_is_good(c) => out.push(format!(
            "The calibration is weak: {} of held-out points fall inside the 90% band (mean absolute percentage error {}%).",
            pct(c.coverage_90),
            narrative::number(c.holdout_mape)
        )),
        Some(_) => {}
    }
    if let Some(p) = &input.population {
        for m in p.marginals.iter().filter(|m| m.max_share_error > 0.02) {
            out.push(format!(
                "The population misses its {} targets by up to {} points.",
                m.dimension,
                narrative::number(m.max_share_error * 100.0)
            ));
        }
    }
    if !input.not_run.is_empty() {
        out.push(format!("Scenarios not run, and so not in this report: {}.", input.not_run.join(", ")));
    }
    if out.is_empty() {
        out.push("None found: the results are current, calibrated and from ensembles of 30 or more runs.".into());
    }
    out
}
