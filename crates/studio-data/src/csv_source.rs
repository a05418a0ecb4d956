//! CSV read streaming, in bounded memory: encoding and delimiter detected from the first
//! 64 KiB, a header recognised, column types inferred from the first 1,000 rows, then every row
//! checked, counted and summarised. Malformed rows are reported by line and skipped.

use std::collections::HashMap;
use std::io::{BufReader, Cursor, Read};

use crate::encoding::{self, Encoding, Utf8Reader};
use crate::table::{Cell, ColumnType, Table, infer, unique_names};
use crate::{DataError, Scan, ScanOptions, SourceFormat};

const SAMPLE: usize = 64 * 1024;
const INFER_ROWS: usize = 1_000;
const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// Counts the quote characters read (an odd count means a quote never closed).
struct Counting<R> {
    inner: R,
    quotes: u64,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.quotes += buf[..n].iter().filter(|&&b| b == b'"').count() as u64;
        Ok(n)
    }
}

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

fn read_record<R: Read>(csv: &mut csv::Reader<R>, record: &mut csv::StringRecord) -> Result<bool, DataError> {
    csv.read_record(record).map_err(|e| match e.kind() {
        csv::ErrorKind::Io(_) => DataError::Io(e.to_string()),
        _ => DataError::Malformed(e.to_string()),
    })
}

pub(crate) fn scan_csv(
    reader: impl Read,
    options: &ScanOptions,
    total_bytes: Option<u64>,
    progress: &mut dyn FnMut(f64),
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
    let counting = Counting { inner: Cursor::new(sample).chain(reader), quotes: 0 };
    let mut csv = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(Utf8Reader::new(counting, encoding));

    // Rows kept aside to decide the header and the column types.
    let mut head: Vec<(u64, Vec<String>)> = Vec::new();
    let mut record = csv::StringRecord::new();
    // Where the last record started, if a field of it spans lines (an unclosed quote does).
    let mut last_multiline: Option<u64> = None;
    while head.len() <= INFER_ROWS && read_record(&mut csv, &mut record)? {
        let line = record.position().map_or(0, |p| p.line());
        last_multiline = record.iter().any(|f| f.contains('\n')).then_some(line);
        if record.len() == 1 && record[0].trim().is_empty() {
            continue;
        }
        head.push((line, record.iter().map(str::to_string).collect()));
    }
    if head.is_empty() {
        return Err(DataError::Empty);
    }
    let has_header = options.has_header.unwrap_or_else(|| looks_like_header(&head[0].1));
    let width = head[0].1.len();
    let names = if has_header {
        unique_names(head.remove(0).1)
    } else {
        unique_names((1..=width).map(|i| format!("column_{i}")).collect())
    };
    let parsed: Vec<(u64, Vec<Cell>)> =
        head.into_iter().map(|(line, fields)| (line, fields.iter().map(|f| Cell::parse(f)).collect())).collect();
    let types: Vec<ColumnType> = names
        .iter()
        .enumerate()
        .map(|(i, name)| match options.column_types.get(name) {
            Some(ty) => *ty,
            None => {
                infer(&parsed.iter().filter(|(_, cells)| cells.len() == width).map(|(_, c)| &c[i]).collect::<Vec<_>>())
            }
        })
        .collect();
    let mut table = Table::new(names, types, options.preview_rows);
    for (line, cells) in parsed {
        table.push(line, cells);
    }
    let mut since_progress = 0u32;
    while read_record(&mut csv, &mut record)? {
        let line = record.position().map_or(0, |p| p.line());
        last_multiline = record.iter().any(|f| f.contains('\n')).then_some(line);
        if record.len() == 1 && record[0].trim().is_empty() {
            continue;
        }
        table.push(line, record.iter().map(Cell::parse).collect());
        since_progress += 1;
        if since_progress == 65_536 {
            since_progress = 0;
            if let Some(total) = total_bytes.filter(|t| *t > 0) {
                progress(csv.position().byte() as f64 / total as f64);
            }
        }
    }
    // An odd number of quotes and a last record running over lines to the end: a quote that
    // opened and never closed swallowed the rest of the file.
    if let (1, Some(line)) = (csv.get_ref().inner().quotes % 2, last_multiline) {
        return Err(DataError::UnterminatedQuote { line });
    }
    progress(1.0);
    let format = SourceFormat::Csv { encoding, delimiter: char::from(delimiter).to_string(), has_header };
    Scan::from_table(format, table, options.max_bad_share)
}
