//! `goal_seek`: "what would it take?" as a task — the data, population and calibration brought
//! up to date as for a run, a population synthesised for each level of a population lever, the
//! search run, the answer stored by hash and named on the scenario's run (a result, not undone).

use serde::{Deserialize, Serialize};
use serde_json::json;
use studio_model::{Analysis, GoalSeek, GoalSeekRequest, ProjectContent, SimulationSettings};
use studio_tasks::{CancelToken, Task};

use crate::actor::Actor;
use crate::analysis_tasks::none_yet;
use crate::error::{CoreError, Result};
use crate::goal_seek::{Search, plans, population_levels, target_of};
use crate::input_hash::source_hash;
use crate::library::Progress;
use crate::scenario_runs::{ScenarioInputs, prepare, scenario_variables};
use crate::scenarios::Scenarios;
use crate::studio::Studio;

/// The most replicates a combination runs when the request does not say.
const DEFAULT_REPLICATES: u32 = 8;

/// A scenario's latest goal seek, and whether the project is still as it found it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct GoalSeekAnswer {
    pub goal_seek: GoalSeek,
    pub goal_seek_id: String,
    /// False when the data, population, settings or scenario changed since.
    pub current: bool,
}

impl Scenarios {
    /// Seeks what it would take for scenario `scenario_id` to reach the target, stores the
    /// answer and names it on the scenario's run. Answers with its summary.
    pub async fn seek_goal(
        &self,
        actor: &Actor,
        scenario_id: &str,
        request: &GoalSeekRequest,
        progress: Progress<'_>,
        cancelled: CancelToken,
    ) -> Result<serde_json::Value> {
        request.check()?;
        let ScenarioInputs { content, scenario, settings, population, baseline, calibration, .. } =
            self.scenario_inputs(actor, scenario_id, progress).await?;
        let source = source_hash(&content, scenario_id).unwrap_or_default();
        let target = target_of(request, &settings)?;
        let values = scenario_variables(&baseline, &scenario)?.initial;
        let levers = plans(&request.levers, &values, settings.ticks)?;
        // Each level of a population lever is a population of its own, synthesised now.
        let mut populations = vec![population];
        let levels = population_levels(&scenario, &levers);
        for (i, adjustments) in levels.iter().enumerate() {
            progress(0.2 + 0.1 * i as f64 / levels.len() as f64, &format!("population {} of {}", i + 1, levels.len()));
            populations.push(self.population.adjusted_population(&content, &scenario.name, adjustments).await?);
        }
        let request = request.clone();
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(u32, u32)>();
        let job = tokio::task::spawn_blocking(move || -> Result<GoalSeek> {
            let prepared = populations
                .iter()
                .map(|bytes| prepare(bytes, &settings, &baseline, &scenario, calibration.clone()))
                .collect::<Result<Vec<_>>>()?;
            let search = Search {
                prepared: prepared.iter().collect(),
                settings: &settings,
                baseline: &baseline,
                scenario: &scenario,
                plans: levers,
                target,
                replicates: request.replicates.unwrap_or(settings.replicates.clamp(1, DEFAULT_REPLICATES)),
                change_weight: request.change_weight.unwrap_or(0.25),
                rollouts: request.rollouts.unwrap_or(studio_model::DEFAULT_ROLLOUTS),
                keep: request.keep.unwrap_or(10) as usize,
            };
            let mut heard = |done: u32, of: u32| {
                let _ = tx.send((done, of));
            };
            let mut found = search.run(&mut heard, &|| cancelled.is_cancelled())?;
            found.source_hash = source;
            Ok(found)
        });
        while let Some((done, of)) = rx.recv().await {
            let share = f64::from(done) / f64::from(of.max(1));
            progress(0.3 + 0.7 * share, &format!("combination {done} of at most {of}"));
        }
        let found = job.await.map_err(CoreError::internal)??;
        let bytes = serde_json::to_vec(&found).map_err(CoreError::internal)?;
        let id = self.store.put_artifact(&actor.project_id, "goal_seek", &bytes).await?;
        let best = found.candidates.first().map_or("nothing better than the scenario".to_string(), |c| {
            format!(
                "best P = {:.2} ({})",
                c.probability,
                c.settings.iter().map(|s| s.label.clone()).collect::<Vec<_>>().join(", ")
            )
        });
        let summary = format!(
            "Goal seek from '{}': {} combinations of {} simulated ({} simulations), {best}",
            found.scenario_name, found.rollouts, found.combinations, found.simulations
        );
        self.record_analysis(actor, scenario_id, Analysis::GoalSeek, &id, summary).await?;
        Ok(json!({
            "goal_seek_id": id,
            "scenario_id": scenario_id,
            "rollouts": found.rollouts,
            "simulations": found.simulations,
            "elapsed_ms": found.elapsed_ms,
            "candidates": found.candidates.len(),
        }))
    }

    /// Scenario `scenario_id`'s latest goal seek, if it has one.
    pub async fn goal_seek_of(&self, content: &ProjectContent, scenario_id: &str) -> Result<Option<GoalSeekAnswer>> {
        let Some(id) = content.runs.get(scenario_id).and_then(|r| r.goal_seek_id.clone()) else { return Ok(None) };
        let goal_seek: GoalSeek = self.stored_analysis(&id, "goal seek").await?;
        let current = source_hash(content, scenario_id).as_deref() == Some(goal_seek.source_hash.as_str());
        Ok(Some(GoalSeekAnswer { goal_seek, goal_seek_id: id, current }))
    }
}

impl Studio {
    /// Starts a goal seek from scenario `scenario_id` as a task (editors and owners).
    pub async fn start_goal_seek(
        &self,
        project_id: &str,
        user_id: &str,
        scenario_id: &str,
        request: &GoalSeekRequest,
    ) -> Result<Task> {
        request.check()?;
        let (content, scenario) = self.analysis_scope(project_id, user_id, scenario_id).await?;
        // What can be checked now is: the target against the run, the levers' names.
        let settings = SimulationSettings::of(&content)?;
        target_of(request, &settings)?;
        let package = self.data.stored_package(&content).await;
        let baseline = crate::scenario_runs::baseline_variables(&settings, package.as_ref());
        plans(&request.levers, &scenario_variables(&baseline, &scenario)?.initial, settings.ticks)?;
        let name = format!("What would it take? (from “{}”)", scenario.name);
        self.submit_analysis(project_id, user_id, &scenario, ("goal_seek", &name), request).await
    }

    /// Scenario `scenario_id`'s latest goal seek.
    pub async fn goal_seek(&self, project_id: &str, scenario_id: &str) -> Result<GoalSeekAnswer> {
        let (content, name) = self.analysed(project_id, scenario_id).await?;
        let how = "no goal seek yet: run one (Scenario workbench → What would it take?)";
        self.scenarios.goal_seek_of(&content, scenario_id).await?.ok_or_else(|| none_yet(&name, how))
    }
}
