//! The command line's one way into the core: every operation is a `Request` run through
//! `Studio::dispatch`, as HTTP and the desktop run theirs, so what dispatch adds (today its
//! timing and log line; later permission checks, audit, receipts) covers the command line too.
//! The answer is read back as the type the command prints.

use serde::de::DeserializeOwned;
use studio_core::{CoreError, ProjectSummary, Request, Studio};

pub async fn call<T: DeserializeOwned>(studio: &Studio, request: Request) -> Result<T, CoreError> {
    let name = request.name();
    let answer = studio.dispatch(request).await?;
    serde_json::from_str(answer.json()).map_err(|e| CoreError::internal(format!("the answer to {name}: {e}")))
}

/// A project named by id, or by its exact name among the user's projects.
pub(crate) async fn resolve(studio: &Studio, user: &str, project: &str) -> Result<String, CoreError> {
    let all: Vec<ProjectSummary> = call(studio, Request::ListProjects { user_id: None, team_id: None }).await?;
    if all.iter().any(|p| p.project_id == project) {
        return Ok(project.to_string());
    }
    let named: Vec<_> = all.iter().filter(|p| p.project_name == project && p.user_id == user).collect();
    match named.as_slice() {
        [one] => Ok(one.project_id.clone()),
        [] => Err(CoreError::new("not_found", format!("project '{project}' does not exist"))),
        many => Err(CoreError::invalid(format!(
            "{} projects are named '{project}'; use an id: {}",
            many.len(),
            many.iter().map(|p| p.project_id.as_str()).collect::<Vec<_>>().join(", ")
        ))),
    }
}
