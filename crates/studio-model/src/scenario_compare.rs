//! `compare_scenarios`: what differs between scenarios' configurations — each variable
//! override, population adjustment, the shocks and the description, field by field. Results
//! side by side join this when scenarios are simulated.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use crate::ModelError;
use crate::content::{ProjectContent, ScenarioRecord};
use crate::payload::ShockEvent;

/// A scenario's configuration as field → value.
fn fields(s: &ScenarioRecord) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    out.insert("description".to_string(), json!(s.description));
    for o in &s.config.variable_overrides {
        out.insert(format!("variable_overrides.{}", o.variable), o.value.clone());
    }
    for (k, v) in s.config.population_adjustments.iter().flatten() {
        out.insert(format!("population_adjustments.{k}"), v.clone());
    }
    let mut shocks: Vec<String> = s.config.shock_events.iter().flatten().map(ShockEvent::label).collect();
    shocks.sort();
    out.insert("shock_events".to_string(), json!(shocks));
    out
}

/// Compares the scenarios `ids` (2 to 20 distinct ids, as `compare_scenarios` parses them).
pub fn compare_scenarios(content: &ProjectContent, ids: &[String]) -> Result<Value, ModelError> {
    let mut scenarios = Vec::new();
    for id in ids {
        scenarios
            .push(content.scenarios.get(id).ok_or_else(|| ModelError::NotFound { what: "scenario", id: id.clone() })?);
    }
    let all: Vec<BTreeMap<String, Value>> = scenarios.iter().map(|s| fields(s)).collect();
    let names: BTreeSet<&String> = all.iter().flat_map(|f| f.keys()).collect();
    let (mut differences, mut same) = (Vec::new(), Vec::new());
    for name in names {
        let values: Vec<Value> = all.iter().map(|f| f.get(name).cloned().unwrap_or(Value::Null)).collect();
        if values.windows(2).all(|w| w[0] == w[1]) {
            same.push(json!(name));
        } else {
            let by_id: serde_json::Map<String, Value> = ids.iter().cloned().zip(values).collect();
            differences.push(json!({"field": name, "values": by_id}));
        }
    }
    Ok(json!({
        "scenarios": scenarios.iter().map(|s| json!({"scenario_id": s.scenario_id, "name": s.name, "status": s.status})).collect::<Vec<_>>(),
        "differences": differences,
        "same": same,
    }))
}
