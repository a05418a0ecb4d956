//! The Population workbench's document actions and the settings they leave: each records one
//! adjustment, keyed so that a new one of the same kind replaces the old — the size, the
//! settings (seed, archetypes and network, given to regenerate), one per edited archetype and
//! one per adjusted dimension. How they are keyed is this file's business: everyone else
//! reads them through [`ProjectContent::population_size`] and its neighbours. The population
//! itself is computed by the core.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::action::{ArchetypeEdits, DistributionAdjustment, DistributionChange, PopulationAction, PopulationSettings};
use crate::apply::not_an_edit;
use crate::content::{PopulationAdjustment, ProjectContent};
use crate::{ModelError, Workbench};

/// The most agents a population may hold.
pub const MAX_POPULATION: u64 = 5_000_000;
/// The size a population has until the analyst resizes it.
pub const DEFAULT_POPULATION: u64 = 100_000;

/// Adjustment keys that are not dimensions.
const SIZE_KEY: &str = "size";
const SETTINGS_KEY: &str = "settings";
const ARCHETYPE_PREFIX: &str = "archetype:";

/// True when `key` of the adjustments names a dimension of the data.
fn is_dimension(key: &str) -> bool {
    key != SIZE_KEY && key != SETTINGS_KEY && !key.starts_with(ARCHETYPE_PREFIX)
}

impl ProjectContent {
    /// The number of agents the population is made with.
    pub fn population_size(&self) -> u64 {
        self.adjustments
            .get(SIZE_KEY)
            .and_then(|a| a.modified.get("size"))
            .and_then(Value::as_u64)
            .unwrap_or(DEFAULT_POPULATION)
    }

    /// The seed, archetypes and network the population is made with (absent: the defaults).
    pub fn population_settings(&self) -> Result<PopulationSettings, ModelError> {
        match self.adjustments.get(SETTINGS_KEY) {
            None => Ok(PopulationSettings::default()),
            Some(a) => serde_json::from_value(a.modified.clone())
                .map_err(|e| ModelError::invalid(format!("the stored population settings: {e}"))),
        }
    }

    /// The edits of each archetype, by archetype id.
    pub fn archetype_edits(&self) -> Result<BTreeMap<String, ArchetypeEdits>, ModelError> {
        let mut out = BTreeMap::new();
        for (key, a) in &self.adjustments {
            if let Some(id) = key.strip_prefix(ARCHETYPE_PREFIX) {
                let edits = serde_json::from_value(a.modified.clone())
                    .map_err(|e| ModelError::invalid(format!("the edit of archetype {id}: {e}")))?;
                out.insert(id.to_string(), edits);
            }
        }
        Ok(out)
    }

    /// The change of each adjusted dimension, by dimension.
    pub fn distribution_changes(&self) -> Result<BTreeMap<String, DistributionChange>, ModelError> {
        let mut out = BTreeMap::new();
        for (key, a) in self.adjustments.iter().filter(|(k, _)| is_dimension(k)) {
            let change = match a.modified.get("shares") {
                Some(shares) => DistributionChange::Shares(
                    serde_json::from_value(shares.clone())
                        .map_err(|e| ModelError::invalid(format!("the shares of '{key}': {e}")))?,
                ),
                None => DistributionChange::Shift(a.modified.get("shift").and_then(Value::as_f64).unwrap_or(0.0)),
            };
            out.insert(key.clone(), change);
        }
        Ok(out)
    }
}

/// Records one of the Population workbench's edits.
pub(crate) fn population_action(
    content: &mut ProjectContent,
    action: &PopulationAction,
) -> Result<(String, Value), ModelError> {
    let previous = |key: &str| content.adjustments.get(key).cloned();
    let (key, original, modified, summary) = match action {
        PopulationAction::Resize { target_size } => {
            let before = previous(SIZE_KEY).map(|a| a.original).unwrap_or(json!({"size": DEFAULT_POPULATION}));
            let summary = format!("Resized the population to {target_size} agents");
            (SIZE_KEY.to_string(), before, json!({"size": target_size}), summary)
        }
        PopulationAction::AdjustDistribution(DistributionAdjustment { dimension, target, original }) => {
            if !is_dimension(dimension) {
                return Err(ModelError::invalid(format!("adjustment.dimension '{dimension}' is not an attribute")));
            }
            let before = previous(dimension)
                .map(|a| a.original)
                .unwrap_or_else(|| Value::Object(original.clone().unwrap_or_default()));
            let summary = match target {
                DistributionChange::Shift(by) => {
                    format!("Shifted {dimension} {} by {:.0}%", if *by > 0.0 { "up" } else { "down" }, by.abs() * 100.0)
                }
                DistributionChange::Shares(_) => format!("Reshaped the {dimension} distribution"),
            };
            (dimension.clone(), before, target.to_value(), summary)
        }
        PopulationAction::EditArchetype { archetype_id, edits } => {
            let key = format!("{ARCHETYPE_PREFIX}{archetype_id}");
            let old: ArchetypeEdits =
                previous(&key).and_then(|a| serde_json::from_value(a.modified).ok()).unwrap_or_default();
            let merged = serde_json::to_value(old.merged(edits)).unwrap_or(Value::Null);
            let before = previous(&key).map(|a| a.original).unwrap_or(json!({}));
            (key, before, merged, format!("Edited archetype {archetype_id}"))
        }
        PopulationAction::Regenerate { settings: Some(settings) } => {
            let old = content.population_settings()?;
            let merged = serde_json::to_value(old.merged(settings)).unwrap_or(Value::Null);
            let before = previous(SETTINGS_KEY).map(|a| a.original).unwrap_or(json!({}));
            let summary = format!("Set the population's {}", settings.named().join(", "));
            (SETTINGS_KEY.to_string(), before, merged, summary)
        }
        PopulationAction::Regenerate { settings: None } => {
            return Err(ModelError::invalid(
                "population/regenerate needs payload.edits ({seed?, archetypes?, network?}) to record settings",
            ));
        }
        PopulationAction::ViewArchetypes | PopulationAction::ViewNetwork => {
            return Err(not_an_edit(Workbench::Population, action.name()));
        }
    };
    let record = PopulationAdjustment { dimension: key.clone(), original, modified };
    let result = serde_json::to_value(&record).unwrap_or(Value::Null);
    content.adjustments.insert(key, record);
    Ok((summary, result))
}
