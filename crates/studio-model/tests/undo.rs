//! Undo and redo over recorded edits: undoing everything restores the original content;
//! undo then redo changes nothing.

use std::collections::BTreeMap;

use proptest::prelude::*;
use serde_json::{Value, json};
use studio_model::*;

#[derive(Debug, Clone)]
enum Step {
    Override(u8, i64),
    Configure(u8, i64),
    Custom(u8),
    CreateScenario(u8),
    EditScenario(u8, u8),
    DuplicateScenario(u8),
    DeleteScenario(u8),
    Customize(u8),
    Annotate(u8),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (0..4u8, any::<i64>()).prop_map(|(f, v)| Step::Override(f, v)),
        (0..3u8, any::<i64>()).prop_map(|(f, v)| Step::Configure(f, v)),
        (0..6u8).prop_map(Step::Custom),
        (0..50u8).prop_map(Step::CreateScenario),
        (0..8u8, 0..50u8).prop_map(|(i, n)| Step::EditScenario(i, n)),
        (0..8u8).prop_map(Step::DuplicateScenario),
        (0..8u8).prop_map(Step::DeleteScenario),
        (0..4u8).prop_map(Step::Customize),
        (0..4u8).prop_map(Step::Annotate),
    ]
}

fn scenario_id(content: &ProjectContent, i: u8) -> Value {
    let ids: Vec<&String> = content.scenarios.keys().collect();
    if ids.is_empty() { json!("none") } else { json!(ids[i as usize % ids.len()]) }
}

fn to_action(content: &ProjectContent, step: &Step) -> (Workbench, &'static str, Value) {
    let cfg = |n: u8| json!({"name": format!("S{n}"), "description": "", "variable_overrides": [{"variable": "v", "value": n}]});
    match step {
        Step::Override(f, v) => (
            Workbench::Data,
            "override_value",
            json!({"override": {"field": format!("f{f}"), "value": v, "reason": "r"}}),
        ),
        Step::Configure(f, v) => {
            (Workbench::Data, "configure_source", json!({"source_name": format!("src{f}"), "configuration": {"w": v}}))
        }
        Step::Custom(n) => (
            Workbench::Data,
            "add_custom_source",
            json!({"source_name": format!("c{n}"), "configuration": {"type": "table"}}),
        ),
        Step::CreateScenario(n) => (Workbench::Scenario, "create_scenario", json!({"scenario_config": cfg(*n)})),
        Step::EditScenario(i, n) => (
            Workbench::Scenario,
            "edit_scenario",
            json!({"scenario_id": scenario_id(content, *i), "scenario_config": cfg(*n)}),
        ),
        Step::DuplicateScenario(i) => {
            (Workbench::Scenario, "duplicate_scenario", json!({"scenario_id": scenario_id(content, *i)}))
        }
        Step::DeleteScenario(i) => {
            (Workbench::Scenario, "delete_scenario", json!({"scenario_id": scenario_id(content, *i)}))
        }
        Step::Customize(n) => (
            Workbench::Report,
            "customize",
            json!({"report_config": {"template": "custom", "sections": vec!["s"; *n as usize], "include_charts": true, "include_methodology": true}}),
        ),
        Step::Annotate(n) => (
            Workbench::Report,
            "add_annotation",
            json!({"annotation": {"section": format!("s{n}"), "text": "t", "author": "a"}}),
        ),
    }
}

/// The content without stage statuses and presence, which undo recomputes rather than restores.
fn authored(content: &ProjectContent) -> ProjectContent {
    ProjectContent { stages: Default::default(), collaborators: Default::default(), ..content.clone() }
}

proptest! {
    #[test]
    fn undo_all_restores_and_undo_redo_is_identity(steps in proptest::collection::vec(step(), 1..40)) {
        let meta = BTreeMap::from([("project_name".to_string(), "P".to_string())]);
        let original = ProjectContent::new(meta, "u1", "t0");
        let mut content = original.clone();
        let mut history: Vec<Outcome> = Vec::new();
        for (n, step) in steps.iter().enumerate() {
            let (w, action, payload) = to_action(&content, step);
            let ctx = ActionContext { user_id: "u1".into(), now: format!("t{}", n + 1), fresh_id: format!("id{n}") };
            // Refused actions (unknown ids, limits, duplicates) change nothing and are skipped.
            if let Ok(out) = Action::parse(w, action, &payload).and_then(|a| apply_action(&content, &a, &ctx)) {
                content = out.content.clone();
                history.push(out);
            }
        }
        let ctx = ActionContext { user_id: "u1".into(), now: "tu".into(), fresh_id: "x".into() };
        if let Some(last) = history.last() {
            let undone = apply_edits(&content, &last.edits, true, &last.entry, &ctx).unwrap();
            let redone = apply_edits(&undone.content, &last.edits, false, &last.entry, &ctx).unwrap();
            prop_assert_eq!(authored(&redone.content), authored(&content));
        }
        for out in history.iter().rev() {
            content = apply_edits(&content, &out.edits, true, &out.entry, &ctx).unwrap().content;
        }
        prop_assert_eq!(authored(&content), authored(&original));
    }
}

#[test]
fn undo_refuses_to_overwrite_a_later_change() {
    let meta = BTreeMap::from([("project_name".to_string(), "P".to_string())]);
    let content = ProjectContent::new(meta, "u1", "t0");
    let ctx = ActionContext { user_id: "u1".into(), now: "t1".into(), fresh_id: "a".into() };
    let set = |c: &ProjectContent, v: i64| {
        apply_action(
            c,
            &Action::parse(
                Workbench::Data,
                "override_value",
                &json!({"override": {"field": "f", "value": v, "reason": "r"}}),
            )
            .unwrap(),
            &ctx,
        )
        .unwrap()
    };
    let first = set(&content, 1);
    let second = set(&first.content, 2);
    let err = apply_edits(&second.content, &first.edits, true, &first.entry, &ctx).unwrap_err();
    assert_eq!(err.code(), "undo_refused");
    assert!(err.to_string().contains("overrides 'f' was changed after it"), "{err}");
}
