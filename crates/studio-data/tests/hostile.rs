//! Hostile input (the issue "Hardening: hostile input"): every case ends in a clear error or a
//! correct result — never a panic, a hang or memory out of proportion to the file. Each test
//! says what the code before the fix did with the same input.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use studio_data::{DataError, ScanOptions, scan_csv, scan_path};

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// 20,000 columns all named `a` (and a row under them): the names were made unique in
/// quadratic time (13 s per read in a release build, minutes in a debug one).
#[test]
fn a_header_of_repeated_names_is_read() {
    let mut text = vec!["a"; 20_000].join(",");
    text.push('\n');
    text.push_str(&vec!["x"; 20_000].join(","));
    text.push('\n');
    let options = ScanOptions { has_header: Some(true), ..ScanOptions::default() };
    let scan = scan_csv(text.as_bytes(), &options, None, &mut |_| true).unwrap();
    assert_eq!((scan.rows, scan.columns.len()), (1, 20_000));
    assert_eq!(scan.columns[19_999].name, "a_20000");
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
