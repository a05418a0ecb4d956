//! The causal graph through the Studio: read (`causal_graph`) from what the project holds now,
//! and its one edit (`edit_causal_edge`), checked against the project's variables and the
//! population's attributes, applied as an undoable change. And the data's calendar
//! (`time_axis`), which the UI's charts read ticks in.

use studio_model::{CausalEdit, CausalGraph, Permission, ProjectState, SimulationSettings};

use crate::actor::Actor;
use crate::causal_graph::graph_of;
use crate::error::Result;
use crate::library::Library;
use crate::scenario_runs::baseline_variables;
use crate::studio::Studio;

impl Studio {
    /// The project's model as a causal graph, laid out.
    pub async fn causal_graph(&self, project_id: &str) -> Result<CausalGraph> {
        let content = self.content_of(project_id).await?;
        let settings = SimulationSettings::of(&content)?;
        let package = self.data.stored_package(&content).await;
        let header = self.population.population_header(&content).await.ok().map(|(h, _)| h);
        let first = content.scenarios_in_order().into_iter().next().map(|s| s.scenario_id.clone());
        let outcome = match first {
            Some(id) => self.scenarios.ensemble_of(&content, &id).await.ok().map(|e| e.last.mean),
            None => None,
        };
        Ok(graph_of(&settings, package.as_ref(), header.as_ref(), outcome))
    }

    /// The data's calendar: when each tick is, if the data's times are dates.
    pub async fn time_axis(&self, project_id: &str) -> Result<Option<studio_model::TimeAxis>> {
        let content = self.content_of(project_id).await?;
        Ok(crate::question::time_axis(self.data.stored_package(&content).await.as_ref()))
    }

    /// Sets or removes a coefficient of the model (an edge of the graph): undoable; every
    /// scenario's run is to be done again.
    pub async fn edit_causal_edge(&self, project_id: &str, user_id: &str, edit: &CausalEdit) -> Result<ProjectState> {
        let actor = Actor::new(project_id, user_id);
        let content = self.content_of(project_id).await?;
        let settings = SimulationSettings::of(&content)?;
        let package = self.data.stored_package(&content).await;
        let variables: Vec<String> = baseline_variables(&settings, package.as_ref()).into_keys().collect();
        let header = self.population.population_header(&content).await.ok().map(|(h, _)| h);
        let attributes: Vec<String> = header.iter().flat_map(|h| h.dimensions.iter().map(|d| d.name.clone())).collect();
        let mut open = self.project(project_id).await?;
        Library::check_permission(&open, user_id, Permission::Edit)?;
        let ctx = self.context(&actor.user_id);
        let outcome = studio_model::edit_causal_edge(open.doc.content(), edit, &variables, &attributes, &ctx)?;
        self.commit_outcome(project_id, &mut open, user_id, &outcome).await
    }
}
