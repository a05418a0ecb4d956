//! The Population workbench's document actions and the settings they leave: each records one
//! record, keyed so that a new one of the same kind replaces the old — the size, the settings
//! (seed, archetypes and network, given to regenerate) and one per edited archetype in the
//! `population` section, one per adjusted dimension in the adjustments. How they are keyed is
//! this file's business: everyone else reads them through [`ProjectContent::population_size`]
//! and its neighbours. The population itself is computed by the core.
//!
//! Documents written before the `population` section kept the size, settings and archetype
//! edits among the adjustments, as fake dimensions (`size`, `settings`, `archetype:ID`). They
//! are not rewritten: the readers here take the section's record when there is one, else the
//! old one, so an old project opens as it was, and undoing the first new edit of a setting
//! brings back the value the old record held.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::action::{ArchetypeEdits, DistributionAdjustment, DistributionChange, PopulationAction, PopulationSettings};
use crate::content::{PopulationAdjustment, PopulationRecord, ProjectContent};
use crate::{ModelError, Workbench};

/// The most agents a population may hold.
pub const MAX_POPULATION: u64 = 5_000_000;
/// The size a population has until the analyst resizes it.
pub const DEFAULT_POPULATION: u64 = 100_000;

/// Keys of the `population` section (and, in documents written before it, of the
/// adjustments: read when the section has no record of its own).
const SIZE_KEY: &str = "size";
const SETTINGS_KEY: &str = "settings";
const ARCHETYPE_PREFIX: &str = "archetype:";

/// True when `key` of the adjustments names a dimension of the data.
pub(crate) fn is_dimension(key: &str) -> bool {
    key != SIZE_KEY && key != SETTINGS_KEY && !key.starts_with(ARCHETYPE_PREFIX)
}

impl ProjectContent {
    /// The number of agents the population is made with.
    pub fn population_size(&self) -> u64 {
        match self.population.get(SIZE_KEY) {
            Some(PopulationRecord::Size(size)) => *size,
            _ => self
                .adjustments
                .get(SIZE_KEY)
                .and_then(|a| a.modified.get("size"))
                .and_then(Value::as_u64)
                .unwrap_or(DEFAULT_POPULATION),
        }
    }

    /// The seed, archetypes and network the population is made with (absent: the defaults).
    pub fn population_settings(&self) -> Result<PopulationSettings, ModelError> {
        if let Some(PopulationRecord::Settings(settings)) = self.population.get(SETTINGS_KEY) {
            return Ok(settings.clone());
        }
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
        // The section's own records stand over what older documents kept in the adjustments.
        for (key, record) in &self.population {
            if let (Some(id), PopulationRecord::Archetype(edits)) = (key.strip_prefix(ARCHETYPE_PREFIX), record) {
                out.insert(id.to_string(), edits.clone());
            }
        }
        Ok(out)
    }

    /// The adjustments of the data's dimensions (the seed contract's `adjustments`).
    pub fn dimension_adjustments(&self) -> impl Iterator<Item = &PopulationAdjustment> {
        self.adjustments.values().filter(|a| is_dimension(&a.dimension))
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

/// Records one of the Population workbench's edits: the size, the settings and an archetype's
/// edits in the `population` section, a dimension's change in the adjustments. The answer is
/// what was recorded.
pub(crate) fn population_action(
    content: &mut ProjectContent,
    action: &PopulationAction,
) -> Result<(String, Value), ModelError> {
    let (key, record, summary) = match action {
        PopulationAction::Resize { target_size } => {
            let summary = format!("Resized the population to {target_size} agents");
            (SIZE_KEY.to_string(), PopulationRecord::Size(*target_size), summary)
        }
        PopulationAction::AdjustDistribution(adjustment) => return adjust_distribution(content, adjustment),
        PopulationAction::EditArchetype { archetype_id, edits } => {
            let old = content.archetype_edits()?.remove(archetype_id).unwrap_or_default();
            let record = PopulationRecord::Archetype(old.merged(edits));
            (format!("{ARCHETYPE_PREFIX}{archetype_id}"), record, format!("Edited archetype {archetype_id}"))
        }
        PopulationAction::Regenerate { settings: Some(settings) } => {
            let merged = content.population_settings()?.merged(settings);
            let summary = format!("Set the population's {}", settings.named().join(", "));
            (SETTINGS_KEY.to_string(), PopulationRecord::Settings(merged), summary)
        }
        PopulationAction::Regenerate { settings: None } => {
            return Err(ModelError::invalid(
                "population/regenerate needs payload.edits ({seed?, archetypes?, network?}) to record settings",
            ));
        }
        PopulationAction::ViewArchetypes | PopulationAction::ViewNetwork => {
            return Err(ModelError::not_an_edit(Workbench::Population, action.name()));
        }
    };
    let result = serde_json::to_value(&record).unwrap_or(Value::Null);
    content.population.insert(key, record);
    Ok((summary, result))
}

/// Records a dimension's change, keeping the distribution it had before the first change.
fn adjust_distribution(
    content: &mut ProjectContent,
    adjustment: &DistributionAdjustment,
) -> Result<(String, Value), ModelError> {
    let DistributionAdjustment { dimension, target, original } = adjustment;
    if !is_dimension(dimension) {
        return Err(ModelError::invalid(format!("adjustment.dimension '{dimension}' is not an attribute")));
    }
    let before = content
        .adjustments
        .get(dimension)
        .map(|a| a.original.clone())
        .unwrap_or_else(|| Value::Object(original.clone().unwrap_or_default()));
    let summary = match target {
        DistributionChange::Shift(by) => {
            format!("Shifted {dimension} {} by {:.0}%", if *by > 0.0 { "up" } else { "down" }, by.abs() * 100.0)
        }
        DistributionChange::Shares(_) => format!("Reshaped the {dimension} distribution"),
    };
    let record = PopulationAdjustment { dimension: dimension.clone(), original: before, modified: target.to_value() };
    let result = serde_json::to_value(&record).unwrap_or(Value::Null);
    content.adjustments.insert(dimension.clone(), record);
    Ok((summary, result))
}
