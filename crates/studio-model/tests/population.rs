//! Population workbench actions: each records one adjustment (replacing the last of its kind)
//! and leaves the population to regenerate; a recorded result completes the stage and makes
//! what depends on it stale when it changed.

use serde_json::{Value, json};
use studio_model::{
    Action, ActionContext, ProjectContent, StageResult, StageStatus, Workbench, apply_action, record_stage_result,
};

fn stage(workbench: Workbench, action: &str, artifact: &str, inputs: &str, summary: String) -> StageResult {
    StageResult {
        workbench,
        action: action.into(),
        artifact_id: artifact.into(),
        input_hash: inputs.into(),
        summary,
        result: json!({}),
    }
}

fn ctx() -> ActionContext {
    ActionContext { user_id: "u1".into(), now: "2026-11-22T10:00:00Z".into(), fresh_id: "id-1".into() }
}

fn act(content: &ProjectContent, action: &str, payload: Value) -> studio_model::Outcome {
    Action::parse(Workbench::Population, action, &payload)
        .and_then(|a| apply_action(content, &a, &ctx()))
        .unwrap_or_else(|e| panic!("{action}: {e}"))
}

#[test]
fn each_action_records_one_adjustment() {
    let c = ProjectContent::default();
    let c = act(&c, "resize_population", json!({"target_size": 250_000})).content;
    let c = act(&c, "resize_population", json!({"target_size": 50_000})).content;
    let size = &c.adjustments["size"];
    assert_eq!(size.original, json!({"size": 100_000}), "the original is the size before any resize");
    assert_eq!(size.modified, json!({"size": 50_000}));

    let out = act(
        &c,
        "adjust_distribution",
        json!({"adjustment": {"dimension": "income_band", "target": {"shift": 0.1},
               "original": {"shares": {"low": 0.5, "high": 0.5}}}}),
    );
    assert_eq!(out.entry.summary, "Shifted income_band up by 10%");
    let c = out.content;
    assert_eq!(c.adjustments["income_band"].original, json!({"shares": {"low": 0.5, "high": 0.5}}));

    let c = act(&c, "edit_archetype", json!({"archetype_id": "A2", "edits": {"share": 0.3}})).content;
    let c = act(&c, "edit_archetype", json!({"archetype_id": "A2", "edits": {"label": "savers"}})).content;
    assert_eq!(c.adjustments["archetype:A2"].modified, json!({"share": 0.3, "label": "savers"}), "edits merge");

    let c = act(&c, "regenerate", json!({"edits": {"seed": 7, "network": {"homophily": 0.4}}})).content;
    assert_eq!(c.adjustments["settings"].modified, json!({"seed": 7, "network": {"homophily": 0.4}}));
    assert_eq!(c.stage(Workbench::Population).status, StageStatus::InProgress);
    assert_eq!(c.adjustments.len(), 4);
}

#[test]
fn a_new_result_completes_the_stage_and_makes_downstream_stale() {
    let c = ProjectContent::default();
    let first =
        record_stage_result(&c, stage(Workbench::Population, "regenerate", "pop-1", "in-1", "built".into()), &ctx());
    let c = first.content;
    assert_eq!(c.stage(Workbench::Population).status, StageStatus::Complete);
    assert_eq!(c.stage(Workbench::Population).artifact_id.as_deref(), Some("pop-1"));
    assert!(!first.entry.reversible);

    let mut c = c;
    c.stage_mut(Workbench::Report).status = StageStatus::Complete;
    let same =
        record_stage_result(&c, stage(Workbench::Population, "regenerate", "pop-1", "in-1", "same".into()), &ctx());
    assert!(same.state_changes.downstream_invalidated.is_empty(), "the same population changes nothing downstream");

    let data =
        record_stage_result(&c, stage(Workbench::Data, "refresh_data", "pkg-2", "in-2", "refreshed".into()), &ctx());
    assert_eq!(data.state_changes.downstream_invalidated, vec![Workbench::Population, Workbench::Report]);
    assert!(data.state_changes.warnings.contains(&"Population must be re-generated after data changes".to_string()));
    assert_eq!(data.content.stage(Workbench::Population).status, StageStatus::InProgress);

    let state = studio_model::ProjectState::assemble(&Default::default(), &data.content, vec![], vec![]);
    assert_eq!(state.data_package_id.as_deref(), Some("pkg-2"));
    assert_eq!(state.population_id.as_deref(), Some("pop-1"));
    assert_eq!(state.content().stage(Workbench::Data), data.content.stage(Workbench::Data), "the state maps back");
}
