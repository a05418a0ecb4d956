//! Runs of a calibrated project are forecasts from where the history ends: each replicate
//! draws its coefficients from the fit's posterior and is conditioned on the history by a
//! particle filter (`Playback::conditioned`). The world of the history is the baseline's; a
//! scenario's overrides start at the first tick after it, and its shocks no earlier.

use std::collections::BTreeMap;

use studio_engine::simulation::{Discrepancy, Posterior, Shock, Variables};
use studio_model::CalibrationFit;

/// What a run is conditioned on: the history, the posterior and the discrepancy.
#[derive(Debug, Clone)]
pub struct Conditions {
    pub observed: Vec<f64>,
    pub posterior: Posterior,
    pub discrepancy: Discrepancy,
}

impl Conditions {
    /// A fit's conditions, when it has a posterior (fits made before them do not).
    pub fn of(fit: &CalibrationFit) -> Option<Conditions> {
        Some(Conditions {
            observed: fit.observed.clone(),
            posterior: serde_json::from_value(fit.posterior.clone()).ok()?,
            discrepancy: serde_json::from_value(fit.discrepancy.clone()).ok()?,
        })
    }

    /// The history's last tick within a run of `ticks`.
    pub fn end(&self, ticks: u32) -> u32 {
        (self.observed.len().saturating_sub(1) as u32).min(ticks)
    }
}

/// A scenario's variables as a forecast from tick `end` sees them: the baseline's until then,
/// the scenario's overrides as shocks at `end + 1`, its shocks moved no earlier than that (and
/// dropped past the run's last tick).
pub fn from_history_end(baseline: &BTreeMap<String, f64>, scenario: Variables, end: u32, ticks: u32) -> Variables {
    let first = end + 1;
    let mut initial = baseline.clone();
    let mut shocks = Vec::new();
    for (name, value) in &scenario.initial {
        match baseline.get(name) {
            Some(base) if base != value => {
                shocks.push(Shock { tick: first, variable: name.clone(), magnitude: value - base });
            }
            Some(_) => {}
            None => {
                initial.insert(name.clone(), *value);
            }
        }
    }
    shocks.extend(scenario.shocks.into_iter().map(|s| Shock { tick: s.tick.max(first), ..s }));
    shocks.retain(|s| s.tick <= ticks);
    Variables { initial, shocks }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_and_early_shocks_start_after_the_history() {
        let baseline = BTreeMap::from([("price".to_string(), 30.0), ("subsidy".to_string(), 0.0)]);
        let scenario = Variables {
            initial: BTreeMap::from([("price".to_string(), 24.0), ("subsidy".to_string(), 0.0)]),
            shocks: vec![
                Shock { tick: 5, variable: "subsidy".into(), magnitude: 3.0 },
                Shock { tick: 38, variable: "price".into(), magnitude: -2.0 },
                Shock { tick: 50, variable: "price".into(), magnitude: -2.0 },
            ],
        };
        let v = from_history_end(&baseline, scenario, 31, 40);
        assert_eq!(v.initial, baseline);
        assert_eq!(v.at(31), baseline, "the history's world is the baseline's");
        assert_eq!(v.at(32)["price"], 24.0);
        assert_eq!(v.at(32)["subsidy"], 3.0, "a shock within the history starts after it");
        assert_eq!(v.at(40)["price"], 22.0);
        assert_eq!(v.shocks.len(), 3, "the shock past the last tick is dropped");
    }
}
