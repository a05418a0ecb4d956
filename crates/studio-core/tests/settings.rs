//! Settings changed at runtime: checked before they are kept (live keys only, values of the
//! right type and range), taken up by the running program (agent limits, retention) and by
//! another program on the same library, shown with where each came from, and reset.

mod common;

use common::{USER, fixture_with};
use serde_json::json;
use studio_core::{Request, SettingSource};

fn entry(entries: &[SettingSource], key: &str) -> SettingSource {
    entries.iter().find(|e| e.key == key).cloned().unwrap_or_else(|| panic!("no {key}"))
}

#[tokio::test]
async fn a_live_setting_changes_the_running_programs_and_is_reset() {
    let f = fixture_with(|c| c.agents.max_total_instances = 5).await;
    let studio = &f.studio;
    let shown: Vec<SettingSource> =
        serde_json::from_value(studio.dispatch(Request::ShowConfig).await.unwrap().value()).unwrap();
    let total = entry(&shown, "agents.max_total_instances");
    assert_eq!((total.value.clone(), total.source.as_str(), total.live), (json!(5), "default", true));
    assert_eq!(total.env.as_deref(), Some("STUDIO_AGENTS_MAX_TOTAL_INSTANCES"));
    assert!(!entry(&shown, "team.database").live);

    let set = Request::SetConfig { key: "agents.max_total_instances".into(), value: json!(1), user_id: USER.into() };
    let changed: SettingSource = serde_json::from_value(studio.dispatch(set).await.unwrap().value()).unwrap();
    assert_eq!((changed.value, changed.source.as_str()), (json!(1), "runtime"));
    // The running program holds to it at once: one agent, then the limit.
    studio.spawn_agent("assistant", None, &json!({}), USER).await.unwrap();
    let refused = studio.spawn_agent("api", None, &json!({}), USER).await.unwrap_err();
    assert!(refused.message.contains("max_total_instances is 1"), "{}", refused.message);

    // Another program on the same library starts with it, and takes up later changes.
    let other = studio_core::Studio::open(f.config()).await.unwrap();
    assert_eq!(entry(&other.config_entries().await.unwrap(), "agents.max_total_instances").value, json!(1));
    studio.set_config("library.task_retention_days", json!(0), USER).await.unwrap();
    let theirs = entry(&other.config_entries().await.unwrap(), "library.task_retention_days");
    assert_eq!((theirs.value, theirs.source.as_str()), (json!(0), "runtime"));
    assert_eq!(other.library_info().await.unwrap().task_retention_days, None, "0 keeps them for good");

    // What is refused is named and changes nothing.
    for (key, value, says) in [
        ("team.database", json!("postgres://elsewhere/db"), "read when Studio starts"),
        ("workflow.retry_attempts", json!("many"), "workflow.retry_attempts"),
        ("workflow.max_concurrent_executions", json!(0), "must be from 1 to 1000, not 0"),
        ("agents.max_total_instances", json!(-3), "agents.max_total_instances"),
        ("no.such_key", json!(1), "is not a setting"),
    ] {
        let e = studio.set_config(key, value, USER).await.unwrap_err();
        assert_eq!(e.code, "invalid_request", "{key}");
        assert!(e.message.contains(says), "{key}: {}", e.message);
    }
    assert_eq!(studio.store().settings().await.unwrap().len(), 2, "only the two accepted changes are kept");

    let reset = Request::ResetConfig { key: "agents.max_total_instances".into(), user_id: USER.into() };
    let back: SettingSource = serde_json::from_value(studio.dispatch(reset).await.unwrap().value()).unwrap();
    assert_eq!((back.value, back.source.as_str()), (json!(5), "default"));
    studio.spawn_agent("api", None, &json!({}), USER).await.unwrap();
    let unknown = studio.reset_config("nope.nothing", USER).await.unwrap_err();
    assert_eq!(unknown.code, "not_found");
    other.close().await.unwrap();
}
