//! Hostile input (the issue "Hardening: hostile input"): every case ends in a clear error or a
//! correct result — never a panic, a hang or memory out of proportion to the file. Each test
//! says what the code before the fix did with the same input.

use studio_data::{ScanOptions, scan_csv};

/// 20,000 columns all named `a` (and a row under them): the names were made unique in
/// quadratic time (13 s per read in a release build, minutes in a debug one).
#[test]
fn a_header_of_repeated_names_is_read() {
    let mut text = vec!["a"; 20_000].join(",");
    text.push('\n');
    text.push_str(&vec!["x"; 20_000].join(","));
    text.push('\n');
    let options = ScanOptions { has_header: Some(true), ..ScanOptions::default() };
    let scan = scan_csv(text.as_bytes(), &options, None, &mut |_| {}).unwrap();
    assert_eq!((scan.rows, scan.columns.len()), (1, 20_000));
    assert_eq!(scan.columns[19_999].name, "a_20000");
}
