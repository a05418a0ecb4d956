//! The Data workbench's reads: `explore_sources` (each configured file source with its schema,
//! statistics, row count, role and status) and `preview_data` (the first rows with overrides
//! applied and marked). They read files and change nothing in the project.

use std::path::PathBuf;

use serde_json::{Value, json};
use studio_data::scan_path;
use studio_model::{ProjectContent, SourceConfig};

use crate::data_service::Data;
use crate::error::{CoreError, Result};
use crate::source_config::{Configured, options, override_target, sources};
use crate::stop::Stop;

/// Reads one source on a blocking thread: its description, whether it read or not.
async fn explore(name: String, config: std::result::Result<SourceConfig, String>) -> Value {
    let config = match config {
        Ok(config) => config,
        Err(message) => return json!({"source_name": name, "status": "error", "message": message}),
    };
    let role = json!(config.role);
    let Some(path) = config.path.as_deref().map(PathBuf::from) else {
        return json!({"source_name": name, "role": role, "status": "no_file",
            "message": "no file: give the source a `path` with configure_source"});
    };
    let opts = match options(&config) {
        Ok(o) => o,
        Err(e) => {
            return json!({"source_name": name, "path": path, "role": role, "status": "error", "message": e.message});
        }
    };
    // A reader who leaves (a closed connection) stops the read.
    let (stop, _stop_on_drop) = Stop::on_drop();
    let scanned =
        tokio::task::spawn_blocking(move || scan_path(&path, &opts, &mut |_| !stop.requested()).map(|s| (s, path)))
            .await;
    match scanned {
        Ok(Ok((scan, path))) => {
            let mut v = serde_json::to_value(&scan).unwrap_or_default();
            if let Some(o) = v.as_object_mut() {
                o.insert("source_name".into(), json!(name));
                o.insert("path".into(), json!(path));
                o.insert("role".into(), role);
                o.insert("status".into(), json!("ok"));
                // The analyst's units, beside the columns they describe.
                if let (Some(units), Some(Value::Array(columns))) = (config.units.as_ref(), o.get_mut("columns")) {
                    for column in columns.iter_mut().filter_map(Value::as_object_mut) {
                        let unit = column.get("name").and_then(Value::as_str).and_then(|n| units.get(n)).cloned();
                        if let Some(unit) = unit {
                            column.insert("unit".into(), unit);
                        }
                    }
                }
            }
            v
        }
        Ok(Err(e)) => json!({"source_name": name, "path": config.path, "role": role, "status": "error",
            "message": e.to_string()}),
        Err(e) => json!({"source_name": name, "status": "error", "message": e.to_string()}),
    }
}

impl Data {
    /// `explore_sources`: every source (or the one named) with its schema, statistics and
    /// problems; the project is unchanged and nothing is logged.
    pub(crate) async fn explore_sources(&self, content: &ProjectContent, wanted: Option<&str>) -> Result<Value> {
        self.materialise_imports(content).await?;
        let mut out = Vec::new();
        for (name, config) in named_sources(content, wanted)? {
            out.push(explore(name, config).await);
        }
        Ok(json!({"sources": out}))
    }

    /// `preview_data`: one source's first rows, with the overrides that apply to them marked.
    pub(crate) async fn preview_data(&self, content: &ProjectContent, source_name: &str) -> Result<Value> {
        self.materialise_imports(content).await?;
        let mut found = named_sources(content, Some(source_name))?;
        let (name, config) = found.remove(0);
        let mut explored = explore(name.clone(), config).await;
        mark_overrides(&mut explored, &name, content);
        Ok(explored)
    }
}

/// The project's sources, or only the one `wanted` (an error when there is no such source).
fn named_sources(content: &ProjectContent, wanted: Option<&str>) -> Result<Vec<Configured>> {
    let mut all = sources(content);
    if let Some(name) = wanted {
        all.retain(|(n, _)| n == name);
        if all.is_empty() {
            return Err(CoreError::new("not_found", format!("no source named '{name}': configure it first")));
        }
    }
    Ok(all)
}

/// Applies the overrides that name a column of this source (`SOURCE.COLUMN` for every row,
/// `SOURCE.COLUMN[N]` for row N) to its preview rows, listing them, with their reasons, under
/// `overrides`, and each row's overridden columns under `_overridden`.
fn mark_overrides(explored: &mut Value, source: &str, content: &ProjectContent) {
    let applying: Vec<(&studio_model::Override, String, Option<usize>)> = content
        .overrides
        .values()
        .filter_map(|o| override_target(&o.field, source).map(|(column, row)| (o, column, row)))
        .collect();
    let Some(obj) = explored.as_object_mut() else { return };
    if let Some(Value::Array(rows)) = obj.get_mut("preview") {
        for (i, row) in rows.iter_mut().filter_map(Value::as_object_mut).enumerate() {
            let mut marked = Vec::new();
            for (o, column, at) in &applying {
                if at.is_none_or(|n| n == i) && row.contains_key(column) {
                    row.insert(column.clone(), o.value.clone());
                    marked.push(json!(column));
                }
            }
            if !marked.is_empty() {
                row.insert("_overridden".into(), Value::Array(marked));
            }
        }
    }
    let listed: Vec<Value> =
        applying.iter().map(|(o, _, _)| json!({"field": o.field, "value": o.value, "reason": o.reason})).collect();
    obj.insert("overrides".into(), Value::Array(listed));
}
