//! Goal seeking through the Studio: "what would it take?" runs as a task over the levers allowed,
//! spends at most its budget, ranks what reaches the target with the least change first, and each
//! combination becomes a scenario that, run, gives the numbers the search saw; bad requests are
//! named, a cancelled search records nothing.

mod common;

use common::{USER, act, fixture, project_with_data, run};
use serde_json::json;
use studio_core::model::{GoalSeekRequest, Lever, Threshold, Workbench};
use studio_core::task_engine::TaskStatus;
use studio_core::{GoalSeekAnswer, Studio};

async fn seek(studio: &Studio, project: &str, scenario: &str, request: &GoalSeekRequest) -> GoalSeekAnswer {
    let task = studio.start_goal_seek(project, USER, scenario, request).await.unwrap();
    let done = studio.wait_task(&task.id, |_| {}).await.unwrap();
    assert_eq!(done.status, TaskStatus::Completed, "{:?}", done.reason());
    studio.goal_seek(project, scenario).await.unwrap()
}

async fn baseline_of(studio: &Studio, project: &str) -> String {
    let load = studio_core::model::ProjectLoad { project_id: project.into(), user_id: USER.into(), version: None };
    studio.get_project(&load).await.unwrap().scenarios[0].scenario_id.clone()
}

fn price(lower: f64, upper: f64) -> Lever {
    Lever::Variable { variable: "price".into(), lower: Some(lower), upper: Some(upper), steps: Some(5) }
}

fn shock(ticks: (u64, u64)) -> Lever {
    Lever::Shock {
        variable: "price".into(),
        magnitude_low: -0.6,
        magnitude_high: 0.0,
        tick_low: ticks.0,
        tick_high: ticks.1,
        steps: Some(4),
    }
}

/// Cheaper electricity adopts faster: spontaneous adoption 0.02 − 0.015 · price.
fn settings() -> serde_json::Value {
    json!({"ticks": 20, "replicates": 4, "seed": 7, "threshold": {"share": 0.6, "tick": 20},
        "model": {"kind": "diffusion", "spontaneous": {"constant": 0.02, "variables": {"price": -0.015}},
                  "influence": {"constant": 0.2}}})
}

#[tokio::test]
async fn what_it_would_take_is_found_ranked_and_made_a_scenario_that_agrees() {
    let (studio, project, _dir) = project_with_data(fixture().await, 1_500).await;
    run(&studio, &project, Workbench::Simulation, "run", json!({"simulation_config": settings()})).await;
    let baseline = baseline_of(&studio, &project).await;
    let population = Lever::Population { dimension: "age_band".into(), lower: -0.3, upper: 0.3, steps: Some(3) };
    let request = GoalSeekRequest {
        levers: vec![price(0.2, 1.0), shock((4, 12)), population],
        rollouts: Some(30),
        ..GoalSeekRequest::default()
    };
    let answer = seek(&studio, &project, &baseline, &request).await;
    assert!(answer.current);
    let g = &answer.goal_seek;
    // Price: 4 levels besides its own 1.0; the shock: none or 3 sizes × 3 ticks; the shift: 3.
    assert_eq!(g.combinations, 5 * 10 * 3);
    assert_eq!(g.rollouts, 30, "the budget is the combinations simulated");
    assert_eq!(g.simulations, 30 * 4);
    assert_eq!(g.target, Threshold { share: 0.6, tick: 20 }, "the simulation's threshold by default");
    assert!(g.baseline.settings.iter().all(|s| s.value.is_none()), "{:?}", g.baseline);
    let best = &g.candidates[0];
    assert!(best.efficient && best.change > 0.0, "{best:?}");
    assert!(best.probability > g.baseline.probability, "{best:?} against {:?}", g.baseline);
    let efficient: Vec<_> = g.candidates.iter().take_while(|c| c.efficient).collect();
    assert!(efficient.windows(2).all(|w| w[0].probability >= w[1].probability && w[0].change <= w[1].change));
    for c in &g.candidates {
        assert!(c.interval[0] <= c.probability && c.probability <= c.interval[1], "{c:?}");
        assert!(c.probability > g.baseline.probability, "only what does better than the scenario: {c:?}");
    }
    // Without bounds a variable lever moves ±30% around the scenario's value.
    let bare = GoalSeekRequest {
        levers: vec![Lever::Variable { variable: "price".into(), lower: None, upper: None, steps: Some(3) }],
        rollouts: Some(3),
        ..GoalSeekRequest::default()
    };
    let around = seek(&studio, &project, &baseline, &bare).await.goal_seek;
    assert_eq!(around.combinations, 3, "0.7 and 1.3 besides the scenario's 1.0");

    // One click: the combination becomes a scenario; run, it gives what the search saw.
    let created = act(
        &studio,
        &project,
        Workbench::Scenario,
        "create_scenario",
        json!({"scenario_config": best.scenario_config}),
    )
    .await;
    let id = created["scenario_id"].as_str().unwrap().to_string();
    let ran = run(&studio, &project, Workbench::Scenario, "run_scenario", json!({"scenario_id": id})).await;
    assert_eq!(ran["threshold"]["probability"].as_f64(), Some(best.probability), "{ran}");
    assert!((ran["final"]["mean"].as_f64().unwrap() - best.final_share).abs() < 1e-12, "{ran}");
}

#[tokio::test]
async fn bad_searches_are_named_and_a_cancelled_one_records_nothing() {
    let (studio, project, _dir) = project_with_data(fixture().await, 800).await;
    run(&studio, &project, Workbench::Simulation, "run", json!({"simulation_config": settings()})).await;
    let baseline = baseline_of(&studio, &project).await;
    let with = |levers: Vec<Lever>| GoalSeekRequest { levers, rollouts: Some(4), ..GoalSeekRequest::default() };
    let two_shifts = vec![
        Lever::Population { dimension: "age_band".into(), lower: -0.2, upper: 0.2, steps: None },
        Lever::Population { dimension: "area".into(), lower: -0.2, upper: 0.2, steps: None },
    ];
    let cases = [
        (with(vec![]), "levers names 0"),
        (
            with(vec![Lever::Variable { variable: "wind".into(), lower: None, upper: None, steps: None }]),
            "'wind' is not a variable",
        ),
        (with(vec![price(1.0, 0.5)]), "the lower first"),
        (with(vec![shock((4, 99))]), "after the run's last tick"),
        (with(two_shifts), "one population shift at most"),
        (
            GoalSeekRequest { target: Some(Threshold { share: 0.3, tick: 50 }), ..with(vec![price(0.5, 1.0)]) },
            "target's tick 50",
        ),
        (GoalSeekRequest { rollouts: Some(0), ..with(vec![price(0.5, 1.0)]) }, "rollouts is 0"),
        (with(vec![price(0.5, 1.0), price(0.2, 0.4)]), "named twice"),
    ];
    for (request, says) in cases {
        let error = studio.start_goal_seek(&project, USER, &baseline, &request).await.unwrap_err();
        assert!(error.message.contains(says), "{says}: {}", error.message);
    }
    assert_eq!(studio.goal_seek(&project, &baseline).await.unwrap_err().code, "not_ready");
    let unknown = studio.start_goal_seek(&project, USER, "nope", &with(vec![price(0.5, 1.0)])).await.unwrap_err();
    assert_eq!(unknown.code, "not_found");

    // A long search, cancelled: it stops between two combinations and records nothing.
    let long = GoalSeekRequest {
        levers: vec![
            Lever::Variable { variable: "price".into(), lower: Some(0.2), upper: Some(1.0), steps: Some(21) },
            shock((2, 18)),
        ],
        rollouts: Some(5_000),
        replicates: Some(200),
        ..GoalSeekRequest::default()
    };
    let task = studio.start_goal_seek(&project, USER, &baseline, &long).await.unwrap();
    loop {
        let t = studio.get_task(&task.id).await.unwrap();
        // The search has begun (its combinations are counted from the start).
        if t.progress.as_ref().is_some_and(|p| p.message.starts_with("combination ")) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    studio.cancel_task(&task.id, Some("enough")).await.unwrap();
    let done = studio.wait_task(&task.id, |_| {}).await.unwrap();
    assert_eq!(done.status, TaskStatus::Cancelled);
    assert_eq!(studio.goal_seek(&project, &baseline).await.unwrap_err().code, "not_ready");
}
