//! Running the Data and Population stages: `refresh_data` resolves and stores the data
//! package, `regenerate` synthesises and stores the population. Both run as tasks; both
//! record their result in the document (the stage complete, what depends on it stale) only
//! when it changed.

use serde_json::Value;
use studio_engine::{population, synthesise};
use studio_model::{StageResult, Workbench};

use crate::data_package::{self, DataPackage};
use crate::population::{input_hash, spec_of};
use crate::stop::Stop;
use crate::{Actor, CoreError, Result, Studio};

/// Progress as a fraction and a phrase.
pub type Progress<'a> = &'a (dyn Fn(f64, &str) + Send + Sync);

impl Studio {
    /// Reads every source, stores the package by hash and records it when it changed.
    /// `because` says why, in the log ("marginals.csv changed on disk").
    pub async fn refresh_data(&self, actor: &Actor, because: Option<&str>, progress: Progress<'_>) -> Result<Value> {
        let (package, hash) = self.resolve_package(actor, because, progress).await?;
        Ok(data_package::summary(&package, &hash))
    }

    pub(crate) async fn resolve_package(
        &self,
        actor: &Actor,
        because: Option<&str>,
        progress: Progress<'_>,
    ) -> Result<(DataPackage, String)> {
        let project_id = actor.project_id.as_str();
        let content = self.content_of(project_id).await?;
        self.materialise_imports(&content).await?;
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(f64, String)>();
        // A cancelled task drops this future: the reads stop with it.
        let (stop, _stop_on_drop) = Stop::on_drop();
        let job = tokio::task::spawn_blocking(move || {
            let report = &mut |f, what: &str| {
                let _ = tx.send((f, what.to_string()));
            };
            data_package::resolve(&content, report, &|| stop.requested())
        });
        while let Some((f, what)) = rx.recv().await {
            progress(f * 0.9, &what);
        }
        let package = job.await.map_err(CoreError::internal)?;
        let (bytes, hash) = package.to_bytes();
        self.store.put_artifact(project_id, "data_package", &bytes).await?;
        let why = because.map(|b| format!(" ({b})")).unwrap_or_default();
        let summary = format!("Refreshed the data{why}: {}", data_package::describe(&package));
        let computed = computed(Workbench::Data, "refresh_data", &hash, &hash, summary);
        self.record(actor, computed).await?;
        Ok((package, hash))
    }

    /// Synthesises the population from the current data package and settings, unless the
    /// stored one was built from exactly these inputs.
    pub async fn regenerate_population(&self, actor: &Actor, progress: Progress<'_>) -> Result<Value> {
        let project_id = actor.project_id.as_str();
        let (package, _) = self.resolve_package(actor, None, &|f, what| progress(f * 0.1, what)).await?;
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
        let summary = format!("Regenerated the population: {size} agents, {k} archetypes (digest {})", &digest[..12]);
        let computed = computed(Workbench::Population, "regenerate", &id, &inputs, summary);
        self.record(actor, computed).await?;
        let content = self.content_of(project_id).await?;
        self.view_archetypes(&content).await
    }
}

/// A stage's result computed from `inputs` and stored as `artifact`.
pub(crate) fn computed(
    workbench: Workbench,
    action: &str,
    artifact: &str,
    inputs: &str,
    summary: String,
) -> StageResult {
    StageResult {
        workbench,
        action: action.into(),
        artifact_id: artifact.into(),
        input_hash: inputs.into(),
        summary,
        result: serde_json::json!({}),
    }
}
