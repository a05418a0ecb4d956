//! Calibration in the core: when the simulation settings ask for it, the chosen coefficients
//! are fitted to a historical series of the data package (the baseline world: its variables,
//! no overrides, no shocks) before a scenario runs, and the runs start from the history's
//! first point with the fitted model. The fit is stored by hash and kept on the Simulation
//! stage with the hash of its inputs, so it is redone only when those change.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};
use studio_engine::simulation::{CalibrationReport, CalibrationSpec, Parameter, Variables, calibrate_with};
use studio_model::{CALIBRATION_FORMAT, CalibrationFit, ProjectContent, SimulationSettings, Workbench};

use crate::data_package::DataPackage;
use crate::error::{CoreError, Result};
use crate::library::Progress;
use crate::scenario_runs::model_of;
use crate::scenarios::Scenarios;

/// The series calibrated on: the one named, else the package's first time series.
fn history<'p>(package: &'p DataPackage, name: Option<&str>) -> Result<(&'p str, Vec<f64>)> {
    let names = || package.time_series.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(", ");
    let series = match name {
        Some(n) => package.time_series.iter().find(|s| s.name == n).ok_or_else(|| {
            CoreError::invalid(format!(
                "simulation_config.calibration.series '{n}' is not a time series of the data; they are: {}",
                if package.time_series.is_empty() { "none".into() } else { names() }
            ))
        })?,
        None => package.time_series.first().ok_or_else(|| {
            CoreError::new(
                "not_ready",
                "calibration needs a history: give a source the role time_series and refresh the data",
            )
        })?,
    };
    let points: Vec<f64> = series.points.iter().map(|(_, v)| *v).collect();
    if points.len() < 5 {
        return Err(CoreError::invalid(format!(
            "calibration needs 5 points of history at least; '{}' has {}",
            series.name,
            points.len()
        )));
    }
    Ok((series.name.as_str(), points))
}

/// How fits are made today: a fit made another way is made again.
const METHOD: &str = "abc-smc, logit-scale damped-trend discrepancy of the posterior mean";

fn inputs_hash(
    population_id: &str,
    settings: &SimulationSettings,
    observed: &[f64],
    baseline: &BTreeMap<String, f64>,
) -> String {
    let mut h = Sha256::new();
    h.update(studio_engine::ENGINE_VERSION.as_bytes());
    h.update(METHOD.as_bytes());
    h.update(population_id.as_bytes());
    h.update(serde_json::to_string(&(settings, observed, baseline)).unwrap_or_default().as_bytes());
    hex::encode(h.finalize())
}

/// What a run needs of a fit: the summary stored, and kept with each ensemble.
fn summary(series: &str, report: &CalibrationReport) -> Result<CalibrationFit> {
    Ok(CalibrationFit {
        format: CALIBRATION_FORMAT,
        series: series.to_string(),
        fitted: report.fitted.clone(),
        start: report.start.clone(),
        evaluations: report.evaluations,
        fit_points: report.fit_points,
        holdout_points: report.holdout_points,
        fit_rmse: report.fit_rmse,
        holdout_rmse: report.holdout_rmse,
        holdout_mape: report.holdout_mape,
        coverage_90: report.coverage_90,
        observed: report.observed.clone(),
        mean: report.mean.clone(),
        bands: report.bands.clone(),
        model: serde_json::to_value(&report.model).map_err(CoreError::internal)?,
        posterior: serde_json::to_value(&report.posterior).map_err(CoreError::internal)?,
        discrepancy: serde_json::to_value(report.discrepancy).map_err(CoreError::internal)?,
    })
}

impl Scenarios {
    /// The settings the runs use: as given, or — with `calibration` — with the fitted model and
    /// the history's first point as the initial share; and the fit's summary.
    pub(crate) async fn calibrated(
        &self,
        actor: &crate::actor::Actor,
        content: &ProjectContent,
        settings: SimulationSettings,
        population: &[u8],
        baseline: &BTreeMap<String, f64>,
        progress: Progress<'_>,
    ) -> Result<(SimulationSettings, Option<CalibrationFit>)> {
        let Some(wanted) = settings.calibration.clone() else { return Ok((settings, None)) };
        let package = self
            .data
            .stored_package(content)
            .await
            .ok_or_else(|| CoreError::new("not_ready", "calibration needs the data: refresh it first"))?;
        let (series, observed) = history(&package, wanted.series.as_deref())?;
        let population_id = content.stage(Workbench::Population).artifact_id.unwrap_or_default();
        let inputs = inputs_hash(&population_id, &settings, &observed, baseline);
        let stage = content.stage(Workbench::Simulation);
        let stored = match (&stage.input_hash, &stage.artifact_id) {
            (Some(hash), Some(id)) if *hash == inputs => self.store.artifact(id).await.ok(),
            _ => None,
        };
        let fit: CalibrationFit = match stored.and_then(|row| serde_json::from_slice(&row.content).ok()) {
            Some(fit) => {
                progress(0.3, "the calibration is up to date");
                fit
            }
            None => {
                progress(0.25, &format!("calibrating {} coefficient(s) on '{series}'", wanted.parameters.len()));
                let spec = CalibrationSpec {
                    parameters: wanted
                        .parameters
                        .iter()
                        .map(|p| Parameter { path: p.path.clone(), lower: p.lower, upper: p.upper })
                        .collect(),
                    replicates: wanted.replicates,
                    band_replicates: 200,
                    max_evaluations: wanted.max_evaluations,
                    seed: settings.seed,
                    holdout_share: wanted.holdout_share,
                };
                let model = model_of(&settings)?;
                let (bytes, variables, observed) = (population.to_vec(), baseline.clone(), observed.clone());
                let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(f64, String)>();
                let job = tokio::task::spawn_blocking(move || -> Result<CalibrationReport> {
                    let (header, pop) =
                        studio_engine::population::decode(&bytes).map_err(|e| CoreError::internal(e.to_string()))?;
                    let agents = studio_engine::simulation::Agents::from_population(pop, &header.digest)
                        .map_err(|e| CoreError::internal(e.to_string()))?;
                    let vars = Variables { initial: variables, shocks: Vec::new() };
                    let sim =
                        agents.simulation(model, vars, observed.len().saturating_sub(1).max(1) as u32, observed[0]);
                    calibrate_with(&sim, &observed, &spec, &mut |done, what| {
                        let _ = tx.send((done, what.to_string()));
                    })
                    .map_err(|e| CoreError::invalid(format!("calibration: {e}")))
                });
                while let Some((done, what)) = rx.recv().await {
                    progress(0.25 + 0.05 * done, &format!("calibrating on '{series}': {what}"));
                }
                let report = job.await.map_err(CoreError::internal)??;
                let fit = summary(series, &report)?;
                let bytes = serde_json::to_vec(&fit).map_err(CoreError::internal)?;
                let id = self.store.put_artifact(&actor.project_id, "calibration", &bytes).await?;
                let said = format!(
                    "Calibrated {} on '{series}': held-out RMSE {:.4}, MAPE {:.1}%, {:.0}% inside the 90% band",
                    report.fitted.iter().map(|(k, v)| format!("{k} = {v:.4}")).collect::<Vec<_>>().join(", "),
                    report.holdout_rmse,
                    report.holdout_mape,
                    report.coverage_90 * 100.0
                );
                let computed = crate::library::computed(Workbench::Simulation, "calibrate", &id, &inputs, said);
                self.record(actor, computed).await?;
                fit
            }
        };
        let mut calibrated = settings;
        calibrated.model = fit.model.clone();
        calibrated.initial_share = fit.observed.first().copied().unwrap_or(calibrated.initial_share);
        Ok((calibrated, Some(fit)))
    }
}
