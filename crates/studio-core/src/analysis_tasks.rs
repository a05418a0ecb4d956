//! What a scenario's analyses (sensitivity, goal seeking) share: starting one as a task —
//! editors and owners only, the scenario known — and reading the latest one back, or saying
//! there is none yet and how to make one.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::json;
use studio_model::{Permission, ProjectContent, ScenarioRecord};
use studio_tasks::{Task, TaskSpec};

use crate::error::{CoreError, Result};
use crate::library::Library;
use crate::scenarios::Scenarios;
use crate::studio::Studio;

fn not_found(scenario_id: &str) -> CoreError {
    CoreError::new("not_found", format!("scenario not found: {scenario_id}"))
}

impl Studio {
    /// The project as it is and scenario `scenario_id`, for `user_id` to analyse (editors and
    /// owners).
    pub(crate) async fn analysis_scope(
        &self,
        project_id: &str,
        user_id: &str,
        scenario_id: &str,
    ) -> Result<(ProjectContent, ScenarioRecord)> {
        let open = self.scenarios.project(project_id).await?;
        Library::check_permission(&open, user_id, Permission::Edit)?;
        let content = open.doc.content().clone();
        drop(open);
        let scenario = content.scenarios.get(scenario_id).cloned().ok_or_else(|| not_found(scenario_id))?;
        Ok((content, scenario))
    }

    /// Submits the analysis task `kind` of `scenario` with its `request`.
    pub(crate) async fn submit_analysis(
        &self,
        project_id: &str,
        user_id: &str,
        scenario: &ScenarioRecord,
        (kind, name): (&str, &str),
        request: &impl Serialize,
    ) -> Result<Task> {
        let spec = TaskSpec::new(kind, name)
            .needs("simulation")
            .input("scenario_id", json!(scenario.scenario_id))
            .input("request", serde_json::to_value(request).map_err(CoreError::internal)?)
            .input("user_id", json!(user_id));
        Ok(self.submit_tasks(project_id, vec![spec]).await?.remove(0))
    }

    /// The project as it is and scenario `scenario_id`'s name, to read an analysis of it.
    pub(crate) async fn analysed(&self, project_id: &str, scenario_id: &str) -> Result<(ProjectContent, String)> {
        let content = self.content_of(project_id).await?;
        let name = content.scenarios.get(scenario_id).map(|s| s.name.clone()).ok_or_else(|| not_found(scenario_id))?;
        Ok((content, name))
    }
}

/// No analysis of scenario `name` yet: `how` says what it lacks and how to make it.
pub(crate) fn none_yet(name: &str, how: &str) -> CoreError {
    CoreError::new("not_ready", format!("scenario '{name}' has {how}"))
}

impl Scenarios {
    /// A stored analysis, read back (`what` names it in an error).
    pub(crate) async fn stored_analysis<T: DeserializeOwned>(&self, id: &str, what: &str) -> Result<T> {
        let row = self.store.artifact(id).await?;
        serde_json::from_slice(&row.content).map_err(|e| CoreError::internal(format!("the stored {what} {id}: {e}")))
    }
}
