//! How a source's configuration is read: the scan options it asks for, the configured sources
//! of a project, and which cells an override names. Shared by the Data workbench's reads and
//! the data package.

use serde_json::{Map, Value};
use studio_data::{Encoding, ScanOptions};
use studio_model::ProjectContent;

use crate::{CoreError, Result};

/// How a source's configuration asks for it to be read.
pub(crate) fn options(config: &Map<String, Value>) -> Result<ScanOptions> {
    let mut options = ScanOptions::default();
    if let Some(d) = config.get("delimiter").and_then(Value::as_str) {
        let [byte] = d.as_bytes() else {
            return Err(CoreError::invalid(format!("delimiter must be one character, got '{d}'")));
        };
        options.delimiter = Some(*byte);
    }
    options.has_header = config.get("has_header").and_then(Value::as_bool);
    if let Some(e) = config.get("encoding") {
        options.encoding = Some(
            serde_json::from_value::<Encoding>(e.clone())
                .map_err(|_| CoreError::invalid(format!("encoding must be one of utf8, utf8_bom, latin1, got {e}")))?,
        );
    }
    if let Some(types) = config.get("column_types") {
        options.column_types = serde_json::from_value(types.clone()).map_err(|e| {
            CoreError::invalid(format!("column_types must map columns to integer, float, boolean or text: {e}"))
        })?;
    }
    if let Some(share) = config.get("max_bad_share").and_then(Value::as_f64) {
        options.max_bad_share = share.clamp(0.0, 1.0);
    }
    if let Some(n) = config.get("preview_rows").and_then(Value::as_u64) {
        options.preview_rows = n.min(1_000) as usize;
    }
    Ok(options)
}

/// A configured source: its name and configuration.
pub(crate) fn sources(content: &ProjectContent) -> Vec<(String, Map<String, Value>)> {
    content
        .sources
        .iter()
        .map(|(name, raw)| (name.clone(), raw.to_value().as_object().cloned().unwrap_or_default()))
        .collect()
}

/// `SOURCE.COLUMN` overrides the column in every row; `SOURCE.COLUMN[N]` row N (from 1).
pub(crate) fn override_target(field: &str, source: &str) -> Option<(String, Option<usize>)> {
    let rest = field.strip_prefix(source)?.strip_prefix('.')?;
    match rest.strip_suffix(']').and_then(|r| r.split_once('[')) {
        Some((column, row)) => Some((column.to_string(), Some(row.parse::<usize>().ok()?.checked_sub(1)?))),
        None => Some((rest.to_string(), None)),
    }
}
