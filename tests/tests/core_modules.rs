//! Inside the core, no module imports a module above it: the graph of `crate::<module>`
//! references between the core's modules has no cycle, so they stack in floors (the library at
//! the bottom, the services on it, the Studio and its dispatch on top). Read from the source,
//! so a change that makes two modules need each other fails here, naming the loop.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const CORE: &str = "../crates/studio-core/src";

/// Every `.rs` file under `dir`.
fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("the core's source is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file belongs to: `edge/mail.rs` → `edge`, `saving.rs` → `saving`.
fn module_of(root: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(root).expect("under the core");
    let first = relative.components().next().expect("a component").as_os_str().to_string_lossy().into_owned();
    first.trim_end_matches(".rs").to_string()
}

/// The core's modules and, for each, the modules it names as `crate::<module>`; `lib.rs`, the
/// crate's face, and the modules' own tests are left out.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(CORE);
    let mut files = Vec::new();
    sources(&root, &mut files);
    let modules: BTreeSet<String> = files.iter().map(|f| module_of(&root, f)).filter(|m| m != "lib").collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = modules.iter().map(|m| (m.clone(), BTreeSet::new())).collect();
    for file in &files {
        let from = module_of(&root, file);
        if from == "lib" {
            continue;
        }
        let text = std::fs::read_to_string(file).expect("a source file");
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        for (i, _) in code.match_indices("crate::") {
            let rest = &code[i + "crate::".len()..];
            let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            if name != from && modules.contains(&name) {
                graph.get_mut(&from).expect("a module").insert(name);
            }
        }
    }
    graph
}

/// A loop in the graph, if there is one, as the modules along it.
fn a_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        at: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        done: &mut BTreeSet<String>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|p| p == at) {
            let mut cycle = path[start..].to_vec();
            cycle.push(at.to_string());
            return Some(cycle);
        }
        if done.contains(at) {
            return None;
        }
        path.push(at.to_string());
        for next in &graph[at] {
            if let Some(cycle) = visit(next, graph, done, path) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(at.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph.keys().find_map(|m| visit(m, graph, &mut done, &mut Vec::new()))
}

#[test]
fn no_module_of_the_core_imports_one_above_it() {
    let graph = graph();
    assert!(graph.len() > 30, "the core's modules are found: {:?}", graph.keys());
    assert!(graph["library"].iter().all(|m| !["studio", "faces", "request", "history"].contains(&m.as_str())));
    if let Some(cycle) = a_cycle(&graph) {
        panic!("these modules of the core need each other: {}", cycle.join(" → "));
    }
}

#[test]
fn the_check_finds_a_loop() {
    let mut graph = graph();
    graph.get_mut("library").expect("the library").insert("studio".into());
    let cycle = a_cycle(&graph).expect("a loop through the library and the Studio");
    assert!(cycle.contains(&"library".to_string()) && cycle.contains(&"studio".to_string()), "{cycle:?}");
}
