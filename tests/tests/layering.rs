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
    // Collaboration knows no other crate of the workspace and no storage: the core gives it
    // bytes to keep and decides what an edit may do.
    let sync = of("studio-sync");
    for banned in ["studio-", "sqlx", "axum", "tauri"] {
        assert!(!sync.iter().any(|d| d.starts_with(banned)), "studio-sync depends on {sync:?}");
    }
    // The intent parser is pure too: the model's types, no IO, no storage, no async runtime.
    let intent = of("studio-intent");
    assert_eq!(intent.iter().filter(|d| d.starts_with("studio-")).collect::<Vec<_>>(), ["studio-model"]);
    for banned in ["sqlx", "tokio", "notify", "reqwest", "automerge"] {
        assert!(!intent.iter().any(|d| d.starts_with(banned)), "studio-intent depends on {intent:?}");
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
    // The app embeds the server's hub listener for "Share on this network", as `studio serve`
    // does; it speaks to the core through Tauri, never through the server's routes.
    assert_eq!(
        of("studio-desktop").iter().filter(|d| d.starts_with("studio-")).collect::<Vec<_>>(),
        ["studio-core", "studio-server"]
    );
    for (name, list) in &deps {
        if list.contains(&"axum".to_string()) {
            assert_eq!(name, "studio-server", "only studio-server may know axum");
        }
    }
    // The library file is the core's alone: every other crate reaches it through the core.
    for (name, list) in &deps {
        if list.contains(&"studio-store".to_string()) {
            assert_eq!(name, "studio-core", "only studio-core may know studio-store");
        }
    }
}

/// What a pure crate's source must not say: IO, clocks and randomness come from the caller.
const IMPURE: [&str; 17] = [
    "std::fs",
    "fs::read",
    "fs::write",
    "File::open",
    "File::create",
    "std::net",
    "std::process",
    "std::env::var",
    "tokio::",
    "SystemTime",
    "Instant::now",
    "Utc::now",
    "Local::now",
    "thread_rng",
    "rand::rng(",
    "OsRng",
    "from_entropy",
];

fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a source folder") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The pure crates (model, engine, report) take time, randomness (seeds) and bytes from their
/// callers: no file, socket, process, environment, clock or entropy in their source, tests
/// modules aside.
#[test]
fn pure_crates_do_no_io_read_no_clock_and_draw_no_entropy() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("crates");
    let mut found = Vec::new();
    for name in ["studio-model", "studio-engine", "studio-report"] {
        let mut files = Vec::new();
        rust_files(&root.join(name).join("src"), &mut files);
        assert!(!files.is_empty(), "{name} has sources");
        for file in files {
            let text = std::fs::read_to_string(&file).expect("a source file");
            // A unit-test module at the end of a file may use what it likes.
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            for (n, line) in code.lines().enumerate() {
                let line = line.trim_start();
                if line.starts_with("//") {
                    continue;
                }
                for banned in IMPURE {
                    if line.contains(banned) {
                        found.push(format!("{}:{}: {banned}", file.display(), n + 1));
                    }
                }
            }
        }
    }
    assert!(found.is_empty(), "pure crates doing IO, reading clocks or drawing entropy:\n{}", found.join("\n"));
}
