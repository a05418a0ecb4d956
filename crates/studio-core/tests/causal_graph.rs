//! The causal graph through the Studio: the model drawn from the project (sources, variables,
//! attributes, the network, terms, the outcome), laid out left to right without overlaps; an
//! edge's coefficient edited, added and removed as undoable changes that leave the runs to redo;
//! bad edits named.

mod common;

use common::{USER, fixture, project_with_data, run};
use serde_json::json;
use studio_core::Studio;
use studio_core::model::{CausalEdit, CausalGraph, ProjectLoad, ScenarioStatus, StageStatus, Workbench};

fn edge<'g>(g: &'g CausalGraph, from: &str, to: &str) -> Option<&'g studio_core::model::CausalEdge> {
    g.edges.iter().find(|e| e.from == from && e.to == to)
}

async fn edit(
    studio: &Studio,
    project: &str,
    path: &str,
    value: Option<f64>,
) -> studio_core::Result<studio_core::model::ProjectState> {
    studio.edit_causal_edge(project, USER, &CausalEdit { path: path.into(), value }).await
}

#[tokio::test]
async fn the_model_is_drawn_and_its_edges_edited_undoably() {
    let (studio, project, _dir) = project_with_data(fixture().await, 800).await;
    run(&studio, &project, Workbench::Simulation, "run", json!({"simulation_config": {"ticks": 10, "replicates": 2}}))
        .await;
    let g = studio.causal_graph(&project).await.unwrap();
    let ids: Vec<&str> = g.nodes.iter().map(|n| n.id.as_str()).collect();
    for id in [
        "source:prices",
        "variable:price",
        "attribute:age_band",
        "attribute:area",
        "network",
        "term:spontaneous",
        "term:influence",
        "potential",
        "outcome",
    ] {
        assert!(ids.contains(&id), "{id} in {ids:?}");
    }
    let price = edge(&g, "variable:price", "term:spontaneous").expect("price → spontaneous");
    assert_eq!(
        (price.coefficient, price.sign, price.path.as_deref()),
        (Some(-0.002), Some(-1), Some("spontaneous.variables.price"))
    );
    assert!(edge(&g, "source:prices", "variable:price").is_some() && edge(&g, "network", "term:influence").is_some());
    let outcome = g.nodes.iter().find(|n| n.id == "outcome").unwrap();
    assert!(outcome.value.is_some_and(|v| (0.0..=1.0).contains(&v)), "the baseline's last share: {outcome:?}");
    // Laid out: left to right along every edge, no two boxes overlapping, all inside the bounds.
    let at = |id: &str| g.nodes.iter().find(|n| n.id == id).unwrap();
    for e in &g.edges {
        assert!(at(&e.from).x < at(&e.to).x, "{} → {} runs left to right", e.from, e.to);
    }
    for (i, a) in g.nodes.iter().enumerate() {
        assert!(a.x + a.width / 2.0 <= g.width + 1e-9 && a.y + a.height / 2.0 <= g.height + 1e-9, "{a:?}");
        for b in &g.nodes[i + 1..] {
            let apart = (a.x - b.x).abs() * 2.0 >= a.width + b.width || (a.y - b.y).abs() * 2.0 >= a.height + b.height;
            assert!(apart, "{} and {} overlap", a.id, b.id);
        }
    }

    // A coefficient changed: undoable, and the runs are to be redone.
    let state = edit(&studio, &project, "spontaneous.variables.price", Some(-0.004)).await.unwrap();
    let entry = state.modification_log.last().unwrap();
    assert!(entry.reversible && entry.summary.contains("price on spontaneous to -0.004"), "{entry:?}");
    assert_ne!(state.scenarios[0].status, ScenarioStatus::Completed, "the run is stale");
    assert_eq!(state.workbench_states.simulation.status, StageStatus::NotStarted);
    let g = studio.causal_graph(&project).await.unwrap();
    assert_eq!(edge(&g, "variable:price", "term:spontaneous").unwrap().coefficient, Some(-0.004));
    studio.undo(&project, USER).await.unwrap();
    let g = studio.causal_graph(&project).await.unwrap();
    assert_eq!(edge(&g, "variable:price", "term:spontaneous").unwrap().coefficient, Some(-0.002), "undone");

    // An edge added from an attribute, then removed.
    edit(&studio, &project, "influence.attributes.age_band", Some(0.05)).await.unwrap();
    let g = studio.causal_graph(&project).await.unwrap();
    assert_eq!(edge(&g, "attribute:age_band", "term:influence").unwrap().sign, Some(1));
    edit(&studio, &project, "influence.attributes.age_band", None).await.unwrap();
    assert!(edge(&studio.causal_graph(&project).await.unwrap(), "attribute:age_band", "term:influence").is_none());

    for (path, value, says) in [
        ("influence.attributes.shoe_size", Some(1.0), "'shoe_size' is not an attribute"),
        ("spontaneous.variables.wind", Some(1.0), "'wind' is not a variable of the project; its variables: price"),
        ("influence.variables.price", None, "influence has no coefficient on price"),
        ("potential", Some(0.0), "a share above 0"),
        ("potential", None, "cannot be removed"),
        ("drift.constant", Some(1.0), "TERM one of spontaneous, influence"),
        ("spontaneous.constant", Some(1e9), "within ±1,000,000"),
    ] {
        let error = edit(&studio, &project, path, value).await.unwrap_err();
        assert!(error.message.contains(says), "{path}: {}", error.message);
    }
    let load = ProjectLoad { project_id: project.clone(), user_id: USER.into(), version: None };
    let log = studio.get_project(&load).await.unwrap().modification_log;
    assert_eq!(log.iter().filter(|e| e.action == "edit_causal_edge").count(), 3, "bad edits change nothing");
}
