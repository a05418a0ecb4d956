//! What a report is made from, gathered from a project: its scenarios' stored ensembles, its
//! population's diagnostics, its data sources and overrides, its annotations.

use serde_json::Value;
use studio_model::{Ensemble, ProjectContent, ReportConfig, ReportTemplate, ShockEvent, StageStatus, Workbench};
use studio_report::{
    ArchetypeFacts, MarginalFacts, OverrideFacts, PopulationFacts, ReportInput, ScenarioResult, SourceFacts,
};

use crate::error::{CoreError, Result};
use crate::reports_service::Reports;

/// The report settings used when the analyst has chosen none.
pub fn default_config() -> ReportConfig {
    ReportConfig {
        template: ReportTemplate::ExecutiveSummary,
        sections: Vec::new(),
        branding: None,
        include_charts: true,
        include_methodology: true,
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

impl Reports {
    /// Gathers the report's input. `version` is the project's saved version.
    pub(crate) async fn report_input(
        &self,
        project_id: &str,
        content: &ProjectContent,
        version: u64,
        config: ReportConfig,
    ) -> Result<ReportInput> {
        let mut scenarios = Vec::new();
        let mut not_run = Vec::new();
        let package = self.data.stored_package(content).await;
        let axis = crate::question::time_axis(package.as_ref());
        // "2026Q1 (tick 32): price -6" when ticks have dates, else the shock's own label.
        let label = |e: &ShockEvent| match &axis {
            Some(a) => format!("{} (tick {}): {} {:+}", a.label(e.tick), e.tick, e.variable, e.magnitude),
            None => e.label(),
        };
        for s in content.scenarios_in_order() {
            let run = content.runs.get(&s.scenario_id);
            let Some(ensemble_id) = run.and_then(|r| r.ensemble_id.clone()) else {
                not_run.push(s.name.clone());
                continue;
            };
            let ensemble: Ensemble = serde_json::from_slice(&self.store.artifact(&ensemble_id).await?.content)
                .map_err(|e| CoreError::internal(format!("the stored ensemble of '{}': {e}", s.name)))?;
            // The shocks as the run applied them (a forecast from the history's end moves the
            // scenario's earlier ones, and its overrides, to the tick after it).
            let planned = ensemble.variables.shocks.iter().filter(|e| !ensemble.injected_shocks.contains(e));
            let mut shocks: Vec<String> = planned.map(label).collect();
            // Shocks given by hand in the console are in the numbers: the text names them too.
            let injected = ensemble.injected_shocks.iter();
            shocks.extend(injected.map(|e| format!("{} (injected in the console)", label(e))));
            scenarios.push(ScenarioResult {
                scenario_id: s.scenario_id.clone(),
                name: s.name.clone(),
                description: s.description.clone(),
                ensemble_id,
                input_hash: run.and_then(|r| r.input_hash.clone()).unwrap_or_default(),
                stale: run.is_some_and(|r| r.status != studio_model::ScenarioStatus::Completed),
                overrides: s.config.variable_overrides.iter().map(|o| (o.variable.clone(), o.value.clone())).collect(),
                shocks,
                ensemble,
                sensitivity: self.current_sensitivity(content, &s.scenario_id, run).await,
            });
        }
        // The Simulation stage is not complete while any scenario is unrun: each run's own
        // staleness says more, and unrun scenarios are named apart.
        let stale_stages = [Workbench::Data, Workbench::Population]
            .into_iter()
            .filter(|w| content.stage(*w).status != StageStatus::Complete)
            .map(|w| w.as_str().to_string())
            .collect();
        let data_sources = match &package {
            Some(package) => package
                .sources
                .iter()
                .map(|s| SourceFacts {
                    name: s.source_name.clone(),
                    kind: s.role.clone().unwrap_or_else(|| s.kind.as_str().to_string()),
                    hash: s.sha256.clone().unwrap_or_else(|| "not a file".into()),
                    rows: Some(s.rows),
                })
                .collect(),
            None => Vec::new(),
        };
        // The population's header, read once: its facts and the causal graph's attributes.
        let header = self.population.population_header(content).await.ok().map(|(h, _)| h);
        let causal_graph = causal_graph(content, package.as_ref(), header.as_ref(), &scenarios);
        Ok(ReportInput {
            format: studio_report::REPORT_INPUT_FORMAT,
            project_id: project_id.to_string(),
            project_name: content.meta("project_name").unwrap_or("Untitled project").to_string(),
            question: content.meta("initial_query").or(content.meta("description")).unwrap_or_default().to_string(),
            version,
            engine_version: studio_engine::ENGINE_VERSION.to_string(),
            generated_at: studio_store::now(),
            config,
            logo: None,
            scenarios,
            not_run,
            population: header.as_ref().map(|h| population_facts(content, h)),
            data_sources,
            overrides: content
                .overrides
                .values()
                .map(|o| OverrideFacts { field: o.field.clone(), value: text(&o.value), reason: o.reason.clone() })
                .collect(),
            annotations: content.annotations.values().cloned().collect(),
            stale_stages,
            task: content.prediction_task(),
            question_scenario: content.meta(studio_model::QUESTION_SCENARIO).map(str::to_string),
            time_axis: axis,
            causal_graph: Some(causal_graph),
        })
    }

    /// The scenario's sensitivity analysis, when it still holds for the project as it is.
    async fn current_sensitivity(
        &self,
        content: &ProjectContent,
        scenario_id: &str,
        run: Option<&studio_model::ScenarioRun>,
    ) -> Option<studio_model::Sensitivity> {
        let row = self.store.artifact(run?.sensitivity_id.as_deref()?).await.ok()?;
        let sensitivity: studio_model::Sensitivity = serde_json::from_slice(&row.content).ok()?;
        let now = crate::input_hash::source_hash(content, scenario_id)?;
        (now == sensitivity.source_hash).then_some(sensitivity)
    }
}

/// The population's facts a report states, from its header.
fn population_facts(content: &ProjectContent, header: &studio_engine::population::PopulationHeader) -> PopulationFacts {
    PopulationFacts {
        population_id: content.stage(Workbench::Population).artifact_id.unwrap_or_default(),
        size: header.network.nodes,
        seed: header.spec.seed,
        digest: header.digest.clone(),
        marginals: header
            .fit
            .iter()
            .map(|m| MarginalFacts {
                dimension: m.dimension.clone(),
                categories: m.categories.clone(),
                target: m.target.clone(),
                synthetic: m.synthetic.clone(),
                max_share_error: m.max_share_error,
            })
            .collect(),
        degree_distribution: header.network.degree_distribution.clone(),
        mean_degree: header.network.mean_degree,
        archetypes: header
            .archetypes
            .iter()
            .map(|a| ArchetypeFacts { archetype_id: a.archetype_id.clone(), label: a.label.clone(), share: a.share })
            .collect(),
    }
}

/// The model as a causal graph, its outcome the baseline's last final share.
fn causal_graph(
    content: &ProjectContent,
    package: Option<&crate::data_package::DataPackage>,
    header: Option<&studio_engine::population::PopulationHeader>,
    scenarios: &[ScenarioResult],
) -> studio_model::CausalGraph {
    let settings = studio_model::SimulationSettings::of(content).unwrap_or_default();
    let outcome = scenarios.first().map(|s| s.ensemble.last.mean);
    crate::causal_graph::graph_of(&settings, package, header, outcome)
}
