//! The Population workbench in the core: the spec a population is built from (the data
//! package's marginals and sample + the analyst's adjustments), `regenerate` as a task that
//! stores the population by hash, and the reads `view_archetypes` and `view_network`.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use studio_engine::population::{self, DEFAULT_AGENTS};
use studio_engine::{ArchetypeEdit, DistributionTarget, ENGINE_VERSION, NetworkSpec, PopulationSpec};
use studio_model::{ARCHETYPE_PREFIX, ProjectContent, SETTINGS_KEY, SIZE_KEY, StageStatus, Workbench, WorkbenchAction};

use crate::data_package::DataPackage;
use crate::{CoreError, Result, Studio};

/// The seed a population uses until the analyst sets one.
pub const DEFAULT_SEED: u64 = 1;

/// The spec of the project's population: marginals and sample from `package`, everything the
/// analyst chose from the Population workbench's adjustments.
pub fn spec_of(package: &DataPackage, content: &ProjectContent) -> Result<PopulationSpec> {
    let bad = |m: String| CoreError::invalid(m);
    let modified = |key: &str| content.adjustments.get(key).map(|a| a.modified.clone());
    let size = modified(SIZE_KEY).and_then(|m| m.get("size").and_then(Value::as_u64)).unwrap_or(DEFAULT_AGENTS);
    let settings = modified(SETTINGS_KEY).unwrap_or(json!({}));
    let mut spec = PopulationSpec::new(
        size,
        settings.get("seed").and_then(Value::as_u64).unwrap_or(DEFAULT_SEED),
        package.marginals.clone(),
    );
    spec.microdata = package.microdata.clone();
    if let Some(k) = settings.get("archetypes").and_then(Value::as_u64) {
        spec.archetypes = k as usize;
    }
    if let Some(network) = settings.get("network") {
        let mut merged = serde_json::to_value(NetworkSpec::default()).unwrap_or_default();
        if let (Some(m), Some(n)) = (merged.as_object_mut(), network.as_object()) {
            m.extend(n.clone());
        }
        spec.network = serde_json::from_value(merged).map_err(|e| bad(format!("network settings: {e}")))?;
    }
    for (key, adjustment) in &content.adjustments {
        if key == SIZE_KEY || key == SETTINGS_KEY {
            continue;
        }
        if let Some(id) = key.strip_prefix(ARCHETYPE_PREFIX) {
            let edit: ArchetypeEdit = serde_json::from_value(adjustment.modified.clone())
                .map_err(|e| bad(format!("the edit of archetype {id}: {e}")))?;
            spec.archetype_edits.insert(id.to_string(), edit);
            continue;
        }
        let target = if let Some(shares) = adjustment.modified.get("shares") {
            let shares: BTreeMap<String, f64> =
                serde_json::from_value(shares.clone()).map_err(|e| bad(format!("the shares of '{key}': {e}")))?;
            DistributionTarget::Shares(shares)
        } else {
            DistributionTarget::Shift(adjustment.modified.get("shift").and_then(Value::as_f64).unwrap_or(0.0))
        };
        spec.adjustments.insert(key.clone(), target);
    }
    Ok(spec)
}

/// The hash of everything a population is computed from.
pub fn input_hash(spec: &PopulationSpec) -> String {
    let mut h = Sha256::new();
    h.update(ENGINE_VERSION.as_bytes());
    h.update(serde_json::to_vec(spec).unwrap_or_default());
    hex::encode(h.finalize())
}

impl Studio {
    /// The project's marginals: from its stored data package, else read from the sources now.
    async fn marginals_of(&self, content: &ProjectContent) -> Result<Vec<studio_engine::Marginal>> {
        if let Some(id) = content.stage(Workbench::Data).artifact_id
            && let Ok(row) = self.store.artifact(&id).await
        {
            return Ok(DataPackage::from_bytes(&row.content)?.marginals);
        }
        let content = content.clone();
        let (stop, _stop_on_drop) = crate::stop::Stop::on_drop();
        let package = tokio::task::spawn_blocking(move || {
            crate::data_package::resolve(&content, &mut |_, _| {}, &|| stop.requested())
        })
        .await
        .map_err(CoreError::internal)?;
        Ok(package.marginals)
    }

    /// Checks an `adjust_distribution` against the data (the dimension and its categories
    /// exist) and fills in the distribution it replaces, so the log shows original → modified.
    pub(crate) async fn with_original(
        &self,
        req: &WorkbenchAction,
        content: &ProjectContent,
    ) -> Result<WorkbenchAction> {
        let mut req = req.clone();
        let Some(adjustment) = req.payload.get_mut("adjustment").and_then(Value::as_object_mut) else {
            return Ok(req);
        };
        let Some(dimension) = adjustment.get("dimension").and_then(Value::as_str).map(str::to_string) else {
            return Ok(req);
        };
        let marginals = self.marginals_of(content).await?;
        let Some(marginal) = marginals.iter().find(|m| m.dimension == dimension) else {
            let known: Vec<&str> = marginals.iter().map(|m| m.dimension.as_str()).collect();
            return Err(CoreError::invalid(if known.is_empty() {
                format!(
                    "no marginal named '{dimension}': the data has no marginals yet (give a source the role 'marginal')"
                )
            } else {
                format!("no marginal named '{dimension}'; the marginals are {}", known.join(", "))
            }));
        };
        if let Some(shares) = adjustment.get("target").and_then(|t| t.get("shares")).and_then(Value::as_object) {
            for category in shares.keys() {
                if !marginal.categories.contains(category) {
                    return Err(CoreError::invalid(format!(
                        "'{dimension}' has no category '{category}'; its categories are {}",
                        marginal.categories.join(", ")
                    )));
                }
            }
        }
        let shares = marginal.shares().map_err(|e| CoreError::invalid(e.to_string()))?;
        let original: serde_json::Map<String, Value> =
            marginal.categories.iter().cloned().zip(shares.into_iter().map(|s| json!(s))).collect();
        adjustment.insert("original".into(), json!({"shares": original}));
        Ok(req)
    }

    /// The stored population of a project, if it has one.
    pub(crate) async fn population_bytes(&self, content: &ProjectContent) -> Result<Vec<u8>> {
        let stage = content.stage(Workbench::Population);
        let Some(id) = stage.artifact_id else {
            return Err(CoreError::new(
                "not_ready",
                "there is no population yet: regenerate it (Population workbench → Regenerate)",
            ));
        };
        Ok(self.store.artifact(&id).await?.content)
    }

    /// `view_archetypes` and `view_network`: read from the stored population.
    pub(crate) async fn population_read(&self, content: &ProjectContent, action: &str) -> Result<Value> {
        let bytes = self.population_bytes(content).await?;
        let (header, _) = population::header(&bytes).map_err(|e| CoreError::internal(e.to_string()))?;
        let stage = content.stage(Workbench::Population);
        let stale = stage.status != StageStatus::Complete;
        Ok(match action {
            "view_archetypes" => json!({
                "population_id": stage.artifact_id,
                "size": header.network.nodes,
                "seed": header.spec.seed,
                "digest": header.digest,
                "stale": stale,
                "archetypes": header.archetypes,
                "fit": header.fit,
                "convergence": header.convergence,
            }),
            _ => json!({
                "population_id": stage.artifact_id,
                "digest": header.digest,
                "stale": stale,
                "spec": header.spec.network,
                "archetypes": header.archetypes.iter().map(|a| json!({"archetype_id": a.archetype_id, "label": a.label})).collect::<Vec<_>>(),
                "summary": header.network,
            }),
        })
    }
}
