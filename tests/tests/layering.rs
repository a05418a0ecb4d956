//! The layering of ARCHITECTURE.md, checked over `cargo metadata` rather than by intention.

use std::collections::BTreeMap;
use std::process::Command;

use serde_json::Value;

/// Workspace package name → names of its normal (non-dev) dependencies.
fn dependencies() -> BTreeMap<String, Vec<String>> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--no-deps", "--offline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let meta: Value = serde_json::from_slice(&out.stdout).expect("metadata is JSON");
    meta["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .map(|p| {
            let deps = p["dependencies"]
                .as_array()
                .expect("dependencies")
                .iter()
                .filter(|d| d["kind"].is_null())
                .map(|d| d["name"].as_str().unwrap_or_default().to_string())
                .collect();
            (p["name"].as_str().unwrap_or_default().to_string(), deps)
        })
        .collect()
}

#[test]
fn layers_depend_only_downward() {
    let deps = dependencies();
    let of = |name: &str| deps.get(name).unwrap_or_else(|| panic!("{name} is in the workspace"));
    let workspace: Vec<&String> = deps.keys().collect();
    assert!(workspace.iter().all(|n| n.starts_with("studio-")), "crate names start with studio-: {workspace:?}");

    let model = of("studio-model");
    assert!(!model.iter().any(|d| d.starts_with("studio-")), "studio-model depends on {model:?}");
    for io in ["sqlx", "tokio", "automerge", "directories", "clap"] {
        assert!(!model.contains(&io.to_string()), "studio-model must stay pure, but depends on {io}");
    }
    let store = of("studio-store");
    assert!(!store.iter().any(|d| d == "studio-core" || d == "automerge"), "studio-store depends on {store:?}");
    // The task engine knows no other crate of the workspace and no storage: the core persists it.
    let data = of("studio-data");
    assert!(
        !data.iter().any(|d| d.starts_with("studio-") || d == "sqlx" || d == "tokio"),
        "studio-data depends on {data:?}"
    );
    // The engine is pure computation: no workspace crate, no IO, no storage, no async runtime.
    let engine = of("studio-engine");
    for banned in ["studio-", "sqlx", "tokio", "notify", "reqwest", "automerge"] {
        assert!(!engine.iter().any(|d| d.starts_with(banned)), "studio-engine depends on {engine:?}");
    }
    // Reports are pure too: only the model below them, no IO, no storage, no async runtime.
    let report = of("studio-report");
    assert_eq!(report.iter().filter(|d| d.starts_with("studio-")).collect::<Vec<_>>(), ["studio-model"]);
    for banned in ["sqlx", "tokio", "notify", "reqwest", "automerge"] {
        assert!(!report.iter().any(|d| d.starts_with(banned)), "studio-report depends on {report:?}");
    }
    let tasks = of("studio-tasks");
    assert!(!tasks.iter().any(|d| d.starts_with("studio-") || d == "sqlx"), "studio-tasks depends on {tasks:?}");
    for (name, list) in &deps {
        if list.contains(&"clap".to_string()) {
            assert_eq!(name, "studio-cli", "only studio-cli may know clap");
        }
        for shell in ["axum", "tauri"] {
            assert!(
                !list.contains(&shell.to_string()) || name == "studio-server" || name == "studio-desktop",
                "{name} depends on {shell}"
            );
        }
    }
    assert_eq!(
        of("studio-cli").iter().filter(|d| d.starts_with("studio-")).collect::<Vec<_>>(),
        ["studio-core", "studio-server"]
    );
    assert_eq!(of("studio-server").iter().filter(|d| d.starts_with("studio-")).collect::<Vec<_>>(), ["studio-core"]);
    assert_eq!(of("studio-desktop").iter().filter(|d| d.starts_with("studio-")).collect::<Vec<_>>(), ["studio-core"]);
    for (name, list) in &deps {
        if list.contains(&"axum".to_string()) {
            assert_eq!(name, "studio-server", "only studio-server may know axum");
        }
    }
}
