//! `sensitivity`: a scenario's global sensitivity analysis as a task — the data, population
//! and calibration brought up to date as for a run, every point of the design simulated, the
//! analysis stored by hash and named on the scenario's run (a result, not undone).

use serde::{Deserialize, Serialize};
use serde_json::json;
use studio_model::{Analysis as Recorded, ProjectContent, Sensitivity, SensitivityRequest, record_analysis};
use studio_tasks::{CancelToken, Task};

use crate::actor::Actor;
use crate::analysis_tasks::none_yet;
use crate::document::{ChangeKind, ChangeMessage};
use crate::error::{CoreError, Result};
use crate::input_hash::source_hash;
use crate::library::{Library, Progress};
use crate::scenario_runs::{ScenarioInputs, prepare};
use crate::scenarios::Scenarios;
use crate::sensitivity::Analysis;
use crate::studio::Studio;

/// A scenario's latest sensitivity analysis, and whether it was made from the inputs the
/// scenario has now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SensitivityAnswer {
    pub sensitivity: Sensitivity,
    pub sensitivity_id: String,
    /// False when the scenario, its population or the settings changed since.
    pub current: bool,
}

impl Scenarios {
    /// Analyses scenario `scenario_id` as `request` asks (progress after the inputs' 20%),
    /// stores the analysis and names it on the scenario's run. Answers with its summary.
    pub async fn analyse_sensitivity(
        &self,
        actor: &Actor,
        scenario_id: &str,
        request: &SensitivityRequest,
        progress: Progress<'_>,
        cancelled: CancelToken,
    ) -> Result<serde_json::Value> {
        request.check()?;
        let ScenarioInputs { content, scenario, settings, inputs, population, baseline, calibration } =
            self.scenario_inputs(actor, scenario_id, progress).await?;
        let source = source_hash(&content, scenario_id);
        let request = request.clone();
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(usize, usize)>();
        let job = tokio::task::spawn_blocking(move || -> Result<Sensitivity> {
            let prepared = prepare(&population, &settings, &baseline, &scenario, calibration)?;
            let analysis = Analysis::new(&prepared, &settings, &baseline, &scenario, &request)?;
            let mut heard = |done: usize, of: usize| {
                let _ = tx.send((done, of));
            };
            let mut sensitivity = analysis.run(&mut heard, &|| cancelled.is_cancelled())?;
            sensitivity.input_hash = inputs;
            sensitivity.source_hash = source.unwrap_or_default();
            Ok(sensitivity)
        });
        while let Some((done, of)) = rx.recv().await {
            let share = done as f64 / of.max(1) as f64;
            progress(0.2 + 0.8 * share, &format!("point {done} of {of}"));
        }
        let sensitivity = job.await.map_err(CoreError::internal)??;
        let bytes = serde_json::to_vec(&sensitivity).map_err(CoreError::internal)?;
        let id = self.store.put_artifact(&actor.project_id, "sensitivity", &bytes).await?;
        let summary = format!(
            "Sensitivity of '{}' ({}, {} factors): {} simulations in {:.1} s",
            sensitivity.scenario_name,
            sensitivity.method.as_str(),
            sensitivity.factors.len(),
            sensitivity.simulations,
            sensitivity.elapsed_ms as f64 / 1000.0
        );
        self.record_analysis(actor, scenario_id, Recorded::Sensitivity, &id, summary).await?;
        Ok(json!({
            "sensitivity_id": id,
            "scenario_id": scenario_id,
            "method": sensitivity.method,
            "evaluations": sensitivity.evaluations,
            "simulations": sensitivity.simulations,
            "elapsed_ms": sensitivity.elapsed_ms,
        }))
    }

    /// Names an analysis's artifact on the scenario's run.
    pub(crate) async fn record_analysis(
        &self,
        actor: &Actor,
        scenario_id: &str,
        kind: Recorded,
        id: &str,
        summary: String,
    ) -> Result<()> {
        let (project_id, user_id) = (actor.project_id.as_str(), actor.user_id.as_str());
        let mut open = self.project(project_id).await?;
        let ctx = self.context(user_id);
        let outcome = record_analysis(open.doc.content(), scenario_id, kind, id, summary, &ctx)?;
        let message = ChangeMessage::new(outcome.entry.clone(), ChangeKind::Computed, None, &outcome.edits);
        self.commit(project_id, &mut open, &outcome.content, &message).await?;
        let state = Library::state_of(&mut open, user_id);
        self.announce(project_id, &state, &outcome.entry, &outcome.state_changes);
        Ok(())
    }

    /// Scenario `scenario_id`'s latest sensitivity analysis, if it has one.
    pub async fn sensitivity_of(
        &self,
        content: &ProjectContent,
        scenario_id: &str,
    ) -> Result<Option<SensitivityAnswer>> {
        let Some(run) = content.runs.get(scenario_id) else { return Ok(None) };
        let Some(id) = run.sensitivity_id.clone() else { return Ok(None) };
        let sensitivity: Sensitivity = self.stored_analysis(&id, "sensitivity analysis").await?;
        let current = source_hash(content, scenario_id).as_deref() == Some(sensitivity.source_hash.as_str());
        Ok(Some(SensitivityAnswer { sensitivity, sensitivity_id: id, current }))
    }
}

impl Studio {
    /// Starts scenario `scenario_id`'s sensitivity analysis as a task (editors and owners).
    pub async fn start_sensitivity(
        &self,
        project_id: &str,
        user_id: &str,
        scenario_id: &str,
        request: &SensitivityRequest,
    ) -> Result<Task> {
        request.check()?;
        let (_, scenario) = self.analysis_scope(project_id, user_id, scenario_id).await?;
        let name = format!("Sensitivity of “{}”", scenario.name);
        self.submit_analysis(project_id, user_id, &scenario, ("sensitivity", &name), request).await
    }

    /// Scenario `scenario_id`'s latest sensitivity analysis.
    pub async fn sensitivity(&self, project_id: &str, scenario_id: &str) -> Result<SensitivityAnswer> {
        let (content, name) = self.analysed(project_id, scenario_id).await?;
        let how = "no sensitivity analysis yet: run one (Scenario workbench → Sensitivity)";
        self.scenarios.sensitivity_of(&content, scenario_id).await?.ok_or_else(|| none_yet(&name, how))
    }
}
