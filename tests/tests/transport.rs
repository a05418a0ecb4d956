//! The UI's transport types are checked against what the core really sends: this test writes
//! redacted samples of each response to `ui/src/api/fixtures/` and fails when they differ from
//! the committed ones (run with UPDATE_FIXTURES=1 to accept a change); the UI's
//! `transport.test.ts` holds its TypeScript types against the same files.

use std::path::PathBuf;

use serde_json::{Value, json};
use studio_core::model::{ProjectCreate, Workbench, WorkbenchAction};
use studio_core::{Studio, StudioConfig};

const USER: &str = "fixture-user";

fn is_uuid(b: &[u8]) -> bool {
    b.len() == 36
        && b.iter()
            .enumerate()
            .all(|(i, c)| if [8, 13, 18, 23].contains(&i) { *c == b'-' } else { c.is_ascii_hexdigit() })
}

/// Ids become numbered placeholders (in order of appearance, also inside text such as a
/// reason naming a task), timestamps a fixed one.
fn redact(value: &mut Value, ids: &mut Vec<String>) {
    match value {
        Value::String(s) => {
            let b = s.as_bytes();
            let time = (20..=30).contains(&b.len()) && b[4] == b'-' && b[10] == b'T' && s.ends_with('Z');
            if time {
                *s = "2026-01-01T00:00:00.000Z".into();
                return;
            }
            let mut out = String::new();
            let mut i = 0;
            while i < s.len() {
                if i + 36 <= s.len() && s.is_char_boundary(i + 36) && is_uuid(&s.as_bytes()[i..i + 36]) {
                    let id = &s[i..i + 36];
                    let n = ids.iter().position(|x| x == id).unwrap_or_else(|| {
                        ids.push(id.to_string());
                        ids.len() - 1
                    });
                    out.push_str(&format!("00000000-0000-4000-8000-{:012}", n + 1));
                    i += 36;
                } else {
                    let c = s[i..].chars().next().unwrap_or_default();
                    out.push(c);
                    i += c.len_utf8();
                }
            }
            *s = out;
        }
        Value::Array(items) => items.iter_mut().for_each(|v| redact(v, ids)),
        Value::Object(map) => map.values_mut().for_each(|v| redact(v, ids)),
        _ => {}
    }
}

#[tokio::test]
async fn ui_fixtures_match_what_the_core_sends() {
    let dir = tempfile::tempdir().unwrap();
    let studio = Studio::open(StudioConfig::new(dir.path().join("library.db"))).await.unwrap();
    let create = ProjectCreate {
        user_id: USER.into(),
        team_id: None,
        project_name: "Heat pumps".into(),
        description: Some("Adoption by 2031".into()),
        initial_query: Some("adoption > 30%?".into()),
        template_id: None,
    };
    let id = studio.create_project(&create).await.unwrap().project_id;
    let act = |workbench: Workbench, action: &str, payload: Value| WorkbenchAction {
        project_id: id.clone(),
        user_id: USER.into(),
        workbench,
        action: action.into(),
        payload,
    };
    let steps = [
        act(
            Workbench::Data,
            "configure_source",
            json!({"source_name": "survey", "configuration": {"role": "microdata"}}),
        ),
        act(
            Workbench::Data,
            "override_value",
            json!({"override": {"field": "households", "value": 28100000, "reason": "census"}}),
        ),
        act(
            Workbench::Data,
            "add_custom_source",
            json!({"source_name": "prices", "configuration": {"type": "table",
                "columns": [{"name": "year", "type": "integer"}, {"name": "index", "type": "number"}], "rows": [[2026, 1.0]]}}),
        ),
        act(
            Workbench::Scenario,
            "create_scenario",
            json!({"scenario_config": {"name": "High prices", "description": "+20%", "variable_overrides": [{"variable": "price", "value": 1.2}]}}),
        ),
        act(
            Workbench::Scenario,
            "create_scenario",
            json!({"scenario_config": {"name": "Low prices", "description": "-20%",
            "variable_overrides": [{"variable": "price", "value": 0.8}], "shock_events": [{"tick": 12, "variable": "subsidy", "magnitude": 0.1}]}}),
        ),
        act(
            Workbench::Report,
            "customize",
            json!({"report_config": {"template": "executive_summary", "sections": ["headline"],
            "include_charts": true, "include_methodology": true}}),
        ),
        act(
            Workbench::Report,
            "schedule",
            json!({"schedule": {"frequency": "weekly", "recipients": ["ana@example.org"]}}),
        ),
    ];
    for step in &steps {
        studio.workbench_action(step).await.unwrap();
    }
    let response = studio
        .workbench_action(&act(
            Workbench::Report,
            "add_annotation",
            json!({"annotation": {"section": "headline", "text": "Check", "author": "Ana"}}),
        ))
        .await
        .unwrap();
    let history = studio.undo(&id, USER).await.unwrap();
    studio.redo(&id, USER).await.unwrap();
    let state = studio.save(&id, USER).await.unwrap();
    // A pipeline run: a stage that is not available yet fails, the rest are blocked.
    let studio = std::sync::Arc::new(studio);
    let run = studio.run_pipeline(&id, USER).await.unwrap();
    studio.start_tasks().await.unwrap();
    studio.wait_task(&run.tasks.last().unwrap().id, |_| {}).await.unwrap();
    let mut tasks = serde_json::to_value(studio.list_tasks(&id).await.unwrap()).unwrap();
    for task in tasks.as_array_mut().unwrap() {
        task["assigned_agent"] = json!(task["assigned_agent"].as_str().map(|_| "studio_agent"));
    }
    // A crashed session: a second program edits the project, then its process is recorded as
    // one that no longer exists (a pid and start time no process has), leaving the edit orphaned.
    let other = Studio::open(StudioConfig::new(dir.path().join("library.db"))).await.unwrap();
    other
        .workbench_action(&act(
            Workbench::Data,
            "override_value",
            json!({"override": {"field": "heat_pump_price", "value": 9800, "reason": "installer quotes"}}),
        ))
        .await
        .unwrap();
    sqlx::query(
        "UPDATE studio_sessions SET pid = 4000000, process_start = '1'
         WHERE rowid = (SELECT MAX(rowid) FROM studio_sessions)",
    )
    .execute(other.store().pool().unwrap())
    .await
    .unwrap();
    drop(other);
    let offer = studio.recovery_offer(&id).await.unwrap().expect("the crashed session's edit is offered");
    let mut library = serde_json::to_value(studio.library_info().await.unwrap()).unwrap();
    // Where the temporary library is, and sizes that vary with SQLite's pages.
    library["path"] = json!("/home/analyst/.futureos-studio/library.db");
    library["exports_dir"] = json!("/home/analyst/.futureos-studio/exports");
    for (key, value) in library.as_object_mut().unwrap() {
        if key.ends_with("_bytes") {
            *value = json!(0);
        }
    }
    let samples = [
        ("project_state", serde_json::to_value(&state).unwrap()),
        ("workbench_response", serde_json::to_value(&response).unwrap()),
        ("history_response", serde_json::to_value(&history).unwrap()),
        ("project_list", serde_json::to_value(studio.list_projects(Some(USER)).await.unwrap()).unwrap()),
        ("versions", serde_json::to_value(studio.versions(&id).await.unwrap()).unwrap()),
        ("tasks", tasks),
        ("recovery_offer", serde_json::to_value(&offer).unwrap()),
        ("library_info", library),
    ];
    let folder = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src/api/fixtures");
    let update = std::env::var_os("UPDATE_FIXTURES").is_some();
    let mut stale = Vec::new();
    for (name, mut value) in samples {
        let mut ids = Vec::new();
        redact(&mut value, &mut ids);
        if let Value::Array(versions) = &mut value
            && name == "versions"
        {
            for v in versions {
                v["size"] = json!(0);
            }
        }
        let text = serde_json::to_string_pretty(&value).unwrap() + "\n";
        let path = folder.join(format!("{name}.json"));
        if update {
            std::fs::create_dir_all(&folder).unwrap();
            std::fs::write(&path, &text).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            stale.push(name);
        }
    }
    assert!(
        stale.is_empty(),
        "the UI fixtures {stale:?} no longer match the core: run UPDATE_FIXTURES=1 cargo test -p studio-tests --test transport, then fix ui/src/api/types.ts"
    );
}
