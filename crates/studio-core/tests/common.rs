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
    /// The team database the studio stands on, if not a library file.
    pub team_database: Option<String>,
}

pub async fn fixture() -> Fixture {
    fixture_with(|_| {}).await
}

/// A Studio on a fresh library with its settings changed first (mail server, opener, …).
/// With `STUDIO_TEST_STORE=team` the projects live in a fresh database of the test PostgreSQL
/// instead (a team server's store), so any of these tests can run on it.
pub async fn fixture_with(configure: impl FnOnce(&mut StudioConfig)) -> Fixture {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = StudioConfig::new(dir.path().join("library.db"));
    if std::env::var("STUDIO_TEST_STORE").as_deref() == Ok("team") {
        config.team_database = Some(team_database().await);
    }
    configure(&mut config);
    let team_database = config.team_database.clone();
    let studio = Studio::open(config).await.expect("open library");
    Fixture { dir, studio, team_database }
}

/// A fresh database on the test PostgreSQL. Kept after the test (this mode is for running the
/// suite on PostgreSQL by hand; `scripts/services stop` and a new data directory clear them).
pub async fn team_database() -> String {
    let fresh = studio_store::team::testing::FreshDatabase::new().await;
    fresh.url.clone()
}

impl Fixture {
    /// The configuration of another program on the same library (or team database).
    pub fn config(&self) -> StudioConfig {
        let mut config = StudioConfig::new(self.dir.path().join("library.db"));
        config.team_database = self.team_database.clone();
        config
    }

    pub async fn reopen(self) -> Fixture {
        self.studio.close().await.expect("close");
        let studio = Studio::open(self.config()).await.expect("reopen");
        Fixture { dir: self.dir, studio, team_database: self.team_database }
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

/// Marginals of two dimensions (age band, area), for tests that need a population.
pub const MARGINALS: &str = "dimension,category,share\n\
age_band,18-29,0.21\nage_band,30-44,0.26\nage_band,45-64,0.32\nage_band,65+,0.21\n\
area,urban,0.64\narea,rural,0.36\n";

pub fn action(project: &str, workbench: Workbench, name: &str, payload: Value) -> WorkbenchAction {
    WorkbenchAction { project_id: project.into(), user_id: USER.into(), workbench, action: name.into(), payload }
}

/// Runs a workbench action that must succeed and answers its result.
pub async fn act(studio: &Studio, project: &str, workbench: Workbench, name: &str, payload: Value) -> Value {
    studio.workbench_action(&action(project, workbench, name, payload)).await.unwrap().result
}

/// Starts a task through a workbench action and waits for it to complete.
pub async fn run(studio: &Studio, project: &str, workbench: Workbench, name: &str, payload: Value) -> Value {
    let started = act(studio, project, workbench, name, payload).await;
    let id = started["task_id"].as_str().expect("a task id").to_string();
    let done = studio.wait_task(&id, |_| {}).await.unwrap();
    assert_eq!(done.status, studio_core::task_engine::TaskStatus::Completed, "{name}: {:?}", done.reason());
    serde_json::to_value(done.result.unwrap().outputs).unwrap()
}

/// A project with marginals, a `price` variable series and a population of `agents`, its tasks
/// running.
pub async fn project_with_data(f: Fixture, agents: u64) -> (std::sync::Arc<Studio>, String, TempDir) {
    let project = f.project("Heat pumps").await.project_id;
    let marginals = f.dir.path().join("marginals.csv");
    let prices = f.dir.path().join("prices.csv");
    std::fs::write(&marginals, MARGINALS).unwrap();
    std::fs::write(&prices, "year,price\n2023,1.1\n2024,1.0\n").unwrap();
    let studio = std::sync::Arc::new(f.studio);
    studio.start_tasks().await.unwrap();
    let configure = |name: &str, config: Value| {
        action(
            &project,
            Workbench::Data,
            "configure_source",
            serde_json::json!({"source_name": name, "configuration": config}),
        )
    };
    studio
        .workbench_action(&configure("marginals", serde_json::json!({"path": marginals, "role": "marginal"})))
        .await
        .unwrap();
    studio
        .workbench_action(&configure("prices", serde_json::json!({"path": prices, "role": "variables"})))
        .await
        .unwrap();
    act(&studio, &project, Workbench::Population, "resize_population", serde_json::json!({"target_size": agents}))
        .await;
    (studio, project, f.dir)
}
