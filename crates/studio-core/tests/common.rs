//! Helpers shared by the core's integration tests: a Studio on a fresh library file.
#![allow(dead_code)]

use serde_json::Value;
use studio_core::model::{ProjectCreate, ProjectState, Workbench, WorkbenchAction, WorkbenchResponse};
use studio_core::{Studio, StudioConfig};
use tempfile::TempDir;

pub const USER: &str = "7c1d3e0a-0000-4000-8000-000000000001";

pub struct Fixture {
    pub dir: TempDir,
    pub studio: Studio,
}

pub async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("temp dir");
    let studio = Studio::open(StudioConfig::new(dir.path().join("library.db"))).await.expect("open library");
    Fixture { dir, studio }
}

impl Fixture {
    pub async fn reopen(self) -> Fixture {
        self.studio.close().await.expect("close");
        let studio = Studio::open(StudioConfig::new(self.dir.path().join("library.db"))).await.expect("reopen");
        Fixture { dir: self.dir, studio }
    }

    pub async fn project(&self, name: &str) -> ProjectState {
        new_project(&self.studio, name).await
    }

    pub async fn act(
        &self,
        project: &str,
        workbench: Workbench,
        action: &str,
        payload: Value,
    ) -> studio_core::Result<WorkbenchResponse> {
        let req = WorkbenchAction {
            project_id: project.into(),
            user_id: USER.into(),
            workbench,
            action: action.into(),
            payload,
        };
        self.studio.workbench_action(&req).await
    }

    pub async fn override_value(&self, project: &str, field: &str, value: i64) -> WorkbenchResponse {
        let payload = serde_json::json!({"override": {"field": field, "value": value, "reason": "test"}});
        self.act(project, Workbench::Data, "override_value", payload).await.expect("override")
    }

    pub async fn state(&self, project: &str) -> ProjectState {
        let load = studio_core::model::ProjectLoad { project_id: project.into(), user_id: USER.into(), version: None };
        self.studio.get_project(&load).await.expect("get project")
    }
}

/// A new project owned by [`USER`], for tests that hold the Studio elsewhere (in an `Arc`).
pub async fn new_project(studio: &Studio, name: &str) -> ProjectState {
    let req = ProjectCreate {
        user_id: USER.into(),
        team_id: None,
        project_name: name.into(),
        description: None,
        initial_query: None,
        template_id: None,
    };
    studio.create_project(&req).await.expect("create project")
}
