//! Long work as tasks through the Studio: export as a task, the pipeline graph, results kept
//! across a restart, a queued task adopted by the next program, cancelling across programs.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{Fixture, USER, fixture};
use serde_json::json;
use studio_core::model::{Workbench, WorkbenchAction};
use studio_core::task_engine::{Failure, Handlers, TaskContext, TaskOutput, TaskSpec, TaskStatus};
use studio_core::{Studio, StudioEvent};

/// Another program on the fixture's library.
async fn open(f: &Fixture) -> Arc<Studio> {
    Arc::new(Studio::open(f.config()).await.expect("open"))
}

/// A task kind that runs until cancelled, reporting progress.
fn endless() -> Handlers {
    Handlers::new().on("endless", |ctx: TaskContext| async move {
        for i in 0.. {
            if ctx.is_cancelled() {
                return Err(Failure::new("stopped"));
            }
            ctx.progress((i % 100) as f64 / 100.0, "spinning");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        Ok(TaskOutput::default())
    })
}

#[tokio::test]
async fn an_export_runs_as_a_task_and_streams_its_progress() {
    let f = fixture().await;
    let studio = Arc::new(f.studio);
    let project = {
        let req = studio_core::model::ProjectCreate {
            user_id: USER.into(),
            team_id: None,
            project_name: "Exported".into(),
            description: None,
            initial_query: None,
            template_id: None,
        };
        studio.create_project(&req).await.unwrap().project_id
    };
    let mut events = studio.subscribe();
    studio.start_tasks().await.unwrap();
    let path = f.dir.path().join("out.studio");
    let task = studio.start_export(&project, path.clone(), false).await.unwrap();
    assert_eq!(task.status, TaskStatus::Pending, "answered at once, before the work");
    let mut statuses = Vec::new();
    let done = studio.wait_task(&task.id, |t| statuses.push(t.status)).await.unwrap();
    assert_eq!(done.status, TaskStatus::Completed, "{:?}", done.reason());
    assert_eq!(done.result.unwrap().outputs["bytes"], json!(std::fs::metadata(&path).unwrap().len()));
    let mut seen = Vec::new();
    while let Ok(event) = events.try_recv() {
        if let StudioEvent::TaskChanged { project_id, task } = event {
            assert_eq!(project_id, project);
            seen.push(task.status);
        }
    }
    assert!(seen.contains(&TaskStatus::InProgress) && seen.last() == Some(&TaskStatus::Completed), "{seen:?}");
    let listed = studio.list_tasks(&project).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert!(studio.get_task("no-such-task").await.unwrap_err().code == "not_found");
}

#[tokio::test]
async fn the_pipeline_builds_the_stale_stages_and_says_what_is_not_available() {
    let f = fixture().await;
    let project = f.project("Pipeline").await.project_id;
    for name in ["Cheap power"] {
        let action = WorkbenchAction {
            project_id: project.clone(),
            user_id: USER.into(),
            workbench: Workbench::Scenario,
            action: "create_scenario".into(),
            payload: json!({"scenario_config": {"name": name, "description": "", "variable_overrides": []}}),
        };
        f.studio.workbench_action(&action).await.unwrap();
    }
    let studio = Arc::new(f.studio);
    let run = studio.run_pipeline(&project, USER).await.unwrap();
    let kinds: Vec<&str> = run.tasks.iter().map(|t| t.kind.as_str()).collect();
    assert_eq!(kinds, ["refresh_data", "regenerate_population", "run_scenario", "run_scenario", "generate_report"]);
    let report = &run.tasks[4];
    assert_eq!(report.dependencies.len(), 2, "the report waits for both scenarios");
    assert_eq!(run.tasks[2].dependencies, [run.tasks[1].id.clone()]);
    studio.start_tasks().await.unwrap();
    let data = studio.wait_task(&run.tasks[0].id, |_| {}).await.unwrap();
    assert_eq!(data.status, TaskStatus::Completed, "an empty data package is still a package");
    let population = studio.wait_task(&run.tasks[1].id, |_| {}).await.unwrap();
    assert_eq!(population.status, TaskStatus::Failed);
    assert!(population.reason().unwrap().contains("no marginals"), "{:?}", population.reason());
    let last = studio.wait_task(&report.id, |_| {}).await.unwrap();
    assert_eq!(last.status, TaskStatus::Cancelled);
    assert!(last.reason().unwrap().starts_with("blocked: dependency"));
}

#[tokio::test]
async fn finished_results_survive_a_restart_and_a_queued_task_is_adopted() {
    let f = fixture().await;
    let project = f.project("Kept").await.project_id;
    f.studio.close().await.unwrap();

    let first = open(&f).await;
    first.start_tasks().await.unwrap();
    let done = first.start_export(&project, f.dir.path().join("a.studio"), false).await.unwrap();
    first.wait_task(&done.id, |_| {}).await.unwrap();
    first.stop_tasks(Duration::from_secs(1)).await;
    // Queued by a program that then ends without running it (`studio export` without --wait).
    let queued = first.start_export(&project, f.dir.path().join("b.studio"), false).await.unwrap();
    first.close().await.unwrap();
    drop(first);

    let second = open(&f).await;
    let kept = second.get_task(&done.id).await.unwrap();
    assert_eq!(kept.status, TaskStatus::Completed);
    assert!(kept.result.unwrap().outputs.contains_key("path"));
    assert_eq!(second.get_task(&queued.id).await.unwrap().status, TaskStatus::Pending);
    second.start_tasks().await.unwrap();
    let adopted = second.wait_task(&queued.id, |_| {}).await.unwrap();
    assert_eq!(adopted.status, TaskStatus::Completed);
    assert!(f.dir.path().join("b.studio").exists());
    second.close().await.unwrap();
}

#[tokio::test]
async fn a_task_is_cancelled_from_another_program_through_the_library() {
    let f = fixture().await;
    let project = f.project("Cancelled").await.project_id;
    f.studio.close().await.unwrap();

    let runner = open(&f).await;
    runner.start_tasks_with(endless()).await.unwrap();
    let mut spec = TaskSpec::new("endless", "Endless");
    spec.required_capabilities.insert("files".into());
    let task = runner.submit_tasks(&project, vec![spec]).await.unwrap().remove(0);
    let after =
        runner.submit_tasks(&project, vec![TaskSpec::new("endless", "After").after(&task.id)]).await.unwrap().remove(0);
    while runner.get_task(&task.id).await.unwrap().status != TaskStatus::InProgress {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    runner.flush_tasks().await;

    let other = open(&f).await;
    let cancelled = other.cancel_task(&task.id, Some("from the command line")).await.unwrap();
    assert_eq!(cancelled.status, TaskStatus::Cancelled);
    assert_eq!(runner.get_task(&after.id).await.unwrap().status, TaskStatus::Cancelled);
    let err = other.cancel_task(&task.id, None).await.unwrap_err();
    assert_eq!(err.code, "conflict", "{}", err.message);
    other.close().await.unwrap();
    runner.close().await.unwrap();
}
