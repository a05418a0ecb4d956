//! A data source's configuration as one type: where its file is (or that it was copied in),
//! how to read it, the role its rows play and which of its columns mean what.
//!
//! Read from the wire (`data/configure_source`, `data/add_custom_source`) and from stored
//! documents by the same rules: each known key must have its type, else the error names the key;
//! a key this version does not know is kept as it was given (`other`), so a document written by
//! another version loses nothing when it is saved again.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// How a filter compares a row's value with its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FilterOp {
    #[default]
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    /// The row's value is one of `value`'s (a list).
    In,
}

/// Keeps the rows whose `column` compares with `value` by `op` (`eq` when not given).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RowFilter {
    pub column: String,
    #[serde(default)]
    pub op: FilterOp,
    #[serde(default)]
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(try_from = "Map<String, Value>")]
pub struct SourceConfig {
    /// The file, by its full path (for a copied-in file, the copy beside the library).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// What the rows are: `marginal`, `microdata`, `time_series`, `variables`; none: a file
    /// only listed and hashed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Asked on the wire: copy the file into the project instead of linking it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub import: Option<bool>,
    /// The file itself, sent by a browser that has no path (with `file_name`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_base64: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_name: Option<String>,
    /// Recorded on import: where the copy came from, that it is not linked, its hash and size.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub imported_from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub linked: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u64>,
    /// How to read the file: one-character delimiter, header row, `utf8` / `utf8_bom` /
    /// `latin1`, column → `integer` / `float` / `boolean` / `text`, the share of bad rows
    /// tolerated, rows previewed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub has_header: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column_types: Option<BTreeMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_bad_share: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preview_rows: Option<u64>,
    /// Which columns mean what (found by their usual names when not given).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dimension: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dimension_column: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category_column: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_column: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight_column: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_column: Option<String>,
    /// A time series' name: the outcome it measures.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    /// Column → the analyst's unit, shown beside the column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub units: Option<Map<String, Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filters: Option<Vec<RowFilter>>,
    /// A microdata file's dimensions (names), or a typed-in table's columns (`{name, type}`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub columns: Option<Vec<Value>>,
    /// A typed-in table's rows, each a list of values.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rows: Option<Vec<Value>>,
    /// Keys this version does not know, kept as given.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// Takes `key` out of the map as a `T`; absent or null is `None`, another type an error naming
/// the key and what it must be.
fn take<T: DeserializeOwned>(map: &mut Map<String, Value>, key: &str, what: &str) -> Result<Option<T>, String> {
    match map.remove(key) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => serde_json::from_value(value.clone()).map(Some).map_err(|e| {
            let got = crate::error::kind_of(&value);
            if got == "an object" || got == "an array" {
                format!("configuration.{key} must be {what}: {e}")
            } else {
                format!("configuration.{key} must be {what}, not {got}")
            }
        }),
    }
}

impl TryFrom<Map<String, Value>> for SourceConfig {
    type Error = String;

    fn try_from(mut map: Map<String, Value>) -> Result<Self, String> {
        let m = &mut map;
        let text = "a string";
        let column = "a column's name";
        let config = SourceConfig {
            path: take(m, "path", "the file's full path")?,
            role: take(m, "role", "marginal, microdata, time_series or variables")?,
            import: take(m, "import", "true or false")?,
            content_base64: take(m, "content_base64", "the file's bytes in base64")?,
            file_name: take(m, "file_name", text)?,
            imported_from: take(m, "imported_from", text)?,
            linked: take(m, "linked", "true or false")?,
            sha256: take(m, "sha256", text)?,
            bytes: take(m, "bytes", "a whole number")?,
            delimiter: take(m, "delimiter", "one character")?,
            has_header: take(m, "has_header", "true or false")?,
            encoding: take(m, "encoding", "one of utf8, utf8_bom, latin1")?,
            column_types: take(m, "column_types", "a map of column → integer, float, boolean or text")?,
            max_bad_share: take(m, "max_bad_share", "a share between 0 and 1")?,
            preview_rows: take(m, "preview_rows", "a whole number")?,
            dimension: take(m, "dimension", "a dimension's name")?,
            dimension_column: take(m, "dimension_column", column)?,
            category_column: take(m, "category_column", column)?,
            value_column: take(m, "value_column", column)?,
            weight_column: take(m, "weight_column", column)?,
            time_column: take(m, "time_column", column)?,
            outcome: take(m, "outcome", text)?,
            units: take(m, "units", "a map of column → unit")?,
            filters: take(m, "filters", "a list of {column, op, value} (op: eq, ne, lt, le, gt, ge, in)")?,
            columns: take(m, "columns", "a list")?,
            rows: take(m, "rows", "a list of rows")?,
            other: Map::new(),
        };
        Ok(SourceConfig { other: map, ..config })
    }
}

impl SourceConfig {
    /// The configuration as stored in the document and answered.
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// A stored configuration, read by the same rules as a new one.
    pub fn of_value(value: &Value) -> Result<SourceConfig, String> {
        match value {
            Value::Object(map) => SourceConfig::try_from(map.clone()),
            other => Err(format!("configuration must be an object, not {}", crate::error::kind_of(other))),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn config(value: Value) -> Result<SourceConfig, String> {
        SourceConfig::of_value(&value)
    }

    #[test]
    fn known_keys_are_typed_and_unknown_keys_are_kept_as_given() {
        let given = json!({"path": "/data/m.csv", "role": "marginal", "has_header": true, "preview_rows": 20,
            "filters": [{"column": "year", "op": "ge", "value": 2020}], "from_a_later_version": {"x": [1, 2]}});
        let read = config(given.clone()).unwrap();
        assert_eq!(read.path.as_deref(), Some("/data/m.csv"));
        assert_eq!(read.filters.as_ref().unwrap()[0].op, FilterOp::Ge);
        assert_eq!(read.other["from_a_later_version"], json!({"x": [1, 2]}));
        assert_eq!(read.to_value(), given, "written back, nothing is lost or added");
        let again: SourceConfig = serde_json::from_value(read.to_value()).unwrap();
        assert_eq!(again, read);
    }

    #[test]
    fn a_known_key_of_the_wrong_type_is_an_error_naming_it() {
        let error = config(json!({"has_header": "yes"})).unwrap_err();
        assert_eq!(error, "configuration.has_header must be true or false, not a string");
        let error = config(json!({"preview_rows": -3})).unwrap_err();
        assert!(error.starts_with("configuration.preview_rows must be a whole number"), "{error}");
        let error = config(json!({"filters": [{"column": "year", "op": "between"}]})).unwrap_err();
        assert!(error.contains("configuration.filters") && error.contains("between"), "{error}");
        assert!(config(json!([1])).unwrap_err().contains("must be an object"));
    }

    #[test]
    fn null_is_as_good_as_absent() {
        assert_eq!(config(json!({"role": null})).unwrap(), SourceConfig::default());
    }
}
