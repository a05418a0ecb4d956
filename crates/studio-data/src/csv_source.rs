//! CSV read streaming, in bounded memory: encoding and delimiter detected from the first
//! 64 KiB (a file that starts as UTF-8 may still turn out Latin-1), a header recognised,
//! column types inferred from the first 1,000 rows, then every row checked, counted and
//! summarised. Malformed rows are reported by line and skipped. The first row's width is
//! checked before anything is built for its columns (at most [`MAX_COLUMNS`]), and rows of
//! another width are reported without their fields being parsed. The caller is asked whether
//! to go on every [`CHECK_ROWS`] rows and every [`CHECK_BYTES`] read, so a stop is heard even
//! inside one enormous field.

use std::collections::HashMap;
use std::io::{BufReader, Cursor, Read};

use crate::encoding::{self, Encoding, Utf8Reader};
use crate::table::{Cell, ColumnType, MAX_COLUMNS, RowUnit, Table, TypeVotes, unique_names};
use crate::{DataError, Scan, ScanOptions, SourceFormat};

const SAMPLE: usize = 64 * 1024;
const INFER_ROWS: usize = 1_000;
const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];
/// The caller is asked whether to go on every this many rows (a few milliseconds of work even
/// for wide rows in a debug build)…
const CHECK_ROWS: u64 = 4_096;
/// …and every this many bytes, so a stop takes effect within ~100 ms on a disk reading 10 MB/s,
/// or inside a single record of many megabytes (the csv crate reads a whole record at once).
const CHECK_BYTES: u64 = 1 << 20;

/// Sees every byte read: counts the quote characters (an odd count means a quote never closed)
/// and the bytes, which give the progress, and asks the caller whether to go on.
struct Watched<'p, R> {
    inner: R,
    quotes: u64,
    bytes: u64,
    next_check: u64,
    total_bytes: Option<u64>,
    progress: &'p mut dyn FnMut(f64) -> bool,
    stopped: bool,
}

impl<R> Watched<'_, R> {
    /// Reports the share of the bytes read (0 while the size is unknown) and returns whether
    /// the caller wants the read to go on.
    fn go_on(&mut self) -> bool {
        self.next_check = self.bytes + CHECK_BYTES;
        let fraction = match self.total_bytes {
            Some(total) if total > 0 => (self.bytes as f64 / total as f64).min(1.0),
            _ => 0.0,
        };
        self.stopped = self.stopped || !(self.progress)(fraction);
        !self.stopped
    }
}

impl<R: Read> Read for Watched<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.stopped || (self.bytes >= self.next_check && !self.go_on()) {
            // Seen by `read_record` as `DataError::Cancelled`.
            return Err(std::io::Error::other("the read was cancelled"));
        }
        let n = self.inner.read(buf)?;
        self.bytes += n as u64;
        self.quotes += buf[..n].iter().filter(|&&b| b == b'"').count() as u64;
        Ok(n)
    }
}

type CsvReader<'p, R> = csv::Reader<Utf8Reader<Watched<'p, R>>>;

/// The delimiter that splits the first lines into the same number (> 0) of fields most often.
fn sniff_delimiter(sample: &str) -> u8 {
    let lines: Vec<&str> = sample.lines().filter(|l| !l.trim().is_empty()).take(20).collect();
    let mut best = (0usize, 0usize, b',');
    for d in DELIMITERS {
        let counts: Vec<usize> = lines.iter().map(|l| l.bytes().filter(|&b| b == d).count()).collect();
        let mut freq: HashMap<usize, usize> = HashMap::new();
        for &c in counts.iter().filter(|&&c| c > 0) {
            *freq.entry(c).or_default() += 1;
        }
        if let Some((&fields, &lines_agreeing)) = freq.iter().max_by_key(|(f, n)| (**n, **f))
            && (lines_agreeing, fields) > (best.0, best.1)
        {
            best = (lines_agreeing, fields, d);
        }
    }
    best.2
}

/// A first row of distinct, non-empty, non-numeric values is a header.
fn looks_like_header(first: &[String]) -> bool {
    let cells: Vec<Cell> = first.iter().map(|s| Cell::parse(s)).collect();
    let distinct: std::collections::HashSet<&str> = first.iter().map(|s| s.trim()).collect();
    !first.is_empty()
        && distinct.len() == first.len()
        && cells.iter().all(|c| matches!(c, Cell::Text(_) | Cell::Bool(_)))
}

/// A row kept aside while the column types are decided.
enum Head {
    Row(csv::StringRecord),
    /// A row of another width than the first: a bad row, of this many fields.
    Width(usize),
}

/// The line where a record starts.
fn line_of(record: &csv::StringRecord) -> u64 {
    record.position().map_or(0, |p| p.line())
}

/// An empty line (one empty or blank field), skipped.
fn blank(record: &csv::StringRecord) -> bool {
    record.len() == 1 && record.get(0).is_some_and(|f| f.trim().is_empty())
}

/// The record's line if a field of it spans lines (an unclosed quote does).
fn spans_lines(record: &csv::StringRecord) -> Option<u64> {
    record.iter().any(|f| f.contains('\n')).then(|| line_of(record))
}

/// The next record, if any; every [`CHECK_ROWS`] rows, the caller is asked whether to go on.
fn read_record<R: Read>(
    csv: &mut CsvReader<'_, R>,
    record: &mut csv::StringRecord,
    count: &mut u64,
) -> Result<bool, DataError> {
    *count += 1;
    if count.is_multiple_of(CHECK_ROWS) && !csv.get_mut().inner_mut().go_on() {
        return Err(DataError::Cancelled);
    }
    csv.read_record(record).map_err(|e| match e.kind() {
        csv::ErrorKind::Io(_) if csv.get_ref().inner().stopped => DataError::Cancelled,
        csv::ErrorKind::Io(_) => DataError::Io { path: None, reason: e.to_string() },
        _ => DataError::Malformed(e.to_string()),
    })
}

pub(crate) fn scan_csv(
    reader: impl Read,
    options: &ScanOptions,
    total_bytes: Option<u64>,
    progress: &mut dyn FnMut(f64) -> bool,
) -> Result<Scan, DataError> {
    let mut reader = BufReader::with_capacity(256 * 1024, reader);
    let mut sample = Vec::with_capacity(SAMPLE);
    (&mut reader).take(SAMPLE as u64).read_to_end(&mut sample)?;
    if sample.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(DataError::Empty);
    }
    let encoding = match options.encoding {
        Some(e) => e,
        None => encoding::detect(&sample).ok_or(DataError::NotText)?,
    };
    let text: String = match encoding {
        Encoding::Latin1 => sample.iter().map(|&b| char::from(b)).collect(),
        _ => String::from_utf8_lossy(&sample).into_owned(),
    };
    let delimiter = options.delimiter.unwrap_or_else(|| sniff_delimiter(&text));
    let watched = Watched {
        inner: Cursor::new(sample).chain(reader),
        quotes: 0,
        bytes: 0,
        next_check: CHECK_BYTES,
        total_bytes,
        progress,
        stopped: false,
    };
    let decoder = match (options.encoding, encoding) {
        // Detected from the first 64 KiB only: a later byte may still be Latin-1. (A BOM is the
        // writer saying UTF-8: kept strict.)
        (None, Encoding::Utf8) => Utf8Reader::utf8_or_latin1(watched),
        _ => Utf8Reader::new(watched, encoding),
    };
    let mut csv = csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(decoder);
    let mut records = 0u64;
    let mut record = csv::StringRecord::new();
    // Where the last record started, if a field of it spans lines (an unclosed quote does).
    let mut last_multiline: Option<u64>;

    // The first row, header or data, sets the width; it is looked at before anything is built
    // for its columns (a line of 50 MB of commas is 50 million of them).
    loop {
        if !read_record(&mut csv, &mut record, &mut records)? {
            return Err(DataError::Empty);
        }
        last_multiline = spans_lines(&record);
        if !blank(&record) {
            break;
        }
    }
    let width = record.len();
    if width > MAX_COLUMNS {
        return Err(DataError::TooManyColumns { limit: MAX_COLUMNS, found: width as u64 });
    }
    let first: Vec<String> = record.iter().map(str::to_string).collect();
    let has_header = options.has_header.unwrap_or_else(|| looks_like_header(&first));
    let first_line = line_of(&record);

    // Rows kept aside until the column types are known, compact as read, their votes counted
    // as they come (a row of another width is a bad row: only its width is kept).
    let mut head: Vec<(u64, Head)> = Vec::new();
    let mut votes = vec![TypeVotes::default(); width];
    let mut keep = |line: u64, record: &csv::StringRecord, head: &mut Vec<(u64, Head)>| {
        if record.len() != width {
            return head.push((line, Head::Width(record.len())));
        }
        for (votes, field) in votes.iter_mut().zip(record) {
            votes.add(&Cell::parse(field));
        }
        head.push((line, Head::Row(record.iter().collect())));
    };
    let names = if has_header {
        unique_names(first)
    } else {
        keep(first_line, &record, &mut head);
        unique_names((1..=width).map(|i| format!("column_{i}")).collect())
    };
    // The first 1,000 rows after a header, 1,001 without: as many rows read as before the
    // first row was looked at alone.
    while head.len() < INFER_ROWS + usize::from(!has_header) && read_record(&mut csv, &mut record, &mut records)? {
        last_multiline = spans_lines(&record);
        if !blank(&record) {
            keep(line_of(&record), &record, &mut head);
        }
    }
    let types: Vec<ColumnType> = names
        .iter()
        .zip(&votes)
        .map(|(name, votes)| options.column_types.get(name).copied().unwrap_or_else(|| votes.decide()))
        .collect();
    let mut table = Table::new(names, types, RowUnit::Line, options.preview_rows);
    for (line, row) in head {
        match row {
            Head::Row(fields) => table.push(line, fields.iter().map(Cell::parse).collect()),
            Head::Width(found) => table.bad_width(line, found),
        }
    }
    while read_record(&mut csv, &mut record, &mut records)? {
        last_multiline = spans_lines(&record);
        if blank(&record) {
            continue;
        }
        // A row of another width is not parsed: it may be millions of fields.
        match record.len() {
            n if n == width => table.push(line_of(&record), record.iter().map(Cell::parse).collect()),
            n => table.bad_width(line_of(&record), n),
        }
    }
    // An odd number of quotes and a last record running over lines to the end: a quote that
    // opened and never closed swallowed the rest of the file.
    let encoding = if csv.get_ref().read_latin1() { Encoding::Latin1 } else { encoding };
    let watched = csv.get_mut().inner_mut();
    if let (1, Some(line)) = (watched.quotes % 2, last_multiline) {
        return Err(DataError::UnterminatedQuote { line });
    }
    if !(watched.progress)(1.0) {
        return Err(DataError::Cancelled);
    }
    let format = SourceFormat::Csv { encoding, delimiter: char::from(delimiter).to_string(), has_header };
    Scan::from_table(format, table, options.max_bad_share)
}
