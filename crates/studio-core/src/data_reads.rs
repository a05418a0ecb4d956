//! The Data workbench's reads: `explore_sources` (each configured file source with its schema,
//! statistics, row count, role and status) and `preview_data` (the first rows with overrides
//! applied and marked). They read files and change nothing in the project.

use std::path::PathBuf;

use serde::Serialize;
use serde_json::{Map, Value, json};
use studio_data::scan_path;
use studio_model::{ProjectContent, SourceConfig};

use crate::data_service::Data;
use crate::error::{CoreError, Result};
use crate::source_config::{Configured, options, override_target, sources};
use crate::stop::Stop;

/// Whether a source could be read: it did, it could not (`message` says why), or it names no
/// file yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExploreStatus {
    Ok,
    Error,
    NoFile,
}

/// One source as the Data workbench shows it: what it is, whether it read, and, when it did,
/// its scan (schema, statistics, row count, preview).
#[derive(Debug, Serialize)]
struct Explored {
    source_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<PathBuf>,
    role: Option<String>,
    status: ExploreStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    scan: Option<Map<String, Value>>,
}

impl Explored {
    fn failed(
        source_name: String,
        path: Option<PathBuf>,
        role: Option<String>,
        status: ExploreStatus,
        message: String,
    ) -> Self {
        Explored { source_name, path, role, status, message: Some(message), scan: None }
    }
}

/// Reads one source on a blocking thread: its description, whether it read or not.
async fn explore(name: String, config: std::result::Result<SourceConfig, String>) -> Value {
    serde_json::to_value(explored(name, config).await).unwrap_or(Value::Null)
}

async fn explored(name: String, config: std::result::Result<SourceConfig, String>) -> Explored {
    let config = match config {
        Ok(config) => config,
        Err(message) => return Explored::failed(name, None, None, ExploreStatus::Error, message),
    };
    let role = config.role.clone();
    let Some(path) = config.path.as_deref().map(PathBuf::from) else {
        let message = "no file: give the source a `path` with configure_source".to_string();
        return Explored::failed(name, None, role, ExploreStatus::NoFile, message);
    };
    let opts = match options(&config) {
        Ok(o) => o,
        Err(e) => return Explored::failed(name, Some(path), role, ExploreStatus::Error, e.message),
    };
    // A reader who leaves (a closed connection) stops the read.
    let (stop, _stop_on_drop) = Stop::on_drop();
    let scanned =
        tokio::task::spawn_blocking(move || scan_path(&path, &opts, &mut |_| !stop.requested()).map(|s| (s, path)))
            .await;
    match scanned {
        Ok(Ok((scan, path))) => {
            let mut scan = match serde_json::to_value(&scan) {
                Ok(Value::Object(map)) => map,
                _ => Map::new(),
            };
            // The analyst's units, beside the columns they describe.
            if let (Some(units), Some(Value::Array(columns))) = (config.units.as_ref(), scan.get_mut("columns")) {
                for column in columns.iter_mut().filter_map(Value::as_object_mut) {
                    let unit = column.get("name").and_then(Value::as_str).and_then(|n| units.get(n)).cloned();
                    if let Some(unit) = unit {
                        column.insert("unit".into(), unit);
                    }
                }
            }
            Explored {
                source_name: name,
                path: Some(path),
                role,
                status: ExploreStatus::Ok,
                message: None,
                scan: Some(scan),
            }
        }
        Ok(Err(e)) => {
            let path = config.path.as_deref().map(PathBuf::from);
            Explored::failed(name, path, role, ExploreStatus::Error, e.to_string())
        }
        Err(e) => Explored::failed(name, None, role, ExploreStatus::Error, e.to_string()),
    }
}

impl Data {
    /// `explore_sources`: every source (or the one named) with its schema, statistics and
    /// problems; the project is unchanged and nothing is logged.
    pub(crate) async fn explore_sources(&self, content: &ProjectContent, wanted: Option<&str>) -> Result<Value> {
        let (local, _) = self.materialise_imports(content).await?;
        let content = &*local;
        let mut out = Vec::new();
        for (name, config) in named_sources(content, wanted)? {
            out.push(explore(name, config).await);
        }
        Ok(json!({"sources": out}))
    }

    /// `preview_data`: one source's first rows, with the overrides that apply to them marked.
    pub(crate) async fn preview_data(&self, content: &ProjectContent, source_name: &str) -> Result<Value> {
        let (local, _) = self.materialise_imports(content).await?;
        let mut found = named_sources(&local, Some(source_name))?;
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
