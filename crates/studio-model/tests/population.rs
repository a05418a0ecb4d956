//! Population workbench actions: each records one record (replacing the last of its kind)
//! and leaves the population to regenerate; a recorded result completes the stage and makes
//! what depends on it stale when it changed.

use serde_json::{Value, json};
use studio_model::{
    Action, ActionContext, PopulationAdjustment, PopulationRecord, ProjectContent, Section, StageResult, StageStatus,
    Workbench, apply_action, apply_edits, record_stage_result,
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
fn each_action_records_one_record() {
    let c = ProjectContent::default();
    let c = act(&c, "resize_population", json!({"target_size": 250_000})).content;
    let c = act(&c, "resize_population", json!({"target_size": 50_000})).content;
    assert_eq!(c.population["size"], PopulationRecord::Size(50_000), "a new size replaces the old");
    assert_eq!(c.population_size(), 50_000);

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
    let edits = &c.archetype_edits().unwrap()["A2"];
    assert_eq!(serde_json::to_value(edits).unwrap(), json!({"share": 0.3, "label": "savers"}), "edits merge");

    let c = act(&c, "regenerate", json!({"edits": {"seed": 7, "network": {"homophily": 0.4}}})).content;
    assert_eq!(
        serde_json::to_value(c.population_settings().unwrap()).unwrap(),
        json!({"seed": 7, "network": {"homophily": 0.4}})
    );
    assert_eq!(c.stage(Workbench::Population).status, StageStatus::InProgress);
    assert_eq!(c.population.len(), 3, "size, settings, one archetype");
    assert_eq!(c.adjustments.len(), 1, "only the dimension is an adjustment");
    let state = studio_model::ProjectState::assemble(&Default::default(), &c, vec![], vec![]);
    let population = &state.workbench_states.population;
    assert_eq!(population.adjustments.len(), 1, "the seed's adjustments list only dimensions");
    assert_eq!((population.size, population.archetype_edits.len()), (50_000, 1));
    assert_eq!(state.content().population, c.population, "the state maps back");
}

/// A project saved before the `population` section kept its size, settings and archetype edits
/// among the adjustments: it reads as it was, a new edit goes to the section, and removing that
/// edit (as undo does) brings the old value back.
#[test]
fn a_document_from_before_the_population_section_reads_as_it_was() {
    let mut old = ProjectContent::default();
    let legacy = |dimension: &str, modified: Value| PopulationAdjustment {
        dimension: dimension.into(),
        original: json!({}),
        modified,
    };
    old.adjustments.insert("size".into(), legacy("size", json!({"size": 20_000})));
    old.adjustments.insert("settings".into(), legacy("settings", json!({"seed": 9})));
    old.adjustments.insert("archetype:A1".into(), legacy("archetype:A1", json!({"label": "early"})));
    old.adjustments.insert("age_band".into(), legacy("age_band", json!({"shift": 0.2})));
    assert_eq!(old.population_size(), 20_000);
    assert_eq!(old.population_settings().unwrap().seed, Some(9));
    assert_eq!(old.archetype_edits().unwrap()["A1"].label.as_deref(), Some("early"));
    assert_eq!(old.distribution_changes().unwrap().len(), 1, "only age_band is a dimension");
    let state = studio_model::ProjectState::assemble(&Default::default(), &old, vec![], vec![]);
    assert_eq!(state.workbench_states.population.adjustments.len(), 1);
    assert_eq!(state.workbench_states.population.size, 20_000);

    let resized = act(&old, "resize_population", json!({"target_size": 30_000}));
    assert_eq!(resized.content.population_size(), 30_000);
    assert_eq!(resized.edits.len(), 1);
    assert_eq!((resized.edits[0].section, resized.edits[0].before.is_none()), (Section::Population, true));
    let undone = apply_edits(&resized.content, &resized.edits, true, &resized.entry, &ctx()).unwrap().content;
    assert_eq!(undone.population_size(), 20_000, "undoing the new record shows the old one again");
    let edited = act(&old, "edit_archetype", json!({"archetype_id": "A1", "edits": {"share": 0.4}})).content;
    let a1 = &edited.archetype_edits().unwrap()["A1"];
    assert_eq!((a1.label.as_deref(), a1.share), (Some("early"), Some(0.4)), "edits merge onto the old ones");
    // A version saved before the section (its state lists the old records) restores as it was.
    assert_eq!(state.content().population_size(), 20_000);
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
