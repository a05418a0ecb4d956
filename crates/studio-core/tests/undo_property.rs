//! Undo and redo through the whole stack (document history, journal, store): random
//! sequences of document actions; undoing everything gives back the original content, and an
//! undo followed by a redo changes nothing.

mod common;

use common::{USER, fixture};
use proptest::prelude::*;
use serde_json::{Value, json};
use studio_core::model::{ProjectState, Workbench};

#[derive(Debug, Clone)]
enum Step {
    Override(u8, i32),
    Configure(u8, i32),
    CreateScenario(u8),
    EditScenario(u8, u8),
    DeleteScenario(u8),
    Annotate(u8),
    Rename(u8),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (0..3u8, any::<i32>()).prop_map(|(f, v)| Step::Override(f, v)),
        (0..3u8, any::<i32>()).prop_map(|(f, v)| Step::Configure(f, v)),
        (0..9u8).prop_map(Step::CreateScenario),
        (0..4u8, 0..9u8).prop_map(|(i, n)| Step::EditScenario(i, n)),
        (0..4u8).prop_map(Step::DeleteScenario),
        (0..3u8).prop_map(Step::Annotate),
        (0..3u8).prop_map(Step::Rename),
    ]
}

/// What undo must restore: everything the user authored (not stage statuses or times).
fn authored(s: &ProjectState) -> Value {
    let w = &s.workbench_states;
    json!({
        "name": s.project_name,
        "overrides": w.data.overrides,
        "sources": w.data.sources,
        "scenarios": s.scenarios.iter().map(|x| (&x.scenario_id, &x.config)).collect::<Vec<_>>(),
        "annotations": w.report.annotations.iter().map(|a| &a.text).collect::<Vec<_>>(),
    })
}

async fn apply(f: &common::Fixture, p: &str, step: &Step) -> bool {
    let state = f.state(p).await;
    let scenario =
        |i: u8| state.scenarios.get(i as usize % state.scenarios.len().max(1)).map(|s| s.scenario_id.clone());
    let cfg = |n: u8| json!({"name": format!("S{n}"), "description": "", "variable_overrides": [{"variable": "v", "value": n}]});
    let (workbench, action, payload) = match step {
        Step::Override(f, v) => (
            Workbench::Data,
            "override_value",
            json!({"override": {"field": format!("f{f}"), "value": v, "reason": "r"}}),
        ),
        Step::Configure(f, v) => {
            (Workbench::Data, "configure_source", json!({"source_name": format!("s{f}"), "configuration": {"w": v}}))
        }
        Step::CreateScenario(n) => (Workbench::Scenario, "create_scenario", json!({"scenario_config": cfg(*n)})),
        Step::EditScenario(i, n) => match scenario(*i) {
            Some(id) => (Workbench::Scenario, "edit_scenario", json!({"scenario_id": id, "scenario_config": cfg(*n)})),
            None => return false,
        },
        Step::DeleteScenario(i) => match scenario(*i) {
            Some(id) => (Workbench::Scenario, "delete_scenario", json!({"scenario_id": id})),
            None => return false,
        },
        Step::Annotate(n) => (
            Workbench::Report,
            "add_annotation",
            json!({"annotation": {"section": "s", "text": format!("t{n}"), "author": "a"}}),
        ),
        Step::Rename(n) => {
            let update = studio_core::MetadataUpdate {
                project_name: Some(format!("P{n}")),
                description: None,
                initial_query: None,
                team_id: None,
            };
            return f.studio.update_project(p, USER, &update).await.is_ok();
        }
    };
    f.act(p, workbench, action, payload).await.is_ok()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn undo_all_restores_and_undo_redo_is_identity(steps in proptest::collection::vec(step(), 1..16)) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let f = fixture().await;
            let p = f.project("P").await.project_id;
            let original = authored(&f.state(&p).await);
            let mut applied = 0;
            for step in &steps {
                if apply(&f, &p, step).await {
                    applied += 1;
                }
            }
            let before = authored(&f.state(&p).await);
            if applied > 0 {
                f.studio.undo(&p, USER).await.unwrap();
                f.studio.redo(&p, USER).await.unwrap();
                assert_eq!(authored(&f.state(&p).await), before, "undo then redo changed something");
            }
            for _ in 0..applied {
                f.studio.undo(&p, USER).await.unwrap();
            }
            assert_eq!(authored(&f.state(&p).await), original, "undoing everything did not restore the original");
            let refused = f.studio.undo(&p, USER).await.unwrap_err();
            assert_eq!(refused.code, "undo_refused");
        });
    }
}
