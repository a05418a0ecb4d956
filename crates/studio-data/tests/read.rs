//! Reading sources: every format and encoding, and malformed files giving the documented
//! errors (never a panic).

use std::io::Write;

use proptest::prelude::*;
use serde_json::json;
use studio_data::{
    ColumnType, DataError, Encoding, JsonShape, Scan, ScanOptions, SourceFormat, scan_csv, scan_json, scan_path,
};

fn csv(bytes: &[u8]) -> Result<Scan, DataError> {
    scan_csv(bytes, &ScanOptions::default(), None, &mut |_| true)
}

fn column<'a>(scan: &'a Scan, name: &str) -> &'a studio_data::ColumnStats {
    scan.columns.iter().find(|c| c.name == name).unwrap_or_else(|| panic!("no column {name}: {:?}", scan.columns))
}

#[test]
fn a_csv_gives_its_schema_statistics_and_preview() {
    let scan = csv(b"region,age,income,urban\nNorth,34,41000.5,yes\nSouth,51,,no\nNorth,NA,38000,yes\n").unwrap();
    assert_eq!(scan.format, SourceFormat::Csv { encoding: Encoding::Utf8, delimiter: ",".into(), has_header: true });
    assert_eq!(scan.rows, 3);
    let age = column(&scan, "age");
    assert_eq!((age.column_type, age.count, age.nulls), (ColumnType::Integer, 2, 1));
    assert_eq!((age.min, age.max, age.mean), (Some(34.0), Some(51.0), Some(42.5)));
    let income = column(&scan, "income");
    assert_eq!(income.column_type, ColumnType::Float);
    assert_eq!(column(&scan, "urban").column_type, ColumnType::Boolean);
    let region = column(&scan, "region");
    assert_eq!((region.column_type, region.distinct, region.min), (ColumnType::Text, 2, None));
    assert_eq!(scan.preview[0]["income"], json!(41000.5));
    assert_eq!(scan.preview[1]["income"], json!(null));
    assert!(scan.bad_rows.is_empty());
}

#[test]
fn delimiters_headers_and_encodings_are_detected() {
    let semi = csv(b"a;b\n1;2\n3;4\n").unwrap();
    assert!(matches!(&semi.format, SourceFormat::Csv { delimiter, .. } if delimiter == ";"));
    let tabs = csv(b"a\tb\tc\n1\t2\t3\n").unwrap();
    assert_eq!(tabs.columns.len(), 3);
    let headless = csv(b"1,2\n3,4\n").unwrap();
    assert_eq!((headless.rows, headless.columns[0].name.as_str()), (2, "column_1"));
    let bom = csv("\u{feff}name,n\nÅsa,1\n".as_bytes()).unwrap();
    assert!(matches!(bom.format, SourceFormat::Csv { encoding: Encoding::Utf8Bom, .. }));
    assert_eq!(bom.columns[0].name, "name", "the BOM is not part of the first name");
    assert_eq!(bom.preview[0]["name"], json!("Åsa"));
    let latin1 = csv(b"city,n\nS\xe3o Paulo,1\nM\xfcnchen,2\n").unwrap();
    assert!(matches!(latin1.format, SourceFormat::Csv { encoding: Encoding::Latin1, .. }));
    assert_eq!(latin1.preview[1]["city"], json!("München"));
    let quoted = csv(b"name,note\n\"Smith, J\",\"said \"\"hi\"\"\nthen left\"\n").unwrap();
    assert_eq!(quoted.preview[0]["note"], json!("said \"hi\"\nthen left"));
}

#[test]
fn malformed_rows_are_reported_by_line_and_skipped() {
    let mut text = String::from("id,value\n");
    for i in 1..=60 {
        text.push_str(&format!("{i},{}\n", i * 10));
    }
    text.push_str("61,610,extra\n62\n63,not-a-number\n");
    let scan = csv(text.as_bytes()).unwrap();
    assert_eq!((scan.rows, scan.bad_row_count), (60, 3));
    let lines: Vec<u64> = scan.bad_rows.iter().map(|b| b.line).collect();
    assert_eq!(lines, [62, 63, 64]);
    assert_eq!(scan.bad_rows[0].reason, "expected 2 fields, found 3");
    assert_eq!(scan.bad_rows[2].reason, "'not-a-number' in column 'value' is not a whole number");
    assert_eq!(column(&scan, "value").max, Some(600.0), "skipped rows are not in the statistics");
}

#[test]
fn too_many_bad_rows_fail_the_source_with_the_first_ones() {
    let err = csv(b"a,b\n1,2\n3\n4\n5,6\n").unwrap_err();
    let DataError::TooManyBadRows { bad, total, .. } = &err else { panic!("{err}") };
    assert_eq!((*bad, *total), (2, 4));
    assert!(err.to_string().contains("line 3: expected 2 fields, found 1"), "{err}");
    let lenient = ScanOptions { max_bad_share: 0.6, ..ScanOptions::default() };
    assert_eq!(scan_csv(&b"a,b\n1,2\n3\n4\n5,6\n"[..], &lenient, None, &mut |_| true).unwrap().rows, 2);
}

#[test]
fn broken_files_give_the_documented_errors() {
    assert_eq!(csv(b"").unwrap_err(), DataError::Empty);
    assert_eq!(csv(b"  \n\n").unwrap_err(), DataError::Empty);
    assert_eq!(csv(b"\x00\x01\x02\x89PNG\r\n\x1a\n\x00\x00").unwrap_err(), DataError::NotText);
    let err = csv(b"a,b\n1,\"open\n2,3\n4,5\n").unwrap_err();
    assert_eq!(err, DataError::UnterminatedQuote { line: 2 });
    assert_eq!(err.to_string(), "a quoted field opened on line 2 is never closed");
    // A lone quote inside an unquoted field is text, not an error.
    assert_eq!(csv(b"h,note\n1,5'11\" tall\n").unwrap().rows, 1);
}

#[test]
fn types_given_by_the_analyst_win() {
    let mut options = ScanOptions::default();
    options.column_types.insert("code".into(), ColumnType::Text);
    let scan = scan_csv(&b"code,n\n007,1\n042,2\n"[..], &options, None, &mut |_| true).unwrap();
    assert_eq!(scan.preview[0]["code"], json!("7"), "a whole number shown as text in a text column");
    assert_eq!(column(&scan, "code").column_type, ColumnType::Text);
}

#[test]
fn json_records_and_columns() {
    let records = scan_json(
        br#"[{"age": 31, "region": "North"}, {"age": 45.5}, {"age": null, "region": "South", "x": true}]"#,
        &ScanOptions::default(),
    )
    .unwrap();
    assert_eq!(records.format, SourceFormat::Json { shape: JsonShape::Records });
    assert_eq!(records.columns.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["age", "region", "x"]);
    assert_eq!(column(&records, "age").column_type, ColumnType::Float);
    assert_eq!(column(&records, "region").nulls, 1);
    let columns = scan_json(br#"{"t": [1, 2, 3], "adoption": [0.01, 0.02, 0.04]}"#, &ScanOptions::default()).unwrap();
    assert_eq!((columns.rows, column(&columns, "adoption").max), (3, Some(0.04)));
    let nested = scan_json(br#"[{"a": 1}, {"a": [1, 2]}, {"a": 2}, {"a": 3}, {"a": 4}, {"a": 5}, {"a": 6}, {"a": 7}, {"a": 8}, {"a": 9}, {"a": 10}, {"a": 11}, {"a": 12}, {"a": 13}, {"a": 14}, {"a": 15}, {"a": 16}, {"a": 17}, {"a": 18}, {"a": 19}, {"a": 20}]"#, &ScanOptions::default()).unwrap();
    assert_eq!((nested.bad_row_count, nested.bad_rows[0].line), (1, 2));

    let uneven = scan_json(br#"{"a": [1, 2], "b": [1]}"#, &ScanOptions::default()).unwrap_err();
    assert_eq!(uneven.to_string(), "the JSON is malformed: columns differ in length: 'a' has 2 values, 'b' has 1");
    let scalar = scan_json(b"42", &ScanOptions::default()).unwrap_err();
    assert!(scalar.to_string().contains("expected an array of records or an object of columns, found a number"));
    assert!(matches!(scan_json(b"[{\"a\": 1", &ScanOptions::default()), Err(DataError::Json(_))));
    assert_eq!(scan_json(b"", &ScanOptions::default()).unwrap_err(), DataError::Empty);
}

#[test]
fn a_large_file_streams_with_progress() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.csv");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    writeln!(file, "id,age,income").unwrap();
    for i in 0..300_000u64 {
        writeln!(file, "{i},{},{}", 18 + i % 60, 20_000 + (i * 7919) % 90_000).unwrap();
    }
    drop(file);
    let mut fractions = Vec::new();
    let scan = scan_path(&path, &ScanOptions::default(), &mut |f| {
        fractions.push(f);
        true
    })
    .unwrap();
    assert_eq!(scan.rows, 300_000);
    assert_eq!(column(&scan, "age").distinct, 60);
    assert!(fractions.len() >= 3 && fractions.windows(2).all(|w| w[0] <= w[1]), "{fractions:?}");
    assert_eq!(fractions.last(), Some(&1.0));
    assert_eq!(scan.preview.len(), 20);
    let err = scan_path(&dir.path().join("data.xlsx"), &ScanOptions::default(), &mut |_| true).unwrap_err();
    assert!(matches!(err, DataError::UnknownFormat(_)));
    assert!(matches!(
        scan_path(&dir.path().join("missing.csv"), &ScanOptions::default(), &mut |_| true),
        Err(DataError::Io { .. })
    ));
}

proptest! {
    #[test]
    fn any_bytes_give_a_scan_or_an_error_never_a_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2_000)) {
        let _ = csv(&bytes);
        let _ = scan_json(&bytes, &ScanOptions::default());
    }

    #[test]
    fn any_text_table_keeps_every_well_formed_row(rows in proptest::collection::vec((0i64..1000, "[a-z]{1,8}"), 1..200)) {
        let mut text = String::from("n,word\n");
        for (n, w) in &rows {
            text.push_str(&format!("{n},{w}\n"));
        }
        let scan = csv(text.as_bytes()).unwrap();
        prop_assert_eq!(scan.rows, rows.len() as u64);
        prop_assert_eq!(scan.columns[0].max, rows.iter().map(|r| r.0).max().map(|m| m as f64));
    }
}

fn fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name)
}

/// Files written by pyarrow (tests/data/make_parquet.py), snappy and gzip, one and two row groups.
#[test]
fn parquet_written_by_pyarrow_is_read_with_its_own_schema() {
    for (name, groups) in [("survey.snappy.parquet", 1), ("survey.gzip.parquet", 2)] {
        let mut seen = Vec::new();
        let scan = studio_data::scan_path(&fixture(name), &ScanOptions::default(), &mut |f| {
            seen.push(f);
            true
        })
        .unwrap();
        assert_eq!(scan.format, studio_data::SourceFormat::Parquet { row_groups: groups });
        assert_eq!(scan.rows, 5);
        let types: Vec<ColumnType> = scan.columns.iter().map(|c| c.column_type).collect();
        assert_eq!(
            types,
            [ColumnType::Text, ColumnType::Integer, ColumnType::Float, ColumnType::Boolean, ColumnType::Text]
        );
        let age = column(&scan, "age");
        assert_eq!((age.nulls, age.min, age.mean), (1, Some(29.0), Some(44.0)));
        assert_eq!(scan.preview[4]["region"], "Wést");
        assert_eq!(scan.preview[0]["surveyed"], "2025-03-01");
        assert_eq!(scan.preview[2]["income"], 52000.25);
        assert_eq!(seen.last(), Some(&1.0));
    }
}

#[test]
fn a_broken_parquet_file_is_named_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(fixture("survey.snappy.parquet")).unwrap();
    for (name, content) in
        [("cut.parquet", &bytes[..bytes.len() / 2]), ("text.parquet", b"region,age\nNorth,3\n".as_slice())]
    {
        let path = dir.path().join(name);
        std::fs::write(&path, content).unwrap();
        let e = studio_data::scan_path(&path, &ScanOptions::default(), &mut |_| true).unwrap_err();
        assert!(matches!(e, DataError::Parquet(_)), "{name}: {e}");
        assert!(e.to_string().starts_with("the Parquet file is unreadable"), "{e}");
    }
}
