//! `compare_scenarios`: field by field, what differs between scenarios and what they share.

use serde_json::{Value, json};
use studio_model::{Action, ActionContext, ProjectContent, ScenarioAction, Workbench, apply_action, compare_scenarios};

fn with_scenarios() -> (ProjectContent, Vec<String>) {
    let mut content = ProjectContent::default();
    let mut ids = Vec::new();
    let configs = [
        json!({"name": "Baseline", "description": "as is", "variable_overrides": [{"variable": "price", "value": 1.0}]}),
        json!({"name": "Cheaper", "description": "as is", "variable_overrides": [{"variable": "price", "value": 0.8},
               {"variable": "subsidy", "value": 500}], "shock_events": [{"tick": 24, "variable": "price", "magnitude": -0.1}]}),
    ];
    for (i, config) in configs.into_iter().enumerate() {
        let ctx = ActionContext { user_id: "u".into(), now: "t".into(), fresh_id: format!("s{i}") };
        let payload = json!({"scenario_config": config});
        content =
            apply_action(&content, &Action::parse(Workbench::Scenario, "create_scenario", &payload).unwrap(), &ctx)
                .unwrap()
                .content;
        ids.push(format!("s{i}"));
    }
    (content, ids)
}

#[test]
fn differences_are_listed_field_by_field() {
    let (content, ids) = with_scenarios();
    let out = compare_scenarios(&content, &ids).unwrap();
    let diff = |field: &str| -> Value {
        out["differences"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["field"] == field)
            .map(|d| d["values"].clone())
            .unwrap_or(Value::Null)
    };
    assert_eq!(diff("variable_overrides.price"), json!({"s0": 1.0, "s1": 0.8}));
    assert_eq!(diff("variable_overrides.subsidy"), json!({"s0": null, "s1": 500}));
    assert_eq!(diff("shock_events"), json!({"s0": [], "s1": ["tick 24: price -0.1"]}));
    assert_eq!(out["same"], json!(["description"]));
    assert_eq!(out["scenarios"][1]["name"], "Cheaper");
}

#[test]
fn bad_comparisons_are_named() {
    let (content, ids) = with_scenarios();
    let check = |payload: Value, expect: &str| {
        let e = Action::parse(Workbench::Scenario, "compare_scenarios", &payload)
            .and_then(|a| match a {
                Action::Scenario(ScenarioAction::Compare { compare_ids }) => compare_scenarios(&content, &compare_ids),
                other => panic!("{other:?}"),
            })
            .unwrap_err()
            .to_string();
        assert!(e.contains(expect), "{e} should say {expect}");
    };
    check(json!({}), "needs payload.compare_ids");
    check(json!({"compare_ids": [ids[0]]}), "compare 2 to 20");
    check(json!({"compare_ids": [ids[0], ids[0]]}), "twice");
    check(json!({"compare_ids": [ids[0], "nope"]}), "scenario 'nope' does not exist");
}
