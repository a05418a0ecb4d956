//! The Data service: the Data workbench's reads (`data_reads.rs`), sources copied into the
//! project (`imports.rs`), and the data package resolved from every source and stored by hash
//! (`data_package/`). It stands on the library alone.

use std::sync::Arc;

use serde_json::Value;
use studio_model::{ProjectContent, Workbench};

use crate::actor::Actor;
use crate::data_package::{self, DataPackage};
use crate::error::{CoreError, Result};
use crate::library::{Library, Progress, computed, on_library};
use crate::stop::Stop;

pub struct Data {
    library: Arc<Library>,
}

on_library!(Data);

impl Data {
    pub(crate) fn new(library: Arc<Library>) -> Data {
        Data { library }
    }

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
        let (local, recorded) = self.materialise_imports(&content).await?;
        let content = local.into_owned();
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
        let mut package = job.await.map_err(CoreError::internal)?;
        // Read from copies here, the sources are named as the project records them: the same
        // package, and hash, on every machine.
        for source in &mut package.sources {
            if let Some(path) = recorded.get(&source.source_name) {
                source.path = Some(path.clone());
            }
        }
        let (bytes, hash) = package.to_bytes();
        self.store.put_artifact(project_id, "data_package", &bytes).await?;
        let why = because.map(|b| format!(" ({b})")).unwrap_or_default();
        let summary = format!("Refreshed the data{why}: {}", data_package::describe(&package));
        let computed = computed(Workbench::Data, "refresh_data", &hash, &hash, summary);
        self.record(actor, computed).await?;
        Ok((package, hash))
    }

    /// The data package the Data stage last stored, if any.
    pub(crate) async fn stored_package(&self, content: &ProjectContent) -> Option<DataPackage> {
        let id = content.stage(Workbench::Data).artifact_id?;
        serde_json::from_slice(&self.store.artifact(&id).await.ok()?.content).ok()
    }
}
