//! Data sources: CSV (delimiter, header and encoding detected — UTF-8, UTF-8 with BOM,
//! Latin-1) read streaming in bounded memory, and JSON (an array of records, with at most
//! 1,000 distinct keys, or an object of columns) in memory. Each read gives the schema with
//! statistics per column, the row count, a preview, and the malformed rows (the first 100),
//! which are skipped; a source fails only past a configurable share of bad rows. Parquet files
//! are read with their own schema.
//!
//! A bad row is placed by a number whose unit depends on the format: the line of the file
//! where it starts for CSV, the record's place for a JSON array of records, the row's place
//! for JSON columns and Parquet. The number stays in the field `line` (what the UI has always
//! read) and `unit` says what it counts (`"line"`, `"record"`, `"row"`), so scans serialized
//! before keep their meaning and messages say "record 12", not "line 12".
//!
//! Only regular files are read, looked at before they are opened; a read can be stopped from
//! its progress callback; a source has at most [`MAX_COLUMNS`] columns. Whatever the input, a
//! read ends in a scan or a [`DataError`], in time and memory in proportion to the file (but
//! for a corrupt Parquet file asking the parquet crate for more memory than there is: see
//! `parquet_source`).
//!
//! Reads files and returns values; knows nothing of projects or the store.

// Files come from users: a panic on one is a bug.
#![cfg_attr(not(test), warn(clippy::unwrap_used, clippy::expect_used))]

mod csv_source;
mod encoding;
mod files;
mod json_source;
mod parquet_sink;
mod parquet_source;
mod table;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub use encoding::{Encoding, detect as detect_encoding};
pub use files::{FileKind, regular_file_size};
pub use parquet_sink::{ParquetColumn, write_parquet};
pub use table::{
    BAD_ROWS_KEPT, BadRow, Cell, ColumnStats, ColumnType, DISTINCT_CAP, MAX_COLUMNS, MAX_NAME_CHARS, MAX_PREVIEW_CELLS,
    RowUnit,
};

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DataError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is not text (it holds binary data): expected CSV or JSON")]
    NotText,
    #[error("a quoted field opened on line {line} is never closed")]
    UnterminatedQuote { line: u64 },
    #[error("the CSV is malformed: {0}")]
    Malformed(String),
    #[error("the JSON is malformed: {0}")]
    Json(String),
    /// JSON records naming more keys than a table is read with: more likely an object keyed
    /// by ids than a list of records.
    #[error(
        "the JSON records have more than {limit} distinct keys ('{key}', first in record {record}, is one too many): \
         is it an object keyed by ids rather than a list of records?"
    )]
    TooManyKeys { limit: usize, key: String, record: u64 },
    /// More columns than [`MAX_COLUMNS`].
    #[error("the file has {found} columns, more than the {limit} a source may have")]
    TooManyColumns { limit: usize, found: u64 },
    #[error("{bad} of {total} rows are malformed ({:.0}%, more than the {:.0}% allowed); first: {}", share * 100.0, allowed * 100.0, first.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    TooManyBadRows { bad: u64, total: u64, share: f64, allowed: f64, first: Vec<BadRow> },
    #[error("'{0}' is not a CSV, JSON or Parquet file (by its extension: .csv, .tsv, .txt, .json, .parquet)")]
    UnknownFormat(String),
    #[error("the Parquet file is unreadable: {0}")]
    Parquet(String),
    /// The file could not be read: named when the path is known.
    #[error("cannot read {}: {reason}", path.as_ref().map_or_else(|| "the file".to_string(), |p| p.display().to_string()))]
    Io { path: Option<PathBuf>, reason: String },
    /// The path is not a regular file (a directory, a device, a named pipe…): reading it could
    /// block for ever (a FIFO) or never end (/dev/zero).
    #[error("{} is {kind}, not a regular file", path.display())]
    NotAFile { path: PathBuf, kind: FileKind },
    /// The progress callback asked the read to stop.
    #[error("the read was cancelled")]
    Cancelled,
}

impl From<std::io::Error> for DataError {
    fn from(e: std::io::Error) -> Self {
        DataError::Io { path: None, reason: e.to_string() }
    }
}

impl DataError {
    pub(crate) fn io(path: &Path, e: std::io::Error) -> DataError {
        DataError::Io { path: Some(path.to_path_buf()), reason: e.to_string() }
    }

    /// The error, naming `path` if it is a read error that does not yet.
    fn at(self, path: &Path) -> DataError {
        match self {
            DataError::Io { path: None, reason } => DataError::Io { path: Some(path.to_path_buf()), reason },
            other => other,
        }
    }
}

/// How a source is read; everything left `None` is detected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ScanOptions {
    pub delimiter: Option<u8>,
    pub has_header: Option<bool>,
    pub encoding: Option<Encoding>,
    /// Types given by the analyst; other columns are inferred.
    pub column_types: HashMap<String, ColumnType>,
    /// The source fails when more than this share of its rows is malformed.
    pub max_bad_share: f64,
    pub preview_rows: usize,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            delimiter: None,
            has_header: None,
            encoding: None,
            column_types: HashMap::new(),
            max_bad_share: 0.05,
            preview_rows: 20,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JsonShape {
    Records,
    Columns,
}

/// What was detected about the file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "format", rename_all = "snake_case")]
pub enum SourceFormat {
    Csv { encoding: Encoding, delimiter: String, has_header: bool },
    Json { shape: JsonShape },
    Parquet { row_groups: u64 },
}

/// A source read through: its schema and statistics, a preview, and the rows skipped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scan {
    #[serde(flatten)]
    pub format: SourceFormat,
    /// Rows kept (malformed ones are not counted here).
    pub rows: u64,
    pub columns: Vec<ColumnStats>,
    pub preview: Vec<Map<String, Value>>,
    /// The first [`BAD_ROWS_KEPT`] malformed rows, by line for CSV, by record or row for JSON
    /// and Parquet ([`BadRow::unit`]).
    pub bad_rows: Vec<BadRow>,
    pub bad_row_count: u64,
}

impl Scan {
    fn from_table(format: SourceFormat, mut table: table::Table, allowed: f64) -> Result<Scan, DataError> {
        // A share outside [0, 1] (or NaN) from a caller would fail a perfect file, or none.
        let allowed = if allowed.is_nan() { 0.0 } else { allowed.clamp(0.0, 1.0) };
        let total = table.rows + table.bad_count;
        let share = if total == 0 { 0.0 } else { table.bad_count as f64 / total as f64 };
        if share > allowed {
            return Err(DataError::TooManyBadRows {
                bad: table.bad_count,
                total,
                share,
                allowed,
                first: table.bad_rows.iter().take(5).cloned().collect(),
            });
        }
        let (rows, bad_row_count) = (table.rows, table.bad_count);
        let bad_rows = std::mem::take(&mut table.bad_rows);
        let preview = std::mem::take(&mut table.preview);
        Ok(Scan { format, rows, columns: table.finish(), preview, bad_rows, bad_row_count })
    }
}

/// Reads CSV from any reader.
///
/// `progress` is called every 4,096 rows and every MiB read with the fraction of
/// `total_bytes` read so far (0 when `total_bytes` is `None`), and with 1.0 at the end; it
/// returns `true` to go on, `false` to stop the read, which then fails with
/// [`DataError::Cancelled`].
pub fn scan_csv(
    reader: impl std::io::Read,
    options: &ScanOptions,
    total_bytes: Option<u64>,
    progress: &mut dyn FnMut(f64) -> bool,
) -> Result<Scan, DataError> {
    csv_source::scan_csv(reader, options, total_bytes, progress)
}

/// Reads JSON held in memory.
pub fn scan_json(bytes: &[u8], options: &ScanOptions) -> Result<Scan, DataError> {
    json_source::scan_json(bytes, options, &mut |_| true)
}

/// Reads a file, by its extension: `.csv`, `.tsv`, `.txt` as CSV, `.json` as JSON, `.parquet`
/// as Parquet. Anything but a regular file (a link to one is followed) is refused before it is
/// opened ([`regular_file_size`]); errors name the path.
///
/// `progress` gets the fraction done, often enough that a stop takes effect within about
/// 100 ms, and returns `true` to go on, `false` to stop: the read then fails with
/// [`DataError::Cancelled`].
pub fn scan_path(path: &Path, options: &ScanOptions, progress: &mut dyn FnMut(f64) -> bool) -> Result<Scan, DataError> {
    enum Format {
        Csv,
        Json,
        Parquet,
    }
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or_default().to_ascii_lowercase();
    let format = match ext.as_str() {
        "csv" | "tsv" | "txt" => Format::Csv,
        "json" => Format::Json,
        "parquet" | "pq" => Format::Parquet,
        _ => return Err(DataError::UnknownFormat(path.display().to_string())),
    };
    let (file, size) = files::open_regular(path)?;
    let scanned = match format {
        Format::Csv => scan_csv(file, options, Some(size), progress),
        Format::Json => {
            // JSON is parsed from memory: reading the file is the first tenth of the progress
            // (parsing is slower than reading).
            files::read_stoppable(file, Some(size), &mut |f| progress(f / 10.0))
                .and_then(|bytes| json_source::scan_json(&bytes, options, &mut |f| progress(0.1 + 0.9 * f)))
        }
        Format::Parquet => parquet_source::scan_parquet(file, options, progress),
    };
    scanned.map_err(|e| e.at(path))
}
