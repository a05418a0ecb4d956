//! The checks of the Population workbench's inputs, with messages naming the field: a
//! distribution's target, an archetype's edits and the population's settings.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::ModelError;
use crate::action::DistributionChange;

/// The most archetypes a population may be clustered into.
pub const MAX_ARCHETYPES: u64 = 20;
/// The most ties per agent in the network's ring lattice.
pub const MAX_DEGREE: u64 = 100;

fn number(v: &Value, what: &str) -> Result<f64, ModelError> {
    v.as_f64().filter(|x| x.is_finite()).ok_or_else(|| ModelError::invalid(format!("{what} must be a number, not {v}")))
}

/// `{"shares": {category: share ≥ 0}}` or `{"shift": fraction in (−1, 1)}`.
pub(crate) fn check_target(dimension: &str, target: &Map<String, Value>) -> Result<DistributionChange, ModelError> {
    let shape = "adjustment.target must be {\"shares\": {category: share}} or {\"shift\": fraction}";
    if target.len() != 1 {
        return Err(ModelError::invalid(format!("{shape}, for '{dimension}'")));
    }
    if let Some(shares) = target.get("shares") {
        let Some(shares) = shares.as_object().filter(|s| !s.is_empty()) else {
            return Err(ModelError::invalid(format!("{shape}: shares must name at least one category")));
        };
        let mut out = BTreeMap::new();
        for (category, share) in shares {
            let v = number(share, &format!("the share of '{category}'"))?;
            if v < 0.0 {
                return Err(ModelError::invalid(format!("the share of '{category}' must be ≥ 0, got {v}")));
            }
            out.insert(category.clone(), v);
        }
        Ok(DistributionChange::Shares(out))
    } else if let Some(shift) = target.get("shift") {
        let v = number(shift, "shift")?;
        if v.abs() >= 1.0 {
            return Err(ModelError::invalid(format!("shift moves a fraction of the mass, between -1 and 1, got {v}")));
        }
        Ok(DistributionChange::Shift(v))
    } else {
        Err(ModelError::invalid(shape))
    }
}

pub(crate) fn check_archetype_edits(id: &str, edits: &Map<String, Value>) -> Result<(), ModelError> {
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

pub(crate) fn check_settings(edits: &Map<String, Value>) -> Result<(), ModelError> {
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
                if !(1..=MAX_ARCHETYPES).contains(&k) {
                    return Err(ModelError::invalid(format!(
                        "edits.archetypes (k) must be 1 to {MAX_ARCHETYPES}, not {value}"
                    )));
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
                            if !(2..=MAX_DEGREE).contains(&k) || k % 2 != 0 {
                                return Err(ModelError::invalid(format!(
                                    "edits.network.degree must be an even number from 2 to {MAX_DEGREE}, not {v}"
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
