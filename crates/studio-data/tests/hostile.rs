//! Hostile input (the issue "Hardening: hostile input"): every case ends in a clear error or a
//! correct result — never a panic, a hang or memory out of proportion to the file. Each test
//! says what the code before the fix did with the same input.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use serde_json::json;
use studio_data::{DataError, Encoding, ScanOptions, SourceFormat, scan_csv, scan_json, scan_path};

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn json(bytes: &[u8]) -> Result<studio_data::Scan, DataError> {
    scan_json(bytes, &ScanOptions::default())
}

/// `[{"k0": 0}, {"k1": 1}, …]`: one key per record, every key different.
fn one_key_records(n: usize) -> Vec<u8> {
    let records: Vec<String> = (0..n).map(|i| format!("{{\"k{i}\": {i}}}")).collect();
    format!("[{}]", records.join(",")).into_bytes()
}

/// 1,500 records with 1,500 different keys: before the fix every record became a row of every
/// key (memory grew with records × keys: 8,000 such records, 134 KB, took 2.1 GB); now the
/// 1,001st key is refused, naming the record where it appears.
#[test]
fn json_records_with_too_many_distinct_keys_are_refused() {
    let err = json(&one_key_records(1_500)).unwrap_err();
    assert!(matches!(err, DataError::TooManyKeys { limit: 1_000, record: 1_001, .. }), "{err:?}");
    let message = err.to_string();
    assert!(message.contains("more than 1000 distinct keys") && message.contains("record 1001"), "{message}");
    assert!(message.contains("'k1000'"), "names the key: {message}");
    // Exactly at the limit is read.
    let scan = json(&one_key_records(1_000)).unwrap();
    assert_eq!((scan.rows, scan.columns.len()), (1_000, 1_000));
}

/// 1,000 keys (the most allowed), then 100,000 empty records: a sparse file of 0.3 MB. Before,
/// every record was a row of 1,000 cells built at once — 10⁸ cells, several GB and minutes;
/// now only the values present are visited, so it reads in a fraction of a second in a debug
/// build, and the missing keys are counted as nulls.
#[test]
fn sparse_json_records_cost_what_they_hold() {
    let mut text = String::from("[");
    for i in 0..1_000 {
        text.push_str(&format!("{{\"k{i:04}\": {i}}},"));
    }
    text.push_str(&"{},".repeat(100_000));
    text.push_str("{\"k0000\": 7}]");
    let scan = json(text.as_bytes()).unwrap();
    assert_eq!((scan.rows, scan.columns.len()), (101_001, 1_000));
    let k0 = scan.columns.iter().find(|c| c.name == "k0000").unwrap();
    assert_eq!((k0.count, k0.nulls, k0.max), (2, 100_999, Some(7.0)));
    let k999 = scan.columns.iter().find(|c| c.name == "k0999").unwrap();
    assert_eq!((k999.count, k999.nulls), (1, 101_000));
    assert_eq!(scan.preview.len(), 20);
    assert_eq!(
        (scan.preview[0].len(), &scan.preview[0]["k0000"], &scan.preview[0]["k0001"]),
        (1_000, &json!(0), &json!(null))
    );
}

/// The same sparse file read for all its rows, as the core reads a source that feeds the
/// population: the preview stops at its cell budget (a row of 1,000 keys costs 1,000 cells
/// there) instead of holding 10⁸ cells, and says so by holding fewer rows than were read.
#[test]
fn a_preview_of_every_row_stays_within_its_cell_budget() {
    let mut text = String::from("[");
    for i in 0..1_000 {
        text.push_str(&format!("{{\"k{i:04}\": {i}}},"));
    }
    text.push_str(&"{},".repeat(100_000));
    text.push_str("{}]");
    let options = ScanOptions { preview_rows: usize::MAX, ..ScanOptions::default() };
    let scan = scan_json(text.as_bytes(), &options).unwrap();
    assert_eq!(scan.rows, 101_001);
    assert_eq!(scan.preview.len(), studio_data::MAX_PREVIEW_CELLS / 1_000);
    // A narrow source is kept whole.
    let rows: Vec<String> = (0..50_000).map(|i| format!("{{\"a\": {i}, \"b\": {i}}}")).collect();
    let scan = scan_json(format!("[{}]", rows.join(",")).as_bytes(), &options).unwrap();
    assert_eq!(scan.preview.len(), 50_000);
}

/// What serde_json's map gave before the JSON reader streamed its records, kept: keys new in a
/// record are added in key order, a key repeated in a record keeps its last value, a number
/// too large for an i64 is a float.
#[test]
fn json_records_read_as_before() {
    let scan = json(br#"[{"b": 1, "a": 2, "b": "x"}, {"c": 18446744073709551615, "a": null}]"#).unwrap();
    let names: Vec<&str> = scan.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["a", "b", "c"]);
    assert_eq!(scan.preview[0]["b"], json!("x"));
    assert_eq!(scan.columns[2].column_type, studio_data::ColumnType::Float);
    assert_eq!((scan.columns[0].count, scan.columns[0].nulls), (1, 1));
    let lenient = ScanOptions { max_bad_share: 1.0, ..ScanOptions::default() };
    let columns = scan_json(br#"{"t": [1, 2], "adoption": [0.5, [1]], "t": [3, 4]}"#, &lenient).unwrap();
    assert_eq!(columns.columns.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["adoption", "t"]);
    assert_eq!((columns.rows, columns.bad_row_count, columns.columns[1].max), (1, 1, Some(3.0)));
}

/// JSON's bad rows are counted in records, not lines: before, "line 2" named the second
/// record, wherever it was in the file.
#[test]
fn json_bad_rows_say_record_not_line() {
    let mut text = String::from("[\n{\"a\": 1},\n{\"a\": [1, 2]},\n{\"a\": \"x\"}");
    for i in 0..40 {
        text.push_str(&format!(",\n{{\"a\": {i}}}"));
    }
    text.push(']');
    let scan = json(text.as_bytes()).unwrap();
    assert_eq!(scan.bad_rows.len(), 2);
    assert_eq!((scan.bad_rows[0].line, scan.bad_rows[0].unit), (2, studio_data::RowUnit::Record));
    assert_eq!(scan.bad_rows[1].to_string(), "record 3: 'x' in column 'a' is not a whole number");
    // The UI reads `line`; the unit is beside it.
    let shown = serde_json::to_value(&scan.bad_rows[0]).unwrap();
    assert_eq!((&shown["line"], &shown["unit"]), (&json!(2), &json!("record")));

    let err = json(br#"[{"a": 1}, {"a": {"b": 1}}]"#).unwrap_err();
    assert!(err.to_string().contains("first: record 2: not a flat record"), "{err}");
    let err = json(br#"{"a": [1, [2]]}"#).unwrap_err();
    assert!(err.to_string().contains("first: row 2: "), "{err}");
    // Parquet's are rows.
    let parquet = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/survey.snappy.parquet");
    let mut options = ScanOptions::default();
    options.column_types.insert("region".into(), studio_data::ColumnType::Integer);
    let err = scan_path(&parquet, &options, &mut |_| true).unwrap_err();
    assert!(err.to_string().contains("first: row 1: "), "{err}");
    // CSV rows are still lines of the file.
    let err = scan_csv(&b"a,b\n1,2\n3\n"[..], &ScanOptions::default(), None, &mut |_| true).unwrap_err();
    assert!(err.to_string().contains("first: line 3: expected 2 fields, found 1"), "{err}");
}

/// About 200 KB of ASCII rows, then a last row `id,Orl?ans` with `accent` for the `?`.
fn late_accent(accent: &[u8]) -> (Vec<u8>, u64) {
    let mut bytes = b"id,city\n".to_vec();
    let mut rows = 0;
    while bytes.len() < 200_000 {
        bytes.extend_from_slice(format!("{rows},Paris\n").as_bytes());
        rows += 1;
    }
    bytes.extend_from_slice(format!("{rows},Orl").as_bytes());
    bytes.extend_from_slice(accent);
    bytes.extend_from_slice(b"ans\n");
    (bytes, rows + 1)
}

fn every_row() -> ScanOptions {
    ScanOptions { preview_rows: usize::MAX, ..ScanOptions::default() }
}

/// About 200 KB of ASCII, then one Latin-1 "é" (0xE9) on the last line. The encoding was
/// decided from the first 64 KiB alone, so this file failed entirely ("invalid utf-8"); now the
/// late byte is read as Latin-1 and the file is reported as Latin-1.
#[test]
fn a_latin1_accent_after_the_first_64_kib_is_read() {
    let (bytes, rows) = late_accent(b"\xe9");
    let scan = scan_csv(&bytes[..], &every_row(), None, &mut |_| true).unwrap();
    assert!(matches!(scan.format, SourceFormat::Csv { encoding: Encoding::Latin1, .. }), "{:?}", scan.format);
    assert_eq!((scan.rows, scan.bad_row_count), (rows, 0));
    assert_eq!(scan.preview.last().unwrap()["city"], json!("Orléans"));
    assert_eq!(scan.columns[1].distinct, 2);

    // UTF-8 "é" early and a Latin-1 one late: each read as what it is.
    let mut mixed = "id,city\n0,Orl\u{e9}ans\n".as_bytes().to_vec();
    mixed.extend_from_slice(&bytes[b"id,city\n".len()..]);
    let scan = scan_csv(&mixed[..], &ScanOptions::default(), None, &mut |_| true).unwrap();
    assert_eq!((scan.preview[0]["city"].as_str(), scan.columns[1].distinct), (Some("Orléans"), 2));

    // A UTF-8 file with its first accent past 64 KiB is still UTF-8, read as it is.
    let (utf8, _) = late_accent("\u{e9}".as_bytes());
    let scan = scan_csv(&utf8[..], &every_row(), None, &mut |_| true).unwrap();
    assert!(matches!(scan.format, SourceFormat::Csv { encoding: Encoding::Utf8, .. }), "{:?}", scan.format);
    assert_eq!(scan.preview.last().unwrap()["city"], json!("Orléans"));

    // Told it is UTF-8, a file that is not fails, as before.
    let told = ScanOptions { encoding: Some(Encoding::Utf8), ..ScanOptions::default() };
    assert!(matches!(scan_csv(&bytes[..], &told, None, &mut |_| true), Err(DataError::Malformed(_))));
}

/// 16,000 columns all named `a` (and a row under them): the names were made unique in
/// quadratic time (20,000 took 13 s per read in a release build; minutes in a debug one).
#[test]
fn a_header_of_repeated_names_is_read() {
    let mut text = vec!["a"; 16_000].join(",");
    text.push('\n');
    text.push_str(&vec!["x"; 16_000].join(","));
    text.push('\n');
    let options = ScanOptions { has_header: Some(true), ..ScanOptions::default() };
    let scan = scan_csv(text.as_bytes(), &options, None, &mut |_| true).unwrap();
    assert_eq!((scan.rows, scan.columns.len()), (1, 16_000));
    assert_eq!(scan.columns[15_999].name, "a_16000");
}

/// A line of 2 MiB of commas is 2 million empty columns: each was built — a name, statistics,
/// a place in every preview row — about 400 bytes a column (a 50 MB line took 20 GB and 7
/// minutes). Now the first row's width is looked at first.
#[test]
fn a_line_of_commas_is_refused_before_its_columns_are_built() {
    let commas = vec![b','; 2 << 20];
    let err = scan_csv(&commas[..], &ScanOptions::default(), None, &mut |_| true).unwrap_err();
    assert_eq!(err, DataError::TooManyColumns { limit: 16_384, found: (2 << 20) + 1 });
    assert_eq!(err.to_string(), "the file has 2097153 columns, more than the 16384 a source may have");
    // As many as allowed are read.
    let mut text = ",".repeat(16_383);
    text.push('\n');
    assert_eq!(scan_csv(text.as_bytes(), &ScanOptions::default(), None, &mut |_| true).unwrap().columns.len(), 16_384);
}

/// The same limit for JSON columns and Parquet.
#[test]
fn json_and_parquet_have_the_same_column_limit() {
    let columns: Vec<String> = (0..16_385).map(|i| format!("\"c{i}\": [1]")).collect();
    let err = json(format!("{{{}}}", columns.join(",")).as_bytes()).unwrap_err();
    assert_eq!(err, DataError::TooManyColumns { limit: 16_384, found: 16_385 });

    let dir = tempfile::tempdir().unwrap();
    let columns: Vec<(String, studio_data::ParquetColumn)> =
        (0..16_385).map(|i| (format!("c{i}"), studio_data::ParquetColumn::Int(vec![1]))).collect();
    let path = write(dir.path(), "wide.parquet", &studio_data::write_parquet(&columns).unwrap());
    let err = scan_path(&path, &ScanOptions::default(), &mut |_| true).unwrap_err();
    assert_eq!(err, DataError::TooManyColumns { limit: 16_384, found: 16_385 });
}

/// A header that is one field of 1 MB: the name was copied whole into the statistics and into
/// every preview row (20 MB for a 1 MB file); names are now cut to 256 characters.
#[test]
fn a_huge_column_name_is_cut() {
    let mut text = "é".repeat(500_000);
    text.push_str(",b\n");
    text.push_str(&"1,2\n".repeat(30));
    let scan = scan_csv(text.as_bytes(), &ScanOptions::default(), None, &mut |_| true).unwrap();
    let name = &scan.columns[0].name;
    assert_eq!((name.chars().count(), name.ends_with("é…")), (257, true));
    assert!(scan.preview.iter().all(|row| row.contains_key(name)));
}

/// A row of a million fields in a table of two: reported as a bad row without its million
/// cells being parsed (in the rows that decide the types, or after).
#[test]
fn a_row_far_too_wide_is_a_bad_row() {
    for at in [5, 2_000] {
        let mut text = String::from("a,b\n");
        for i in 0..3_000 {
            if i == at {
                text.push_str(&",".repeat(1_000_000));
                text.push('\n');
            }
            text.push_str(&format!("{i},{}\n", i % 3));
        }
        let scan = scan_csv(text.as_bytes(), &ScanOptions::default(), None, &mut |_| true).unwrap();
        assert_eq!((scan.rows, scan.bad_row_count), (3_000, 1));
        assert_eq!(
            (scan.bad_rows[0].line, scan.bad_rows[0].reason.as_str()),
            (at as u64 + 2, "expected 2 fields, found 1000001")
        );
        assert_eq!(scan.columns[0].column_type, studio_data::ColumnType::Integer);
    }
}

/// Byte changes to the pyarrow fixtures (tests/data) that made the parquet crate panic inside
/// the read (found by changing 1 to 4 random bytes, 6,000 times), one per panic message. Each
/// is now an error naming a corrupt file.
#[test]
fn a_corrupt_parquet_file_is_an_error_not_a_panic() {
    /// A fixture, the bytes changed (offset, new value), and the panic it caused.
    type Corruption = (&'static str, &'static [(usize, u8)], &'static str);
    let found: [Corruption; 7] = [
        ("survey.snappy.parquet", &[(480, 86)], "Cannot extract value, max definition level"),
        ("survey.gzip.parquet", &[(1735, 228)], "Decoder for dict should have been set"),
        ("survey.snappy.parquet", &[(1423, 126), (12, 64)], "assertion failed: size <= src.len()"),
        ("survey.snappy.parquet", &[(1076, 10), (628, 90), (932, 24)], "called `Option::unwrap()` on a `None`"),
        ("survey.gzip.parquet", &[(2421, 204), (1157, 111), (1393, 138)], "capacity overflow"),
        ("survey.snappy.parquet", &[(1335, 2), (798, 37)], "column start and length should not be negative"),
        ("survey.snappy.parquet", &[(343, 184)], "index out of bounds"),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (i, (name, changes, panic)) in found.into_iter().enumerate() {
        let mut bytes = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name)).unwrap();
        for &(at, byte) in changes {
            bytes[at] = byte;
        }
        let path = write(dir.path(), &format!("corrupt{i}.parquet"), &bytes);
        let read = std::panic::catch_unwind(|| scan_path(&path, &ScanOptions::default(), &mut |_| true));
        let err = read.unwrap_or_else(|_| panic!("{name} {changes:?} panicked ({panic})")).unwrap_err();
        assert!(matches!(err, DataError::Parquet(_)), "{name} {changes:?}: {err:?}");
        assert!(
            err.to_string().starts_with("the Parquet file is unreadable: it is corrupt (the reader failed: "),
            "{name} {changes:?}: {err}"
        );
    }
}

/// Values a Parquet file may hold that the parquet crate cannot show as text without
/// panicking: a date or a timestamp beyond chrono's years ("No such local time"), a decimal
/// whose scale equals its precision (an assertion).
#[test]
fn parquet_values_at_the_edges_are_read() {
    use parquet::data_type::{Int32Type, Int64Type};
    use parquet::file::writer::SerializedFileWriter;
    let schema = parquet::schema::parser::parse_message_type(
        "message edges {
            required int32 share (DECIMAL(2,2));
            required int32 day (DATE);
            required int64 at (TIMESTAMP_MILLIS);
            required int64 micros (TIMESTAMP_MICROS);
        }",
    )
    .unwrap();
    let mut bytes = Vec::new();
    let mut writer = SerializedFileWriter::new(&mut bytes, std::sync::Arc::new(schema), Default::default()).unwrap();
    let mut group = writer.next_row_group().unwrap();
    let mut column = group.next_column().unwrap().unwrap();
    column.typed::<Int32Type>().write_batch(&[25, -7], None, None).unwrap();
    column.close().unwrap();
    let mut column = group.next_column().unwrap().unwrap();
    column.typed::<Int32Type>().write_batch(&[i32::MAX, 0], None, None).unwrap();
    column.close().unwrap();
    for values in [[i64::MAX, 0], [i64::MIN, 0]] {
        let mut column = group.next_column().unwrap().unwrap();
        column.typed::<Int64Type>().write_batch(&values, None, None).unwrap();
        column.close().unwrap();
    }
    group.close().unwrap();
    writer.close().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "edges.parquet", &bytes);

    let scan = scan_path(&path, &ScanOptions::default(), &mut |_| true).unwrap();
    assert_eq!((scan.rows, scan.bad_row_count), (2, 0));
    assert_eq!((&scan.preview[0]["share"], &scan.preview[1]["share"]), (&json!(0.25), &json!(-0.07)));
    assert_eq!(scan.preview[0]["day"], json!("2147483647 days from 1970-01-01"));
    assert_eq!(scan.preview[1]["day"], json!("1970-01-01"));
    assert_eq!(scan.preview[0]["at"], json!("9223372036854775807 ms from 1970-01-01 00:00 UTC"));
    assert_eq!(scan.preview[1]["at"], json!("1970-01-01 00:00:00.000 +00:00"));
    assert_eq!(scan.preview[0]["micros"], json!("-9223372036854775808 µs from 1970-01-01 00:00 UTC"));
}

/// A share of bad rows allowed outside [0, 1] failed a file without a bad row ("0 of 2 rows
/// are malformed (0%, more than the -50% allowed)"); it is taken as the nearest share.
#[test]
fn a_bad_share_out_of_range_is_clamped() {
    for share in [-0.5, f64::NAN, f64::NEG_INFINITY] {
        let options = ScanOptions { max_bad_share: share, ..ScanOptions::default() };
        assert_eq!(scan_csv(&b"a,b\n1,2\n3,4\n"[..], &options, None, &mut |_| true).unwrap().rows, 2, "{share}");
        let bad = scan_csv(&b"a,b\n1,2\n3\n"[..], &options, None, &mut |_| true);
        assert!(matches!(bad, Err(DataError::TooManyBadRows { bad: 1, .. })), "{share}");
    }
    let options = ScanOptions { max_bad_share: 7.0, ..ScanOptions::default() };
    assert_eq!(scan_csv(&b"a,b\n1\n3\n"[..], &options, None, &mut |_| true).unwrap().bad_row_count, 2);
}

#[cfg(unix)]
mod special_files {
    use super::*;

    fn refused(path: &Path) -> String {
        let err = scan_path(path, &ScanOptions::default(), &mut |_| true).unwrap_err();
        assert!(matches!(err, DataError::NotAFile { .. }), "{err:?}");
        let same = studio_data::regular_file_size(path).unwrap_err();
        assert_eq!(same, err);
        err.to_string()
    }

    /// A source that is a link to /dev/zero was read forever (JSON: into memory until the
    /// machine gave out); it is refused before it is opened.
    #[test]
    fn a_device_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["zero.json", "zero.csv", "zero.parquet"] {
            let link = dir.path().join(name);
            std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
            let message = refused(&link);
            assert_eq!(message, format!("{} is a character device, not a regular file", link.display()));
        }
    }

    /// Opening a named pipe blocks until a writer comes: the read hung for ever.
    #[test]
    fn a_named_pipe_is_refused_without_opening_it() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.csv");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(made.success());
        assert_eq!(refused(&fifo), format!("{} is a named pipe (FIFO), not a regular file", fifo.display()));
    }

    #[test]
    fn a_directory_and_a_socket_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("folder.csv");
        std::fs::create_dir(&folder).unwrap();
        assert_eq!(refused(&folder), format!("{} is a directory, not a regular file", folder.display()));
        let socket = dir.path().join("socket.json");
        let _listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
        assert_eq!(refused(&socket), format!("{} is a socket, not a regular file", socket.display()));
    }

    #[test]
    fn a_link_to_a_regular_file_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let target = write(dir.path(), "real.csv", b"a,b\n1,2\n");
        let link = dir.path().join("link.csv");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert_eq!(scan_path(&link, &ScanOptions::default(), &mut |_| true).unwrap().rows, 1);
        assert_eq!(studio_data::regular_file_size(&link).unwrap(), 8);
    }
}

/// A missing file's error said only "cannot read the file: No such file or directory".
#[test]
fn a_missing_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["gone.csv", "gone.json", "gone.parquet"] {
        let path = dir.path().join(name);
        let err = scan_path(&path, &ScanOptions::default(), &mut |_| true).unwrap_err();
        assert!(matches!(err, DataError::Io { .. }), "{err:?}");
        assert!(err.to_string().starts_with(&format!("cannot read {}: ", path.display())), "{err}");
        assert_eq!(studio_data::regular_file_size(&path).unwrap_err(), err);
    }
}

/// CSV rows without end: `1,2\n` for ever, or one field that never ends. Counts what was read.
struct Endless {
    pattern: &'static [u8],
    given: u64,
}

impl Read for Endless {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        for (i, b) in buf.iter_mut().enumerate() {
            *b = self.pattern[(self.given as usize + i) % self.pattern.len()];
        }
        self.given += buf.len() as u64;
        Ok(buf.len())
    }
}

/// Before, a read could not be stopped: these two never ended. The callback now says whether
/// to go on; asked to stop at its first call, the read stops within 4,096 rows or 1 MiB
/// (plus the buffers read ahead).
#[test]
fn a_csv_read_stops_when_asked() {
    for (pattern, limit) in [(&b"1,2\n"[..], 1 << 20), (&b"x"[..], 4 << 20)] {
        let mut source = Endless { pattern, given: 0 };
        let mut calls = 0;
        let err = scan_csv(&mut source, &ScanOptions::default(), None, &mut |_| {
            calls += 1;
            false
        })
        .unwrap_err();
        assert_eq!(err, DataError::Cancelled);
        assert_eq!(err.to_string(), "the read was cancelled");
        assert_eq!(calls, 1);
        assert!(source.given < limit, "read {} bytes of {:?} before stopping", source.given, pattern);
    }
}

/// Stopping after a few calls, on a file: the fractions reported before are the bytes read.
#[test]
fn a_file_read_stops_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rows.csv");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    for i in 0..200_000 {
        writeln!(file, "{i},{}", i % 7).unwrap();
    }
    drop(file);
    let mut seen = Vec::new();
    let err = scan_path(&path, &ScanOptions::default(), &mut |f| {
        seen.push(f);
        seen.len() < 3
    })
    .unwrap_err();
    assert_eq!(err, DataError::Cancelled);
    assert_eq!(seen.len(), 3);
    assert!(seen.windows(2).all(|w| w[0] <= w[1]) && seen[2] > 0.0 && seen[2] < 0.5, "{seen:?}");

    let records: Vec<String> = (0..20_000).map(|i| format!("{{\"n\": {i}}}")).collect();
    let json = write(dir.path(), "rows.json", format!("[{}]", records.join(",")).as_bytes());
    for stop_at in [1, 2, 3] {
        let mut calls = 0;
        let err = scan_path(&json, &ScanOptions::default(), &mut |_| {
            calls += 1;
            calls < stop_at
        });
        assert_eq!(err.unwrap_err(), DataError::Cancelled, "stopping at call {stop_at}");
    }
    let parquet = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/survey.snappy.parquet");
    assert_eq!(scan_path(&parquet, &ScanOptions::default(), &mut |_| false).unwrap_err(), DataError::Cancelled);
}
