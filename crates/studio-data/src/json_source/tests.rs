//! The streamed JSON reader checked against the whole-tree reader it replaced.

use proptest::prelude::*;

use super::*;

/// The reader before records were streamed: the whole file as a serde_json tree, every
/// record a row of every key. Kept to check that streaming changed no result.
fn whole_tree(bytes: &[u8], options: &ScanOptions) -> Result<Scan, DataError> {
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
            let arrays: Vec<&Vec<Value>> = columns.values().filter_map(Value::as_array).collect();
            let n = arrays.first().map_or(0, |a| a.len());
            let rows = (0..n).map(|i| arrays.iter().map(|a| a.get(i)).collect()).collect();
            (JsonShape::Columns, columns.keys().cloned().collect(), rows)
        }
        _ => unreachable!("only arrays and objects are generated"),
    };
    if names.is_empty() {
        return Err(DataError::Empty);
    }
    let cell = |value: &Value| match value {
        Value::Null => Some(Cell::Null),
        Value::Bool(b) => Some(Cell::Bool(*b)),
        Value::Number(n) => Some(n.as_i64().map_or_else(|| Cell::Float(n.as_f64().unwrap()), Cell::Int)),
        Value::String(s) => Some(Cell::Text(s.clone())),
        Value::Array(_) | Value::Object(_) => None,
    };
    let width = names.len();
    let names = unique_names(names);
    let cells: Vec<Option<Vec<Cell>>> =
        rows.iter().map(|row| row.iter().map(|v| v.and_then(cell)).collect::<Option<Vec<Cell>>>()).collect();
    let types: Vec<ColumnType> = (0..width)
        .map(|i| match options.column_types.get(&names[i]) {
            Some(ty) => *ty,
            None => {
                let mut votes = TypeVotes::default();
                cells.iter().flatten().for_each(|c| votes.add(&c[i]));
                votes.decide()
            }
        })
        .collect();
    let mut table = Table::new(
        names,
        types,
        if shape == JsonShape::Records { RowUnit::Record } else { RowUnit::Row },
        options.preview_rows,
    );
    for (i, row) in cells.into_iter().enumerate() {
        let record = i as u64 + 1;
        match row {
            Some(cells) => table.push(record, cells),
            None => table.bad(record, "nested".into()),
        }
    }
    Scan::from_table(SourceFormat::Json { shape }, table, options.max_bad_share)
}

/// JSON text of a value: mostly flat, sometimes nested.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => Just("null".to_string()),
        4 => any::<bool>().prop_map(|b| b.to_string()),
        8 => (-50i64..50).prop_map(|i| i.to_string()),
        3 => (-5.0f64..5.0).prop_map(|x| format!("{x:.2}")),
        4 => "[a-c0-9 ]{0,3}".prop_map(|s| format!("\"{s}\"")),
        1 => Just("18446744073709551615".to_string()),
        1 => Just("[1, {\"x\": []}]".to_string()),
        1 => Just("{}".to_string()),
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![Just("a"), Just("b"), Just("c"), Just(" a"), Just(""), Just("b_2"), Just("zé")].prop_map(str::to_string)
}

/// A record: usually an object (keys may repeat), sometimes something else.
fn record() -> impl Strategy<Value = String> {
    prop_oneof![
        12 => proptest::collection::vec((key(), value()), 0..6).prop_map(|fields| {
            let fields: Vec<String> = fields.iter().map(|(k, v)| format!("\"{k}\": {v}")).collect();
            format!("{{{}}}", fields.join(", "))
        }),
        1 => value(),
    ]
}

fn columns() -> impl Strategy<Value = String> {
    (1usize..5).prop_flat_map(|rows| {
        proptest::collection::vec((key(), proptest::collection::vec(value(), rows..rows + 1)), 0..5).prop_map(
            |columns| {
                let columns: Vec<String> =
                    columns.iter().map(|(k, values)| format!("\"{k}\": [{}]", values.join(", "))).collect();
                format!("{{{}}}", columns.join(", "))
            },
        )
    })
}

/// The bad rows' reasons were reworded; the rest must be the same.
fn without_reasons(scan: Result<Scan, DataError>) -> Result<Scan, DataError> {
    scan.map(|mut scan| {
        scan.bad_rows.iter_mut().for_each(|b| b.reason.clear());
        scan
    })
}

proptest! {
    #[test]
    fn streamed_records_read_as_the_whole_tree_did(records in proptest::collection::vec(record(), 0..30)) {
        let text = format!("[{}]", records.join(", "));
        let options = ScanOptions { max_bad_share: 1.0, ..ScanOptions::default() };
        let streamed = without_reasons(scan_json(text.as_bytes(), &options, &mut |_| true));
        prop_assert_eq!(streamed, without_reasons(whole_tree(text.as_bytes(), &options)), "{}", text);
    }

    #[test]
    fn columns_read_as_the_whole_tree_did(text in columns()) {
        let options = ScanOptions { max_bad_share: 1.0, ..ScanOptions::default() };
        let streamed = without_reasons(scan_json(text.as_bytes(), &options, &mut |_| true));
        prop_assert_eq!(streamed, without_reasons(whole_tree(text.as_bytes(), &options)), "{}", text);
    }
}
