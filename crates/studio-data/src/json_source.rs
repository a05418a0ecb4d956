//! JSON sources: an array of records (`[{"age": 31, ...}, ...]`) or an object of columns
//! (`{"age": [31, ...], ...}`).

use serde_json::Value;

use crate::table::{Cell, ColumnType, Table, infer, unique_names};
use crate::{DataError, JsonShape, Scan, ScanOptions, SourceFormat};

fn cell(value: &Value) -> Option<Cell> {
    Some(match value {
        Value::Null => Cell::Null,
        Value::Bool(b) => Cell::Bool(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Cell::Int(i),
            None => Cell::Float(n.as_f64()?),
        },
        Value::String(s) => Cell::Text(s.clone()),
        Value::Array(_) | Value::Object(_) => return None,
    })
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Reads JSON from memory; `progress` is asked whether to go on every 4,096 rows.
pub(crate) fn scan_json(
    bytes: &[u8],
    options: &ScanOptions,
    progress: &mut dyn FnMut(f64) -> bool,
) -> Result<Scan, DataError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(DataError::Empty);
    }
    let value: Value = serde_json::from_slice(bytes).map_err(|e| DataError::Json(e.to_string()))?;
    let (shape, names, rows): (JsonShape, Vec<String>, Vec<Vec<Option<&Value>>>) = match &value {
        Value::Array(records) => {
            let mut names: Vec<String> = Vec::new();
            for record in records {
                if let Value::Object(map) = record {
                    for key in map.keys() {
                        if !names.contains(key) {
                            names.push(key.clone());
                        }
                    }
                }
            }
            let rows = records
                .iter()
                .map(|r| match r {
                    Value::Object(map) => names.iter().map(|n| Some(map.get(n).unwrap_or(&Value::Null))).collect(),
                    _ => vec![None],
                })
                .collect();
            (JsonShape::Records, names, rows)
        }
        Value::Object(columns) => {
            let lengths: Vec<(&String, usize)> = columns
                .iter()
                .map(|(name, v)| match v {
                    Value::Array(items) => Ok((name, items.len())),
                    other => {
                        Err(DataError::Json(format!("column '{name}' is {}, not an array of values", kind(other))))
                    }
                })
                .collect::<Result<_, _>>()?;
            if let Some(&(name, len)) = lengths.iter().find(|(_, len)| *len != lengths[0].1) {
                let (first, first_len) = lengths[0];
                return Err(DataError::Json(format!(
                    "columns differ in length: '{first}' has {first_len} values, '{name}' has {len}"
                )));
            }
            let n = lengths.first().map_or(0, |l| l.1);
            let arrays: Vec<&Vec<Value>> = columns.values().filter_map(Value::as_array).collect();
            let rows = (0..n).map(|i| arrays.iter().map(|a| a.get(i)).collect()).collect();
            (JsonShape::Columns, columns.keys().cloned().collect(), rows)
        }
        other => {
            return Err(DataError::Json(format!(
                "expected an array of records or an object of columns, found {}",
                kind(other)
            )));
        }
    };
    if names.is_empty() {
        return Err(DataError::Empty);
    }
    let width = names.len();
    let names = unique_names(names);
    let cells: Vec<Option<Vec<Cell>>> =
        rows.iter().map(|row| row.iter().map(|v| v.and_then(cell)).collect::<Option<Vec<Cell>>>()).collect();
    let types: Vec<ColumnType> = (0..width)
        .map(|i| match options.column_types.get(&names[i]) {
            Some(ty) => *ty,
            None => infer(&cells.iter().flatten().map(|c| &c[i]).collect::<Vec<_>>()),
        })
        .collect();
    let mut table = Table::new(names, types, options.preview_rows);
    let total = cells.len() as f64;
    for (i, row) in cells.into_iter().enumerate() {
        let record = i as u64 + 1;
        if i.is_multiple_of(4_096) && !progress(i as f64 / total) {
            return Err(DataError::Cancelled);
        }
        match row {
            Some(cells) => table.push(record, cells),
            None => table.bad(record, "not a flat record: nested arrays and objects are not read".into()),
        }
    }
    if !progress(1.0) {
        return Err(DataError::Cancelled);
    }
    let format = SourceFormat::Json { shape };
    Scan::from_table(format, table, options.max_bad_share)
}
