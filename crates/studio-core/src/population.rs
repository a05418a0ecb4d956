//! The Population workbench in the core: the spec a population is built from (the data
//! package's marginals and sample + the analyst's adjustments), `regenerate` as a task that
//! stores the population by hash, and the reads `view_archetypes` and `view_network`.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use studio_engine::population;
use studio_engine::{ArchetypeEdit, DistributionTarget, ENGINE_VERSION, NetworkSpec, PopulationSpec};
use studio_model::{DistributionAdjustment, DistributionChange, ProjectContent, StageStatus, Workbench};

use crate::data_package::DataPackage;
use std::sync::Arc;

use studio_engine::synthesise;

use crate::actor::Actor;
use crate::data_service::Data;
use crate::error::{CoreError, Result};
use crate::library::{Library, Progress, computed, on_library};

/// The seed a population uses until the analyst sets one.
pub const DEFAULT_SEED: u64 = 1;

/// The spec of the project's population: marginals and sample from `package`, everything the
/// analyst chose from the Population workbench's adjustments.
pub fn spec_of(package: &DataPackage, content: &ProjectContent) -> Result<PopulationSpec> {
    let settings = content.population_settings()?;
    let mut spec = PopulationSpec::new(
        content.population_size(),
        settings.seed.unwrap_or(DEFAULT_SEED),
        package.marginals.clone(),
    );
    spec.microdata = package.microdata.clone();
    if let Some(k) = settings.archetypes {
        spec.archetypes = k as usize;
    }
    if let Some(network) = &settings.network {
        let defaults = NetworkSpec::default();
        spec.network = NetworkSpec {
            degree: network.degree.map_or(defaults.degree, |d| u32::try_from(d).unwrap_or(u32::MAX)),
            rewiring: network.rewiring.unwrap_or(defaults.rewiring),
            homophily: network.homophily.unwrap_or(defaults.homophily),
        };
    }
    for (id, edits) in content.archetype_edits()? {
        let edit = ArchetypeEdit { share: edits.share, centre: edits.centre.unwrap_or_default(), label: edits.label };
        spec.archetype_edits.insert(id, edit);
    }
    for (dimension, change) in content.distribution_changes()? {
        let target = match change {
            DistributionChange::Shares(shares) => DistributionTarget::Shares(shares),
            DistributionChange::Shift(by) => DistributionTarget::Shift(by),
        };
        spec.adjustments.insert(dimension, target);
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

/// The Population service: the population synthesised from the data package and the
/// Population workbench's settings, stored by hash; its archetypes and network, read back.
pub struct Population {
    library: Arc<Library>,
    data: Arc<Data>,
}

on_library!(Population);

impl Population {
    pub(crate) fn new(library: Arc<Library>, data: Arc<Data>) -> Population {
        Population { library, data }
    }

    /// Synthesises the population from the current data package and settings, unless the
    /// stored one was built from exactly these inputs.
    pub async fn regenerate_population(&self, actor: &Actor, progress: Progress<'_>) -> Result<Value> {
        let project_id = actor.project_id.as_str();
        let (package, _) = self.data.resolve_package(actor, None, &|f, what| progress(f * 0.1, what)).await?;
        let content = self.content_of(project_id).await?;
        let spec = spec_of(&package, &content)?;
        let inputs = input_hash(&spec);
        let stage = content.stage(Workbench::Population);
        if stage.input_hash.as_deref() == Some(inputs.as_str())
            && let Some(id) = &stage.artifact_id
            && self.store.artifact(id).await.is_ok()
        {
            progress(1.0, "the population is up to date");
            return self.view_archetypes(&content).await;
        }
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(f64, String)>();
        let job = tokio::task::spawn_blocking(move || {
            let built = synthesise(&spec, &mut |f, what| {
                let _ = tx.send((f, what.to_string()));
            });
            built.map(|s| (population::encode(&s), s.digest, s.population.size(), s.population.archetypes.len()))
        });
        while let Some((f, what)) = rx.recv().await {
            progress(0.1 + f * 0.85, &what);
        }
        let (bytes, digest, size, k) =
            job.await.map_err(CoreError::internal)?.map_err(|e| CoreError::new("invalid_population", e.to_string()))?;
        let id = self.store.put_artifact(project_id, "population", &bytes).await?;
        if stage.input_hash.as_deref() == Some(inputs.as_str()) && stage.artifact_id.as_deref() == Some(id.as_str()) {
            // The project named this population and it was not here (shared by a peer that
            // never sent it): made again, its hash is the one named, and nothing changed.
            progress(1.0, "the population was made again here: its hash matches the project's");
            return self.view_archetypes(&content).await;
        }
        let summary = format!("Regenerated the population: {size} agents, {k} archetypes (digest {})", &digest[..12]);
        let computed = computed(Workbench::Population, "regenerate", &id, &inputs, summary);
        self.record(actor, computed).await?;
        let content = self.content_of(project_id).await?;
        self.view_archetypes(&content).await
    }

    /// The project's population with a scenario's own adjustments on top of the project's:
    /// `{dimension: {"shares": {category: share}} | {"shift": fraction}}`.
    pub(crate) async fn adjusted_population(
        &self,
        content: &ProjectContent,
        name: &str,
        adjustments: &serde_json::Map<String, Value>,
    ) -> Result<Vec<u8>> {
        let package =
            self.data.stored_package(content).await.ok_or_else(|| {
                CoreError::new("not_ready", "the scenario's population needs the data: refresh it first")
            })?;
        let mut adjusted = content.clone();
        for (dimension, target) in adjustments {
            if !target.get("shares").is_some_and(Value::is_object) && !target.get("shift").is_some_and(Value::is_number)
            {
                return Err(CoreError::invalid(format!(
                    "scenario '{name}': population_adjustments.{dimension} must be {{\"shares\": {{category: share}}}} or {{\"shift\": fraction}}, got {target}"
                )));
            }
            let record = studio_model::PopulationAdjustment {
                dimension: dimension.clone(),
                original: Value::Null,
                modified: target.clone(),
            };
            adjusted.adjustments.insert(dimension.clone(), record);
        }
        let spec = crate::population::spec_of(&package, &adjusted)?;
        let name = name.to_string();
        let bad = move |e: studio_engine::EngineError| CoreError::invalid(format!("scenario '{name}': {e}"));
        tokio::task::spawn_blocking(move || {
            studio_engine::synthesise(&spec, &mut |_, _| {}).map(|s| population::encode(&s)).map_err(bad)
        })
        .await
        .map_err(CoreError::internal)?
    }

    /// The project's marginals: from its stored data package, else read from the sources now.
    async fn marginals_of(&self, content: &ProjectContent) -> Result<Vec<studio_engine::Marginal>> {
        if let Some(id) = content.stage(Workbench::Data).artifact_id
            && let Ok(row) = self.store.artifact(&id).await
        {
            return Ok(DataPackage::from_bytes(&row.content)?.marginals);
        }
        let content = self.data.materialise_imports(content).await?.0.into_owned();
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
        adjustment: &mut DistributionAdjustment,
        content: &ProjectContent,
    ) -> Result<()> {
        let dimension = &adjustment.dimension;
        let marginals = self.marginals_of(content).await?;
        let Some(marginal) = marginals.iter().find(|m| &m.dimension == dimension) else {
            let known: Vec<&str> = marginals.iter().map(|m| m.dimension.as_str()).collect();
            return Err(CoreError::invalid(if known.is_empty() {
                format!(
                    "no marginal named '{dimension}': the data has no marginals yet (give a source the role 'marginal')"
                )
            } else {
                format!("no marginal named '{dimension}'; the marginals are {}", known.join(", "))
            }));
        };
        if let DistributionChange::Shares(shares) = &adjustment.target {
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
        adjustment.original = Some(serde_json::Map::from_iter([("shares".to_string(), Value::Object(original))]));
        Ok(())
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

    /// `view_archetypes`: the stored population's archetypes, fit and convergence.
    pub(crate) async fn view_archetypes(&self, content: &ProjectContent) -> Result<Value> {
        let (header, stage) = self.population_header(content).await?;
        Ok(json!({
            "population_id": stage.artifact_id,
            "size": header.network.nodes,
            "seed": header.spec.seed,
            "digest": header.digest,
            "stale": stage.status != StageStatus::Complete,
            "archetypes": header.archetypes,
            "fit": header.fit,
            "convergence": header.convergence,
        }))
    }

    /// `view_network`: the stored population's network, its spec and summary.
    pub(crate) async fn view_network(&self, content: &ProjectContent) -> Result<Value> {
        let (header, stage) = self.population_header(content).await?;
        Ok(json!({
            "population_id": stage.artifact_id,
            "digest": header.digest,
            "stale": stage.status != StageStatus::Complete,
            "spec": header.spec.network,
            "archetypes": header.archetypes.iter().map(|a| json!({"archetype_id": a.archetype_id, "label": a.label})).collect::<Vec<_>>(),
            "summary": header.network,
        }))
    }

    /// The stored population's header (its dimensions, fit, network) and its stage.
    pub(crate) async fn population_header(
        &self,
        content: &ProjectContent,
    ) -> Result<(population::PopulationHeader, studio_model::StageState)> {
        let bytes = self.population_bytes(content).await?;
        let (header, _) = population::header(&bytes).map_err(|e| CoreError::internal(e.to_string()))?;
        Ok((header, content.stage(Workbench::Population)))
    }
}
