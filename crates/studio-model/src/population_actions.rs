//! The Population workbench's document actions: each records one adjustment, keyed so that a
//! new one of the same kind replaces the old — `size` (resize_population), `settings` (seed,
//! archetypes and network, given to regenerate), `archetype:A2` (edit_archetype) and one per
//! adjusted dimension (adjust_distribution). The population itself is computed by the core.

use serde_json::{Map, Value, json};

use crate::actions::{required, unreachable_action};
use crate::content::{PopulationAdjustment, ProjectContent};
use crate::payload::PopulationWorkbenchPayload;
use crate::{ModelError, Workbench};

/// The most agents a population may hold.
pub const MAX_POPULATION: u64 = 5_000_000;
/// The size a population has until the analyst resizes it.
pub const DEFAULT_POPULATION: u64 = 100_000;

/// Adjustment keys that are not dimensions.
pub const SIZE_KEY: &str = "size";
pub const SETTINGS_KEY: &str = "settings";
pub const ARCHETYPE_PREFIX: &str = "archetype:";

pub(crate) fn population_action(
    content: &mut ProjectContent,
    action: &str,
    p: PopulationWorkbenchPayload,
) -> Result<(String, Value), ModelError> {
    let previous = |key: &str| content.adjustments.get(key).cloned();
    let (key, original, modified, summary) = match action {
        "resize_population" => {
            let size = required(p.target_size, "population", action, "target_size", "a number of agents")?;
            if size == 0 || size > MAX_POPULATION {
                return Err(ModelError::Limit(format!(
                    "target_size must be between 1 and {MAX_POPULATION} agents, got {size}"
                )));
            }
            let before = previous(SIZE_KEY).map(|a| a.original).unwrap_or(json!({"size": DEFAULT_POPULATION}));
            (SIZE_KEY.to_string(), before, json!({"size": size}), format!("Resized the population to {size} agents"))
        }
        "adjust_distribution" => {
            let a = required(p.adjustment, "population", action, "adjustment", "{dimension, target}")?;
            let dimension = a.dimension.trim().to_string();
            if dimension.is_empty()
                || dimension == SIZE_KEY
                || dimension == SETTINGS_KEY
                || dimension.starts_with(ARCHETYPE_PREFIX)
            {
                return Err(ModelError::invalid(format!("adjustment.dimension '{dimension}' is not an attribute")));
            }
            let target = check_target(&dimension, &a.target)?;
            let before = previous(&dimension)
                .map(|a| a.original)
                .unwrap_or_else(|| Value::Object(a.original.unwrap_or_default()));
            let summary = match target.get("shift").and_then(Value::as_f64) {
                Some(by) => {
                    format!("Shifted {dimension} {} by {:.0}%", if by > 0.0 { "up" } else { "down" }, by.abs() * 100.0)
                }
                None => format!("Reshaped the {dimension} distribution"),
            };
            (dimension, before, Value::Object(target), summary)
        }
        "edit_archetype" => {
            let id = required(p.archetype_id, "population", action, "archetype_id", "e.g. \"A2\"")?;
            if !(id.len() > 1 && id.starts_with('A') && id[1..].chars().all(|c| c.is_ascii_digit())) {
                return Err(ModelError::invalid(format!("archetype_id '{id}' is not an archetype id like A1, A2 …")));
            }
            let edits = required(p.edits, "population", action, "edits", "{share?, centre?, label?}")?;
            check_archetype_edits(&id, &edits)?;
            let key = format!("{ARCHETYPE_PREFIX}{id}");
            let mut merged = previous(&key).and_then(|a| a.modified.as_object().cloned()).unwrap_or_default();
            merged.extend(edits);
            let before = previous(&key).map(|a| a.original).unwrap_or(json!({}));
            (key, before, Value::Object(merged), format!("Edited archetype {id}"))
        }
        "regenerate" => {
            let edits = required(p.edits, "population", action, "edits", "{seed?, archetypes?, network?}")?;
            check_settings(&edits)?;
            let mut merged = previous(SETTINGS_KEY).and_then(|a| a.modified.as_object().cloned()).unwrap_or_default();
            let said: Vec<String> = edits.keys().cloned().collect();
            merged.extend(edits);
            let before = previous(SETTINGS_KEY).map(|a| a.original).unwrap_or(json!({}));
            let summary = format!("Set the population's {}", said.join(", "));
            (SETTINGS_KEY.to_string(), before, Value::Object(merged), summary)
        }
        _ => return unreachable_action(Workbench::Population, action),
    };
    let record = PopulationAdjustment { dimension: key.clone(), original, modified };
    let result = serde_json::to_value(&record).unwrap_or(Value::Null);
    content.adjustments.insert(key, record);
    Ok((summary, result))
}

fn number(v: &Value, what: &str) -> Result<f64, ModelError> {
    v.as_f64().filter(|x| x.is_finite()).ok_or_else(|| ModelError::invalid(format!("{what} must be a number, not {v}")))
}

/// `{"shares": {category: share ≥ 0}}` or `{"shift": fraction in (−1, 1)}`.
fn check_target(dimension: &str, target: &Map<String, Value>) -> Result<Map<String, Value>, ModelError> {
    let shape = "adjustment.target must be {\"shares\": {category: share}} or {\"shift\": fraction}";
    if target.len() != 1 {
        return Err(ModelError::invalid(format!("{shape}, for '{dimension}'")));
    }
    if let Some(shares) = target.get("shares") {
        let Some(shares) = shares.as_object().filter(|s| !s.is_empty()) else {
            return Err(ModelError::invalid(format!("{shape}: shares must name at least one category")));
        };
        for (category, share) in shares {
            let v = number(share, &format!("the share of '{category}'"))?;
            if v < 0.0 {
                return Err(ModelError::invalid(format!("the share of '{category}' must be ≥ 0, got {v}")));
            }
        }
    } else if let Some(shift) = target.get("shift") {
        let v = number(shift, "shift")?;
        if v.abs() >= 1.0 {
            return Err(ModelError::invalid(format!("shift moves a fraction of the mass, between -1 and 1, got {v}")));
        }
    } else {
        return Err(ModelError::invalid(shape));
    }
    Ok(target.clone())
}

fn check_archetype_edits(id: &str, edits: &Map<String, Value>) -> Result<(), ModelError> {
    if edits.is_empty() {
        return Err(ModelError::invalid(format!("edits for {id} are empty: give share, centre or label")));
    }
    for (key, value) in edits {
        match key.as_str() {
            "share" => {
                let v = number(value, "edits.share")?;
                if !(0.0..=1.0).contains(&v) {
                    return Err(ModelError::invalid(format!("edits.share is a fraction between 0 and 1, got {v}")));
                }
            }
            "centre" => {
                let Some(centre) = value.as_object() else {
                    return Err(ModelError::invalid("edits.centre must map dimensions to numbers"));
                };
                for (dim, v) in centre {
                    number(v, &format!("edits.centre.{dim}"))?;
                }
            }
            "label" => {
                if value.as_str().is_none_or(|l| l.trim().is_empty() || l.chars().count() > 60) {
                    return Err(ModelError::invalid("edits.label must be text of 1 to 60 characters"));
                }
            }
            other => {
                return Err(ModelError::invalid(format!(
                    "edit_archetype cannot change '{other}'; it changes share, centre and label"
                )));
            }
        }
    }
    Ok(())
}

fn check_settings(edits: &Map<String, Value>) -> Result<(), ModelError> {
    if edits.is_empty() {
        return Err(ModelError::invalid("regenerate's edits are empty: give seed, archetypes or network"));
    }
    for (key, value) in edits {
        match key.as_str() {
            "seed" => {
                value.as_u64().ok_or_else(|| {
                    ModelError::invalid(format!("edits.seed must be a whole number ≥ 0, not {value}"))
                })?;
            }
            "archetypes" => {
                let k = value.as_u64().unwrap_or(0);
                if !(1..=20).contains(&k) {
                    return Err(ModelError::invalid(format!("edits.archetypes (k) must be 1 to 20, not {value}")));
                }
            }
            "network" => {
                let Some(network) = value.as_object() else {
                    return Err(ModelError::invalid("edits.network must be {degree?, rewiring?, homophily?}"));
                };
                for (field, v) in network {
                    match field.as_str() {
                        "degree" => {
                            let k = v.as_u64().unwrap_or(0);
                            if !(2..=100).contains(&k) || k % 2 != 0 {
                                return Err(ModelError::invalid(format!(
                                    "edits.network.degree must be an even number from 2 to 100, not {v}"
                                )));
                            }
                        }
                        "rewiring" | "homophily" => {
                            let p = number(v, &format!("edits.network.{field}"))?;
                            if !(0.0..=1.0).contains(&p) {
                                return Err(ModelError::invalid(format!(
                                    "edits.network.{field} is a probability between 0 and 1, not {p}"
                                )));
                            }
                        }
                        other => {
                            return Err(ModelError::invalid(format!(
                                "edits.network.{other} is unknown; the network has degree, rewiring and homophily"
                            )));
                        }
                    }
                }
            }
            other => {
                return Err(ModelError::invalid(format!(
                    "regenerate cannot set '{other}'; it sets seed, archetypes and network"
                )));
            }
        }
    }
    Ok(())
}
