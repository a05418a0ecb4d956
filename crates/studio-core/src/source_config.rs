//! How a source's configuration is read: the scan options it asks for, the configured sources
//! of a project, and which cells an override names. Shared by the Data workbench's reads and
//! the data package.

use serde_json::Value;
use studio_data::{Encoding, ScanOptions};
use studio_model::{ProjectContent, SourceConfig};

use crate::error::{CoreError, Result};

/// How a source's configuration asks for it to be read.
pub(crate) fn options(config: &SourceConfig) -> Result<ScanOptions> {
    let mut options = ScanOptions::default();
    if let Some(d) = &config.delimiter {
        let [byte] = d.as_bytes() else {
            return Err(CoreError::invalid(format!("delimiter must be one character, got '{d}'")));
        };
        options.delimiter = Some(*byte);
    }
    options.has_header = config.has_header;
    if let Some(e) = &config.encoding {
        options.encoding =
            Some(serde_json::from_value::<Encoding>(Value::String(e.clone())).map_err(|_| {
                CoreError::invalid(format!("encoding must be one of utf8, utf8_bom, latin1, got '{e}'"))
            })?);
    }
    if let Some(types) = &config.column_types {
        let types = serde_json::to_value(types).map_err(CoreError::internal)?;
        options.column_types = serde_json::from_value(types).map_err(|e| {
            CoreError::invalid(format!("column_types must map columns to integer, float, boolean or text: {e}"))
        })?;
    }
    if let Some(share) = config.max_bad_share {
        options.max_bad_share = share.clamp(0.0, 1.0);
    }
    if let Some(n) = config.preview_rows {
        options.preview_rows = n.min(1_000) as usize;
    }
    Ok(options)
}

/// A configured source: its name and configuration, or why its stored configuration cannot be
/// read (the source is then listed with that error; the others still read).
pub(crate) type Configured = (String, std::result::Result<SourceConfig, String>);

/// The project's configured (file) sources.
pub(crate) fn sources(content: &ProjectContent) -> Vec<Configured> {
    content.sources.iter().map(|(name, raw)| (name.clone(), SourceConfig::of_value(&raw.to_value()))).collect()
}

/// `SOURCE.COLUMN` overrides the column in every row; `SOURCE.COLUMN[N]` row N (from 1).
pub(crate) fn override_target(field: &str, source: &str) -> Option<(String, Option<usize>)> {
    let rest = field.strip_prefix(source)?.strip_prefix('.')?;
    match rest.strip_suffix(']').and_then(|r| r.split_once('[')) {
        Some((column, row)) => Some((column.to_string(), Some(row.parse::<usize>().ok()?.checked_sub(1)?))),
        None => Some((rest.to_string(), None)),
    }
}
